package mcpserver

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// MaxMessageBytes bounds one JSON-RPC message, an HTTP body or a stdio line.
// The largest legitimate message is an inline upload at its cap: as base64
// 4/3 of tools.MaxInlineUpload (10.7 MiB for 8 MiB), as text up to twice it
// where quotes, backslashes and newlines are escaped; 16 MiB holds either
// with room for the envelope: 17 MiB in all.
const MaxMessageBytes = 2*tools.MaxInlineUpload + 1<<20

// HTTP defaults, documented in README.md. No ReadTimeout or WriteTimeout is
// set on the server: SSE and streamable GET streams live for the whole
// session, and those timeouts would cut them. The body read is bounded
// instead (DefaultBodyTimeout, from the end of the headers).
const (
	DefaultBodyTimeout       = 30 * time.Second
	DefaultIdleTimeout       = 2 * time.Minute
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultMaxConns          = 128
	DefaultMaxHeaderBytes    = 64 << 10
)

// boundedBody reads a request body up to a size and a deadline, both
// enforced while reading, before anything is decoded. When a bound trips it
// remembers why, so the response says 413 or 408 whatever mcp-go makes of
// the read error.
type boundedBody struct {
	rc   *http.ResponseController
	body io.ReadCloser

	mu     sync.Mutex
	status int
	msg    string
	done   bool
}

// bound replaces r.Body. The deadline covers the whole body: a client that
// trickles bytes is cut off when it passes, and it is lifted once the body
// has been read so that the response (a stream for a long call) is not cut.
func bound(w http.ResponseWriter, r *http.Request, limit int64, timeout time.Duration) *boundedBody {
	b := &boundedBody{rc: http.NewResponseController(w), body: http.MaxBytesReader(w, r.Body, limit)}
	if timeout > 0 {
		_ = b.rc.SetReadDeadline(time.Now().Add(timeout))
	}
	r.Body = b
	return b
}

// Read implements io.Reader.
func (b *boundedBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	if err == nil {
		return n, nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		b.status, b.msg = http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over the %d-byte limit: a larger upload goes through local_path", tooBig.Limit)
	case errors.Is(err, os.ErrDeadlineExceeded):
		b.status, b.msg = http.StatusRequestTimeout, "request body not received in time"
	}
	if b.status != 0 && !b.done {
		// The rest of a refused body is not wanted: reads end at once, so
		// the server closes the connection after the answer instead of
		// draining whatever the client still sends.
		b.done = true
		_ = b.rc.SetReadDeadline(time.Now())
	}
	b.lift()
	return n, err
}

// lift removes the read deadline once the body is done with.
func (b *boundedBody) lift() {
	if !b.done {
		b.done = true
		_ = b.rc.SetReadDeadline(time.Time{})
	}
}

// Close implements io.Closer.
func (b *boundedBody) Close() error { return b.body.Close() }

// freeing is set while a refused body's memory is being given back.
var freeing atomic.Bool

// giveBack returns a refused body's buffers to the OS before the next
// request can add its own. mcp-go buffers a body whole, so a refused one
// leaves up to twice MaxMessageBytes of garbage, and refused bodies in a
// row would otherwise pile up to the GC's heap goal before it runs (five
// 100 MiB POSTs in a second: +71 MiB of RSS instead of +36). Refusals are
// rare and the heap is small, so the forced collection is cheap; one runs
// at a time.
func giveBack() {
	if freeing.CompareAndSwap(false, true) {
		debug.FreeOSMemory()
		freeing.Store(false)
	}
}

func (b *boundedBody) failure() (int, string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.status, b.msg
}
