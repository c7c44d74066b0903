package mcpserver

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A client that writes its requests and closes stdin still gets every
// answer: the end of input does not cancel a call in flight.
func TestStdioEOFWaitsForCallsInFlight(t *testing.T) {
	s := server.NewMCPServer("t", "0", server.WithToolCapabilities(false))
	s.AddTool(mcp.NewTool("slow", mcp.WithReadOnlyHintAnnotation(true)), func(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		select {
		case <-time.After(300 * time.Millisecond):
			return mcp.NewToolResultText("finished"), nil
		case <-ctx.Done():
			return mcp.NewToolResultError("cancelled"), nil
		}
	})
	in := strings.NewReader(strings.Join([]string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"slow","arguments":{}}}`,
	}, "\n") + "\n")
	var out syncWriter
	done := make(chan error, 1)
	go func() {
		done <- ServeStdio(context.Background(), s, in, &out, slog.New(slog.DiscardHandler), StdioOptions{})
	}()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop after EOF")
	}
	assert.Contains(t, out.String(), `"id":2`)
	assert.Contains(t, out.String(), "finished")
	assert.NotContains(t, out.String(), "cancelled")
}

func TestHead(t *testing.T) {
	cases := map[string]rpcHead{
		`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"x"}}`:          {id: "7", method: "tools/call"},
		`{"jsonrpc":"2.0","id":"a","result":{"content":[]}}`:                            {id: `"a"`},
		`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3}}`: {method: "notifications/cancelled", cancelled: "3"},
		`not json`: {},
	}
	for line, want := range cases {
		assert.Equal(t, want, head([]byte(line)), line)
	}
}

// syncWriter collects output written from several goroutines.
type syncWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}
