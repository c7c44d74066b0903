package mcpserver

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

const initBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"0"}}}`

// gateServer serves the real tool catalog against an emulator with demo
// data, in write mode, behind the HTTP gate.
func gateServer(t *testing.T, opts HTTPOptions) *httptest.Server {
	t.Helper()
	emu, err := emulator.New(emulator.Options{Seed: emulator.DemoSeed()})
	require.NoError(t, err)
	t.Cleanup(func() { _ = emu.Close() })
	es := httptest.NewServer(emu)
	t.Cleanup(es.Close)
	c, err := client.New(client.Config{URL: es.URL, AccessToken: emu.AdminToken()})
	require.NoError(t, err)
	g, err := guard.New(guard.Config{Policy: guard.DefaultPolicy(guard.ModeWrite)})
	require.NoError(t, err)
	s, _ := New(&tools.Deps{Client: c, Guard: g})
	h := Handler(s, opts)
	ts := httptest.NewServer(h)
	t.Cleanup(func() { ts.Close(); h.closeStreams() })
	return ts
}

func do(t *testing.T, method, url string, body string, hdr map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// rawSession initializes a streamable session by hand and returns its id.
func rawSession(t *testing.T, ts *httptest.Server) string {
	t.Helper()
	resp := do(t, "POST", ts.URL+"/mcp", initBody, map[string]string{"Content-Type": "application/json", "Accept": "application/json, text/event-stream"})
	require.Equal(t, 200, resp.StatusCode)
	id := resp.Header.Get("Mcp-Session-Id")
	require.NotEmpty(t, id)
	return id
}

func sessionHeaders(id string) map[string]string {
	return map[string]string{"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
		"Mcp-Session-Id": id, "Mcp-Protocol-Version": "2025-11-25"}
}

// A page on another origin cannot open an SSE stream, post a message or call
// a tool; nothing it gets carries a CORS grant.
func TestForeignOriginIsRefused(t *testing.T) {
	ts := gateServer(t, HTTPOptions{})
	foreign := map[string]string{"Origin": "https://evil.example", "Content-Type": "application/json"}
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/sse", ""},
		{"POST", "/message?sessionId=x", `{"jsonrpc":"2.0","id":1,"method":"ping"}`},
		{"POST", "/mcp", initBody},
		{"GET", "/mcp", ""},
		{"DELETE", "/mcp", ""},
		{"OPTIONS", "/mcp", ""},
	} {
		resp := do(t, c.method, ts.URL+c.path, c.body, foreign)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, c.method+" "+c.path)
		assert.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"), c.method+" "+c.path)
	}
	// Another port on loopback is another origin too (another local app).
	resp := do(t, "POST", ts.URL+"/mcp", initBody, map[string]string{"Origin": "http://localhost:1", "Content-Type": "application/json"})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
}

func TestOwnOriginPassesWithoutCORS(t *testing.T) {
	ts := gateServer(t, HTTPOptions{})
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(ts.URL, "http://"))
	for _, o := range []string{"http://localhost:" + port, "http://127.0.0.1:" + port, ""} {
		resp := do(t, "POST", ts.URL+"/mcp", initBody, map[string]string{"Origin": o, "Content-Type": "application/json", "Accept": "application/json, text/event-stream"})
		assert.Equal(t, 200, resp.StatusCode, o)
		assert.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"), o)
	}
	// mcp-go's SSE handler grants every origin "*"; the gate takes it off.
	req, _ := http.NewRequest("GET", ts.URL+"/sse", nil)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"))
}

func TestAllowedOriginGetsCORS(t *testing.T) {
	ts := gateServer(t, HTTPOptions{AllowedOrigins: []string{"https://app.example/"}})
	resp := do(t, "OPTIONS", ts.URL+"/mcp", "", map[string]string{"Origin": "https://app.example", "Access-Control-Request-Method": "POST"})
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Equal(t, "https://app.example", resp.Header.Get("Access-Control-Allow-Origin"))
	resp = do(t, "POST", ts.URL+"/mcp", initBody, map[string]string{"Origin": "https://app.example", "Content-Type": "application/json", "Accept": "application/json, text/event-stream"})
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "https://app.example", resp.Header.Get("Access-Control-Allow-Origin"))
	assert.Contains(t, resp.Header.Get("Access-Control-Expose-Headers"), "Mcp-Session-Id")
}

// text/plain is what a page can post without a preflight.
func TestOnlyJSONBodies(t *testing.T) {
	ts := gateServer(t, HTTPOptions{})
	for _, path := range []string{"/mcp", "/message?sessionId=x"} {
		resp := do(t, "POST", ts.URL+path, initBody, map[string]string{"Content-Type": "text/plain"})
		assert.Equal(t, http.StatusUnsupportedMediaType, resp.StatusCode, path)
	}
}

func TestStreamableSessions(t *testing.T) {
	ping := `{"jsonrpc":"2.0","id":2,"method":"ping"}`
	t.Run("made-up id", func(t *testing.T) {
		ts := gateServer(t, HTTPOptions{})
		madeUp := "mcp-session-0d5b7f8e-8f1c-4a55-9c51-7a0d9b8f1c2e"
		assert.Equal(t, 404, do(t, "POST", ts.URL+"/mcp", ping, sessionHeaders(madeUp)).StatusCode)
		assert.Equal(t, 404, do(t, "GET", ts.URL+"/mcp", "", sessionHeaders(madeUp)).StatusCode)
		assert.Equal(t, 404, do(t, "DELETE", ts.URL+"/mcp", "", sessionHeaders(madeUp)).StatusCode)
		assert.Equal(t, 400, do(t, "GET", ts.URL+"/mcp", "", sessionHeaders("")).StatusCode)
	})
	t.Run("delete ends it", func(t *testing.T) {
		ts := gateServer(t, HTTPOptions{})
		id := rawSession(t, ts)
		assert.Equal(t, 200, do(t, "POST", ts.URL+"/mcp", ping, sessionHeaders(id)).StatusCode)
		assert.Equal(t, 200, do(t, "DELETE", ts.URL+"/mcp", "", sessionHeaders(id)).StatusCode)
		assert.Equal(t, 404, do(t, "POST", ts.URL+"/mcp", ping, sessionHeaders(id)).StatusCode)
		assert.Equal(t, 404, do(t, "GET", ts.URL+"/mcp", "", sessionHeaders(id)).StatusCode)
	})
	t.Run("delete closes its stream", func(t *testing.T) {
		ts := gateServer(t, HTTPOptions{})
		id := rawSession(t, ts)
		stream := do(t, "GET", ts.URL+"/mcp", "", sessionHeaders(id))
		require.Equal(t, 200, stream.StatusCode)
		assert.Equal(t, 200, do(t, "DELETE", ts.URL+"/mcp", "", sessionHeaders(id)).StatusCode)
		ended := make(chan error, 1)
		go func() { _, err := io.Copy(io.Discard, stream.Body); ended <- err }()
		select {
		case <-ended:
		case <-time.After(5 * time.Second):
			t.Fatal("the GET stream outlived its session")
		}
	})
	t.Run("idle expiry", func(t *testing.T) {
		ts := gateServer(t, HTTPOptions{SessionIdle: 200 * time.Millisecond})
		id := rawSession(t, ts)
		time.Sleep(500 * time.Millisecond)
		assert.Equal(t, 404, do(t, "POST", ts.URL+"/mcp", ping, sessionHeaders(id)).StatusCode)
	})
	t.Run("cap", func(t *testing.T) {
		ts := gateServer(t, HTTPOptions{MaxSessions: 2})
		a := rawSession(t, ts)
		rawSession(t, ts)
		resp := do(t, "POST", ts.URL+"/mcp", initBody, sessionHeaders(""))
		assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
		assert.NotEmpty(t, resp.Header.Get("Retry-After"))
		require.Equal(t, 200, do(t, "DELETE", ts.URL+"/mcp", "", sessionHeaders(a)).StatusCode)
		rawSession(t, ts)
	})
	t.Run("stateless", func(t *testing.T) {
		ts := gateServer(t, HTTPOptions{Stateless: true})
		resp := do(t, "POST", ts.URL+"/mcp", initBody, sessionHeaders(""))
		assert.Equal(t, 200, resp.StatusCode)
		assert.Empty(t, resp.Header.Get("Mcp-Session-Id"))
		assert.Equal(t, 200, do(t, "POST", ts.URL+"/mcp", ping, sessionHeaders("")).StatusCode)
	})
}

func TestSSESessions(t *testing.T) {
	ts := gateServer(t, HTTPOptions{})
	resp := do(t, "POST", ts.URL+"/message?sessionId=mcp-session-madeup", `{"jsonrpc":"2.0","id":1,"method":"ping"}`, map[string]string{"Content-Type": "application/json"})
	assert.Equal(t, 404, resp.StatusCode)

	ctx, cancel := context.WithCancel(t.Context())
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/sse", nil)
	stream, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	r := bufio.NewReader(stream.Body)
	var endpoint string
	for endpoint == "" {
		line, err := r.ReadString('\n')
		require.NoError(t, err)
		if e, ok := strings.CutPrefix(strings.TrimSpace(line), "data: "); ok {
			endpoint = e
		}
	}
	msg := func() int {
		return do(t, "POST", ts.URL+endpoint, `{"jsonrpc":"2.0","id":1,"method":"ping"}`, map[string]string{"Content-Type": "application/json"}).StatusCode
	}
	assert.Equal(t, http.StatusAccepted, msg())
	cancel()
	stream.Body.Close()
	assert.Eventually(t, func() bool { return msg() == 404 }, 5*time.Second, 20*time.Millisecond, "a closed stream's session is gone")
}

// An SSE stream whose session sees no message for the idle time is closed.
func TestSSEIdleStreamEnds(t *testing.T) {
	ts := gateServer(t, HTTPOptions{SessionIdle: 200 * time.Millisecond})
	req, _ := http.NewRequestWithContext(t.Context(), "GET", ts.URL+"/sse", nil)
	stream, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer stream.Body.Close()
	ended := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, stream.Body); close(ended) }()
	select {
	case <-ended:
	case <-time.After(5 * time.Second):
		t.Fatal("an idle SSE session's stream stayed open")
	}
}

// Until callers authenticate, a confirmation token is good only in the
// session it was issued to.
func TestConfirmationTokenStaysInItsSession(t *testing.T) {
	ts := gateServer(t, HTTPOptions{})
	connect := func() *mcpclient.Client {
		mc, err := mcpclient.NewStreamableHttpClient(ts.URL + "/mcp")
		require.NoError(t, err)
		t.Cleanup(func() { mc.Close() })
		initialize(t, mc)
		return mc
	}
	a, b := connect(), connect()
	args := map[string]any{"repo": "generic-local", "path": "docs/README.txt"}
	call := func(c *mcpclient.Client, args map[string]any) map[string]any {
		res, err := c.CallTool(t.Context(), mcp.CallToolRequest{Params: mcp.CallToolParams{Name: "delete_artifact", Arguments: args}})
		require.NoError(t, err)
		var out map[string]any
		if res.IsError {
			require.NoError(t, json.Unmarshal([]byte(res.Content[0].(mcp.TextContent).Text), &out))
			return out
		}
		b, err := json.Marshal(res.StructuredContent)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, &out))
		return out
	}
	plan := call(a, args)["plan"].(map[string]any)
	token := plan["confirm_token"].(string)
	withToken := map[string]any{"repo": "generic-local", "path": "docs/README.txt", "confirm_token": token}
	refused := call(b, withToken)
	assert.Contains(t, fmt.Sprint(refused["error"]), "confirm", "session B cannot use session A's token")
	assert.Nil(t, refused["deleted"])
	done := call(a, withToken)
	assert.Equal(t, true, done["deleted"], "session A can")
}

func TestBodyBounds(t *testing.T) {
	t.Run("declared too big", func(t *testing.T) {
		ts := gateServer(t, HTTPOptions{MaxBody: 1 << 20})
		req, _ := http.NewRequest("POST", ts.URL+"/mcp", io.LimitReader(zeros{}, 100<<20))
		req.ContentLength = 100 << 20
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	})
	for _, path := range []string{"/mcp", "/message"} {
		t.Run("chunked too big "+path, func(t *testing.T) {
			ts := gateServer(t, HTTPOptions{MaxBody: 1 << 20})
			url := ts.URL + path
			if path == "/message" {
				url += "?sessionId=" + openSSE(t, ts)
			}
			req, _ := http.NewRequest("POST", url, io.MultiReader(strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"`), io.LimitReader(zeros{}, 100<<20)))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, string(b))
			assert.Contains(t, string(b), "limit")
		})
	}
	t.Run("slow body cut off", func(t *testing.T) {
		ts := gateServer(t, HTTPOptions{BodyTimeout: 300 * time.Millisecond})
		conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
		require.NoError(t, err)
		defer conn.Close()
		_, err = fmt.Fprintf(conn, "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
		require.NoError(t, err)
		start := time.Now()
		go func() { // one byte every 100 ms: never done within the timeout
			for range 50 {
				time.Sleep(100 * time.Millisecond)
				if _, err := conn.Write([]byte(" ")); err != nil {
					return
				}
			}
		}()
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, nil)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusRequestTimeout, resp.StatusCode)
		assert.Less(t, time.Since(start), 2*time.Second)
		_, err = br.ReadByte()
		// Closed: EOF, or a reset when the close met the client's next byte.
		assert.True(t, errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET), "the connection is closed, not held to drain the body: %v", err)
		assert.Less(t, time.Since(start), 2*time.Second)
	})
}

