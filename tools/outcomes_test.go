package tools_test

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// storedSHA256 downloads an artifact from the emulator and hashes it.
func storedSHA256(t *testing.T, h *harness, repo, path string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, h.emu.URL+"/artifactory/"+repo+"/"+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+h.emu.AdminToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	sum := sha256.New()
	_, err = io.Copy(sum, resp.Body)
	require.NoError(t, err)
	return hex.EncodeToString(sum.Sum(nil))
}

// A connection reset before or during an upload's body is retried, and the
// artifact JFrog ends up with is the file, whole.
func TestUploadRetriedAfterAReset(t *testing.T) {
	for _, size := range []int{1 << 10, 64 << 10, 8 << 20} {
		for _, when := range []string{"before the body", "during the body"} {
			t.Run(when+"/"+strconv.Itoa(size), func(t *testing.T) {
				dir := t.TempDir()
				h := newHarness(t, harnessOpts{roots: []string{dir}})
				file, sha := randomFile(t, dir, "f.bin", size)
				rule := emulator.FaultRule{Method: http.MethodPut, PathPrefix: "/artifactory/generic-local/reset/", WithBody: true, Times: 1}
				if when == "before the body" {
					rule.Reset = true
				} else {
					rule.ResetAfterBodyBytes = int64(size / 2)
				}
				h.emu.Emu.Faults().Inject(rule)
				up := ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{
					"repo": "generic-local", "path": "reset/f.bin", "local_path": file}))
				assert.True(t, up.Verified)
				assert.False(t, up.VerifiedAfterLostAnswer, "the retry was answered")
				assert.Equal(t, sha, up.Checksums.SHA256)
				assert.Equal(t, sha, storedSHA256(t, h, "generic-local", "reset/f.bin"), "the artifact is intact")
				assert.Equal(t, 1, h.emu.Emu.Faults().Performed(http.MethodPut), "stored once, by the retry")
			})
		}
	}
}

