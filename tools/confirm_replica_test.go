package tools_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/emulatortest"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// replicas are two servers sharing JFROG_MCP_SECRET in front of one
// JFrog, as the README advises behind a load balancer (attack class 6).
func replicas(t *testing.T) (a, b *harness) {
	t.Helper()
	emu := emulatortest.Start(t, emulator.DemoSeed())
	secret := []byte("shared secret of both replicas, 32+ bytes")
	a = newHarness(t, harnessOpts{emu: emu, secret: secret})
	b = newHarness(t, harnessOpts{emu: emu, secret: secret})
	return a, b
}

// deploy is someone else deploying straight to JFrog, past the server.
func deploy(t *testing.T, h *harness, repo, p, content string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPut, h.emu.URL+"/artifactory/"+client.EscapePath(repo, p), bytes.NewReader([]byte(content)))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+h.emu.AdminToken)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = res.Body.Close()
	require.Equal(t, http.StatusCreated, res.StatusCode)
}

// storedSHA is the sha256 JFrog holds at repo/p, or "" when nothing is there.
func storedSHA(t *testing.T, h *harness, repo, p string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, h.emu.URL+"/artifactory/api/storage/"+client.EscapePath(repo, p), nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+h.emu.AdminToken)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	if res.StatusCode == http.StatusNotFound {
		return ""
	}
	require.Equal(t, http.StatusOK, res.StatusCode)
	var info struct {
		Checksums struct{ SHA256 string } `json:"checksums"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&info))
	return info.Checksums.SHA256
}

func shaOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// changesSince lists the requests since t0 that change something (a dry
// run does not).
func changesSince(h *harness, t0 time.Time) []string {
	var out []string
	for _, r := range h.requestsSince(t0) {
		if strings.Contains("&"+r.RawQuery+"&", "&dry=1&") {
			continue
		}
		if r.Method == http.MethodDelete || r.Method == http.MethodPut || (r.Method == http.MethodPost && r.Path != "/artifactory/api/search/aql") {
			out = append(out, r.Method+" "+r.Path+"?"+r.RawQuery)
		}
	}
	return out
}

// planToken makes the first call and returns its confirm_token.
func planToken(t *testing.T, h *harness, tool string, args map[string]any) string {
	t.Helper()
	res := h.call(t, tool, args)
	require.False(t, res.IsError, text(res))
	var out tools.Pending
	b, err := json.Marshal(res.StructuredContent)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &out))
	require.True(t, out.ConfirmationRequired, "no plan: %s", text(res))
	return out.Plan.ConfirmToken
}

func with(args map[string]any, token string) map[string]any {
	out := map[string]any{"confirm_token": token}
	for k, v := range args {
		out[k] = v
	}
	return out
}

func assertTargetChanged(t *testing.T, e tools.Error) {
	t.Helper()
	assert.Equal(t, tools.CodeGuardDenied, e.Code)
	assert.Contains(t, e.Message, guard.TargetChanged)
}

func TestConfirmTokenReplayedOnAnotherReplica(t *testing.T) {
	t.Run("delete, file deployed again with the same content", func(t *testing.T) {
		a, b := replicas(t)
		deploy(t, a, "generic-local", "rep/a.txt", "v1")
		args := map[string]any{"repo": "generic-local", "path": "rep/a.txt"}
		tok := planToken(t, a, "delete_artifact", args)
		ok[tools.DeleteResult](t, a.call(t, "delete_artifact", with(args, tok)))
		time.Sleep(2 * time.Millisecond) // a new deploy gets a new time (JFrog's are in ms)
		deploy(t, a, "generic-local", "rep/a.txt", "v1")

		t0 := time.Now()
		e := failed(t, b.call(t, "delete_artifact", with(args, tok)))
		assertTargetChanged(t, e)
		assert.Empty(t, changesSince(b, t0), "the replay changed something")
		assert.Equal(t, shaOf("v1"), storedSHA(t, a, "generic-local", "rep/a.txt"), "the new file is still there")
	})
	t.Run("delete, file gone", func(t *testing.T) {
		a, b := replicas(t)
		deploy(t, a, "generic-local", "rep/b.txt", "v1")
		args := map[string]any{"repo": "generic-local", "path": "rep/b.txt"}
		tok := planToken(t, a, "delete_artifact", args)
		ok[tools.DeleteResult](t, a.call(t, "delete_artifact", with(args, tok)))
		t0 := time.Now()
		res := b.call(t, "delete_artifact", with(args, tok))
		assert.True(t, res.IsError, text(res))
		assert.Empty(t, changesSince(b, t0))
	})
	t.Run("move back and replay", func(t *testing.T) {
		a, b := replicas(t)
		deploy(t, a, "generic-local", "rep/src.txt", "payload")
		args := map[string]any{"from_repo": "generic-local", "from_path": "rep/src.txt", "to_repo": "app-staging-local", "to_path": "rep/dst.txt", "dry_run": false}
		tok := planToken(t, a, "move_artifacts", args)
		ok[tools.TransferResult](t, a.call(t, "move_artifacts", with(args, tok)))
		// Someone puts the same content back at the source and the target is
		// cleared: the state looks like the plan's, but it is not the same.
		time.Sleep(2 * time.Millisecond)
		deploy(t, a, "generic-local", "rep/src.txt", "payload")
		ok[tools.DeleteResult](t, a.call(t, "delete_artifact", with(map[string]any{"repo": "app-staging-local", "path": "rep/dst.txt"},
			planToken(t, a, "delete_artifact", map[string]any{"repo": "app-staging-local", "path": "rep/dst.txt"}))))

		t0 := time.Now()
		e := failed(t, b.call(t, "move_artifacts", with(args, tok)))
		assertTargetChanged(t, e)
		assert.Empty(t, changesSince(b, t0))
		assert.Equal(t, shaOf("payload"), storedSHA(t, a, "generic-local", "rep/src.txt"), "the source was not moved again")
		assert.Empty(t, storedSHA(t, a, "app-staging-local", "rep/dst.txt"))
	})
	t.Run("overwrite replayed after it ran", func(t *testing.T) {
		a, b := replicas(t)
		deploy(t, a, "generic-local", "rep/o.txt", "old")
		args := map[string]any{"repo": "generic-local", "path": "rep/o.txt", "content_text": "new", "overwrite": true}
		tok := planToken(t, a, "upload_artifact", args)
		ok[tools.UploadResult](t, a.call(t, "upload_artifact", with(args, tok)))
		deploy(t, a, "generic-local", "rep/o.txt", "old")

		t0 := time.Now()
		e := failed(t, b.call(t, "upload_artifact", with(args, tok)))
		assertTargetChanged(t, e)
		assert.Empty(t, changesSince(b, t0))
		assert.Equal(t, shaOf("old"), storedSHA(t, a, "generic-local", "rep/o.txt"))
	})
}

// A change by someone else between plan and confirmation is caught, on the
// replica that planned and on the other one.
func TestConfirmTokenRefusedWhenTheTargetChanged(t *testing.T) {
	for _, redeemOn := range []string{"same replica", "other replica"} {
		pick := func(a, b *harness) *harness {
			if redeemOn == "same replica" {
				return a
			}
			return b
		}
		t.Run("delete file/"+redeemOn, func(t *testing.T) {
			a, b := replicas(t)
			deploy(t, a, "generic-local", "chg/a.txt", "seen by the plan")
			args := map[string]any{"repo": "generic-local", "path": "chg/a.txt"}
			tok := planToken(t, a, "delete_artifact", args)
			deploy(t, a, "generic-local", "chg/a.txt", "deployed after the plan")
			t0 := time.Now()
			e := failed(t, pick(a, b).call(t, "delete_artifact", with(args, tok)))
			assertTargetChanged(t, e)
			assert.Empty(t, changesSince(a, t0))
			assert.Equal(t, shaOf("deployed after the plan"), storedSHA(t, a, "generic-local", "chg/a.txt"), "nothing was deleted")
		})
		t.Run("delete folder/"+redeemOn, func(t *testing.T) {
			a, b := replicas(t)
			deploy(t, a, "generic-local", "chg/dir/a.txt", "a")
			args := map[string]any{"repo": "generic-local", "path": "chg/dir"}
			tok := planToken(t, a, "delete_artifact", args)
			deploy(t, a, "generic-local", "chg/dir/sub/new.txt", "added after the plan")
			t0 := time.Now()
			e := failed(t, pick(a, b).call(t, "delete_artifact", with(args, tok)))
			assertTargetChanged(t, e)
			assert.Empty(t, changesSince(a, t0))
			assert.Equal(t, shaOf("added after the plan"), storedSHA(t, a, "generic-local", "chg/dir/sub/new.txt"))
			assert.Equal(t, shaOf("a"), storedSHA(t, a, "generic-local", "chg/dir/a.txt"))
		})
		// The new plan of this move is itself a refusal (it would replace a
		// file and overwrite was not given); either refusal will do.
		t.Run("move target/"+redeemOn, func(t *testing.T) {
			a, b := replicas(t)
			deploy(t, a, "generic-local", "chg/src.txt", "source")
			args := map[string]any{"from_repo": "generic-local", "from_path": "chg/src.txt", "to_repo": "app-staging-local", "to_path": "chg/dst.txt", "dry_run": false}
			tok := planToken(t, a, "move_artifacts", args)
			deploy(t, a, "app-staging-local", "chg/dst.txt", "appeared at the target")
			t0 := time.Now()
			e := failed(t, pick(a, b).call(t, "move_artifacts", with(args, tok)))
			assert.Contains(t, []tools.Code{tools.CodeGuardDenied, tools.CodeConflict}, e.Code, e.Message)
			assert.Empty(t, changesSince(a, t0))
			assert.Equal(t, shaOf("source"), storedSHA(t, a, "generic-local", "chg/src.txt"), "the source was not moved")
			assert.Equal(t, shaOf("appeared at the target"), storedSHA(t, a, "app-staging-local", "chg/dst.txt"), "the target was not overwritten")
		})
		t.Run("move overwrite target/"+redeemOn, func(t *testing.T) {
			a, b := replicas(t)
			deploy(t, a, "generic-local", "chg/src.txt", "source")
			deploy(t, a, "app-staging-local", "chg/dst.txt", "replaced, as the plan said")
			args := map[string]any{"from_repo": "generic-local", "from_path": "chg/src.txt", "to_repo": "app-staging-local", "to_path": "chg/dst.txt", "dry_run": false, "overwrite": true}
			tok := planToken(t, a, "move_artifacts", args)
			deploy(t, a, "app-staging-local", "chg/dst.txt", "a release someone deployed since")
			t0 := time.Now()
			e := failed(t, pick(a, b).call(t, "move_artifacts", with(args, tok)))
			assertTargetChanged(t, e)
			assert.Empty(t, changesSince(a, t0))
			assert.Equal(t, shaOf("source"), storedSHA(t, a, "generic-local", "chg/src.txt"))
			assert.Equal(t, shaOf("a release someone deployed since"), storedSHA(t, a, "app-staging-local", "chg/dst.txt"))
		})
		t.Run("copy overwrite source/"+redeemOn, func(t *testing.T) {
			a, b := replicas(t)
			deploy(t, a, "generic-local", "chg/src.txt", "source the plan saw")
			deploy(t, a, "app-staging-local", "chg/dst.txt", "target")
			args := map[string]any{"from_repo": "generic-local", "from_path": "chg/src.txt", "to_repo": "app-staging-local", "to_path": "chg/dst.txt", "dry_run": false, "overwrite": true}
			tok := planToken(t, a, "copy_artifacts", args)
			deploy(t, a, "generic-local", "chg/src.txt", "source changed since")
			t0 := time.Now()
			e := failed(t, pick(a, b).call(t, "copy_artifacts", with(args, tok)))
			assertTargetChanged(t, e)
			assert.Empty(t, changesSince(a, t0))
			assert.Equal(t, shaOf("target"), storedSHA(t, a, "app-staging-local", "chg/dst.txt"))
		})
		t.Run("overwrite/"+redeemOn, func(t *testing.T) {
			a, b := replicas(t)
			deploy(t, a, "generic-local", "chg/o.txt", "old")
			args := map[string]any{"repo": "generic-local", "path": "chg/o.txt", "content_text": "new", "overwrite": true}
			tok := planToken(t, a, "upload_artifact", args)
			deploy(t, a, "generic-local", "chg/o.txt", "someone else's")
			t0 := time.Now()
			e := failed(t, pick(a, b).call(t, "upload_artifact", with(args, tok)))
			assertTargetChanged(t, e)
			assert.Empty(t, changesSince(a, t0))
			assert.Equal(t, shaOf("someone else's"), storedSHA(t, a, "generic-local", "chg/o.txt"), "nothing was overwritten")
		})
	}
	t.Run("unchanged state is confirmed on the other replica", func(t *testing.T) {
		a, b := replicas(t)
		deploy(t, a, "generic-local", "chg/keep.txt", "x")
		args := map[string]any{"repo": "generic-local", "path": "chg/keep.txt"}
		tok := planToken(t, a, "delete_artifact", args)
		ok[tools.DeleteResult](t, b.call(t, "delete_artifact", with(args, tok)))
		assert.Empty(t, storedSHA(t, a, "generic-local", "chg/keep.txt"))
	})
}
