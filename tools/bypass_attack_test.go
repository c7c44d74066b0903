package tools_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
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

// checksumDeploys records the paths of deploys that asked JFrog to deploy
// by checksum (X-Checksum-Deploy: true), the emulator's ground truth of
// whether the server asked "is this content anywhere?".
type checksumDeploys struct {
	mu    sync.Mutex
	paths []string
}

func (c *checksumDeploys) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && strings.EqualFold(r.Header.Get("X-Checksum-Deploy"), "true") {
			c.mu.Lock()
			c.paths = append(c.paths, r.URL.Path)
			c.mu.Unlock()
		}
		next.ServeHTTP(w, r)
	})
}

func (c *checksumDeploys) list() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.paths...)
}

// TestBypassChecksumDeployOracle: a deploy by checksum succeeds when the
// content is stored anywhere the server's identity can read, hidden
// repositories included. Uploading a guessed content (10 KiB or more) to a
// writable repository would then say "deployed by checksum" exactly when a
// hidden repository holds it. Under a policy that hides anything the
// server never asks, and the answer is the same for a right and a wrong
// guess.
func TestBypassChecksumDeployOracle(t *testing.T) {
	secret := strings.Repeat("hidden big secret ", 1200) // over checksumDeployMin
	wrong := strings.Repeat("a wrong big guess ", 1200)
	setup := func(t *testing.T, policy string) (*harness, *checksumDeploys) {
		set, err := guard.ParsePolicy([]byte(policy))
		require.NoError(t, err)
		p := set.Base
		seen := &checksumDeploys{}
		h := newHarness(t, harnessOpts{mode: guard.ModeWrite, rules: &p, wrap: seen.wrap})
		for _, r := range []string{"team-local", "hidden-local"} {
			status, body := adminDo(t, h, http.MethodPut, "/artifactory/api/repositories/"+r, `{"rclass":"local","packageType":"generic"}`)
			require.Equal(t, http.StatusOK, status, body)
		}
		status, body := adminDo(t, h, http.MethodPut, "/artifactory/hidden-local/big.bin", secret)
		require.Equal(t, http.StatusCreated, status, body)
		return h, seen
	}
	up := func(path, content string) map[string]any {
		return map[string]any{"repo": "team-local", "path": path, "content_base64": base64.StdEncoding.EncodeToString([]byte(content))}
	}

	t.Run("a policy that hides a repository", func(t *testing.T) {
		h, seen := setup(t, "mode: write\nrepositories:\n  read: [team-local]\n  write: [team-local]\n")
		right := ok[tools.UploadResult](t, h.call(t, "upload_artifact", up("right.bin", secret)))
		other := ok[tools.UploadResult](t, h.call(t, "upload_artifact", up("wrong.bin", wrong)))
		assert.False(t, right.DeployedByChecksum, "the answer says a hidden repository holds the content")
		assert.Equal(t, other.DeployedByChecksum, right.DeployedByChecksum)
		assert.Empty(t, seen.list(), "the server asked JFrog whether the content is stored anywhere")
		assert.True(t, right.Verified)
		status, _ := adminDo(t, h, http.MethodGet, "/artifactory/team-local/right.bin", "")
		assert.Equal(t, http.StatusOK, status)
	})

	t.Run("control: a policy that reads everything still deploys by checksum", func(t *testing.T) {
		h, seen := setup(t, "mode: write\nrepositories:\n  read: ['*']\n  write: [team-local]\n")
		right := ok[tools.UploadResult](t, h.call(t, "upload_artifact", up("right.bin", secret)))
		assert.True(t, right.DeployedByChecksum)
		assert.Equal(t, []string{"/artifactory/team-local/right.bin"}, seen.list())
	})
}

