package mcpserver

import (
	"bytes"
	"encoding/json"
	"io"
	"sync"
	"time"
)

// drainTimeout bounds how long end of input waits for calls in flight.
const drainTimeout = 2 * time.Minute

// headPrefix is how much of a line drain keeps to find its id: the id comes
// before the payload in every message mcp-go writes.
const headPrefix = 64 << 10

// drain keeps stdin's end of input from cancelling calls in flight. mcp-go
// cancels every running handler when its input ends, so a client that
// writes its requests and closes the pipe (a CI script, `… | jfrog-mcp`)
// would see an upload or a move cut off half-way. The input side (lines)
// notes every request it hands mcp-go; drain notes every answer written and
// withholds EOF until every request has been answered, or drainTimeout passes.
type drain struct {
	out     io.Writer
	timeout time.Duration // drainTimeout; tests shorten it

	wmu sync.Mutex // one message at a time on out

	mu      sync.Mutex
	pending map[string]bool // ids of requests read and not yet answered
	idle    *sync.Cond
	partOut []byte // the start of an incomplete line seen on output
	partLen int    // its full length so far
}

func newDrain(out io.Writer) *drain {
	d := &drain{out: out, timeout: drainTimeout, pending: map[string]bool{}}
	d.idle = sync.NewCond(&d.mu)
	return d
}

// rpcHead is what drain needs of a JSON-RPC line.
type rpcHead struct {
	id, method string
	cancelled  string // for notifications/cancelled: the request id
}

// head reads the keys before the payload ("params", "result", "error") and
// stops there: a result can be 60 KB, and only its id matters here.
func head(line []byte) (h rpcHead) {
	dec := json.NewDecoder(bytes.NewReader(line))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return h
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return h
		}
		var raw json.RawMessage
		switch t {
		case "id":
			if dec.Decode(&raw) != nil {
				return h
			}
			h.id = canonicalID(raw)
		case "method":
			if dec.Decode(&h.method) != nil {
				return h
			}
		case "params":
			if h.method == "notifications/cancelled" {
				var p struct {
					RequestID json.RawMessage `json:"requestId"`
				}
				if dec.Decode(&p) == nil && len(p.RequestID) > 0 {
					h.cancelled = canonicalID(p.RequestID)
				}
			}
			return h
		case "result", "error":
			return h
		default:
			if dec.Decode(&raw) != nil {
				return h
			}
		}
	}
	return h
}

// canonicalID writes an id as mcp-go writes it back (1.0 and 1e0 come back
// as 1, "\u0061" as "a"), so a request and its answer compare equal.
func canonicalID(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return string(raw)
	}
	return string(b)
}

// request notes a request handed to mcp-go, or a cancellation.
func (d *drain) request(h rpcHead) {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case h.cancelled != "":
		delete(d.pending, h.cancelled) // a cancelled request may get no answer
		d.signal()
	case h.id != "" && h.id != "null" && h.method != "":
		d.pending[h.id] = true
	}
}

// Write passes output through, noting answered ids. Each line is scanned
// once, however it is split across writes.
func (d *drain) Write(p []byte) (int, error) {
	d.wmu.Lock()
	defer d.wmu.Unlock()
	n, err := d.out.Write(p)
	d.mu.Lock()
	d.scanOut(p[:n])
	d.signal()
	d.mu.Unlock()
	return n, err
}

func (d *drain) scanOut(p []byte) {
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			d.keep(p)
			return
		}
		line := p[:i]
		if d.partLen > 0 {
			d.keep(line)
			line, d.partOut, d.partLen = d.partOut, d.partOut[:0], 0
		}
		if h := head(line); h.method == "" {
			delete(d.pending, h.id)
		}
		p = p[i+1:]
	}
}

// keep remembers the start of an incomplete output line, at most headPrefix.
func (d *drain) keep(p []byte) {
	if room := headPrefix - len(d.partOut); room > 0 {
		d.partOut = append(d.partOut, p[:min(room, len(p))]...)
	}
	d.partLen += len(p)
}

func (d *drain) signal() {
	if len(d.pending) == 0 {
		d.idle.Broadcast()
	}
}

func (d *drain) wait() {
	timer := time.AfterFunc(d.timeout, func() {
		d.mu.Lock()
		d.pending = map[string]bool{}
		d.idle.Broadcast()
		d.mu.Unlock()
	})
	defer timer.Stop()
	d.mu.Lock()
	for len(d.pending) > 0 {
		d.idle.Wait()
	}
	d.mu.Unlock()
}
