package tools_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// TestBypassWriteOnlyAreas: drop-local may be written and deleted, not
// read. Every tool still works there, but no answer, plan or conflict
// describes what is in it, and an answer cannot be used to test a guess.
func TestBypassWriteOnlyAreas(t *testing.T) {
	upload := func(content string, overwrite bool) map[string]any {
		return map[string]any{"repo": "drop-local", "path": "exists.txt", "content_text": content, "overwrite": overwrite}
	}

	t.Run("upload conflict does not confirm a guessed content", func(t *testing.T) {
		f := newResolveFixture(t, nil)
		before := f.state(t)
		t0 := time.Now()
		right := f.h.call(t, "upload_artifact", upload("drop secret", false))
		wrong := f.h.call(t, "upload_artifact", upload("a wrong guess", false))
		e := failed(t, right)
		assert.Equal(t, tools.CodeConflict, e.Code)
		assert.Equal(t, "a file exists at drop-local/exists.txt and the policy does not let this server read it", e.Message)
		assert.Contains(t, e.Hint, "overwrite: true")
		assert.Equal(t, text(right), text(wrong), "the right guess and a wrong one get the same answer")
		noSecrets(t, "conflict", right)
		readOnly(t, f.h.requestsSince(t0))
		assert.Equal(t, before, f.state(t))
	})

	t.Run("overwrite plan describes nothing and is the same for any content", func(t *testing.T) {
		f := newResolveFixture(t, nil)
		before := f.state(t)
		t0 := time.Now()
		same := ok[tools.UploadResult](t, f.h.call(t, "upload_artifact", upload("drop secret", true)))
		other := ok[tools.UploadResult](t, f.h.call(t, "upload_artifact", upload("other", true)))
		require.True(t, same.ConfirmationRequired, "the same content also asks: not asking would confirm it")
		require.True(t, other.ConfirmationRequired)
		assert.Equal(t, same.Plan.Summary, other.Plan.Summary)
		assert.Contains(t, same.Plan.Summary, "the policy does not let this server read it")
		assert.NotContains(t, same.Plan.Summary, "bytes")
		readOnly(t, f.h.requestsSince(t0))
		assert.Equal(t, before, f.state(t))

		// Confirmed, the upload replaces the file and reports only the new
		// content, never "unchanged".
		args := upload("drop secret", true)
		args["confirm_token"] = same.Plan.ConfirmToken
		res := f.h.call(t, "upload_artifact", args)
		done := ok[tools.UploadResult](t, res)
		assert.False(t, done.Unchanged)
		assert.True(t, done.Verified)
		assert.NotContains(t, text(res), "alice")
	})

	t.Run("elicitation text describes nothing", func(t *testing.T) {
		var mu sync.Mutex
		var asked []string
		f := newResolveFixture(t, func(r mcp.ElicitationRequest) bool {
			mu.Lock()
			defer mu.Unlock()
			asked = append(asked, r.Params.Message)
			return false
		})
		before := f.state(t)
		for _, c := range []struct {
			tool string
			args map[string]any
		}{
			{"upload_artifact", upload("other", true)},
			{"delete_artifact", map[string]any{"repo": "drop-local", "path": "exists.txt"}},
			{"delete_artifact", map[string]any{"repo": "drop-local", "path": "x/dir"}},
			{"copy_artifacts", map[string]any{"from_repo": "team-local", "from_path": "dir", "to_repo": "drop-local", "to_path": "x", "dry_run": false, "overwrite": true}},
		} {
			e := failed(t, f.h.call(t, c.tool, c.args))
			assert.Equal(t, tools.CodeGuardDenied, e.Code, "declined")
		}
		mu.Lock()
		defer mu.Unlock()
		require.Len(t, asked, 4)
		for _, m := range asked {
			for _, s := range append(secrets(), "bytes", "direct entries", "file(s)") {
				assert.NotContains(t, m, s, "elicitation: %s", m)
			}
		}
		assert.Equal(t, before, f.state(t))
	})

	t.Run("delete plans describe nothing", func(t *testing.T) {
		f := newResolveFixture(t, nil)
		before := f.state(t)
		for _, p := range []string{"exists.txt", "x/dir"} {
			t0 := time.Now()
			res := f.h.call(t, "delete_artifact", map[string]any{"repo": "drop-local", "path": p})
			out := ok[tools.DeleteResult](t, res)
			require.True(t, out.ConfirmationRequired)
			assert.Equal(t, "delete drop-local/"+p+" and, if it is a folder, everything under it (the policy does not let this server read it, so what is there is not described)", out.Plan.Summary)
			noSecrets(t, p, res)
			readOnly(t, f.h.requestsSince(t0))
		}
		assert.Equal(t, before, f.state(t))
	})

	t.Run("properties results do not show the existing ones", func(t *testing.T) {
		f := newResolveFixture(t, nil)
		t0 := time.Now()
		set := f.h.call(t, "set_artifact_properties", map[string]any{"repo": "drop-local", "path": "exists.txt", "properties": map[string]any{"k": "v"}})
		out := ok[tools.PropertiesResult](t, set)
		assert.Nil(t, out.Properties)
		assert.Contains(t, out.Note, "not shown")
		noSecrets(t, "set", set)
		del := f.h.call(t, "delete_artifact_properties", map[string]any{"repo": "drop-local", "path": "exists.txt", "keys": []string{"k"}})
		ok[tools.PropertiesResult](t, del)
		noSecrets(t, "delete", del)
		for _, r := range f.h.requestsSince(t0) {
			if r.Method == http.MethodGet {
				assert.NotContains(t, r.RawQuery, "properties", "the existing properties were read back: %s?%s", r.Path, r.RawQuery)
			}
		}
		// A recursive change on a small hidden folder asks like a large one:
		// asking only above a size would tell how many files are there.
		rec := f.h.call(t, "set_artifact_properties", map[string]any{"repo": "drop-local", "path": "x", "properties": map[string]any{"k": "v"}, "recursive": true})
		plan := ok[tools.PropertiesResult](t, rec)
		require.True(t, plan.ConfirmationRequired)
		assert.NotContains(t, plan.Plan.Summary, "files)")
		noSecrets(t, "recursive", rec)
		// Only what was asked changed: k came and went, owner stayed.
		_, props := adminDo(t, f.h, http.MethodGet, "/artifactory/api/storage/drop-local/exists.txt?properties", "")
		assert.Contains(t, props, "alice")
		assert.NotContains(t, props, `"k"`)
	})

	t.Run("copy onto existing files counts nothing hidden", func(t *testing.T) {
		f := newResolveFixture(t, nil)
		before := f.state(t)
		t0 := time.Now()
		// team-local/dir lands in drop-local/x/dir, where a.txt has the same
		// content and b.txt other content: neither may be told apart.
		res := f.h.call(t, "copy_artifacts", map[string]any{"from_repo": "team-local", "from_path": "dir", "to_repo": "drop-local", "to_path": "x", "dry_run": false})
		e := failed(t, res)
		assert.Equal(t, tools.CodeConflict, e.Code)
		assert.Equal(t, "files exist at the target that the policy does not let this server read, and they would be replaced", e.Message)
		noSecrets(t, "copy", res)
		dryRes := f.h.call(t, "copy_artifacts", map[string]any{"from_repo": "team-local", "from_path": "dir", "to_repo": "drop-local", "to_path": "x"})
		dry := ok[tools.TransferResult](t, dryRes)
		assert.True(t, dry.ReplacesHidden)
		assert.Zero(t, dry.ReplacesCount)
		assert.Empty(t, dry.Replaces)
		assert.Empty(t, dry.Messages, "Artifactory's messages about the target are not passed on")
		assert.NotContains(t, text(dryRes), "a.txt")
		// A single file onto a file with the same content is no different.
		same := f.h.call(t, "copy_artifacts", map[string]any{"from_repo": "team-local", "from_path": "dir/a.txt", "to_repo": "drop-local", "to_path": "x/dir/a.txt", "dry_run": false})
		assert.Equal(t, tools.CodeConflict, failed(t, same).Code)
		readOnly(t, f.h.requestsSince(t0))
		assert.Equal(t, before, f.state(t))
	})
}

