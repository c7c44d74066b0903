package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/jfrog-mcp/jfrog-mcp/bench/internal/benchutil"
)

// rpc is a minimal line-delimited JSON-RPC client over a server's stdio. It
// keeps the exact bytes of every result, which mcp-go's client re-encodes,
// and adds as little of its own latency as possible.
type rpc struct {
	srv    *benchutil.Server
	out    *os.File
	r      *bufio.Reader
	nextID int
}

type rpcResponse struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func newRPC(srv *benchutil.Server) *rpc {
	f, _ := srv.Stdout.(*os.File)
	return &rpc{srv: srv, out: f, r: bufio.NewReaderSize(srv.Stdout, 1<<20)}
}

// call sends one request and returns the raw result and the length of the
// whole response line.
func (c *rpc) call(method string, params any, timeout time.Duration) (json.RawMessage, int, error) {
	c.nextID++
	id := c.nextID
	req := map[string]any{"jsonrpc": "2.0", "id": id, "method": method}
	if params != nil {
		req["params"] = params
	}
	b, err := json.Marshal(req)
	if err != nil {
		return nil, 0, err
	}
	if c.out != nil {
		_ = c.out.SetReadDeadline(time.Now().Add(timeout))
	}
	if _, err := c.srv.Stdin.Write(append(b, '\n')); err != nil {
		return nil, 0, fmt.Errorf("%s: write: %w", method, err)
	}
	want := fmt.Sprint(id)
	for {
		line, err := c.r.ReadBytes('\n')
		if err != nil {
			return nil, 0, fmt.Errorf("%s: read: %w (server stderr: %s)", method, err, c.srv.Stderr())
		}
		var resp rpcResponse
		if err := json.Unmarshal(line, &resp); err != nil {
			return nil, 0, fmt.Errorf("%s: bad response line %q: %w", method, line, err)
		}
		if resp.Method != "" || string(resp.ID) != want {
			continue // a notification or a server request: not ours
		}
		if resp.Error != nil {
			return nil, len(line), fmt.Errorf("%s: JSON-RPC error %d: %s", method, resp.Error.Code, resp.Error.Message)
		}
		return resp.Result, len(line), nil
	}
}

func (c *rpc) notify(method string) error {
	b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": method})
	_, err := c.srv.Stdin.Write(append(b, '\n'))
	return err
}

// protocolVersion is the handshake revision the bench speaks: the newest one
// that still uses initialize, as deployed MCP clients do.
const protocolVersion = "2025-11-25"

func initParams() map[string]any {
	return map[string]any{
		"protocolVersion": protocolVersion,
		"capabilities":    map[string]any{},
		"clientInfo":      map[string]any{"name": "jfrog-mcp-bench", "version": "1"},
	}
}

// handshake does initialize + notifications/initialized.
func (c *rpc) handshake() error {
	if _, _, err := c.call("initialize", initParams(), 30*time.Second); err != nil {
		return err
	}
	return c.notify("notifications/initialized")
}

// toolResult is the part of a tools/call result the bench reads.
type toolResult struct {
	Content []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	} `json:"content"`
	StructuredContent json.RawMessage `json:"structuredContent"`
	IsError           bool            `json:"isError"`
}

func (c *rpc) tool(name string, args map[string]any) (*toolResult, json.RawMessage, int, error) {
	raw, n, err := c.call("tools/call", map[string]any{"name": name, "arguments": args}, time.Minute)
	if err != nil {
		return nil, nil, n, err
	}
	var tr toolResult
	if err := json.Unmarshal(raw, &tr); err != nil {
		return nil, raw, n, err
	}
	if tr.IsError {
		return &tr, raw, n, fmt.Errorf("%s: tool error: %s", name, tr.text())
	}
	return &tr, raw, n, nil
}

func (t *toolResult) text() string {
	s := ""
	for _, c := range t.Content {
		if c.Type == "text" {
			s += c.Text
		}
	}
	return s
}