// Changes JFrog made whose answer was then lost are reported done.
func TestChangesWhoseAnswerIsLostAreReportedDone(t *testing.T) {
	t.Run("upload", func(t *testing.T) {
		dir := t.TempDir()
		h := newHarness(t, harnessOpts{roots: []string{dir}})
		file, sha := randomFile(t, dir, "f.bin", 64<<10)
		// Every attempt is stored and its answer lost, so only a look shows it.
		h.emu.Emu.Faults().Inject(emulator.FaultRule{Method: http.MethodPut, PathPrefix: "/artifactory/generic-local/lost/", WithBody: true, LoseAnswer: true})
		res := h.call(t, "upload_artifact", map[string]any{
			"repo": "generic-local", "path": "lost/f.bin", "local_path": file, "properties": map[string]any{"qa": "passed"}})
		up := ok[tools.UploadResult](t, res)
		assert.True(t, up.Verified)
		assert.True(t, up.VerifiedAfterLostAnswer)
		assert.Equal(t, sha, up.Checksums.SHA256)
		assert.Len(t, up.Checksums.SHA1, 40, "JFrog's checksums from the look")
		assert.NotEmpty(t, up.DownloadURI)
		assert.Contains(t, text(res), "answer was lost")
		assert.Equal(t, sha, storedSHA256(t, h, "generic-local", "lost/f.bin"))
	})

	t.Run("copy", func(t *testing.T) {
		h := newHarness(t, harnessOpts{})
		ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "src/a.txt", "content_text": "a"}))
		h.emu.Emu.Faults().Inject(emulator.FaultRule{Method: http.MethodPost, PathPrefix: "/artifactory/api/copy/", LoseAnswer: true, Times: 1})
		res := h.call(t, "copy_artifacts", map[string]any{
			"from_repo": "generic-local", "from_path": "src", "to_repo": "generic-local", "to_path": "copy", "dry_run": false})
		out := ok[tools.TransferResult](t, res)
		assert.True(t, out.Done)
		assert.Contains(t, text(res), "answer was lost")
		assert.True(t, out.VerifiedAfterLostAnswer)
		assert.Equal(t, 1, h.emu.Emu.Faults().Performed(http.MethodPost))
		ok[tools.ArtifactInfo](t, h.call(t, "get_artifact_info", map[string]any{"repo": "generic-local", "path": "copy/a.txt"}))
	})

	t.Run("move", func(t *testing.T) {
		h := newHarness(t, harnessOpts{})
		ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "src/a.txt", "content_text": "a"}))
		args := map[string]any{"from_repo": "generic-local", "from_path": "src/a.txt", "to_repo": "generic-local", "to_path": "moved/a.txt", "dry_run": false}
		plan := ok[tools.TransferResult](t, h.call(t, "move_artifacts", args))
		require.NotNil(t, plan.Plan)
		args["confirm_token"] = plan.Plan.ConfirmToken
		h.emu.Emu.Faults().Inject(emulator.FaultRule{Method: http.MethodPost, PathPrefix: "/artifactory/api/move/", SkipQuery: "dry=1", LoseAnswer: true, Times: 1})
		out := ok[tools.TransferResult](t, h.call(t, "move_artifacts", args))
		assert.True(t, out.Done)
		assert.True(t, out.VerifiedAfterLostAnswer)
		ok[tools.ArtifactInfo](t, h.call(t, "get_artifact_info", map[string]any{"repo": "generic-local", "path": "moved/a.txt"}))
		assert.True(t, h.call(t, "get_artifact_info", map[string]any{"repo": "generic-local", "path": "src/a.txt"}).IsError, "the source is gone")
	})

	t.Run("delete, without a second delete", func(t *testing.T) {
		h := newHarness(t, harnessOpts{})
		ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "del/a.txt", "content_text": "a"}))
		args := map[string]any{"repo": "generic-local", "path": "del/a.txt"}
		plan := ok[tools.DeleteResult](t, h.call(t, "delete_artifact", args))
		require.NotNil(t, plan.Plan)
		args["confirm_token"] = plan.Plan.ConfirmToken
		h.emu.Emu.Faults().Inject(emulator.FaultRule{Method: http.MethodDelete, PathPrefix: "/artifactory/generic-local/del/", LoseAnswer: true})
		out := ok[tools.DeleteResult](t, h.call(t, "delete_artifact", args))
		assert.True(t, out.Deleted)
		assert.Equal(t, 1, h.emu.Emu.Faults().Performed(http.MethodDelete))
		deletes := func() int {
			n := 0
			for _, r := range h.emu.Emu.Requests() {
				if r.Method == http.MethodDelete {
					n++
				}
			}
			return n
		}
		// A request whose connection the fault took over is logged when its
		// handler returns, which can be after the call has ended.
		require.Eventually(t, func() bool { return deletes() >= 1 }, 5*time.Second, time.Millisecond)
		assert.Equal(t, 1, deletes(), "no second DELETE was sent")
	})
}

// A change that shows nothing happened is a failure whose retryable says
// whether calling again is safe.
func TestLostAnswerWithNothingDone(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "src/a.txt", "content_text": "a"}))
	args := map[string]any{"from_repo": "generic-local", "from_path": "src/a.txt", "to_repo": "generic-local", "to_path": "moved/a.txt", "dry_run": false}
	plan := ok[tools.TransferResult](t, h.call(t, "move_artifacts", args))
	require.NotNil(t, plan.Plan)
	args["confirm_token"] = plan.Plan.ConfirmToken
	h.emu.Emu.Faults().Inject(emulator.FaultRule{Method: http.MethodPost, PathPrefix: "/artifactory/api/move/", SkipQuery: "dry=1", Reset: true, Times: 1})
	e := failed(t, h.call(t, "move_artifacts", args))
	assert.Equal(t, tools.CodeUpstreamUnavailable, e.Code)
	assert.True(t, e.Retryable, "the source is still there and the target absent")
	assert.Contains(t, e.Message, "not done")
	assert.Contains(t, e.Hint, "calling again is safe")
	ok[tools.ArtifactInfo](t, h.call(t, "get_artifact_info", map[string]any{"repo": "generic-local", "path": "src/a.txt"}))
}

