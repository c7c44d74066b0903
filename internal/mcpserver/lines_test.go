package mcpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const stdioInit = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}`

// serveLines feeds input to a bare server over stdio, waits for it to stop
// at end of input and returns the messages it wrote, by id.
func serveLines(t *testing.T, input string, opts StdioOptions) (map[string]map[string]any, time.Duration) {
	t.Helper()
	s := server.NewMCPServer("t", "0")
	var out syncWriter
	start := time.Now()
	done := make(chan error, 1)
	go func() {
		done <- ServeStdio(context.Background(), s, strings.NewReader(input), &out, slog.New(slog.DiscardHandler), opts)
	}()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop at end of input")
	}
	took := time.Since(start)
	got := map[string]map[string]any{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), line)
		id, _ := json.Marshal(m["id"])
		require.NotContains(t, got, string(id), "one answer per id")
		got[string(id)] = m
	}
	return got, took
}

func errCode(m map[string]any) float64 {
	e, _ := m["error"].(map[string]any)
	c, _ := e["code"].(float64)
	return c
}

// A line over the limit is answered with its own id and skipped to its
// newline: the next message on the stream is served as usual.
func TestStdioLineOverLimit(t *testing.T) {
	big := `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"x","arguments":{"content_text":"` + strings.Repeat("a", 5000) + `"}}}`
	got, _ := serveLines(t, stdioInit+"\n"+big+"\n"+`{"jsonrpc":"2.0","id":8,"method":"ping"}`+"\n", StdioOptions{MaxLine: 4096})
	require.Contains(t, got, "7")
	assert.Equal(t, float64(codeInvalidRequest), errCode(got["7"]))
	assert.Contains(t, got["7"]["error"].(map[string]any)["message"], "4096-byte limit")
	require.Contains(t, got, "8", "the stream is still in sync")
	assert.NotNil(t, got["8"]["result"])
}

// At the default limit: a 50 MB line (the size that once took RSS to
// 600-885 MB) is refused and the next message served.
func TestStdioFiftyMBLine(t *testing.T) {
	big := `{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"x":"` + strings.Repeat("a", 50_000_000) + `"}}`
	got, _ := serveLines(t, stdioInit+"\n"+big+"\n"+`{"jsonrpc":"2.0","id":10,"method":"ping"}`+"\n", StdioOptions{})
	require.Contains(t, got, "9")
	assert.Equal(t, float64(codeInvalidRequest), errCode(got["9"]))
	require.Contains(t, got, "10", "the stream is still in sync")
	assert.NotNil(t, got["10"]["result"])
}

func TestStdioBatchAndNullID(t *testing.T) {
	batch := `[{"jsonrpc":"2.0","id":2,"method":"ping"},{"jsonrpc":"2.0","id":3,"method":"ping"}]`
	got, _ := serveLines(t, stdioInit+"\n"+batch+"\n"+`{"jsonrpc":"2.0","id":4,"method":"ping"}`+"\n", StdioOptions{})
	require.Contains(t, got, "null")
	assert.Equal(t, float64(codeInvalidRequest), errCode(got["null"]))
	assert.Contains(t, got["null"]["error"].(map[string]any)["message"], "batches")
	assert.NotContains(t, got, "2")
	assert.Contains(t, got, "4")

	got, _ = serveLines(t, stdioInit+"\n"+`{"jsonrpc":"2.0","id":null,"method":"ping"}`+"\n", StdioOptions{})
	require.Contains(t, got, "null")
	assert.Equal(t, float64(codeInvalidRequest), errCode(got["null"]))
}

// End of input does not wait for a call that was never started: a
// truncated line carries an id, but mcp-go cannot read it.
func TestStdioEOFAfterTruncatedLine(t *testing.T) {
	truncated := `{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"sl`
	got, took := serveLines(t, stdioInit+"\n"+truncated+"\n", StdioOptions{})
	assert.Less(t, took, 5*time.Second)
	assert.Contains(t, got, "1")
	assert.Equal(t, float64(-32700), errCode(got["null"]), "a parse error, not silence")

	// The last line without its newline is still a message.
	got, took = serveLines(t, stdioInit+"\n"+`{"jsonrpc":"2.0","id":6,"method":"ping"}`, StdioOptions{})
	assert.Less(t, took, 5*time.Second)
	assert.Contains(t, got, "6")
}

// BenchmarkStdioLongLine reads one line of each size through the stdio
// input path: time per byte stays flat as the line grows (BENCHMARKS.md).
func BenchmarkStdioLongLine(b *testing.B) {
	for _, mb := range []int{6, 12, 25, 50} {
		// A notification: nothing answers here, and end of input would wait for a request.
		line := []byte(`{"jsonrpc":"2.0","method":"notifications/x","params":{"x":"` + strings.Repeat("a", mb<<20) + `"}}` + "\n")
		for _, c := range []struct {
			name  string
			limit int
		}{{"accepted", 64 << 20}, {"refused", MaxMessageBytes}} {
			if c.name == "refused" && len(line) <= MaxMessageBytes {
				continue
			}
			b.Run(c.name+"/"+strconv.Itoa(mb)+"MB", func(b *testing.B) {
				b.SetBytes(int64(len(line)))
				for b.Loop() {
					d := newDrain(io.Discard)
					l := newLines(chunked{bytes.NewReader(line)}, c.limit, d)
					if _, err := io.Copy(io.Discard, l); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// chunked reads in pipe-sized pieces, as stdin does.
type chunked struct{ r io.Reader }

func (c chunked) Read(p []byte) (int, error) { return c.r.Read(p[:min(len(p), 64<<10)]) }

// FuzzStdioLines: whatever arrives on stdin, the input path does not panic,
// hands mcp-go only lines within the limit, and every answer it writes
// itself is one valid JSON-RPC error line.
func FuzzStdioLines(f *testing.F) {
	f.Add([]byte(stdioInit + "\n[1,2]\n" + `{"id":null,"method":"x"}` + "\n"))
	f.Add([]byte(`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"x":"` + strings.Repeat("a", 300) + "\"}}\n\n\r\n{"))
	f.Fuzz(func(t *testing.T, in []byte) {
		const limit = 128
		var out bytes.Buffer
		d := newDrain(&out)
		d.timeout = 0 // nothing answers the requests here: end of input waits for none
		l := newLines(chunked{bytes.NewReader(in)}, limit, d)
		passed, err := io.ReadAll(l)
		require.NoError(t, err)
		for _, line := range bytes.Split(bytes.TrimSuffix(passed, []byte("\n")), []byte("\n")) {
			assert.LessOrEqual(t, len(line), limit+1)
		}
		for _, line := range bytes.Split(bytes.TrimSuffix(out.Bytes(), []byte("\n")), []byte("\n")) {
			if len(line) == 0 {
				continue
			}
			var e rpcError
			require.NoError(t, json.Unmarshal(line, &e), string(line))
			assert.Equal(t, codeInvalidRequest, e.Error.Code)
		}
	})
}
