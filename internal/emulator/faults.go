package emulator

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultRule describes a failure to inject. A rule fires before normal
// handling for requests whose method and escaped path match.
type FaultRule struct {
	Method       string        // "" matches any method
	PathPrefix   string        // matched against the escaped path incl. /artifactory, /xray, /access
	Status       int           // respond with this status instead of handling (0 = handle normally)
	RetryAfter   string        // Retry-After header value to send with Status
	Body         string        // response body; "" means the surface's standard error body
	Latency      time.Duration // delay before anything else happens
	Reset        bool          // drop the connection without a response
	TruncateBody bool          // handle normally but cut the body short and drop the connection (RST)
	// CloseEarly is TruncateBody with an orderly close (FIN) instead of a
	// reset, as a proxy that gives up on a slow transfer does: clients read
	// a clean end of stream before Content-Length bytes, io.ErrUnexpectedEOF.
	CloseEarly bool
	// ResetAfterBodyBytes, when > 0, reads that many bytes of the request
	// body and then resets the connection: a reset during an upload, after
	// part of it arrived and before anything was stored.
	ResetAfterBodyBytes int64
	// LoseAnswer handles the request normally, so that what it asks for is
	// done (stored, copied, moved, deleted), and then resets the connection
	// before a byte of the answer is sent: the client cannot tell a lost
	// answer from a request that never arrived.
	LoseAnswer bool
	// AnswerAfter handles the request normally (what it asks for is done)
	// and holds the answer this long: a client whose header timeout is
	// shorter gives up on a change that was made.
	AnswerAfter time.Duration
	// WithBody limits the rule to requests that carry a body, e.g. the
	// upload after a checksum deploy (which has none) was refused.
	WithBody bool
	// SkipQuery, when set, exempts requests whose raw query contains it,
	// e.g. "dry=1": a copy or move plan's dry run, so that a rule hits only
	// the real change.
	SkipQuery string
	Times     int // how many requests the rule applies to; 0 = forever
}

// Faults holds the active fault rules and counts what the emulator did. The
// zero value has no rules.
type Faults struct {
	mu    sync.Mutex
	rules []*faultState
	// performed counts 2xx-handled requests by method, answered or not.
	performed map[string]int
}

type faultState struct {
	rule FaultRule
	left int
}

// Inject adds a rule. Rules are checked in the order they were added.
func (f *Faults) Inject(r FaultRule) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = append(f.rules, &faultState{rule: r, left: r.Times})
}

// Clear removes all rules.
func (f *Faults) Clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = nil
}

// Performed returns how many requests of method (PUT, POST, DELETE, …) the
// emulator handled with a 2xx status since it started, including those whose
// answer a LoseAnswer rule then dropped: a test can show that a client did
// not repeat a delete it could not see succeed.
func (f *Faults) Performed(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.performed[strings.ToUpper(method)]
}

// countPerformed records a handled request for Performed.
func (f *Faults) countPerformed(method string, status int) {
	if status < 200 || status > 299 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.performed == nil {
		f.performed = map[string]int{}
	}
	f.performed[strings.ToUpper(method)]++
}

// match returns the first rule matching r (path is its cleaned escaped path)
// and counts it down; a rule whose count reaches zero is removed.
func (f *Faults) match(r *http.Request, path string) (FaultRule, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	hasBody := r.ContentLength > 0 || len(r.TransferEncoding) > 0
	for i, s := range f.rules {
		if s.rule.Method != "" && !strings.EqualFold(s.rule.Method, r.Method) {
			continue
		}
		if s.rule.WithBody && !hasBody {
			continue
		}
		if s.rule.SkipQuery != "" && strings.Contains(r.URL.RawQuery, s.rule.SkipQuery) {
			continue
		}
		if !strings.HasPrefix(path, s.rule.PathPrefix) {
			continue
		}
		if s.rule.Times > 0 {
			s.left--
			if s.left <= 0 {
				f.rules = append(f.rules[:i:i], f.rules[i+1:]...)
			}
		}
		return s.rule, true
	}
	return FaultRule{}, false
}

