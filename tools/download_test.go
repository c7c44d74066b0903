package tools_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

func TestDownloadArtifact(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, harnessOpts{roots: []string{dir}})
	src, sha := randomFile(t, dir, "src.bin", 300<<10)
	ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "dl/src.bin", "local_path": src}))
	ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "dl/readme.md", "content_text": "# hi\n"}))

	t.Run("to a local file", func(t *testing.T) {
		out := ok[tools.DownloadResult](t, h.call(t, "download_artifact", map[string]any{"repo": "generic-local", "path": "dl/src.bin", "local_path": "copy.bin"}))
		assert.True(t, out.Verified)
		assert.Equal(t, sha, out.Checksums.SHA256)
		got, err := os.ReadFile(filepath.Join(dir, "copy.bin"))
		require.NoError(t, err)
		want, _ := os.ReadFile(src)
		assert.Equal(t, want, got)
	})
	t.Run("a file of many hashing batches and writeback chunks", func(t *testing.T) {
		big, bigSHA := randomFile(t, dir, "big.bin", 20<<20+7)
		ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "dl/big.bin", "local_path": big}))
		out := ok[tools.DownloadResult](t, h.call(t, "download_artifact", map[string]any{"repo": "generic-local", "path": "dl/big.bin", "local_path": "big-copy.bin"}))
		assert.Equal(t, bigSHA, out.Checksums.SHA256)
		assert.Equal(t, int64(20<<20+7), out.Size)
		got, err := os.ReadFile(filepath.Join(dir, "big-copy.bin"))
		require.NoError(t, err)
		want, _ := os.ReadFile(big)
		assert.True(t, bytes.Equal(want, got), "downloaded bytes differ")
	})
	t.Run("an existing local file is kept unless overwrite", func(t *testing.T) {
		kept := filepath.Join(dir, "kept.bin") // its own file: the subtest runs alone
		require.NoError(t, os.WriteFile(kept, []byte("mine"), 0o600))
		e := failed(t, h.call(t, "download_artifact", map[string]any{"repo": "generic-local", "path": "dl/src.bin", "local_path": "kept.bin"}))
		assert.Equal(t, tools.CodeConflict, e.Code)
		got, err := os.ReadFile(kept)
		require.NoError(t, err)
		assert.Equal(t, "mine", string(got))
		ok[tools.DownloadResult](t, h.call(t, "download_artifact", map[string]any{"repo": "generic-local", "path": "dl/src.bin", "local_path": "kept.bin", "overwrite": true}))
	})
	t.Run("inline text", func(t *testing.T) {
		out := ok[tools.DownloadResult](t, h.call(t, "download_artifact", map[string]any{"repo": "generic-local", "path": "dl/readme.md"}))
		assert.Equal(t, "# hi\n", out.Text)
		assert.True(t, out.Verified)
	})
	t.Run("binary inline is refused", func(t *testing.T) {
		e := failed(t, h.call(t, "download_artifact", map[string]any{"repo": "generic-local", "path": "dl/src.bin"}))
		assert.Equal(t, tools.CodeInvalidArgument, e.Code)
		assert.Contains(t, e.Hint, "local_path")
	})
	t.Run("a missing local directory is the agent's to fix", func(t *testing.T) {
		t0 := time.Now()
		e := failed(t, h.call(t, "download_artifact", map[string]any{"repo": "generic-local", "path": "dl/src.bin", "local_path": "no/such/dir/x.bin"}))
		assert.Equal(t, tools.CodeInvalidArgument, e.Code)
		assert.Contains(t, e.Message, filepath.Join("no", "such", "dir"))
		assert.Contains(t, e.Hint, "local_path")
		assert.Empty(t, h.requestsSince(t0), "nothing was fetched")
	})
	t.Run("a directory as local_path is refused before downloading", func(t *testing.T) {
		require.NoError(t, os.Mkdir(filepath.Join(dir, "out"), 0o755))
		t0 := time.Now()
		e := failed(t, h.call(t, "download_artifact", map[string]any{"repo": "generic-local", "path": "dl/src.bin", "local_path": "out", "overwrite": true}))
		assert.Equal(t, tools.CodeInvalidArgument, e.Code)
		assert.Contains(t, e.Hint, filepath.Join("out", "src.bin"))
		assert.Empty(t, h.requestsSince(t0), "nothing was fetched")
	})
	t.Run("a corrupt transfer leaves no file", func(t *testing.T) {
		h.emu.Emu.Faults().Inject(emulator.FaultRule{Method: "GET", PathPrefix: "/artifactory/generic-local/dl/src.bin", TruncateBody: true, Times: 4})
		res := h.call(t, "download_artifact", map[string]any{"repo": "generic-local", "path": "dl/src.bin", "local_path": "broken.bin"})
		assert.True(t, res.IsError)
		_, err := os.Stat(filepath.Join(dir, "broken.bin"))
		assert.True(t, os.IsNotExist(err), "no partial file under the real name")
		leftovers, _ := filepath.Glob(filepath.Join(dir, ".broken.bin.jfrog-mcp-*.part"))
		assert.Empty(t, leftovers)
	})
	t.Run("a connection closed early is retryable and leaves no file", func(t *testing.T) {
		h.emu.Emu.Faults().Clear() // the corrupt-transfer rule above has uses left
		h.emu.Emu.Faults().Inject(emulator.FaultRule{Method: "GET", PathPrefix: "/artifactory/generic-local/dl/src.bin", CloseEarly: true, Times: 1})
		e := failed(t, h.call(t, "download_artifact", map[string]any{"repo": "generic-local", "path": "dl/src.bin", "local_path": "cut.bin"}))
		h.emu.Emu.Faults().Clear()
		assert.Equal(t, tools.CodeUpstreamUnavailable, e.Code)
		assert.True(t, e.Retryable)
		assert.Contains(t, e.Message, "ended early")
		_, err := os.Stat(filepath.Join(dir, "cut.bin"))
		assert.True(t, os.IsNotExist(err), "no partial file under the real name")
		leftovers, _ := filepath.Glob(filepath.Join(dir, ".cut.bin.jfrog-mcp-*.part"))
		assert.Empty(t, leftovers)
	})
	t.Run("a folder has nothing to download", func(t *testing.T) {
		e := failed(t, h.call(t, "download_artifact", map[string]any{"repo": "generic-local", "path": "dl", "local_path": "folder.bin"}))
		assert.Equal(t, tools.CodeInvalidArgument, e.Code)
		assert.Contains(t, e.Hint, "get_artifact_info")
		_, err := os.Stat(filepath.Join(dir, "folder.bin"))
		assert.True(t, os.IsNotExist(err))
	})
	t.Run("not found", func(t *testing.T) {
		e := failed(t, h.call(t, "download_artifact", map[string]any{"repo": "generic-local", "path": "dl/none.bin"}))
		assert.Equal(t, tools.CodeNotFound, e.Code)
	})
	t.Run("outside the local roots", func(t *testing.T) {
		e := failed(t, h.call(t, "download_artifact", map[string]any{"repo": "generic-local", "path": "dl/readme.md", "local_path": "/tmp/../etc/x"}))
		assert.Equal(t, tools.CodeGuardDenied, e.Code)
	})
}
