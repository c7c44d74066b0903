package tools_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// limitHarness is a write-mode server whose policy caps uploads at limit
// bytes, with a local root holding small.bin (at the limit) and big.bin (one
// byte over it).
func limitHarness(t *testing.T, limit int64) (*harness, string) {
	t.Helper()
	dir := t.TempDir()
	p := guard.DefaultPolicy(guard.ModeWrite)
	p.Limits.UploadBytes = limit
	h := newHarness(t, harnessOpts{roots: []string{dir}, rules: &p})
	require.NoError(t, os.WriteFile(filepath.Join(dir, "small.bin"), make([]byte, limit), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "big.bin"), make([]byte, limit+1), 0o600))
	return h, dir
}

// assertLimitRefused checks the refusal names the size and the limit, says
// what to do, and that nothing reached JFrog.
func assertLimitRefused(t *testing.T, h *harness, t0 time.Time, e tools.Error, size, limit int64) {
	t.Helper()
	assert.Equal(t, tools.CodeGuardDenied, e.Code)
	assert.Contains(t, e.Message, fmt.Sprintf("%d bytes", size))
	assert.Contains(t, e.Message, fmt.Sprintf("limit of %d", limit))
	assert.Contains(t, e.Hint, "limits.upload_bytes")
	assert.Empty(t, h.requestsSince(t0), "nothing reached JFrog")
}

func TestUploadLimitIsTheGuards(t *testing.T) {
	const limit = 16 << 10 // over checksumDeployMin, so a checksum deploy would be tried first

	t.Run("inline content over the limit", func(t *testing.T) {
		h, _ := limitHarness(t, limit)
		t0 := time.Now()
		e := failed(t, h.call(t, "upload_artifact", map[string]any{
			"repo": "generic-local", "path": "lim/big.txt", "content_text": strings.Repeat("x", limit+1),
		}))
		assertLimitRefused(t, h, t0, e, limit+1, limit)
	})

	t.Run("inline content at the limit", func(t *testing.T) {
		h, _ := limitHarness(t, limit)
		up := ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{
			"repo": "generic-local", "path": "lim/small.txt", "content_text": strings.Repeat("x", limit),
		}))
		assert.True(t, up.Verified)
		assert.Equal(t, int64(limit), up.Size)
	})

	for _, overwrite := range []bool{false, true} {
		t.Run(fmt.Sprintf("local file over the limit, overwrite %v", overwrite), func(t *testing.T) {
			h, _ := limitHarness(t, limit)
			// With overwrite an existing file would make a plan (a HEAD and
			// a tree lookup); the refusal comes first.
			ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{
				"repo": "generic-local", "path": "lim/big.bin", "content_text": "old",
			}))
			t0 := time.Now()
			e := failed(t, h.call(t, "upload_artifact", map[string]any{
				"repo": "generic-local", "path": "lim/big.bin", "local_path": "big.bin", "overwrite": overwrite,
			}))
			assertLimitRefused(t, h, t0, e, limit+1, limit)
		})
	}

	t.Run("local file at the limit", func(t *testing.T) {
		h, _ := limitHarness(t, limit)
		up := ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{
			"repo": "generic-local", "path": "lim/small.bin", "local_path": "small.bin",
		}))
		assert.True(t, up.Verified)
		assert.Equal(t, int64(limit), up.Size)
	})

	t.Run("a local file that grows after the check is refused by what was opened", func(t *testing.T) {
		h, dir := limitHarness(t, limit)
		// The guard's check by name saw small.bin at the limit; by the time
		// the upload opens it, it is over. The size of the descriptor decides.
		t.Cleanup(tools.SetLocalHook(func(stage string) {
			if stage == "upload:open" {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "small.bin"), make([]byte, limit+1), 0o600))
			}
		}))
		t0 := time.Now()
		e := failed(t, h.call(t, "upload_artifact", map[string]any{
			"repo": "generic-local", "path": "lim/grown.bin", "local_path": "small.bin",
		}))
		assert.Equal(t, tools.CodeGuardDenied, e.Code)
		assert.Contains(t, e.Message, fmt.Sprintf("%d bytes, over the policy's limit of %d", limit+1, limit))
		assert.Contains(t, e.Hint, "limits.upload_bytes")
		for _, r := range h.requestsSince(t0) {
			assert.NotEqual(t, "PUT", r.Method, "nothing was deployed: %s %s", r.Method, r.Path)
			assert.NotEqual(t, "HEAD", r.Method, "the upload stopped before looking at the path: %s %s", r.Method, r.Path)
		}
	})
}
