package mcpserver

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/server"
)

// HTTPOptions configures the HTTP transports; zero values take the defaults.
type HTTPOptions struct {
	// AllowedOrigins are browser origins (scheme://host[:port]) allowed
	// besides this server's own; only they get CORS headers.
	AllowedOrigins []string
	// Stateless serves streamable HTTP without sessions (for load
	// balancers): every request is one caller, "http".
	Stateless bool
	// SessionIdle ends a session unused this long (DefaultSessionIdle).
	SessionIdle time.Duration
	// MaxSessions caps live sessions (DefaultMaxSessions); past it a new
	// session gets 503.
	MaxSessions int
	// MaxBody caps a request body (MaxMessageBytes); past it 413.
	MaxBody int64
	// BodyTimeout bounds reading a request body (DefaultBodyTimeout); past it 408.
	BodyTimeout time.Duration
}

func (o *HTTPOptions) defaults() {
	if o.MaxBody <= 0 {
		o.MaxBody = MaxMessageBytes
	}
	if o.BodyTimeout <= 0 {
		o.BodyTimeout = DefaultBodyTimeout
	}
}

// HTTPHandler serves streamable HTTP at /mcp, legacy SSE at /sse and /message,
// and /healthz, on one mux, behind a gate that checks Origin, content type,
// body bounds and session ids. Both MCP transports also reject a loopback
// request whose Host is not loopback (DNS-rebinding protection, on by
// default in mcp-go).
type HTTPHandler struct {
	opts       HTTPOptions
	origins    *origins
	sessions   *sessions // streamable HTTP's; nil when stateless
	sse        *sessions // legacy SSE's, always: its stream is the session
	mux        *http.ServeMux
	sseServer  *server.SSEServer
	streamable *server.StreamableHTTPServer
}

// Handler builds the HTTP handler for s.
func Handler(s *server.MCPServer, opts HTTPOptions) *HTTPHandler {
	opts.defaults()
	h := &HTTPHandler{
		opts:    opts,
		origins: newOrigins(opts.AllowedOrigins),
		sse:     newSessions(opts.SessionIdle, opts.MaxSessions),
		mux:     http.NewServeMux(),
	}
	stOpts := []server.StreamableHTTPOption{server.WithHTTPContextFunc(func(ctx context.Context, _ *http.Request) context.Context {
		return withSessionCaller(ctx)
	})}
	if opts.Stateless {
		stOpts = append(stOpts, server.WithStateLess(true))
	} else {
		h.sessions = newSessions(opts.SessionIdle, opts.MaxSessions)
		stOpts = append(stOpts, server.WithSessionIdManager(h.sessions),
			// mcp-go keeps per-session state of its own; its sweeper drops
			// it for sessions that ended here (Terminate is then a no-op).
			server.WithSessionIdleTTL(h.sessions.idle))
	}
	h.streamable = server.NewStreamableHTTPServer(s, stOpts...)
	// No base URL: the endpoint event then carries a relative /message
	// URL, which works whether the client came via localhost or 127.0.0.1.
	h.sseServer = server.NewSSEServer(s, server.WithKeepAlive(true),
		server.WithSessionIDGenerator(func(_ context.Context, r *http.Request) (string, error) {
			id := h.sse.Generate()
			if id == "" {
				return "", errors.New("too many sessions")
			}
			if hold, ok := r.Context().Value(sseHoldKey{}).(*sseHold); ok {
				hold.id = id
				h.sse.watch(id, hold.cancel)
			}
			return id, nil
		}),
		server.WithSSEContextFunc(func(ctx context.Context, _ *http.Request) context.Context {
			return withSessionCaller(ctx)
		}))
	h.mux.HandleFunc("/mcp", h.serveStreamable)
	h.mux.HandleFunc("/sse", h.serveSSE)
	h.mux.HandleFunc("/message", h.serveMessage)
	h.mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	return h
}

// ServeHTTP is the gate every request passes: Origin, then the body's type
// and bounds, then the endpoint.
func (h *HTTPHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if rebinding(r) {
		writeStatus(w, http.StatusForbidden, "invalid Host: a loopback server answers only to loopback names")
		return
	}
	ok, allowOrigin := h.origins.check(r)
	if !ok {
		writeStatus(w, http.StatusForbidden, "origin not allowed: a browser page may only call this server from its own origin or one listed with --allowed-origins")
		return
	}
	if r.Method == http.MethodOptions && allowOrigin != "" {
		preflight(w, allowOrigin)
		return
	}
	cw := &corsWriter{ResponseWriter: w, allowOrigin: allowOrigin}
	if r.Method == http.MethodPost {
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
			writeStatus(cw, http.StatusUnsupportedMediaType, "content type must be application/json")
			return
		}
		if r.ContentLength > h.opts.MaxBody {
			writeStatus(cw, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body of %d bytes is over the %d-byte limit: a larger upload goes through local_path", r.ContentLength, h.opts.MaxBody))
			return
		}
		cw.body = bound(w, r, h.opts.MaxBody, h.opts.BodyTimeout)
		defer func() {
			cw.body.mu.Lock()
			cw.body.lift()
			cw.body.mu.Unlock()
		}()
		if e := peekEdge(r); e != nil {
			cw.Header().Set("Content-Type", "application/json")
			cw.WriteHeader(http.StatusBadRequest)
			_, _ = cw.Write(append(e, '\n'))
			return
		}
	}
	h.mux.ServeHTTP(cw, r)
}

