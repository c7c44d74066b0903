package tools

import (
	"context"
	"io"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// progressEvery spaces progress notifications: often enough for a client to
// show movement and to reset a request timeout that counts from the last
// message, rarely enough to cost nothing next to the transfer.
const progressEvery = 500 * time.Millisecond

// progress sends MCP notifications/progress for a long call when the client
// asked for them with a progressToken. A client that times requests out (60 s
// by default in the TypeScript SDK) can reset its clock on them, so a large
// upload is not cancelled halfway. The zero of *progress (nil) sends nothing.
type progress struct {
	send  func(done, total int64, msg string)
	mu    sync.Mutex
	last  time.Time
	phase string
	sent  int64
}

type progressKey struct{}

// withProgress puts a reporter into ctx when the request carries a token.
func withProgress(ctx context.Context, req mcp.CallToolRequest) context.Context {
	m := req.Params.Meta
	if m == nil || m.ProgressToken == nil {
		return ctx
	}
	srv := server.ServerFromContext(ctx)
	if srv == nil {
		return ctx
	}
	token := m.ProgressToken
	p := &progress{send: func(done, total int64, msg string) {
		params := map[string]any{"progressToken": token, "progress": done, "message": msg}
		if total > 0 {
			params["total"] = total
		}
		// Best effort: a client that went away is noticed by the call itself.
		_ = srv.SendNotificationToClient(ctx, "notifications/progress", params)
	}}
	return context.WithValue(ctx, progressKey{}, p)
}

// settle waits until the last notification is progressSettle old. mcp-go
// can deliver a notification sent just before the result after it, on every
// transport, and a client then drops it as "progress for an unknown token"
// and reports an error (reference mcp-go.md §3; waiting ~20 ms fixed it in
// every conformance run).
func (p *progress) settle() {
	if p == nil {
		return
	}
	p.mu.Lock()
	wait := progressSettle - time.Since(p.last)
	sent := p.sent > 0
	p.mu.Unlock()
	if sent && wait > 0 {
		time.Sleep(wait)
	}
}

const progressSettle = 25 * time.Millisecond

func progressFrom(ctx context.Context) *progress {
	p, _ := ctx.Value(progressKey{}).(*progress)
	return p
}

// update reports done of total (total ≤ 0: unknown) at the start of each
// phase and then at most every progressEvery. Progress only ever grows, as
// the protocol requires: a value not above the last one sent is skipped.
func (p *progress) update(done, total int64, phase string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if done <= p.sent || (phase == p.phase && now.Sub(p.last) < progressEvery) {
		return
	}
	p.last, p.phase, p.sent = now, phase, done
	p.send(done, total, phase)
}

// reader counts what passes through r into one phase of the call: progress
// base+n of total.
func (p *progress) reader(r io.Reader, base, total int64, phase string) io.Reader {
	if p == nil {
		return r
	}
	return &progressReader{r: r, p: p, base: base, total: total, phase: phase}
}

type progressReader struct {
	r              io.Reader
	p              *progress
	base, n, total int64
	phase          string
}

func (c *progressReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	c.p.update(c.base+c.n, c.total, c.phase)
	return n, err
}
