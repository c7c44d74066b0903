package tools_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/tools"
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

// run_aql pages with a real offset argument, as its next_offset and its
// truncation hint ask for.
func TestRunAQLPagesWithOffset(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "paged/" + n + ".txt", "content_text": n}))
	}
	q := `items.find({"repo":"generic-local","path":"paged"}).include("name").sort({"$asc":["name"]})`
	names := func(r tools.AQLResult) []string {
		var out []string
		for _, row := range r.Items {
			out = append(out, row[0].(string))
		}
		return out
	}
	first := ok[tools.AQLResult](t, h.call(t, "run_aql", map[string]any{"query": q, "limit": 2}))
	require.True(t, first.HasMore)
	require.NotNil(t, first.NextOffset)
	assert.Equal(t, []string{"a.txt", "b.txt"}, names(first))
	second := ok[tools.AQLResult](t, h.call(t, "run_aql", map[string]any{"query": q, "limit": 2, "offset": *first.NextOffset}))
	assert.Equal(t, []string{"c.txt", "d.txt"}, names(second))
	assert.Contains(t, second.AQL, ".offset(2)")
	assert.Equal(t, 2, second.Offset)

	e := failed(t, h.call(t, "run_aql", map[string]any{"query": q + ".offset(1)", "offset": 3}))
	assert.Equal(t, tools.CodeInvalidArgument, e.Code)
	assert.Contains(t, e.Hint, "give the offset once")
}
