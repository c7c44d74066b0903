package tools_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

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
		// Its own file: the subtest runs alone.
		ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "app-prod-local", "path": "del/app-2.1.tgz", "content_text": "old release"}))
		args := map[string]any{"repo": "app-prod-local", "path": "del/app-2.1.tgz"}
		plan := ok[tools.DeleteResult](t, h.call(t, "delete_artifact", args))
		require.True(t, plan.ConfirmationRequired)
		assert.False(t, plan.Deleted)
		assert.Contains(t, plan.Plan.Summary, "delete file app-prod-local/del/app-2.1.tgz")
		assert.True(t, exists("app-prod-local", "del/app-2.1.tgz"), "the first call deletes nothing")
		args["confirm_token"] = plan.Plan.ConfirmToken
		out := ok[tools.DeleteResult](t, h.call(t, "delete_artifact", args))
		assert.True(t, out.Deleted)
		assert.False(t, out.ConfirmationRequired)
		assert.False(t, exists("app-prod-local", "del/app-2.1.tgz"))
		e := failed(t, h.call(t, "delete_artifact", map[string]any{"repo": "app-prod-local", "path": "del/app-2.1.tgz"}))
		assert.Equal(t, tools.CodeNotFound, e.Code, "planning a delete of nothing fails at once")
	})

	t.Run("a repository root cannot be deleted", func(t *testing.T) {
		t0 := time.Now()
		for _, p := range []string{"", "/", ".", "a/.."} {
			e := failed(t, h.call(t, "delete_artifact", map[string]any{"repo": "app-prod-local", "path": p}))
			assert.Equal(t, tools.CodeInvalidArgument, e.Code, p)
		}
		// Only a request for the root would be these calls'. One of an earlier
		// call can still be logged after t0: get_artifact_info's cancelled
		// properties request, when JFrog reads it after the call ended.
		for _, r := range h.requestsSince(t0) {
			assert.NotRegexp(t, `^/artifactory/(api/storage/)?app-prod-local/?$`, r.Path)
			assert.NotEqual(t, http.MethodDelete, r.Method, r.Path)
		}
	})

	t.Run("read-only mode does not offer writes", func(t *testing.T) {
		ro := newHarness(t, harnessOpts{mode: "read-only"})
		_, err := ro.mcp.CallTool(t.Context(), callReq("delete_artifact", map[string]any{"repo": "generic-local", "path": "a"}))
		require.Error(t, err, "a write tool is not even registered in read-only mode")
		assert.Contains(t, err.Error(), "not found")
	})
}