// serveStreamable checks the session of a stateful streamable request
// before mcp-go sees it: mcp-go does not check a GET's session id at all.
func (h *HTTPHandler) serveStreamable(w http.ResponseWriter, r *http.Request) {
	if h.sessions == nil {
		h.streamable.ServeHTTP(w, r)
		return
	}
	id := r.Header.Get(server.HeaderKeySessionID)
	switch r.Method {
	case http.MethodPost:
		if id == "" && h.sessions.full() {
			tooManySessions(w)
			return
		}
	case http.MethodDelete:
		// mcp-go terminates a live one through the session manager.
		if _, err := h.sessions.Validate(id); err != nil {
			writeStatus(w, http.StatusNotFound, "unknown or ended session")
			return
		}
	case http.MethodGet:
		if id == "" {
			writeStatus(w, http.StatusBadRequest, "missing Mcp-Session-Id: initialize first")
			return
		}
		ctx, done, ok := h.sessions.stream(r.Context(), id)
		if !ok {
			writeStatus(w, http.StatusNotFound, "unknown or ended session: initialize a new one")
			return
		}
		defer done()
		r = r.WithContext(ctx)
	}
	h.streamable.ServeHTTP(w, r)
}

// serveSSE opens a legacy SSE stream: the stream is the session, ended when
// it closes or when the session idles out.
func (h *HTTPHandler) serveSSE(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && h.sse.full() {
		tooManySessions(w)
		return
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	hold := &sseHold{cancel: cancel}
	h.sseServer.ServeHTTP(w, r.WithContext(context.WithValue(ctx, sseHoldKey{}, hold)))
	if hold.id != "" {
		_, _ = h.sse.Terminate(hold.id)
	}
}

// serveMessage takes a message for an SSE session; an id the server did not
// issue, or whose stream has closed, gets 404.
func (h *HTTPHandler) serveMessage(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		if _, err := h.sse.Validate(r.URL.Query().Get("sessionId")); err != nil {
			writeStatus(w, http.StatusNotFound, "unknown or ended session: open a new SSE stream")
			return
		}
	}
	h.sseServer.ServeHTTP(w, r)
}

// sseHold carries an SSE stream's session id out of mcp-go's id generator,
// and the stream's cancel into the session, which ends the stream when the
// session idles out.
type sseHold struct {
	id     string
	cancel context.CancelFunc
}

type sseHoldKey struct{}

// peekEdge looks at the start of a POST body for what the transport answers
// itself (a batch, an id-null request), leaving the body whole for mcp-go.
func peekEdge(r *http.Request) []byte {
	br := bufio.NewReaderSize(r.Body, 4096)
	prefix, _ := br.Peek(4096)
	r.Body = struct {
		io.Reader
		io.Closer
	}{br, r.Body}
	return edgeError(prefix)
}

func tooManySessions(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "30")
	writeStatus(w, http.StatusServiceUnavailable, "too many live sessions: end one (DELETE) or wait until one idles out")
}

// closeStreams ends open SSE streams and sessions: streams never go idle, so
// without this a graceful shutdown would always wait out its whole grace
// period.
func (h *HTTPHandler) closeStreams() {
	h.sseServer.CloseSessions()
	h.streamable.CloseSessions(context.Background())
	h.sse.close()
	if h.sessions != nil {
		h.sessions.close()
	}
}

// ServeOptions bounds the HTTP server's connections; zero values take the
// defaults.
type ServeOptions struct {
	IdleTimeout time.Duration // keep-alive connection idle (DefaultIdleTimeout)
	MaxConns    int           // open connections (DefaultMaxConns); more wait to be accepted
}

// ServeHTTP listens on addr and serves h until ctx ends, then shuts down
// gracefully, giving in-flight calls up to five seconds. ready, if not nil,
// receives the bound address once the listener is up.
func ServeHTTP(ctx context.Context, addr string, h http.Handler, logger *slog.Logger, opts ServeOptions, ready func(net.Addr)) error {
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	if opts.MaxConns <= 0 {
		opts.MaxConns = DefaultMaxConns
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	ln = limitListener(ln, opts.MaxConns)
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: DefaultReadHeaderTimeout,
		IdleTimeout:       opts.IdleTimeout,
		MaxHeaderBytes:    DefaultMaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if c, ok := h.(interface{ closeStreams() }); ok {
		srv.RegisterOnShutdown(c.closeStreams)
	}
	// Shutdown counts a connection that has not sent a request yet as busy
	// for its first five seconds; a client that opened one and went away
	// (an SSE reconnect aborted on close) would hold every shutdown that
	// long. Such a connection carries no call, so shutdown closes it.
	var fresh sync.Map
	srv.ConnState = func(c net.Conn, st http.ConnState) {
		if st == http.StateNew {
			fresh.Store(c, struct{}{})
		} else {
			fresh.Delete(c)
		}
	}
	srv.RegisterOnShutdown(func() {
		fresh.Range(func(c, _ any) bool {
			_ = c.(net.Conn).Close()
			return true
		})
	})
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// Whatever is still open after the grace period is closed.
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("shut down: %w", err)
	}
	_ = srv.Close()
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