// TestBypassAQLThroughBuildsAndBundles: an items query can name builds and
// release bundles through AQL relations (artifact.module.build.*,
// dependency.*, release_artifact.release.*): Artifactory then returns or
// tests their names, which the builds and release_bundles sections govern,
// not the repository rules. Where those sections do not allow every name,
// such a query is refused before anything is sent.
func TestBypassAQLThroughBuildsAndBundles(t *testing.T) {
	const policy = "mode: write\nrepositories:\n  read: [team-local]\nbuilds:\n  read: [public-*]\nrelease_bundles:\n  read: [public-*]\n"
	queries := []string{
		`items.find({"repo":"team-local"}).include("name","artifact.module.build.name")`,
		`items.find({"repo":"team-local"}).include("artifact.module.build.number")`,
		`items.find({"repo":"team-local","artifact.module.build.name":{"$match":"secret-*"}})`,
		`items.find({"repo":"team-local","$or":[{"name":"x"},{"dependency.module.build.name":"secret-build"}]})`,
		`items.find({"repo":"team-local","artifact.module.build.@build.owner":"alice"})`,
		`items.find({"repo":"team-local"}).include("release_artifact.release.name")`,
		`items.find({"repo":"team-local","release_artifact.release.name":{"$match":"*"}})`,
	}
	for _, q := range queries {
		t.Run(q, func(t *testing.T) {
			set, err := guard.ParsePolicy([]byte(policy))
			require.NoError(t, err)
			p := set.Base
			h := newHarness(t, harnessOpts{mode: guard.ModeWrite, rules: &p})
			t0 := time.Now()
			e := failed(t, h.call(t, "run_aql", map[string]any{"query": q}))
			assert.Equal(t, tools.CodeGuardDenied, e.Code, e.Message)
			assert.Contains(t, e.Message, "does not allow every one")
			assert.Empty(t, h.requestsSince(t0), "the query reached JFrog")
		})
	}
	t.Run("control: sections that read every name let the query through", func(t *testing.T) {
		set, err := guard.ParsePolicy([]byte("mode: write\nrepositories:\n  read: [team-local]\nbuilds:\n  read: ['*/*']\n"))
		require.NoError(t, err)
		p := set.Base
		h := newHarness(t, harnessOpts{mode: guard.ModeWrite, rules: &p})
		res := h.call(t, "run_aql", map[string]any{"query": queries[0]})
		if res.IsError {
			assert.NotEqual(t, tools.CodeGuardDenied, failed(t, res).Code, "the emulator answers, not the guard")
		}
	})
}

// likeMatchWrap makes the emulator read '_' in a $match pattern as SQL LIKE
// does (any one character), which Artifactory may do: the narrowed query
// then matches repositories the rule "team_*" does not cover, and the row
// filter is the last line.
func likeMatchWrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/api/search/aql") {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			q := strings.ReplaceAll(string(b), `"team_*"`, `"team?*"`)
			r.Body, r.ContentLength = io.NopCloser(strings.NewReader(q)), int64(len(q))
		}
		next.ServeHTTP(w, r)
	})
}

// TestBypassAQLCommonValuesOfHiddenRows: run_aql hoists the values every
// row shares into "common". When the row filter removed rows Artifactory
// returned, the values hoisted from them stayed: with every row hidden,
// common showed the hidden repository, folder, size and checksum (found
// here and fixed on main at the same time; this is the end-to-end proof).
func TestBypassAQLCommonValuesOfHiddenRows(t *testing.T) {
	set, err := guard.ParsePolicy([]byte("mode: write\nrepositories:\n  read: [team_*]\n"))
	require.NoError(t, err)
	p := set.Base
	setup := func(t *testing.T) *harness {
		h := newHarness(t, harnessOpts{mode: guard.ModeWrite, rules: &p, wrap: likeMatchWrap})
		for _, r := range []string{"team_a", "team-hidden"} {
			status, body := adminDo(t, h, http.MethodPut, "/artifactory/api/repositories/"+r, `{"rclass":"local","packageType":"generic"}`)
			require.Equal(t, http.StatusOK, status, body)
		}
		for _, it := range []struct{ repo, path, content string }{
			{"team-hidden", "merger-plans/s1.txt", "merger plan"},
			{"team-hidden", "merger-plans/s2.txt", "merger plan"},
			{"team_a", "merger-plans/s3.txt", "public plan"},
		} {
			status, body := adminDo(t, h, http.MethodPut, "/artifactory/"+it.repo+"/"+it.path, it.content)
			require.Equal(t, http.StatusCreated, status, body)
		}
		return h
	}
	sum := sha256.Sum256([]byte("merger plan"))
	hidden := []string{"team-hidden", hex.EncodeToString(sum[:])}

	t.Run("every row hidden", func(t *testing.T) {
		h := setup(t)
		res := h.call(t, "run_aql", map[string]any{"query": `items.find({"$or":[{"name":"s1.txt"},{"name":"s2.txt"}]}).include("repo","path","name","sha256","size")`})
		out := ok[tools.AQLResult](t, res)
		assert.Empty(t, out.Items)
		assert.Empty(t, out.Common, "common describes rows the policy hides")
		for _, s := range hidden {
			assert.NotContains(t, text(res), s)
		}
	})
	t.Run("hidden and visible rows", func(t *testing.T) {
		h := setup(t)
		res := h.call(t, "run_aql", map[string]any{"query": `items.find({"path":"merger-plans"}).include("repo","path","name","sha256")`})
		out := ok[tools.AQLResult](t, res)
		require.Len(t, out.Items, 1)
		assert.Contains(t, append(out.Items[0], out.Common["repo"]), "team_a")
		for _, s := range hidden {
			assert.NotContains(t, text(res), s)
		}
	})
}