// TestWrapperRemovesHiddenItems adds a throw-away tool that returns items
// of every repository, readable or not: the wrapper hands the agent only
// the readable ones, whatever the handler did.
func TestWrapperRemovesHiddenItems(t *testing.T) {
	f := newResolveFixture(t, nil)
	leaky := tools.Define(tools.Tool[struct{}, tools.SearchResult]{
		Name: "leaky_list", Title: "Leaky list", Description: "Returns items the policy hides.",
		Class: "read", Annotations: tools.ReadOnly,
		// A listing across repositories, as search tools declare it.
		Actions: func(*struct{}) []guard.Action {
			return []guard.Action{guard.RepositoryConfigAction(guard.ClassRead, "")}
		},
		Handle: func(_ context.Context, _ *tools.Deps, _ *struct{}, _ *guard.Decision) (*tools.SearchResult, error) {
			out := &tools.SearchResult{}
			for _, it := range resolveItems {
				dir, name := "", it.path
				if i := strings.LastIndex(it.path, "/"); i >= 0 {
					dir, name = it.path[:i], it.path[i+1:]
				}
				out.Items = append(out.Items, tools.ArtifactItem{Repo: it.repo, Path: dir, Name: name, Type: "file"})
			}
			out.Items = append(out.Items, tools.ArtifactItem{Repo: "mixed", Name: "team.txt", Type: "file"},
				tools.ArtifactItem{Repo: "up-remote-cache", Name: "x", Type: "file"})
			return out, nil
		},
	})
	res := f.h.callExtra(t, leaky, "leaky_list", map[string]any{})
	out := ok[tools.SearchResult](t, res)
	var got []string
	for _, it := range out.Items {
		got = append(got, it.Repo+"/"+strings.TrimPrefix(it.Path+"/"+it.Name, "/"))
	}
	assert.ElementsMatch(t, []string{"team-local/shared.txt", "team-local/team.txt", "team-local/dir/a.txt", "team-local/dir/b.txt"}, got)
}