// openSSE opens an SSE stream for the test's life and returns its session id.
func openSSE(t *testing.T, ts *httptest.Server) string {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), "GET", ts.URL+"/sse", nil)
	stream, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { stream.Body.Close() })
	r := bufio.NewReader(stream.Body)
	for {
		line, err := r.ReadString('\n')
		require.NoError(t, err)
		if _, id, ok := strings.Cut(line, "sessionId="); ok {
			return strings.TrimSpace(id)
		}
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// The official Go SDK clients still work through the gate, SSE included.
func TestClientsThroughTheGate(t *testing.T) {
	ts := gateServer(t, HTTPOptions{})
	mc, err := mcpclient.NewSSEMCPClient(ts.URL+"/sse", transport.WithHTTPClient(ts.Client()))
	require.NoError(t, err)
	defer mc.Close()
	initialize(t, mc)
	_, err = mc.ListTools(t.Context(), mcp.ListToolsRequest{})
	require.NoError(t, err)
}

// A batch or an id-null request gets the JSON-RPC error, not a parse error
// or silence.
func TestHTTPBatchAndNullID(t *testing.T) {
	ts := gateServer(t, HTTPOptions{})
	id := rawSession(t, ts)
	for name, body := range map[string]string{
		"batch":   `[{"jsonrpc":"2.0","id":2,"method":"ping"}]`,
		"null id": `{"jsonrpc":"2.0","id":null,"method":"ping"}`,
	} {
		for _, url := range []string{ts.URL + "/mcp", ts.URL + "/message?sessionId=" + openSSE(t, ts)} {
			resp := do(t, "POST", url, body, sessionHeaders(id))
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode, name)
			var e rpcError
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&e), name)
			assert.Equal(t, codeInvalidRequest, e.Error.Code, name)
			assert.Equal(t, "null", string(e.ID), name)
		}
	}
}