// applyFault performs rule; it returns false when normal handling should
// continue (a latency-only rule).
func (e *Emulator) applyFault(w *statusRecorder, r *http.Request, rule FaultRule, surf surface) bool {
	if rule.Latency > 0 {
		t := time.NewTimer(rule.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true
		}
	}
	switch {
	case rule.Reset:
		resetConn(w)
		return true
	case rule.ResetAfterBodyBytes > 0:
		_, _ = io.CopyN(io.Discard, r.Body, rule.ResetAfterBodyBytes)
		resetConn(w)
		return true
	case rule.LoseAnswer:
		e.handleCounted(w, r, surf)
		resetConn(w)
		return true
	case rule.AnswerAfter > 0:
		buf := e.handleCounted(w, r, surf)
		t := time.NewTimer(rule.AnswerAfter)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
		}
		for k, v := range buf.header {
			w.Header()[k] = v
		}
		w.WriteHeader(buf.statusOrOK())
		_, _ = w.Write(buf.body.Bytes())
		return true
	case rule.TruncateBody, rule.CloseEarly:
		e.truncated(w, r, surf, rule.CloseEarly)
		return true
	case rule.Status != 0:
		if rule.RetryAfter != "" {
			w.Header().Set("Retry-After", rule.RetryAfter)
		}
		if surf == surfaceArtifactory {
			e.setArtifactoryHeaders(w)
		}
		if rule.Body != "" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(rule.Status)
			_, _ = w.Write([]byte(rule.Body))
			return true
		}
		msg := http.StatusText(rule.Status)
		if rule.Status == http.StatusTooManyRequests {
			msg = "Too many requests, please retry later"
		}
		writeError(w, surf, rule.Status, msg)
		return true
	}
	return false
}

// resetConn closes the TCP connection with RST (linger 0) so the client sees
// a connection reset rather than a clean EOF.
func resetConn(w http.ResponseWriter) { closeConn(w, true) }

// closeConn takes the connection from net/http and closes it, with RST when
// reset is set, else with an orderly FIN.
func closeConn(w http.ResponseWriter, reset bool) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// truncated runs the real handler into a buffer, then sends the headers with
// the full Content-Length but only half the body and drops the connection:
// reset, or closed cleanly when clean is set. Buffering is fine: faults are
// for tests with small bodies.
func (e *Emulator) truncated(w *statusRecorder, r *http.Request, surf surface, clean bool) {
	buf := e.handleInto(r, surf)
	for k, v := range buf.header {
		w.Header()[k] = v
	}
	body := buf.body.Bytes()
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(buf.statusOrOK())
	_, _ = w.Write(body[:len(body)/2])
	w.Flush()
	closeConn(w, !clean)
}

// handleInto runs the real handler with its answer kept in a buffer, so a
// fault can do the work and then decide what of the answer is sent.
func (e *Emulator) handleInto(r *http.Request, surf surface) *bufferWriter {
	buf := &bufferWriter{header: http.Header{}}
	_, rest := splitSurface(collapseSlashes(r.URL.EscapedPath()))
	e.route(buf, r, surf, rest)
	return buf
}

// handleCounted is handleInto for a fault that does the work now and sends
// its answer later or never: the work is counted as performed when done.
func (e *Emulator) handleCounted(w *statusRecorder, r *http.Request, surf surface) *bufferWriter {
	buf := e.handleInto(r, surf)
	e.faults.countPerformed(r.Method, buf.statusOrOK())
	w.counted = true
	return buf
}

type bufferWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferWriter) Header() http.Header { return b.header }

// statusOrOK is the handler's status; one that wrote nothing answered 200.
func (b *bufferWriter) statusOrOK() int {
	if b.status == 0 {
		return http.StatusOK
	}
	return b.status
}
func (b *bufferWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}
func (b *bufferWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}