// JFrog's copy and move replace files at the target without asking. Here that
// takes overwrite: true, delete permission on the target and a confirmation,
// as for an upload; files with the same content do not count.
func TestCopyAndMoveReplaceOnlyWithOverwrite(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	put := func(path, text string) {
		ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": path, "content_text": text, "overwrite": false}))
	}
	content := func(path string) string {
		return ok[tools.DownloadResult](t, h.call(t, "download_artifact", map[string]any{"repo": "generic-local", "path": path})).Text
	}
	put("a/x.txt", "one")
	put("a/same.txt", "same")
	put("b/x.txt", "two")
	put("b/same.txt", "same")
	put("c/a/x.txt", "three")
	put("c/a/same.txt", "same")
	args := func(from, to string, extra ...any) map[string]any {
		m := map[string]any{"from_repo": "generic-local", "from_path": from, "to_repo": "generic-local", "to_path": to, "dry_run": false}
		for i := 0; i+1 < len(extra); i += 2 {
			m[extra[i].(string)] = extra[i+1]
		}
		return m
	}

	for name, tc := range map[string]struct{ from, to, replaced string }{
		"a file onto a file":                                    {"a/x.txt", "b/x.txt", "generic-local/b/x.txt"},
		"a file into a folder holding its name":                 {"a/x.txt", "b", "generic-local/b/x.txt"},
		"a folder into a folder holding its name, file by file": {"a", "c", "generic-local/c/a/x.txt"},
	} {
		t.Run(name, func(t *testing.T) {
			for _, tool := range []string{"copy_artifacts", "move_artifacts"} {
				t0 := time.Now()
				e := failed(t, h.call(t, tool, args(tc.from, tc.to)))
				assert.Equal(t, tools.CodeConflict, e.Code, "%s: %+v", tool, e)
				assert.Contains(t, e.Message, "1 file(s) at the target have other content and would be replaced: "+tc.replaced)
				assert.Contains(t, e.Hint, "overwrite: true")
				for _, r := range h.requestsSince(t0) { // reads, and the dry run a move's plan is made of
					assert.False(t, r.Method != http.MethodGet && !strings.Contains(r.RawQuery, "dry=1"), "%s: %s %s?%s reached JFrog", tool, r.Method, r.Path, r.RawQuery)
				}
			}
			dry := ok[tools.TransferResult](t, h.call(t, "copy_artifacts", args(tc.from, tc.to, "dry_run", true)))
			assert.Equal(t, []string{tc.replaced}, dry.Replaces, "a dry run lists what would be replaced")
		})
	}
	assert.Equal(t, "two", content("b/x.txt"))
	assert.Equal(t, "three", content("c/a/x.txt"))

	t.Run("the same content is not a replacement", func(t *testing.T) {
		out := ok[tools.TransferResult](t, h.call(t, "copy_artifacts", args("a/same.txt", "b/same.txt")))
		assert.True(t, out.Done)
		assert.Empty(t, out.Replaces)
	})

	t.Run("a new target needs nothing more", func(t *testing.T) {
		out := ok[tools.TransferResult](t, h.call(t, "copy_artifacts", args("a", "d")))
		assert.True(t, out.Done)
		assert.Equal(t, "one", content("d/x.txt"))
	})

	t.Run("copy with overwrite is two-phase", func(t *testing.T) {
		a := args("a/x.txt", "b/x.txt", "overwrite", true)
		plan := ok[tools.TransferResult](t, h.call(t, "copy_artifacts", a))
		require.True(t, plan.ConfirmationRequired)
		assert.Contains(t, plan.Plan.Summary, "1 file(s) at the target have other content and would be replaced: generic-local/b/x.txt")
		assert.Equal(t, []string{"generic-local/b/x.txt"}, plan.Plan.Changes)
		assert.Equal(t, "two", content("b/x.txt"), "nothing replaced yet")
		a["confirm_token"] = plan.Plan.ConfirmToken
		out := ok[tools.TransferResult](t, h.call(t, "copy_artifacts", a))
		assert.True(t, out.Done)
		assert.Equal(t, "one", content("b/x.txt"))
	})

	t.Run("move with overwrite says what it replaces", func(t *testing.T) {
		a := args("a", "c", "overwrite", true)
		plan := ok[tools.TransferResult](t, h.call(t, "move_artifacts", a))
		require.True(t, plan.ConfirmationRequired)
		assert.Contains(t, plan.Plan.Summary, "(the source is removed); 1 file(s) at the target have other content and would be replaced: generic-local/c/a/x.txt")
		a["confirm_token"] = plan.Plan.ConfirmToken
		ok[tools.TransferResult](t, h.call(t, "move_artifacts", a))
		assert.Equal(t, "one", content("c/a/x.txt"))
	})

	t.Run("files the policy hides are neither counted, named nor compared", func(t *testing.T) {
		hidden := guard.DefaultPolicy(guard.ModeWrite)
		hidden.Read = []guard.Rule{{Repo: "generic-local", PathPrefix: "a"}}
		hh := newHarness(t, harnessOpts{rules: &hidden})
		for p, text := range map[string]string{"a/x.txt": "one", "b/x.txt": "two"} {
			ok[tools.UploadResult](t, hh.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": p, "content_text": text}))
		}
		e := failed(t, hh.call(t, "copy_artifacts", args("a/x.txt", "b/x.txt")))
		assert.Equal(t, tools.CodeConflict, e.Code)
		assert.Equal(t, "files exist at the target that the policy does not let this server read, and they would be replaced", e.Message)
		dry := ok[tools.TransferResult](t, hh.call(t, "copy_artifacts", args("a/x.txt", "b/x.txt", "dry_run", true)))
		assert.Empty(t, dry.Replaces)
		assert.Zero(t, dry.ReplacesCount, "a count would tell what is there")
		assert.True(t, dry.ReplacesHidden)
		// The same content is not told apart from other content.
		ok[tools.UploadResult](t, hh.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "b/same.txt", "content_text": "one"}))
		e = failed(t, hh.call(t, "copy_artifacts", args("a/x.txt", "b/same.txt")))
		assert.Equal(t, tools.CodeConflict, e.Code, "comparing checksums would be reading b/same.txt")
	})

	t.Run("a folder too large to compare counts as replacing", func(t *testing.T) {
		put("big/x.txt", "one") // its own folders: the subtest runs alone
		put("big/y.txt", "two")
		put("e/big/x.txt", "e")
		put("e/big/y.txt", "e")
		defer tools.SetMaxComparedFiles(1)()
		e := failed(t, h.call(t, "copy_artifacts", args("big", "e")))
		assert.Equal(t, tools.CodeConflict, e.Code)
		assert.Equal(t, "files at the target may be replaced: a folder holds too many files to compare: generic-local/e/big exists, and it or the source holds more than 1 files, so they were not compared one by one", e.Message)
		plan := ok[tools.TransferResult](t, h.call(t, "copy_artifacts", args("big", "e", "overwrite", true)))
		require.True(t, plan.ConfirmationRequired, "an unknown replacement is confirmed like a known one")
		assert.Contains(t, plan.Plan.Summary, "files at the target may be replaced")
	})

	t.Run("a call that needs no confirmation looks at the target once", func(t *testing.T) {
		put("once/f.txt", "f")
		t0 := time.Now()
		out := ok[tools.TransferResult](t, h.call(t, "copy_artifacts", args("once/f.txt", "once-copy/f.txt", "overwrite", true)))
		assert.True(t, out.Done, "nothing replaced, so no plan")
		looks := 0
		for _, r := range h.requestsSince(t0) {
			if r.Path == "/artifactory/api/storage/generic-local/once-copy/f.txt" {
				looks++
			}
		}
		assert.Equal(t, 1, looks, "the plan's answer is reused by the copy")
	})

	t.Run("overwrite needs delete permission on the target", func(t *testing.T) {
		noDelete := guard.DefaultPolicy(guard.ModeWrite)
		noDelete.Delete = []guard.Rule{{Repo: "scratch-local"}}
		hw := newHarness(t, harnessOpts{rules: &noDelete})
		ok[tools.UploadResult](t, hw.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "a/x.txt", "content_text": "one"}))
		t0 := time.Now()
		e := failed(t, hw.call(t, "copy_artifacts", map[string]any{"from_repo": "generic-local", "from_path": "a/x.txt", "to_repo": "generic-local", "to_path": "b/x.txt", "dry_run": false, "overwrite": true}))
		assert.Equal(t, tools.CodeGuardDenied, e.Code)
		assert.Empty(t, hw.requestsSince(t0), "refused before JFrog")
	})
}

