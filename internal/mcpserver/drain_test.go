package mcpserver

import (
	"bytes"
	"context"
	"io"
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
		`{"jsonrpc":"2.0","id":1.0,"method":"ping"}`:  {id: "1", method: "ping"},
		`{"jsonrpc":"2.0","id":null,"method":"ping"}`: {id: "null", method: "ping"},
	}
	for line, want := range cases {
		assert.Equal(t, want, head([]byte(line)), line)
	}
}

// An answer written in pieces, and an id written differently by the client
// (1.0) and by mcp-go (1), still count as answered.
func TestDrainMatchesAnswers(t *testing.T) {
	d := newDrain(io.Discard)
	d.request(head([]byte(`{"jsonrpc":"2.0","id":1.0,"method":"ping"}`)))
	d.request(head([]byte(`{"jsonrpc":"2.0","id":"a","method":"ping"}`)))
	_, _ = d.Write([]byte(`{"jsonrpc":"2.0","id":1,"result":{}}` + "\n" + `{"jsonrpc":"2.0",`))
	_, _ = d.Write([]byte(`"id":"a","result":{"x":"` + strings.Repeat("y", 100<<10) + `"}}` + "\n"))
	done := make(chan struct{})
	go func() { d.wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("end of input waits for answered requests")
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