// An idle keep-alive connection is closed at the idle timeout, and no more
// connections than the limit are served at once.
func TestServeHTTPConnectionLimits(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	addrc := make(chan net.Addr, 1)
	done := make(chan error, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })
	go func() {
		done <- ServeHTTP(ctx, "127.0.0.1:0", h, slog.New(slog.DiscardHandler), ServeOptions{IdleTimeout: 300 * time.Millisecond, MaxConns: 1}, func(a net.Addr) { addrc <- a })
	}()
	addr := (<-addrc).String()
	defer func() { cancel(); <-done }()

	first, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer first.Close()
	_, err = fmt.Fprintf(first, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
	require.NoError(t, err)
	br := bufio.NewReader(first)
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	resp.Body.Close()

	// The one place is taken: a second client is not served meanwhile.
	second, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer second.Close()
	_, err = fmt.Fprintf(second, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
	require.NoError(t, err)
	_ = second.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	_, err = second.Read(make([]byte, 1))
	assert.ErrorIs(t, err, os.ErrDeadlineExceeded, "served past the connection limit")

	// The first goes idle and is closed; then the second is served.
	start := time.Now()
	_ = first.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = br.ReadByte()
	assert.ErrorIs(t, err, io.EOF, "idle connection closed")
	assert.Less(t, time.Since(start), 2*time.Second)
	_ = second.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err = http.ReadResponse(bufio.NewReader(second), nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
}