// A to_path ending in '/' is a folder: the item lands inside it, for a copy
// and a move, whether the folder exists or not.
func TestCopyAndMoveIntoAFolderWithATrailingSlash(t *testing.T) {
	for _, tool := range []string{"copy_artifacts", "move_artifacts"} {
		t.Run(tool, func(t *testing.T) {
			h := newHarness(t, harnessOpts{})
			ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "build/app.jar", "content_text": "jar"}))
			args := map[string]any{"from_repo": "generic-local", "from_path": "build/app.jar", "to_repo": "generic-local", "to_path": "incoming/", "dry_run": false}
			res := h.call(t, tool, args)
			out := ok[tools.TransferResult](t, res)
			if out.Plan != nil {
				args["confirm_token"] = out.Plan.ConfirmToken
				out = ok[tools.TransferResult](t, h.call(t, tool, args))
			}
			assert.True(t, out.Done)
			assert.Equal(t, "generic-local/incoming/app.jar", out.To)
			info := ok[tools.ArtifactInfo](t, h.call(t, "get_artifact_info", map[string]any{"repo": "generic-local", "path": "incoming"}))
			assert.Equal(t, "folder", info.Type, "incoming is a folder, not a file named incoming")
			ok[tools.ArtifactInfo](t, h.call(t, "get_artifact_info", map[string]any{"repo": "generic-local", "path": "incoming/app.jar"}))
		})
	}
}
