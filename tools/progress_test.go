package tools_test

import (
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// progressLog collects notifications/progress per token.
type progressLog struct {
	mu     sync.Mutex
	events map[string][]map[string]any
}

func (l *progressLog) handle(n mcp.JSONRPCNotification) {
	if n.Method != "notifications/progress" {
		return
	}
	f := n.Params.AdditionalFields
	token, _ := f["progressToken"].(string)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events[token] = append(l.events[token], f)
}

func (l *progressLog) of(token string) []map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]map[string]any(nil), l.events[token]...)
}

func TestTransfersReportProgressWhenAsked(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, harnessOpts{roots: []string{dir}})
	log := &progressLog{events: map[string][]map[string]any{}}
	h.mcp.OnNotification(log.handle)
	const size = 6 << 20
	file, _ := randomFile(t, dir, "big.bin", size)
	call := func(name, token string, args map[string]any) *mcp.CallToolResult {
		var meta *mcp.Meta
		if token != "" {
			meta = &mcp.Meta{ProgressToken: mcp.ProgressToken(token)}
		}
		res, err := h.mcp.CallTool(t.Context(), mcp.CallToolRequest{Params: mcp.CallToolParams{
			Name: name, Arguments: args, Meta: meta}})
		require.NoError(t, err)
		require.False(t, res.IsError, text(res))
		return res
	}
	phases := func(token string, n int) []map[string]any {
		require.Eventually(t, func() bool { return len(log.of(token)) >= n }, 5*time.Second, 5*time.Millisecond,
			"want at least %d progress notifications for %s", n, token)
		evs := log.of(token)
		last := 0.0
		for _, e := range evs {
			p := number(e["progress"])
			assert.Greater(t, p, last, "progress only grows")
			last = p
		}
		return evs
	}

	call("upload_artifact", "up", map[string]any{"repo": "generic-local", "path": "p/big.bin", "local_path": file})
	up := phases("up", 2)
	assert.Equal(t, "hashing", up[0]["message"])
	assert.Equal(t, "uploading", up[len(up)-1]["message"])
	for _, e := range up {
		assert.EqualValues(t, 2*size, number(e["total"]), "hashing is the first half, sending the second")
	}

	call("download_artifact", "down", map[string]any{"repo": "generic-local", "path": "p/big.bin", "local_path": "copy.bin"})
	down := phases("down", 1)
	assert.Equal(t, "downloading", down[0]["message"])
	assert.EqualValues(t, size, number(down[0]["total"]))

	before := len(log.of("up")) + len(log.of("down"))
	call("download_artifact", "", map[string]any{"repo": "generic-local", "path": "p/big.bin", "local_path": "copy2.bin"})
	time.Sleep(50 * time.Millisecond)
	log.mu.Lock()
	total := 0
	for _, evs := range log.events {
		total += len(evs)
	}
	log.mu.Unlock()
	assert.Equal(t, before, total, "no token, no notifications")
}

// number reads a JSON number whether it arrived decoded (float64) or as the
// server's own Go value (in-process transport).
func number(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case int64:
		return float64(n)
	case int:
		return float64(n)
	}
	return -1
}
