package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// protocolVersion is the handshake revision the bench speaks: the newest one
// that still has sessions, as deployed MCP clients do.
const protocolVersion = "2025-11-25"

// mcpClient is one agent: its own keep-alive connection pool, as a separate
// process would have, and its own session. It speaks streamable HTTP with
// net/http directly, so a latency is one POST and nothing else.
type mcpClient struct {
	url     string
	hc      *http.Client
	session string
	nextID  int
	dials   *atomic.Int64
}

func newClient(url string, dials *atomic.Int64, conns int) *mcpClient {
	d := &net.Dialer{Timeout: 5 * time.Second}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials.Add(1)
			return d.DialContext(ctx, network, addr)
		},
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     time.Minute,
	}
	return &mcpClient{url: url, hc: &http.Client{Transport: tr}, dials: dials}
}

// rpcError is a failed call, classified for the report.
type rpcError struct {
	kind string // "transport", "http <status>", "json-rpc", "isError", "decode"
	msg  string
}

func (e *rpcError) Error() string { return e.kind + ": " + e.msg }

func (c *mcpClient) request(ctx context.Context, method string, body []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if c.session != "" {
		req.Header.Set("Mcp-Session-Id", c.session)
		req.Header.Set("MCP-Protocol-Version", protocolVersion)
	}
	return req, nil
}

// call sends one JSON-RPC request and returns its result. The answer may be
// a JSON body or an SSE stream whose event with our id is the answer.
func (c *mcpClient) call(ctx context.Context, method string, params any) (json.RawMessage, error) {
	c.nextID++
	id := c.nextID
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	req, err := c.request(ctx, http.MethodPost, body)
	if err != nil {
		return nil, err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, &rpcError{"transport", err.Error()}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return nil, &rpcError{fmt.Sprintf("http %d", resp.StatusCode), strings.TrimSpace(string(b))}
	}
	if s := resp.Header.Get("Mcp-Session-Id"); s != "" && method == "initialize" {
		c.session = s
	}
	msg, err := readAnswer(resp, id)
	if err != nil {
		return nil, err
	}
	if msg.Error != nil {
		return nil, &rpcError{"json-rpc", fmt.Sprintf("%d %s", msg.Error.Code, msg.Error.Message)}
	}
	return msg.Result, nil
}

type rpcMessage struct {
	ID     json.RawMessage `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func readAnswer(resp *http.Response, id int) (*rpcMessage, error) {
	want := fmt.Sprint(id)
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		var m rpcMessage
		if err := json.NewDecoder(io.LimitReader(resp.Body, 32<<20)).Decode(&m); err != nil {
			return nil, &rpcError{"decode", err.Error()}
		}
		if string(m.ID) != want {
			return nil, &rpcError{"decode", "answer has id " + string(m.ID)}
		}
		return &m, nil
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 32<<20)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data:")
		if !ok {
			continue
		}
		var m rpcMessage
		if json.Unmarshal([]byte(strings.TrimSpace(data)), &m) == nil && string(m.ID) == want {
			return &m, nil
		}
	}
	return nil, &rpcError{"decode", fmt.Sprintf("SSE answer ended without id %d: %v", id, sc.Err())}
}

// notify sends a notification; the transport answers 202.
func (c *mcpClient) notify(ctx context.Context, method string) error {
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": method})
	req, err := c.request(ctx, http.MethodPost, body)
	if err != nil {
		return err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return &rpcError{"transport", err.Error()}
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		return &rpcError{fmt.Sprintf("http %d", resp.StatusCode), method}
	}
	return nil
}

// handshake is initialize + notifications/initialized.
func (c *mcpClient) handshake(ctx context.Context) error {
	_, err := c.call(ctx, "initialize", map[string]any{
		"protocolVersion": protocolVersion,
		"capabilities":    map[string]any{},
		"clientInfo":      map[string]any{"name": "jfrog-mcp-bench-http", "version": "1"},
	})
	if err != nil {
		return err
	}
	return c.notify(ctx, "notifications/initialized")
}

// tool calls a tool; an isError result is an error.
func (c *mcpClient) tool(ctx context.Context, name string, args map[string]any) error {
	raw, err := c.call(ctx, "tools/call", map[string]any{"name": name, "arguments": args})
	if err != nil {
		return err
	}
	var r struct {
		IsError bool `json:"isError"`
		Content []struct {
			Text string `json:"text"`
		} `json:"content"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return &rpcError{"decode", err.Error()}
	}
	if r.IsError {
		msg := ""
		if len(r.Content) > 0 {
			msg = r.Content[0].Text
		}
		return &rpcError{"isError", name + ": " + msg}
	}
	return nil
}

// openStream opens the session's GET stream for server messages, as the
// official TypeScript SDK client does right after notifications/initialized;
// it holds a connection until the session ends. It returns once the
// response headers arrived.
func (c *mcpClient) openStream(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Mcp-Session-Id", c.session)
	req.Header.Set("MCP-Protocol-Version", protocolVersion)
	resp, err := c.hc.Do(req)
	if err != nil {
		return &rpcError{"transport", "GET stream: " + err.Error()}
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return &rpcError{fmt.Sprintf("http %d", resp.StatusCode), "GET stream"}
	}
	go func() { _, _ = io.Copy(io.Discard, resp.Body); resp.Body.Close() }()
	return nil
}

// end deletes the session, which also ends its GET stream.
func (c *mcpClient) end(ctx context.Context) error {
	if c.session == "" {
		return nil
	}
	req, err := c.request(ctx, http.MethodDelete, nil)
	if err != nil {
		return err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return &rpcError{"transport", "DELETE: " + err.Error()}
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNoContent {
		return &rpcError{fmt.Sprintf("http %d", resp.StatusCode), "DELETE"}
	}
	return nil
}
