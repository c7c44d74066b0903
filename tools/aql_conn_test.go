package tools_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// lateFinalChunk flushes each answer and holds the final empty chunk back a
// moment, as a server streaming rows does: a client that stops reading at the
// end of the JSON value has not seen the end of the body yet.
func lateFinalChunk(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		time.Sleep(time.Millisecond)
	})
}

// run_aql must not open a connection per call when JFrog streams its answer
// (over TLS that is a handshake per call).
func TestRunAQLReusesItsConnectionOnChunkedAnswers(t *testing.T) {
	h := newHarness(t, harnessOpts{wrap: lateFinalChunk})
	before := h.emu.Connections()
	for range 100 {
		res := h.call(t, "run_aql", map[string]any{"query": `items.find({"repo":"libs-release-local"}).limit(3)`})
		ok[map[string]any](t, res)
	}
	assert.LessOrEqual(t, h.emu.Connections()-before, int64(1), "100 run_aql calls should share one connection")
}
