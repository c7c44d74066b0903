package tools_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// Values with every character Artifactory's property syntax treats
// specially must come back exactly as they were set.
func TestPropertiesRoundTrip(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "props/a/file.txt", "content_text": "x"}))
	tricky := map[string]any{
		"semi":     "a;b",
		"equals":   "k=v",
		"comma":    []string{"one,two", "three"},
		"pipe":     "x|y",
		"slash":    `back\slash`,
		"spaces":   "  padded value  ",
		"unicode":  "héllo 漢字 ✓",
		"build.id": "42",
	}
	want := map[string][]string{
		"semi": {"a;b"}, "equals": {"k=v"}, "comma": {"one,two", "three"}, "pipe": {"x|y"},
		"slash": {`back\slash`}, "spaces": {"  padded value  "}, "unicode": {"héllo 漢字 ✓"}, "build.id": {"42"},
	}
	out := ok[tools.PropertiesResult](t, h.call(t, "set_artifact_properties", map[string]any{"repo": "generic-local", "path": "props/a/file.txt", "properties": tricky}))
	assert.Equal(t, want, out.Properties)
	info := ok[tools.ArtifactInfo](t, h.call(t, "get_artifact_info", map[string]any{"repo": "generic-local", "path": "props/a/file.txt"}))
	assert.Equal(t, want, info.Properties, "read back through the storage API")

	out = ok[tools.PropertiesResult](t, h.call(t, "delete_artifact_properties", map[string]any{"repo": "generic-local", "path": "props/a/file.txt", "keys": []string{"semi", "comma"}}))
	assert.NotContains(t, out.Properties, "semi")
	assert.NotContains(t, out.Properties, "comma")
	assert.Contains(t, out.Properties, "pipe")

	t.Run("recursive on a folder", func(t *testing.T) {
		ok[tools.PropertiesResult](t, h.call(t, "set_artifact_properties", map[string]any{"repo": "generic-local", "path": "props", "properties": map[string]any{"scope": "tree"}, "recursive": true}))
		info := ok[tools.ArtifactInfo](t, h.call(t, "get_artifact_info", map[string]any{"repo": "generic-local", "path": "props/a/file.txt"}))
		assert.Equal(t, []string{"tree"}, info.Properties["scope"])
	})

	t.Run("missing item", func(t *testing.T) {
		e := failed(t, h.call(t, "set_artifact_properties", map[string]any{"repo": "generic-local", "path": "props/none", "properties": map[string]any{"a": "b"}}))
		assert.Equal(t, tools.CodeNotFound, e.Code)
	})
}

func TestCopyMoveDelete(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "app-staging-local", "path": "rc/app-2.0.tgz", "content_text": "release", "properties": map[string]any{"qa": "passed"}}))
	exists := func(repo, path string) bool {
		res := h.call(t, "get_artifact_info", map[string]any{"repo": repo, "path": path})
		return !res.IsError
	}

	t.Run("copy is a dry run unless asked", func(t *testing.T) {
		out := ok[tools.TransferResult](t, h.call(t, "copy_artifacts", map[string]any{"from_repo": "app-staging-local", "from_path": "rc/app-2.0.tgz", "to_repo": "app-prod-local", "to_path": "app/app-2.0.tgz"}))
		assert.True(t, out.DryRun)
		assert.False(t, out.Done)
		assert.NotEmpty(t, out.Messages)
		assert.False(t, exists("app-prod-local", "app/app-2.0.tgz"), "a dry run changes nothing")

		out = ok[tools.TransferResult](t, h.call(t, "copy_artifacts", map[string]any{"from_repo": "app-staging-local", "from_path": "rc/app-2.0.tgz", "to_repo": "app-prod-local", "to_path": "app/app-2.0.tgz", "dry_run": false}))
		assert.True(t, out.Done)
		assert.True(t, exists("app-prod-local", "app/app-2.0.tgz"))
		assert.True(t, exists("app-staging-local", "rc/app-2.0.tgz"))
		info := ok[tools.ArtifactInfo](t, h.call(t, "get_artifact_info", map[string]any{"repo": "app-prod-local", "path": "app/app-2.0.tgz"}))
		assert.Equal(t, []string{"passed"}, info.Properties["qa"], "properties travel with the copy")
	})

	t.Run("move is two-phase and removes the source", func(t *testing.T) {
		args := map[string]any{"from_repo": "app-staging-local", "from_path": "rc", "to_repo": "app-staging-local", "to_path": "archived/rc", "dry_run": false}
		plan := ok[tools.TransferResult](t, h.call(t, "move_artifacts", args))
		require.True(t, plan.ConfirmationRequired)
		require.NotNil(t, plan.Plan)
		assert.Contains(t, plan.Plan.Summary, "move app-staging-local/rc")
		assert.NotEmpty(t, plan.Plan.Changes, "the plan is Artifactory's dry run")
		assert.True(t, exists("app-staging-local", "rc/app-2.0.tgz"), "nothing moved yet")
		args["confirm_token"] = plan.Plan.ConfirmToken
		done := ok[tools.TransferResult](t, h.call(t, "move_artifacts", args))
		assert.True(t, done.Done)
		assert.False(t, exists("app-staging-local", "rc/app-2.0.tgz"))
		assert.True(t, exists("app-staging-local", "archived/rc/app-2.0.tgz"))
	})

	t.Run("missing source", func(t *testing.T) {
		e := failed(t, h.call(t, "copy_artifacts", map[string]any{"from_repo": "app-staging-local", "from_path": "nope", "to_repo": "app-prod-local", "dry_run": false}))
		assert.Equal(t, tools.CodeNotFound, e.Code)
	})

	t.Run("delete is two-phase", func(t *testing.T) {
		args := map[string]any{"repo": "app-prod-local", "path": "app/app-2.0.tgz"}
		plan := ok[tools.DeleteResult](t, h.call(t, "delete_artifact", args))
		require.True(t, plan.ConfirmationRequired)
		assert.False(t, plan.Deleted)
		assert.Contains(t, plan.Plan.Summary, "delete file app-prod-local/app/app-2.0.tgz")
		assert.True(t, exists("app-prod-local", "app/app-2.0.tgz"), "the first call deletes nothing")
		args["confirm_token"] = plan.Plan.ConfirmToken
		out := ok[tools.DeleteResult](t, h.call(t, "delete_artifact", args))
		assert.True(t, out.Deleted)
		assert.False(t, out.ConfirmationRequired)
		assert.False(t, exists("app-prod-local", "app/app-2.0.tgz"))
		e := failed(t, h.call(t, "delete_artifact", map[string]any{"repo": "app-prod-local", "path": "app/app-2.0.tgz"}))
		assert.Equal(t, tools.CodeNotFound, e.Code, "planning a delete of nothing fails at once")
	})

	t.Run("a repository root cannot be deleted", func(t *testing.T) {
		t0 := time.Now()
		for _, p := range []string{"", "/", ".", "a/.."} {
			e := failed(t, h.call(t, "delete_artifact", map[string]any{"repo": "app-prod-local", "path": p}))
			assert.Equal(t, tools.CodeInvalidArgument, e.Code, p)
		}
		require.Empty(t, h.requestsSince(t0))
	})

	t.Run("read-only mode does not offer writes", func(t *testing.T) {
		ro := newHarness(t, harnessOpts{mode: "read-only"})
		_, err := ro.mcp.CallTool(t.Context(), callReq("delete_artifact", map[string]any{"repo": "generic-local", "path": "a"}))
		require.Error(t, err, "a write tool is not even registered in read-only mode")
		assert.Contains(t, err.Error(), "not found")
	})
}
