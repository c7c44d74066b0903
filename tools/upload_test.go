package tools_test

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

func randomFile(t *testing.T, dir, name string, size int) (string, string) {
	t.Helper()
	b := make([]byte, size)
	_, _ = rand.Read(b)
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, b, 0o644))
	sum := sha256.Sum256(b)
	return p, hex.EncodeToString(sum[:])
}

func TestUploadArtifact(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, harnessOpts{roots: []string{dir}})
	file, sha := randomFile(t, dir, "app.bin", 200<<10)

	t.Run("local file, then the same content by checksum", func(t *testing.T) {
		up := ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{
			"repo": "generic-local", "path": "up/app.bin", "local_path": "app.bin",
			"build_name": "ci-build", "build_number": "7",
		}))
		assert.True(t, up.Verified)
		assert.False(t, up.DeployedByChecksum)
		assert.Equal(t, sha, up.Checksums.SHA256)
		assert.Len(t, up.Checksums.SHA1, 40)
		assert.Len(t, up.Checksums.MD5, 32)
		assert.Equal(t, int64(200<<10), up.Size)
		assert.Equal(t, int64(200<<10), h.emu.Emu.DeployBodyBytes("generic-local", "up/app.bin"))
		assert.Equal(t, []string{"ci-build"}, up.Properties["build.name"])
		assert.Contains(t, up.Properties, "build.timestamp")

		again := ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{
			"repo": "generic-local", "path": "up/copy-of-app.bin", "local_path": file,
		}))
		assert.True(t, again.DeployedByChecksum)
		assert.True(t, again.Verified)
		assert.Equal(t, int64(0), h.emu.Emu.DeployBodyBytes("generic-local", "up/copy-of-app.bin"), "known content sends no body")

		info := ok[tools.ArtifactInfo](t, h.call(t, "get_artifact_info", map[string]any{"repo": "generic-local", "path": "up/app.bin"}))
		assert.Equal(t, []string{"7"}, info.Properties["build.number"])
		assert.Equal(t, sha, info.Checksums.SHA256)
	})

	t.Run("text and base64", func(t *testing.T) {
		up := ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{
			"repo": "generic-local", "path": "up/notes.txt", "content_text": "héllo\n",
			"properties": map[string]any{"team": "platform", "os": []string{"linux", "darwin"}},
		}))
		assert.True(t, up.Verified)
		up = ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{
			"repo": "generic-local", "path": "up/blob", "content_base64": base64.StdEncoding.EncodeToString([]byte{0, 1, 2, 255}),
		}))
		assert.Equal(t, int64(4), up.Size)

		empty, _ := randomFile(t, dir, "_SUCCESS", 0)
		for _, source := range []string{"content_text", "content_base64", "local_path"} { // a marker file such as _SUCCESS
			arg := ""
			if source == "local_path" {
				arg = empty
			}
			up = ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "up/_SUCCESS-" + source, source: arg}))
			assert.Equal(t, int64(0), up.Size)
			assert.Equal(t, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", up.Checksums.SHA256, "the sha256 of nothing")
			assert.True(t, up.Verified)
		}
	})

	t.Run("different content at the same path is a conflict", func(t *testing.T) {
		e := failed(t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "up/notes.txt", "content_text": "other"}))
		assert.Equal(t, tools.CodeConflict, e.Code)
		assert.Contains(t, e.Hint, "overwrite")
		args := map[string]any{"repo": "generic-local", "path": "up/notes.txt", "content_text": "other", "overwrite": true}
		plan := ok[tools.UploadResult](t, h.call(t, "upload_artifact", args))
		require.True(t, plan.ConfirmationRequired, "an overwrite is two-phase")
		assert.Contains(t, plan.Plan.Summary, "replace generic-local/up/notes.txt")
		args["confirm_token"] = plan.Plan.ConfirmToken
		up := ok[tools.UploadResult](t, h.call(t, "upload_artifact", args))
		assert.True(t, up.Verified)
	})

	t.Run("a folder at the path is a conflict, also with overwrite", func(t *testing.T) {
		for _, overwrite := range []bool{false, true} {
			e := failed(t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "up", "content_text": "x", "overwrite": overwrite}))
			assert.Equal(t, tools.CodeConflict, e.Code, "overwrite %v: %+v", overwrite, e)
			assert.Contains(t, e.Message, "generic-local/up is a folder")
			assert.Contains(t, e.Hint, "up/<file name>")
		}
		info := ok[tools.ArtifactInfo](t, h.call(t, "get_artifact_info", map[string]any{"repo": "generic-local", "path": "up"}))
		assert.Equal(t, "folder", info.Type, "the folder is untouched")
	})

	t.Run("same content at the same path is a no-op", func(t *testing.T) {
		up := ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "up/notes.txt", "content_text": "other"}))
		assert.True(t, up.Unchanged)
	})

	// Deploying the same content again would replace the item and every
	// property on it; the given properties are set instead, the others kept.
	t.Run("same content with properties keeps the other properties", func(t *testing.T) {
		ok[tools.PropertiesResult](t, h.call(t, "set_artifact_properties", map[string]any{"repo": "generic-local", "path": "up/notes.txt", "properties": map[string]any{"qa": "passed"}}))
		t0 := time.Now()
		up := ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "up/notes.txt", "content_text": "other",
			"build_name": "ci", "build_number": "8"}))
		assert.True(t, up.Unchanged)
		assert.Equal(t, []string{"8"}, up.Properties["build.number"])
		for _, r := range h.requestsSince(t0) {
			assert.False(t, r.Method == http.MethodPut && strings.HasPrefix(r.Path, "/artifactory/generic-local/"), "no deploy, only the properties call: %s %s", r.Method, r.Path)
		}
		info := ok[tools.ArtifactInfo](t, h.call(t, "get_artifact_info", map[string]any{"repo": "generic-local", "path": "up/notes.txt"}))
		assert.Equal(t, []string{"passed"}, info.Properties["qa"], "kept")
		assert.Equal(t, []string{"ci"}, info.Properties["build.name"], "set")
	})

	t.Run("bad input", func(t *testing.T) {
		for name, args := range map[string]map[string]any{
			"two sources": {"repo": "generic-local", "path": "a", "content_text": "x", "content_base64": "eA=="},
			"no source":   {"repo": "generic-local", "path": "a"},
			"folder path": {"repo": "generic-local", "path": "a/", "content_text": "x"},
			"half build":  {"repo": "generic-local", "path": "a", "content_text": "x", "build_name": "b"},
			"bad base64":  {"repo": "generic-local", "path": "a", "content_base64": "%%%"},
			"bad key":     {"repo": "generic-local", "path": "a", "content_text": "x", "properties": map[string]any{"a b": "x"}},
		} {
			t.Run(name, func(t *testing.T) {
				e := failed(t, h.call(t, "upload_artifact", args))
				assert.Equal(t, tools.CodeInvalidArgument, e.Code, e.Message)
			})
		}
	})

	t.Run("outside the local roots", func(t *testing.T) {
		outside, _ := randomFile(t, t.TempDir(), "x.bin", 10)
		t0 := time.Now()
		e := failed(t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "x.bin", "local_path": outside}))
		assert.Equal(t, tools.CodeGuardDenied, e.Code)
		assert.Empty(t, h.requestsSince(t0), "nothing reaches JFrog when the guard refuses")
	})

	t.Run("no such repository", func(t *testing.T) {
		e := failed(t, h.call(t, "upload_artifact", map[string]any{"repo": "nope-local", "path": "a.txt", "content_text": "x"}))
		assert.Equal(t, tools.CodeNotFound, e.Code, "an unknown key is refused, never allowed")
		assert.Contains(t, e.Message, "nope-local does not exist")
	})

	t.Run("a corrupted checksum in JFrog's answer is reported, not trusted", func(t *testing.T) {
		h.emu.Emu.Faults().Inject(emulator.FaultRule{Method: "PUT", PathPrefix: "/artifactory/generic-local/up/corrupt.txt", Status: 201, Times: 1,
			Body: `{"repo":"generic-local","path":"/up/corrupt.txt","size":"4","checksums":{"sha256":"` + string(bytes.Repeat([]byte("0"), 64)) + `"}}`})
		e := failed(t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "up/corrupt.txt", "content_text": "data"}))
		assert.Equal(t, tools.CodeUpstreamUnavailable, e.Code)
		assert.True(t, e.Retryable)
		details, _ := e.Details.(map[string]any)
		assert.Equal(t, false, details["verified"])
	})
}