// attackPolicy is resolvePolicy with keys for nested, cyclic and deeply
// chained virtual repositories.
const attackPolicy = `
mode: write
repositories:
  read: [team-local, mixed, open, nodeploy, via-remote, up-remote, later, nest, cyc-a, cyc-b, deep-*]
  write: [team-local, mixed, open, nodeploy, drop-local, nest, cyc-a, cyc-b]
  delete: [team-local, mixed, open, drop-local, later, nest, cyc-b]
`

// newAttackFixture adds to the resolve fixture: nest (a virtual of the
// virtuals open and mixed), cyc-a and cyc-b (virtuals that aggregate each
// other), and deep-0 … deep-9 (a chain of virtuals ending in team-local,
// deeper than the guard follows).
func newAttackFixture(t *testing.T) *resolveFixture {
	t.Helper()
	f := newResolveFixtureWith(t, attackPolicy, nil)
	repos := []struct{ method, key, cfg string }{
		{http.MethodPut, "nest", `{"rclass":"virtual","packageType":"generic","repositories":["open","mixed"]}`},
		{http.MethodPut, "cyc-a", `{"rclass":"virtual","packageType":"generic","repositories":["team-local"]}`},
		{http.MethodPut, "cyc-b", `{"rclass":"virtual","packageType":"generic","repositories":["cyc-a","team-local"]}`},
		{http.MethodPost, "cyc-a", `{"rclass":"virtual","repositories":["cyc-b","team-local"]}`},
	}
	for i := 9; i >= 0; i-- {
		member := "team-local"
		if i < 9 {
			member = fmt.Sprintf("deep-%d", i+1)
		}
		repos = append(repos, struct{ method, key, cfg string }{http.MethodPut, fmt.Sprintf("deep-%d", i),
			fmt.Sprintf(`{"rclass":"virtual","packageType":"generic","repositories":[%q]}`, member)})
	}
	for _, r := range repos {
		status, body := adminDo(t, f.h, r.method, "/artifactory/api/repositories/"+r.key, r.cfg)
		require.Equal(t, http.StatusOK, status, "%s %s: %s", r.method, r.key, body)
	}
	return f
}

