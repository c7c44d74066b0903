package mcpserver

import (
	"bufio"
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// With the default limits, every session both caps admit can hold its
// stream open and still make a call on a connection of its own, kept alive
// afterwards: the connection limit never stalls a client the session caps
// let in. (At 128 connections, 100 TypeScript-SDK clients stalled: each
// holds a GET stream and needs a second connection for its calls.)
func TestDefaultConnLimitHoldsEverySession(t *testing.T) {
	// Only pings are sent: no tool reaches JFrog.
	c, err := client.New(client.Config{URL: "http://127.0.0.1:1", AccessToken: "unused"})
	require.NoError(t, err)
	g, err := guard.New(guard.Config{Policy: guard.DefaultPolicy(guard.ModeReadOnly)})
	require.NoError(t, err)
	s, _ := New(&tools.Deps{Client: c, Guard: g})
	ctx, cancel := context.WithCancel(t.Context())
	addrc := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- ServeHTTP(ctx, "127.0.0.1:0", Handler(s, HTTPOptions{}), slog.New(slog.DiscardHandler), ServeOptions{}, func(a net.Addr) { addrc <- a })
	}()
	base := "http://" + (<-addrc).String()
	t.Cleanup(func() { cancel(); <-done })

	// Every client is its own pool, so every stream and every call below
	// is a connection of its own, and none is closed before the end.
	var pools []*http.Transport
	t.Cleanup(func() {
		for _, p := range pools {
			p.CloseIdleConnections()
		}
	})
	newPool := func() *http.Client {
		p := &http.Transport{}
		pools = append(pools, p)
		return &http.Client{Transport: p, Timeout: 10 * time.Second}
	}
	send := func(hc *http.Client, method, url, body string, hdr map[string]string) *http.Response {
		req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
		require.NoError(t, err)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := hc.Do(req)
		require.NoError(t, err, "%s %s: no connection", method, url)
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	ping := `{"jsonrpc":"2.0","id":2,"method":"ping"}`
	var calls []func()
	for range DefaultMaxSessions {
		init := send(newPool(), "POST", base+"/mcp", initBody, sessionHeaders(""))
		require.Equal(t, http.StatusOK, init.StatusCode)
		id := init.Header.Get("Mcp-Session-Id")
		stream := send(newPool(), "GET", base+"/mcp", "", sessionHeaders(id))
		require.Equal(t, http.StatusOK, stream.StatusCode)
		calls = append(calls, func() {
			require.Equal(t, http.StatusOK, send(newPool(), "POST", base+"/mcp", ping, sessionHeaders(id)).StatusCode)
		})

		sse := send(&http.Client{Transport: newPool().Transport}, "GET", base+"/sse", "", nil) // no timeout: it is a stream
		require.Equal(t, http.StatusOK, sse.StatusCode)
		r := bufio.NewReader(sse.Body)
		endpoint := ""
		for endpoint == "" {
			line, err := r.ReadString('\n')
			require.NoError(t, err)
			if e, ok := strings.CutPrefix(strings.TrimSpace(line), "data: "); ok {
				endpoint = e
			}
		}
		calls = append(calls, func() {
			resp := send(newPool(), "POST", base+endpoint, ping, map[string]string{"Content-Type": "application/json"})
			require.Equal(t, http.StatusAccepted, resp.StatusCode)
		})
	}
	for _, call := range calls {
		call()
	}
}
