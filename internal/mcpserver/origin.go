package mcpserver

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// origins decides which browser origins may talk to the server. The MCP
// transport spec requires servers to validate Origin: without it any web
// page the user opens could drive a local server (post tool calls, read the
// SSE stream). A request without Origin is not from a browser page and
// passes; a page served by this very server (loopback host, same port)
// passes; any other origin is refused unless listed with --allowed-origins,
// and only listed origins get Access-Control-Allow-Origin.
type origins struct {
	allowed map[string]bool // normalised "scheme://host[:port]"
}

func newOrigins(list []string) *origins {
	o := &origins{allowed: map[string]bool{}}
	for _, a := range list {
		if a = normalOrigin(a); a != "" {
			o.allowed[a] = true
		}
	}
	return o
}

// normalOrigin lower-cases an origin and drops a trailing slash and a
// scheme's default port, so that configuration and header compare equal.
func normalOrigin(s string) string {
	s = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), "/")
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	host := u.Host
	if (u.Scheme == "http" && u.Port() == "80") || (u.Scheme == "https" && u.Port() == "443") {
		host = u.Hostname()
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
	}
	return u.Scheme + "://" + host
}

// check returns whether r may proceed and, for a listed origin, the value
// of Access-Control-Allow-Origin to send.
func (o *origins) check(r *http.Request) (ok bool, allowOrigin string) {
	raw := r.Header.Get("Origin")
	if raw == "" {
		return true, ""
	}
	norm := normalOrigin(raw)
	if norm != "" && o.allowed[norm] {
		return true, raw
	}
	return sameServer(r, raw), ""
}

// sameServer reports whether origin is this server: http, a loopback host
// and the port the request came in on.
func sameServer(r *http.Request, origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Scheme != "http" || !isLoopbackHost(u.Hostname()) {
		return false
	}
	local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return false
	}
	_, port, err := net.SplitHostPort(local.String())
	if err != nil {
		return false
	}
	want := u.Port()
	if want == "" {
		want = "80"
	}
	return want == port
}

// rebinding reports a request that reached a loopback listener under a
// name that is not loopback: a DNS-rebinding page. mcp-go refuses these
// too, but only after the gate's own answers; checking here first keeps
// them 403 whatever else is wrong with the request.
func rebinding(r *http.Request) bool {
	local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return false
	}
	lhost, _, err := net.SplitHostPort(local.String())
	if err != nil || !isLoopbackHost(lhost) {
		return false
	}
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	return !isLoopbackHost(strings.Trim(host, "[]"))
}

func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// preflight answers a CORS preflight from a listed origin.
func preflight(w http.ResponseWriter, allowOrigin string) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", allowOrigin)
	h.Set("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Content-Type, Accept, Authorization, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID")
	h.Set("Access-Control-Max-Age", "600")
	h.Add("Vary", "Origin")
	w.WriteHeader(http.StatusNoContent)
}

// corsWriter takes mcp-go's CORS headers off every response (its SSE
// handler sends Access-Control-Allow-Origin: * to anyone) and puts back
// ours for a listed origin. It also lets the body bounds replace whatever
// mcp-go answers to a body it could not read with 413 or 408.
type corsWriter struct {
	http.ResponseWriter
	allowOrigin string
	body        *boundedBody // nil for requests without a body
	wrote       bool
	swallow     bool // a bound answered: mcp-go's own answer is dropped
}

func (w *corsWriter) headers() {
	h := w.ResponseWriter.Header()
	for k := range h {
		if strings.HasPrefix(k, "Access-Control-") {
			delete(h, k)
		}
	}
	if w.allowOrigin != "" {
		h.Set("Access-Control-Allow-Origin", w.allowOrigin)
		h.Set("Access-Control-Expose-Headers", "Mcp-Session-Id, Mcp-Protocol-Version")
		h.Add("Vary", "Origin")
	}
}

// WriteHeader implements http.ResponseWriter.
func (w *corsWriter) WriteHeader(code int) {
	if w.wrote {
		if !w.swallow {
			w.ResponseWriter.WriteHeader(code)
		}
		return
	}
	w.wrote = true
	w.headers()
	if w.body != nil {
		if status, msg := w.body.failure(); status != 0 {
			w.swallow = true
			writeStatus(w.ResponseWriter, status, msg)
			giveBack()
			return
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write implements http.ResponseWriter.
func (w *corsWriter) Write(p []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if w.swallow {
		return len(p), nil
	}
	return w.ResponseWriter.Write(p)
}

// Flush keeps streaming working through the wrapper (SSE needs http.Flusher).
func (w *corsWriter) Flush() {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok && !w.swallow {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (w *corsWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// writeStatus answers with a plain-text error; the connection is closed
// after it, as a refused body may still be arriving.
func writeStatus(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	h.Del("Content-Length")
	h.Del("Mcp-Session-Id")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	if status == http.StatusRequestEntityTooLarge || status == http.StatusRequestTimeout {
		h.Set("Connection", "close")
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(msg + "\n"))
}