// TestBypassAttackCorpus: attempts through virtual repositories nested in
// virtual ones, cycles, chains deeper than the guard follows, and keys
// spelled in another case. Each is refused by the guard, names nothing
// hidden, sends JFrog only lookups and leaves the emulator and the local
// root as they were.
func TestBypassAttackCorpus(t *testing.T) {
	cases := []struct {
		name, tool string
		args       map[string]any
	}{
		{"nested/read a hidden member's file", "get_artifact_info", map[string]any{"repo": "nest", "path": "secret/s.txt"}},
		{"nested/read a readable member's file", "get_artifact_info", map[string]any{"repo": "nest", "path": "team.txt"}},
		{"nested/download", "download_artifact", map[string]any{"repo": "nest", "path": "secret/s.txt"}},
		{"nested/search", "search_artifacts", map[string]any{"repos": []string{"nest"}, "name": "*"}},
		{"nested/copy out", "copy_artifacts", map[string]any{"from_repo": "nest", "from_path": "secret/s.txt", "to_repo": "team-local", "to_path": "stolen.txt", "dry_run": false}},
		{"nested/delete a hidden member's file", "delete_artifact", map[string]any{"repo": "nest", "path": "secret/s.txt"}},
		{"nested/upload without a deployment repository", "upload_artifact", map[string]any{"repo": "nest", "path": "n.txt", "content_text": "x"}},
		{"cycle/read", "get_artifact_info", map[string]any{"repo": "cyc-b", "path": "team.txt"}},
		{"cycle/delete", "delete_artifact", map[string]any{"repo": "cyc-b", "path": "secret/s.txt"}},
		{"chain/read deeper than followed", "get_artifact_info", map[string]any{"repo": "deep-0", "path": "team.txt"}},
		{"case/read through MIXED", "get_artifact_info", map[string]any{"repo": "MIXED", "path": "secret/s.txt"}},
		{"case/upload through Mixed", "upload_artifact", map[string]any{"repo": "Mixed", "path": "n.txt", "content_text": "x"}},
		{"case/hidden key in capitals", "download_artifact", map[string]any{"repo": "HIDDEN-LOCAL", "path": "shared.txt"}},
		{"cache/the hidden cache of a readable remote", "download_artifact", map[string]any{"repo": "up-remote-cache", "path": "x"}},
		{"cache/a cache key of a local repository", "get_artifact_info", map[string]any{"repo": "hidden-local-cache", "path": "x"}},
		{"holder/delete a folder only a hidden member holds", "delete_artifact", map[string]any{"repo": "later", "path": "secret"}},
		{"holder/move out of a virtual", "move_artifacts", map[string]any{"from_repo": "later", "from_path": "team.txt", "to_repo": "team-local", "to_path": "moved.txt", "dry_run": false}},
		{"holder/properties through a virtual without deployment", "set_artifact_properties", map[string]any{"repo": "later", "path": "secret/s.txt", "properties": map[string]any{"k": "v"}}},
		{"encoding/an encoded slash into a hidden key", "download_artifact", map[string]any{"repo": "team-local", "path": "..%2fhidden-local/shared.txt"}},
		{"encoding/a fullwidth dot-dot", "download_artifact", map[string]any{"repo": "team-local", "path": "\uff0e\uff0e/hidden-local/shared.txt"}},
		{"reserved/the global virtual repository", "download_artifact", map[string]any{"repo": "repo", "path": "hidden-local/shared.txt"}},
		{"reserved/the trash can", "download_artifact", map[string]any{"repo": "auto-trashcan", "path": "hidden-local/shared.txt"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newAttackFixture(t)
			before := f.state(t)
			t0 := time.Now()
			res := f.h.call(t, tc.tool, tc.args)
			e := failed(t, res)
			if !strings.HasPrefix(tc.name, "encoding/") {
				assert.Equal(t, tools.CodeGuardDenied, e.Code, e.Message)
			}
			noSecretsBut(t, tc.name, res, tc.args)
			readOnly(t, f.h.requestsSince(t0))
			assert.Equal(t, before, f.state(t), "the emulator or the local root changed")
		})
	}
	t.Run("AQL through nested virtual keys stays scoped", func(t *testing.T) {
		f := newAttackFixture(t)
		for _, q := range []string{
			`items.find({"repo":"nest"})`,
			`items.find({"$or":[{"repo":"cyc-b"},{"repo":"deep-0"}]})`,
			`items.find({"repo":{"$match":"*"},"$or":[{"repo":"nest"}]})`,
			`items.find({"repo":{"$ne":"team-local"}})`,
			`items.find({"$and":[{"repo":{"$nmatch":"team*"}},{"name":{"$match":"*"}}]})`,
			`items.find({"name":{"$match":"*"}}).include("repo","name","sha256").sort({"$desc":["repo"]}).offset(0)`,
			`items.find({"@owner":"alice"})`,
		} {
			res := f.h.call(t, "run_aql", map[string]any{"query": q, "limit": 1000})
			if !res.IsError {
				for _, row := range aqlRecords(t, ok[tools.AQLResult](t, res)) {
					assert.Equal(t, "team-local", strings.ToLower(fmt.Sprint(row["repo"])), "%s returned a hidden row", q)
				}
			}
			noSecretsBut(t, q, res, map[string]any{"query": q})
		}
	})
}

// noSecretsBut is noSecrets, except for what the call's own arguments
// named: a refusal may repeat the key the caller gave.
func noSecretsBut(t *testing.T, what string, res *mcp.CallToolResult, args map[string]any) {
	t.Helper()
	given := strings.ToLower(fmt.Sprint(args))
	body := text(res)
	for _, s := range secrets() {
		if !strings.Contains(given, strings.ToLower(s)) {
			assert.NotContains(t, body, s, "%s: the answer reveals %q: %s", what, s, body)
		}
	}
}