func TestUploadOfAFileThatChangesMidwayStoresNothing(t *testing.T) {
	changes := map[string]func(t *testing.T, file string){
		"rewritten, same size": func(t *testing.T, file string) {
			randomFile(t, filepath.Dir(file), filepath.Base(file), 64<<10)
		},
		// A file still being written: the first 64 KiB are what was hashed, so
		// without a check JFrog would store them as if they were the file.
		"grown": func(t *testing.T, file string) {
			f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
			require.NoError(t, err)
			_, err = f.Write(bytes.Repeat([]byte("more"), 1000))
			require.NoError(t, err)
			require.NoError(t, f.Close())
		},
		"shrunk": func(t *testing.T, file string) {
			require.NoError(t, os.Truncate(file, 32<<10))
		},
	}
	for name, change := range changes {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			h := newHarness(t, harnessOpts{roots: []string{dir}})
			file, sha := randomFile(t, dir, "moving.bin", 64<<10)
			// The checksum-deploy attempt is held for a second: the file is changed
			// after it was hashed (the HEAD that follows the hashing has finished)
			// and before its bytes are sent.
			h.emu.Emu.Faults().Inject(emulator.FaultRule{Method: "PUT", PathPrefix: "/artifactory/generic-local/up/moving.bin", Latency: time.Second, Times: 1})
			type answer struct {
				res *mcp.CallToolResult
				err error
			}
			done := make(chan answer, 1)
			go func() {
				res, err := h.mcp.CallTool(t.Context(), mcp.CallToolRequest{Params: mcp.CallToolParams{Name: "upload_artifact",
					Arguments: map[string]any{"repo": "generic-local", "path": "up/moving.bin", "local_path": file}}})
				done <- answer{res, err}
			}()
			require.Eventually(t, func() bool {
				for _, r := range h.emu.Emu.Requests() {
					if r.Method == http.MethodHead && strings.HasSuffix(r.Path, "/up/moving.bin") {
						return true
					}
				}
				return false
			}, 5*time.Second, time.Millisecond)
			change(t, file)

			a := <-done
			require.NoError(t, a.err)
			e := failed(t, a.res)
			assert.Equal(t, tools.CodeConflict, e.Code, "%+v", e)
			assert.True(t, e.Retryable)
			assert.Contains(t, e.Message, sha, "names the sha256 that was computed")
			assert.Contains(t, e.Message, "nothing was stored")
			assert.Contains(t, e.Hint, "upload again")
			e2 := failed(t, h.call(t, "get_artifact_info", map[string]any{"repo": "generic-local", "path": "up/moving.bin"}))
			assert.Equal(t, tools.CodeNotFound, e2.Code, "JFrog stored nothing")
		})
	}
}

func TestUploadPermissionDenied(t *testing.T) {
	h := newHarness(t, harnessOpts{user: "reader"})
	e := failed(t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "x.txt", "content_text": "x"}))
	assert.Equal(t, tools.CodePermissionDenied, e.Code)
	assert.Equal(t, 403, e.Status)
}
