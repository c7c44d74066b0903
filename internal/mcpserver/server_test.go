package mcpserver

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

func initialize(t *testing.T, c *mcpclient.Client) *mcp.InitializeResult {
	t.Helper()
	// The SSE transport ties its stream to Start's context: it must live as
	// long as the test, not just the handshake.
	require.NoError(t, c.Start(t.Context()))
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	res, err := c.Initialize(ctx, mcp.InitializeRequest{Params: mcp.InitializeParams{
		ProtocolVersion: mcp.LATEST_LEGACY_PROTOCOL_VERSION,
		ClientInfo:      mcp.Implementation{Name: "test", Version: "0"},
	}})
	require.NoError(t, err)
	return res
}

func TestHTTPTransports(t *testing.T) {
	c, err := client.New(client.Config{URL: "http://127.0.0.1:1", AccessToken: "x"})
	require.NoError(t, err)
	g, err := guard.New(guard.Config{Policy: guard.DefaultPolicy(guard.ModeReadOnly)})
	require.NoError(t, err)
	s, names := New(&tools.Deps{Client: c, Guard: g})
	ts := httptest.NewServer(Handler(s, HTTPOptions{}))
	t.Cleanup(ts.Close)

	t.Run("streamable http", func(t *testing.T) {
		mc, err := mcpclient.NewStreamableHttpClient(ts.URL + "/mcp")
		require.NoError(t, err)
		defer mc.Close()
		res := initialize(t, mc)
		assert.Equal(t, "jfrog-mcp", res.ServerInfo.Name)
		assert.Contains(t, res.Instructions, "get_platform_info")
		list, err := mc.ListTools(context.Background(), mcp.ListToolsRequest{})
		require.NoError(t, err)
		assert.Len(t, list.Tools, len(names))
	})

	t.Run("legacy sse", func(t *testing.T) {
		mc, err := mcpclient.NewSSEMCPClient(ts.URL+"/sse", transport.WithHTTPClient(ts.Client()))
		require.NoError(t, err)
		defer mc.Close()
		initialize(t, mc)
		list, err := mc.ListTools(context.Background(), mcp.ListToolsRequest{})
		require.NoError(t, err)
		assert.Len(t, list.Tools, len(names))
	})

	t.Run("healthz", func(t *testing.T) {
		resp, err := http.Get(ts.URL + "/healthz")
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		assert.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, "ok\n", string(b))
	})

	t.Run("dns rebinding is refused", func(t *testing.T) {
		for _, path := range []string{"/mcp", "/sse"} {
			req, _ := http.NewRequest("GET", ts.URL+path, nil)
			req.Host = "evil.example"
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, http.StatusForbidden, resp.StatusCode, path)
		}
	})
}

func TestStdio(t *testing.T) {
	c, err := client.New(client.Config{URL: "http://127.0.0.1:1", AccessToken: "x"})
	require.NoError(t, err)
	g, err := guard.New(guard.Config{})
	require.NoError(t, err)
	s, _ := New(&tools.Deps{Client: c, Guard: g})

	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ServeStdio(ctx, s, inR, outW, slog.New(slog.DiscardHandler), StdioOptions{}) }()

	_, err = io.WriteString(inW, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"pipe","version":"0"}}}`+"\n")
	require.NoError(t, err)
	buf := make([]byte, 64<<10)
	n, err := outR.Read(buf)
	require.NoError(t, err)
	line := string(buf[:n])
	assert.True(t, strings.HasPrefix(line, `{"jsonrpc":"2.0","id":1,"result":`), line)
	assert.Contains(t, line, `"name":"jfrog-mcp"`)

	cancel()
	_ = inW.Close()
	select {
	case err := <-done:
		assert.NoError(t, err, "cancellation is a clean stop")
	case <-time.After(5 * time.Second):
		t.Fatal("stdio server did not stop on cancel")
	}
}

func TestServeHTTPShutsDownGracefully(t *testing.T) {
	c, err := client.New(client.Config{URL: "http://127.0.0.1:1", AccessToken: "x"})
	require.NoError(t, err)
	g, err := guard.New(guard.Config{})
	require.NoError(t, err)
	s, _ := New(&tools.Deps{Client: c, Guard: g})

	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- ServeHTTP(ctx, "127.0.0.1:0", Handler(s, HTTPOptions{}), slog.New(slog.DiscardHandler), ServeOptions{}, func(a net.Addr) { addrc <- a })
	}()
	addr := <-addrc

	// An open SSE stream must not hold shutdown for the whole grace period.
	mc, err := mcpclient.NewSSEMCPClient("http://" + addr.String() + "/sse")
	require.NoError(t, err)
	initialize(t, mc)
	defer mc.Close()

	start := time.Now()
	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
		assert.Less(t, time.Since(start), 4*time.Second, "open SSE streams are closed on shutdown")
	case <-time.After(10 * time.Second):
		t.Fatal("http server did not stop")
	}
}