// partialConfigWrap answers repository configurations as Artifactory does
// for a non-admin identity: a partial configuration, here without the
// virtual repositories' member lists.
func partialConfigWrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, "/artifactory/api/repositories/") || r.Header.Get("Authorization") == "Bearer "+adminTokenOf(r) {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		var cfg map[string]any
		if rec.Code == http.StatusOK && json.Unmarshal(rec.Body.Bytes(), &cfg) == nil {
			delete(cfg, "repositories")
			delete(cfg, "defaultDeploymentRepo")
			b, _ := json.Marshal(cfg)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(b)
			return
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// adminTokenOf is the token the test's own setup requests name in
// X-Test-Admin, so only the server's lookups see partial configurations.
func adminTokenOf(r *http.Request) string { return r.Header.Get("X-Test-Admin") }

// TestBypassVirtualWithPartialConfiguration: a server whose identity is
// not an admin gets partial repository configurations. A virtual
// repository whose member list is missing was taken for one that
// aggregates nothing, so reading through it was allowed and returned a
// hidden member's file. Unknown members are now a refusal.
func TestBypassVirtualWithPartialConfiguration(t *testing.T) {
	set, err := guard.ParsePolicy([]byte(resolvePolicy))
	require.NoError(t, err)
	p := set.Base
	h := newHarness(t, harnessOpts{mode: guard.ModeWrite, rules: &p, wrap: partialConfigWrap})
	setup := func(method, path, body string) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), method, h.emu.URL+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+h.emu.AdminToken)
		req.Header.Set("X-Test-Admin", h.emu.AdminToken) // past the wrap
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = res.Body.Close()
		require.Less(t, res.StatusCode, 300, "%s %s", method, path)
	}
	for _, r := range resolveRepos[:5] {
		setup(http.MethodPut, "/artifactory/api/repositories/"+r.key, r.cfg)
	}
	setup(http.MethodPut, "/artifactory/hidden-local/secret/s.txt", "hidden secret")
	t0 := time.Now()
	for _, tc := range []struct{ tool, path string }{
		{"download_artifact", "secret/s.txt"},
		{"get_artifact_info", "secret/s.txt"},
		{"get_artifact_info", ""},
	} {
		args := map[string]any{"repo": "mixed"}
		if tc.path != "" {
			args["path"] = tc.path
		}
		res := h.call(t, tc.tool, args)
		e := failed(t, res)
		assert.Contains(t, e.Message, "could not be looked up", "refused as a key whose meaning is unknown")
		assert.NotContains(t, text(res), "hidden secret")
		assert.NotContains(t, text(res), "hidden-local")
	}
	for _, r := range h.requestsSince(t0) {
		assert.True(t, strings.HasPrefix(r.Path, "/artifactory/api/repositories/"), "only lookups reached JFrog: %s %s", r.Method, r.Path)
	}
}

// TestBypassUploadBuildNameIsAPublish: upload_artifact's build_name and
// build_number make the artifact part of that build; the builds section's
// publish rules decide it like any publish, before anything is sent.
func TestBypassUploadBuildNameIsAPublish(t *testing.T) {
	set, err := guard.ParsePolicy([]byte("mode: write\nrepositories:\n  write: [app-staging-local]\nbuilds:\n  publish: [public-*]\n"))
	require.NoError(t, err)
	p := set.Base
	up := func(name string) map[string]any {
		return map[string]any{"repo": "app-staging-local", "path": name + ".bin", "content_text": "x", "build_name": name, "build_number": "42"}
	}
	t.Run("a build the policy does not let this server publish", func(t *testing.T) {
		h := newHarness(t, harnessOpts{mode: guard.ModeWrite, rules: &p})
		t0 := time.Now()
		e := failed(t, h.call(t, "upload_artifact", up("prod-release")))
		assert.Equal(t, tools.CodeGuardDenied, e.Code, e.Message)
		assert.Contains(t, e.Message, "prod-release")
		assert.Empty(t, h.requestsSince(t0), "the upload reached JFrog")
	})
	t.Run("control: an allowed build", func(t *testing.T) {
		h := newHarness(t, harnessOpts{mode: guard.ModeWrite, rules: &p})
		out := ok[tools.UploadResult](t, h.call(t, "upload_artifact", up("public-site")))
		assert.Equal(t, []string{"public-site"}, out.Properties["build.name"])
	})
}
