package tools_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// TestReservedKeysNeverReachJFrog is attack class 4: with a policy that
// reads and writes every repository, a key Artifactory routes elsewhere
// ("api" + "repositories/<key>" is the repository configuration endpoint,
// credentials included) is refused by the guard before any request, for
// every tool that names a repository.
func TestReservedKeysNeverReachJFrog(t *testing.T) {
	cases := map[string]struct {
		tool string
		args map[string]any
	}{
		"download api config":      {"download_artifact", map[string]any{"repo": "api", "path": "repositories/pypi-remote"}},
		"download API upper case":  {"download_artifact", map[string]any{"repo": "API", "path": "repositories/pypi-remote"}},
		"info api":                 {"get_artifact_info", map[string]any{"repo": "api", "path": "repositories/pypi-remote"}},
		"info global virtual repo": {"get_artifact_info", map[string]any{"repo": "repo", "path": "secret/forbidden.txt"}},
		"download trash can":       {"download_artifact", map[string]any{"repo": "auto-trashcan", "path": "app-prod-local/forbidden.txt"}},
		"download build info":      {"download_artifact", map[string]any{"repo": "artifactory-build-info", "path": "app/1-1.json"}},
		"upload api creates repo":  {"upload_artifact", map[string]any{"repo": "api", "path": "repositories/evil-local", "content_text": `{"rclass":"local"}`}},
		"upload ui":                {"upload_artifact", map[string]any{"repo": "ui", "path": "x", "content_text": "x"}},
		"copy out of api":          {"copy_artifacts", map[string]any{"from_repo": "api", "from_path": "repositories/pypi-remote", "to_repo": "generic-local", "to_path": "leak.json", "dry_run": false}},
		"move into list":           {"move_artifacts", map[string]any{"from_repo": "generic-local", "from_path": "docs/ok.txt", "to_repo": "list", "to_path": "x", "dry_run": false}},
		"delete in webapp":         {"delete_artifact", map[string]any{"repo": "webapp", "path": "x"}},
		"properties on mc":         {"set_artifact_properties", map[string]any{"repo": "mc", "path": "x", "properties": map[string]any{"a": "b"}}},
		"search in api":            {"search_artifacts", map[string]any{"repos": []any{"api"}, "name": "*"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{mode: guard.ModeWrite})
			seedBypassData(t, h)
			t0 := time.Now()
			e := failed(t, h.call(t, tc.tool, tc.args))
			assert.Equal(t, tools.CodeGuardDenied, e.Code, e.Message)
			assert.Contains(t, e.Message, "not", e.Message)
			assert.Empty(t, h.requestsSince(t0), "a refused call reached the emulator")
			// Nothing was created, moved or deleted.
			assert.NotEqual(t, http.StatusOK, adminGet(t, h, "/artifactory/api/repositories/evil-local"), "no repository was created")
			assert.Equal(t, http.StatusOK, adminGet(t, h, "/artifactory/api/storage/generic-local/docs/ok.txt"))
			assert.Equal(t, http.StatusNotFound, adminGet(t, h, "/artifactory/api/storage/generic-local/leak.json"))
		})
	}
}

// AQL reaches Artifactory's own repositories like any other: a project's
// build-info repository holds the build info files that builds.read
// governs. A query naming it is refused; a query over every repository is
// kept out of it when the policy restricts reading builds.
func TestAQLStaysOutOfReservedRepositories(t *testing.T) {
	set, err := guard.ParsePolicy([]byte("builds:\n  read: [app]\n"))
	require.NoError(t, err)
	h := newHarness(t, harnessOpts{mode: guard.ModeReadOnly, rules: &set.Base})
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPut, h.emu.URL+"/artifactory/api/repositories/team1-build-info",
		strings.NewReader(`{"key":"team1-build-info","rclass":"local","packageType":"generic"}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+h.emu.AdminToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = res.Body.Close()
	require.Less(t, res.StatusCode, 300, "create the repository")
	deploy(t, h, "team1-build-info", "secret-build/7-1700000000000.json", `{"name":"secret-build"}`)
	for _, r := range ok[tools.RepositoryList](t, h.call(t, "list_repositories", map[string]any{})).Items {
		assert.NotEqual(t, "team1-build-info", r.Key, "Artifactory's own repositories are not listed")
	}
	deploy(t, h, "generic-local", "docs/app.json", `{}`)

	t0 := time.Now()
	e := failed(t, h.call(t, "run_aql", map[string]any{"query": `items.find({"repo":"team1-build-info"})`}))
	assert.Equal(t, tools.CodeGuardDenied, e.Code)
	assert.Contains(t, e.Message, "build info")
	assert.Empty(t, h.requestsSince(t0))

	out := ok[tools.AQLResult](t, h.call(t, "run_aql", map[string]any{"query": `items.find({"name":{"$match":"*.json"}})`}))
	assert.Contains(t, out.AQL, `"$nmatch":"*-build-info"`)
	body, err := json.Marshal(out)
	require.NoError(t, err)
	assert.NotContains(t, string(body), "secret-build")
	assert.Contains(t, string(body), "app.json")
}