// Retries that all end in a reset are upstream_unavailable with a hint.
func TestExhaustedRetriesAreUpstreamUnavailable(t *testing.T) {
	t.Run("a read", func(t *testing.T) {
		h := newHarness(t, harnessOpts{})
		h.emu.Emu.Faults().Inject(emulator.FaultRule{Method: http.MethodGet, PathPrefix: "/artifactory/api/storage/", Reset: true})
		e := failed(t, h.call(t, "get_artifact_info", map[string]any{"repo": "generic-local", "path": "a.txt"}))
		assert.Equal(t, tools.CodeUpstreamUnavailable, e.Code)
		assert.True(t, e.Retryable)
		assert.NotEmpty(t, e.Hint)
	})
	t.Run("an upload", func(t *testing.T) {
		h := newHarness(t, harnessOpts{})
		h.emu.Emu.Faults().Inject(emulator.FaultRule{Method: http.MethodPut, PathPrefix: "/artifactory/generic-local/", Reset: true})
		e := failed(t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "up/a.txt", "content_text": "a"}))
		assert.Equal(t, tools.CodeUpstreamUnavailable, e.Code)
		assert.True(t, e.Retryable, "nothing was stored")
		assert.NotEmpty(t, e.Hint)
		assert.Zero(t, h.emu.Emu.Faults().Performed(http.MethodPut))
	})
}

// Every fault the emulator can inject on an upload, once or on every
// attempt: the call either succeeds with the file stored whole, or fails
// with a hint and leaves nothing under the target's name; a failure is
// never internal and never leaves other content there.
func TestUploadUnderEveryFault(t *testing.T) {
	faults := map[string]emulator.FaultRule{
		"429":                {Status: http.StatusTooManyRequests, RetryAfter: "0"},
		"503":                {Status: http.StatusServiceUnavailable},
		"502":                {Status: http.StatusBadGateway},
		"reset":              {Reset: true},
		"reset during body":  {ResetAfterBodyBytes: 512},
		"answer lost":        {LoseAnswer: true},
		"answer cut, reset":  {TruncateBody: true},
		"answer cut, closed": {CloseEarly: true},
	}
	for name, rule := range faults {
		for _, times := range []int{1, 0} {
			for _, size := range []int{1 << 10, 64 << 10} {
				t.Run(name+"/times="+strconv.Itoa(times)+"/"+strconv.Itoa(size), func(t *testing.T) {
					dir := t.TempDir()
					h := newHarness(t, harnessOpts{roots: []string{dir}})
					file, sha := randomFile(t, dir, "f.bin", size)
					r := rule
					r.Method, r.PathPrefix, r.WithBody, r.Times = http.MethodPut, "/artifactory/generic-local/m/", true, times
					h.emu.Emu.Faults().Inject(r)
					res := h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "m/f.bin", "local_path": file})
					h.emu.Emu.Faults().Clear()
					if !res.IsError {
						up := ok[tools.UploadResult](t, res)
						assert.True(t, up.Verified)
						assert.Equal(t, sha, storedSHA256(t, h, "generic-local", "m/f.bin"), "stored whole")
						return
					}
					e := failed(t, res)
					assert.Contains(t, []tools.Code{tools.CodeUpstreamUnavailable, tools.CodeRateLimited}, e.Code, e.Message)
					assert.True(t, e.Retryable)
					assert.NotEmpty(t, e.Hint)
					info := h.call(t, "get_artifact_info", map[string]any{"repo": "generic-local", "path": "m/f.bin"})
					assert.True(t, info.IsError, "a failed upload leaves nothing under the target's name")
				})
			}
		}
	}
}
