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

// drain keeps stdin's end of input from cancelling calls in flight. mcp-go
// cancels every running handler when its input ends, so a client that
// writes its requests and closes the pipe (a CI script, `… | jfrog-mcp`)
// would see an upload or a move cut off half-way. drain withholds EOF until
// every request read so far has been answered, or drainTimeout passes.
type drain struct {
	in  io.Reader
	out io.Writer

	mu      sync.Mutex
	pending map[string]bool // ids of requests read and not yet answered
	idle    *sync.Cond
	partIn  []byte // an incomplete line seen on input
	partOut []byte // an incomplete line seen on output
}

func newDrain(in io.Reader, out io.Writer) *drain {
	d := &drain{in: in, out: out, pending: map[string]bool{}}
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
			h.id = string(raw)
		case "method":
			if dec.Decode(&h.method) != nil {
				return h
			}
		case "params":
			if h.method == "notifications/cancelled" {
				var p struct {
					RequestID json.RawMessage `json:"requestId"`
				}
				if dec.Decode(&p) == nil {
					h.cancelled = string(p.RequestID)
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

// Read passes input through, noting request ids; at EOF it waits.
func (d *drain) Read(p []byte) (int, error) {
	n, err := d.in.Read(p)
	d.mu.Lock()
	d.partIn = d.scan(append(d.partIn, p[:n]...), true)
	d.mu.Unlock()
	if err == io.EOF {
		d.wait()
	}
	return n, err
}

// Write passes output through, noting answered ids.
func (d *drain) Write(p []byte) (int, error) {
	n, err := d.out.Write(p)
	d.mu.Lock()
	d.partOut = d.scan(append(d.partOut, p[:n]...), false)
	if len(d.pending) == 0 {
		d.idle.Broadcast()
	}
	d.mu.Unlock()
	return n, err
}

// scan handles the complete lines in buf and returns the incomplete rest.
func (d *drain) scan(buf []byte, input bool) []byte {
	for {
		i := bytes.IndexByte(buf, '\n')
		if i < 0 {
			return buf
		}
		h := head(buf[:i])
		switch {
		case input && h.cancelled != "":
			delete(d.pending, h.cancelled) // a cancelled request may get no answer
		case h.id == "" || h.id == "null":
		case input && h.method != "":
			d.pending[h.id] = true
		case !input && h.method == "":
			delete(d.pending, h.id)
		}
		buf = buf[i+1:]
	}
}

func (d *drain) wait() {
	timer := time.AfterFunc(drainTimeout, func() {
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
