package tools_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// TestBypassVirtualRepositories tries to reach hidden-local through virtual
// repositories whose keys the policy allows: mixed aggregates it and
// deploys into it, via-remote aggregates a remote whose cache is hidden.
// Every attempt is refused, leaves the emulator and the local disk as they
// were, and names nothing hidden.
func TestBypassVirtualRepositories(t *testing.T) {
	cases := []struct {
		name, tool string
		args       map[string]any
		reason     string // part of the refusal
	}{
		{"read/info on a hidden member's file", "get_artifact_info", map[string]any{"repo": "mixed", "path": "secret/s.txt"}, "aggregates repositories the policy does not let this server read"},
		{"read/info on a readable member's file", "get_artifact_info", map[string]any{"repo": "mixed", "path": "team.txt"}, "aggregates"},
		{"read/folder listing of the root", "get_artifact_info", map[string]any{"repo": "mixed"}, "aggregates"},
		{"read/through a remote whose cache is hidden", "get_artifact_info", map[string]any{"repo": "via-remote", "path": "team.txt"}, "aggregates"},
		{"read/the remote itself", "get_artifact_info", map[string]any{"repo": "up-remote", "path": "x"}, "remote repository and its cache are one store"},
		{"read/download", "download_artifact", map[string]any{"repo": "mixed", "path": "secret/s.txt"}, "aggregates"},
		{"read/download to the local root", "download_artifact", map[string]any{"repo": "mixed", "path": "secret/s.txt", "local_path": "s.txt"}, "aggregates"},
		{"search/named virtual", "search_artifacts", map[string]any{"repos": []string{"mixed"}}, "aggregates"},
		{"properties/set on a hidden member's file", "set_artifact_properties", map[string]any{"repo": "mixed", "path": "secret/s.txt", "properties": map[string]any{"k": "v"}}, "default deployment repository"},
		{"properties/set on a readable member's file", "set_artifact_properties", map[string]any{"repo": "mixed", "path": "team.txt", "properties": map[string]any{"k": "v"}}, "default deployment repository"},
		{"properties/delete", "delete_artifact_properties", map[string]any{"repo": "mixed", "path": "secret/s.txt", "keys": []string{"owner"}}, "default deployment repository"},
		{"upload/lands in the hidden deployment repository", "upload_artifact", map[string]any{"repo": "mixed", "path": "new.txt", "content_text": "x"}, "default deployment repository (a repository the policy hides)"},
		{"upload/no default deployment repository", "upload_artifact", map[string]any{"repo": "nodeploy", "path": "new.txt", "content_text": "x"}, "without a default deployment repository"},
		{"copy/into the virtual", "copy_artifacts", map[string]any{"from_repo": "team-local", "from_path": "team.txt", "to_repo": "mixed", "to_path": "x.txt", "dry_run": false}, "default deployment repository"},
		{"copy/dry run into the virtual", "copy_artifacts", map[string]any{"from_repo": "team-local", "from_path": "team.txt", "to_repo": "mixed", "to_path": "x.txt"}, "default deployment repository"},
		{"copy/out of the virtual", "copy_artifacts", map[string]any{"from_repo": "mixed", "from_path": "secret/s.txt", "to_repo": "team-local", "to_path": "stolen.txt", "dry_run": false}, "aggregates"},
		{"move/out of the virtual", "move_artifacts", map[string]any{"from_repo": "mixed", "from_path": "secret/s.txt", "to_repo": "team-local", "to_path": "stolen.txt", "dry_run": false}, "aggregates"},
		{"move/into the virtual", "move_artifacts", map[string]any{"from_repo": "team-local", "from_path": "team.txt", "to_repo": "mixed", "to_path": "x.txt", "dry_run": false}, "default deployment repository"},
		{"delete/a hidden member's file", "delete_artifact", map[string]any{"repo": "mixed", "path": "secret/s.txt"}, "acts on the item in a repository the policy hides"},
		{"delete/a path both members hold", "delete_artifact", map[string]any{"repo": "mixed", "path": "shared.txt"}, "acts on the item in a repository the policy hides"},
		{"delete/a path no member holds", "delete_artifact", map[string]any{"repo": "mixed", "path": "none.txt"}, "no repository it aggregates holds that path"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newResolveFixture(t, nil)
			before := f.state(t)
			t0 := time.Now()
			res := f.h.call(t, tc.tool, tc.args)
			e := failed(t, res)
			assert.Equal(t, tools.CodeGuardDenied, e.Code, e.Message)
			assert.Contains(t, e.Message, tc.reason)
			noSecrets(t, tc.name, res)
			readOnly(t, f.h.requestsSince(t0))
			assert.Equal(t, before, f.state(t), "the emulator or the local root changed")
		})
	}
}

// TestVirtualRepositoriesThatHideNothingWork is the control: through a
// virtual whose members are all allowed, reads and writes go on, and a
// write lands in the default deployment repository.
func TestVirtualRepositoriesThatHideNothingWork(t *testing.T) {
	f := newResolveFixture(t, nil)
	info := ok[tools.ArtifactInfo](t, f.h.call(t, "get_artifact_info", map[string]any{"repo": "open", "path": "team.txt"}))
	assert.Equal(t, "file", info.Type)
	ok[tools.UploadResult](t, f.h.call(t, "upload_artifact", map[string]any{"repo": "open", "path": "new.txt", "content_text": "new"}))
	status, _ := adminDo(t, f.h, "GET", "/artifactory/api/storage/team-local/new.txt", "")
	assert.Equal(t, 200, status, "the upload landed in the default deployment repository")
	dl := ok[tools.DownloadResult](t, f.h.call(t, "download_artifact", map[string]any{"repo": "open", "path": "team.txt", "local_path": "team.txt"}))
	assert.NotEmpty(t, dl)
	assert.FileExists(t, filepath.Join(f.root, "team.txt"))

	// A delete through a virtual goes to the member that holds the item,
	// which the guard decided on, not through the virtual again.
	args := map[string]any{"repo": "later", "path": "team.txt"}
	plan := ok[tools.DeleteResult](t, f.h.call(t, "delete_artifact", args))
	require.True(t, plan.ConfirmationRequired)
	args["confirm_token"] = plan.Plan.ConfirmToken
	t0 := time.Now()
	done := ok[tools.DeleteResult](t, f.h.call(t, "delete_artifact", args))
	assert.True(t, done.Deleted)
	assert.Equal(t, "later", done.Repo, "the result names the key asked")
	var deletes []string
	for _, r := range f.h.requestsSince(t0) {
		if r.Method == "DELETE" {
			deletes = append(deletes, r.Path)
		}
	}
	assert.Equal(t, []string{"/artifactory/team-local/team.txt"}, deletes)
	status, _ = adminDo(t, f.h, "GET", "/artifactory/api/storage/hidden-local/shared.txt", "")
	assert.Equal(t, 200, status)
}

// TestAQLThroughVirtualKeysStaysScoped: AQL reports a virtual's items
// under the member's key, so naming an allowed virtual key must not widen
// a query to its hidden members.
func TestAQLThroughVirtualKeysStaysScoped(t *testing.T) {
	for _, q := range []string{
		`items.find({"repo":"mixed"})`,
		`items.find({"repo":"mixed"}).transitive()`,
		`items.find({"$or":[{"repo":"mixed"},{"repo":"team-local"}]})`,
		`items.find({"repo":{"$match":"mix*"}})`,
		`items.find({"virtual_repos":"mixed"})`,
		`items.find({"name":{"$match":"*"}}).include("name","repo","path","virtual_repos")`,
	} {
		t.Run(q, func(t *testing.T) {
			f := newResolveFixture(t, nil)
			res := f.h.call(t, "run_aql", map[string]any{"query": q, "limit": 1000})
			if res.IsError {
				assert.NotEqual(t, tools.CodeGuardDenied, failed(t, res).Code, "a query is narrowed, not refused")
				noSecrets(t, q, res)
				return
			}
			out := ok[tools.AQLResult](t, res)
			for _, row := range aqlRecords(t, out) {
				repo, _ := row["repo"].(string)
				assert.Contains(t, []string{"team-local"}, strings.ToLower(repo), "%s returned a row of %s", q, repo)
			}
			noSecrets(t, q, res)
		})
	}
	t.Run("search_artifacts", func(t *testing.T) {
		f := newResolveFixture(t, nil)
		res := f.h.call(t, "search_artifacts", map[string]any{"name": "*", "type": "any", "limit": 500})
		out := ok[tools.SearchResult](t, res)
		for _, it := range out.Items {
			assert.NotEqual(t, "drop-local", it.Repo)
			assert.NotEqual(t, "hidden-local", it.Repo)
		}
		noSecrets(t, "search", res)
	})
}

// TestUnresolvableRepositoryRefuses: when JFrog does not answer the
// configuration lookup, the call is refused (never allowed on the strength
// of the name) and says what failed upstream; nothing else is sent.
func TestUnresolvableRepositoryRefuses(t *testing.T) {
	for name, fault := range map[string]emulator.FaultRule{
		"server error": {Method: "GET", PathPrefix: "/artifactory/api/repositories/", Status: 500},
		"reset":        {Method: "GET", PathPrefix: "/artifactory/api/repositories/", Reset: true},
	} {
		t.Run(name, func(t *testing.T) {
			f := newResolveFixture(t, nil)
			before := f.state(t)
			f.h.emu.Emu.Faults().Inject(fault)
			t0 := time.Now()
			for _, c := range []struct {
				tool string
				args map[string]any
			}{
				{"get_artifact_info", map[string]any{"repo": "mixed", "path": "secret/s.txt"}},
				{"upload_artifact", map[string]any{"repo": "mixed", "path": "new.txt", "content_text": "x"}},
				{"delete_artifact", map[string]any{"repo": "team-local", "path": "team.txt"}},
			} {
				res := f.h.call(t, c.tool, c.args)
				e := failed(t, res)
				assert.Equal(t, tools.CodeUpstreamUnavailable, e.Code, e.Message)
				assert.True(t, e.Retryable)
				assert.Contains(t, e.Message, "could not be looked up")
				noSecrets(t, c.tool, res)
			}
			for _, r := range f.h.requestsSince(t0) {
				assert.True(t, strings.HasPrefix(r.Path, "/artifactory/api/repositories/"), "only lookups were sent: %s %s", r.Method, r.Path)
			}
			f.h.emu.Emu.Faults().Clear()
			assert.Equal(t, before, f.state(t))
		})
	}
}
