package tools_test

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/aql"
	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// bypassPolicy is deliberately narrow: parts of repositories, one write
// folder, and repositories that hold data but may not be touched at all.
const bypassPolicy = `
mode: write
repositories:
  read: [generic-local, libs-release-local/public, app-staging-local]
  write: [app-staging-local/uploads]
  delete: [app-staging-local/uploads]
  promote_to: [app-prod-local]
`

// readableItem is the read policy, written out independently of the guard:
// what an agent may see.
func readableItem(repo, path, name string) bool {
	full := strings.Trim(path, "/")
	if full == "." {
		full = ""
	}
	if name != "" {
		full = strings.TrimPrefix(full+"/"+name, "/")
	}
	switch repo {
	case "generic-local", "app-staging-local":
		return true
	case "libs-release-local":
		return full == "public" || strings.HasPrefix(full, "public/")
	}
	return false
}

// untouchable repositories: the policy allows nothing at all in them, so no
// request may name them.
var untouchable = []string{"libs-snapshot-local", "app-prod-local", "docker-local", "npm-local", "pypi-remote", "libs-release"}

// bypassSeed is data in every forbidden place, so a leak would show.
var bypassSeed = []struct{ repo, path, props string }{
	{"libs-release-local", "public/ok.txt", ""},
	{"libs-release-local", "publicX/forbidden.txt", ""},
	{"libs-release-local", "public-but-not/forbidden.txt", ""},
	{"libs-release-local", "public_x/forbidden.txt", ""},
	{"libs-release-local", "secret/forbidden.txt", ""},
	{"libs-snapshot-local", "secret/forbidden.txt", ";repo=generic-local"},
	{"app-prod-local", "forbidden.txt", ";repo=generic-local;team=core"},
	{"app-prod-local", "uploads/forbidden.txt", ""},
	{"app-staging-local", "uploads/ok.txt", ""},
	{"app-staging-local", "uploadsX/forbidden.txt", ""},
	{"app-staging-local", "secret/readonly.txt", ""},
	{"generic-local", "docs/ok.txt", ";team=core"},
	{"npm-local", "forbidden.txt", ";repo=generic-local"},
}

func seedBypassData(t *testing.T, h *harness) {
	t.Helper()
	for _, s := range bypassSeed {
		u := h.emu.URL + "/artifactory/" + client.EscapePath(s.repo, s.path) + s.props
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPut, u, bytes.NewReader([]byte("content of "+s.repo+"/"+s.path)))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+h.emu.AdminToken)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = res.Body.Close()
		require.Equal(t, http.StatusCreated, res.StatusCode, "seed %s/%s", s.repo, s.path)
	}
}

// adminGet returns the status of an admin GET, bypassing the server.
func adminGet(t *testing.T, h *harness, path string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, h.emu.URL+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+h.emu.AdminToken)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = res.Body.Close()
	return res.StatusCode
}

type expect int

const (
	denied   expect = iota // an error result, guard_denied or invalid_argument, and no request at all
	narrowed               // success; every item is readable; only AQL requests
	listed                 // list_repositories: only readable repositories
	allowed                // a control: the policy does allow it
)

type bypassCase struct {
	name   string // category/description
	tool   string
	args   map[string]any
	expect expect
}

func aqlCase(name, query string) bypassCase {
	return bypassCase{name: name, tool: "run_aql", args: map[string]any{"query": query, "limit": 1000}, expect: narrowed}
}

func upload(name, repo, path string) bypassCase {
	return bypassCase{name: name, tool: "upload_artifact", args: map[string]any{"repo": repo, "path": path, "content_text": "evil"}, expect: denied}
}

func info(name, repo, path string) bypassCase {
	return bypassCase{name: name, tool: "get_artifact_info", args: map[string]any{"repo": repo, "path": path}, expect: denied}
}

func download(name, repo, path string) bypassCase {
	return bypassCase{name: name, tool: "download_artifact", args: map[string]any{"repo": repo, "path": path}, expect: denied}
}

func deny(name, tool string, args map[string]any) bypassCase {
	return bypassCase{name: name, tool: tool, args: args, expect: denied}
}

func bypassCases(root, outside string) []bypassCase {
	long := strings.Repeat("a", 10_000)
	return []bypassCase{
		// Path traversal.
		info("traversal/dotdot out of the readable prefix", "libs-release-local", "public/../secret/forbidden.txt"),
		download("traversal/dotdot out of the repository", "libs-release-local", "public/../../libs-snapshot-local/secret/forbidden.txt"),
		upload("traversal/dotdot out of the write folder", "app-staging-local", "uploads/../secret/evil.txt"),
		upload("traversal/a/../../x", "app-staging-local", "uploads/a/../../evil.txt"),
		upload("traversal/./../ at the root", "app-staging-local", "./../app-prod-local/evil.txt"),
		deny("traversal/delete climbing out", "delete_artifact", map[string]any{"repo": "app-staging-local", "path": "uploads/../secret"}),
		deny("traversal/properties climbing out", "set_artifact_properties", map[string]any{"repo": "app-staging-local", "path": "uploads/../../app-prod-local/forbidden.txt", "properties": map[string]any{"k": "v"}}),
		deny("traversal/copy target climbing out", "copy_artifacts", map[string]any{"from_repo": "generic-local", "from_path": "docs/ok.txt", "to_repo": "app-staging-local", "to_path": "uploads/../secret/x", "dry_run": false}),

		// Percent-encoded segments.
		upload("encoded/%2e%2e", "app-staging-local", "uploads/%2e%2e/secret/evil.txt"),
		upload("encoded/mixed case %2E%2e", "app-staging-local", "uploads/%2E%2e/evil.txt"),
		upload("encoded/double %252e%252e", "app-staging-local", "uploads/%252e%252e/secret/evil.txt"),
		upload("encoded/triple %25252e", "app-staging-local", "uploads/%25252e%25252e/evil.txt"),
		info("encoded/..%2f", "libs-release-local", "public/..%2fsecret"),
		download("encoded/%2F separators", "libs-release-local", "public%2F..%2Fsecret%2Fforbidden.txt"),
		upload("encoded/%2F inside the prefix segment", "app-staging-local", "uploads%2Fevil.txt"),
		deny("encoded/delete %2e%2e", "delete_artifact", map[string]any{"repo": "app-staging-local", "path": "uploads/%2e%2e/secret"}),
		upload("encoded/malformed escape hides %2e%2e", "app-staging-local", "uploads/%2e%2e/evil.txt%zz"),
		upload("encoded/tomcat ..;", "app-staging-local", "uploads/..;/secret/evil.txt"),
		upload("encoded/..%3B", "app-staging-local", "uploads/..%3B/secret/evil.txt"),

		// Backslashes.
		upload("backslash/..\\", "app-staging-local", "uploads/..\\secret\\evil.txt"),
		info("backslash/read", "libs-release-local", "public\\..\\secret"),
		upload("backslash/%5c", "app-staging-local", "uploads/..%5cevil.txt"),

		// NUL and control characters.
		upload("control/NUL", "app-staging-local", "uploads/evil\x00.txt"),
		download("control/NUL before dotdot", "libs-release-local", "public/ok.txt\x00/../../secret/forbidden.txt"),
		upload("control/newline", "app-staging-local", "uploads/evil\n.txt"),
		info("control/%00", "libs-release-local", "public%00/forbidden.txt"),
		upload("control/DEL", "app-staging-local", "uploads/evil\x7f.txt"),

		// Doubled slashes and dot segments must still be scoped.
		upload("slashes/uploads//../x", "app-staging-local", "uploads//../secret/evil.txt"),
		upload("slashes/uploads/./../secret", "app-staging-local", "uploads/./../secret/evil.txt"),
		deny("slashes/delete uploads/./../secret", "delete_artifact", map[string]any{"repo": "app-staging-local", "path": "uploads/./../secret"}),
		info("slashes/.//public/./../secret", "libs-release-local", ".//public/./../secret"),
		upload("slashes/dot segment does not reach the prefix", "app-staging-local", "./uploadsX//evil.txt"),

		// Path-prefix games.
		upload("prefix/uploadsX", "app-staging-local", "uploadsX/evil.txt"),
		upload("prefix/uploads-evil", "app-staging-local", "uploads-evil.txt"),
		upload("prefix/Uploads case", "app-staging-local", "Uploads/evil.txt"),
		deny("prefix/delete uploadsX", "delete_artifact", map[string]any{"repo": "app-staging-local", "path": "uploadsX/forbidden.txt"}),
		info("prefix/publicX", "libs-release-local", "publicX/forbidden.txt"),
		download("prefix/public-but-not", "libs-release-local", "public-but-not/forbidden.txt"),
		info("prefix/root of a prefix-only repository", "libs-release-local", ""),
		info("prefix/public_x", "libs-release-local", "public_x/forbidden.txt"),

		// Case games on repository keys.
		upload("case/APP-PROD-LOCAL write", "APP-PROD-LOCAL", "uploads/evil.txt"),
		info("case/LIBS-SNAPSHOT-LOCAL read", "LIBS-SNAPSHOT-LOCAL", "secret/forbidden.txt"),
		deny("case/App-Prod-Local properties", "set_artifact_properties", map[string]any{"repo": "App-Prod-Local", "path": "forbidden.txt", "properties": map[string]any{"k": "v"}}),
		{name: "case/Generic-Local read is allowed", tool: "get_artifact_info", args: map[string]any{"repo": "Generic-Local", "path": "docs/ok.txt"}, expect: allowed},

		// Unicode look-alikes.
		info("unicode/cyrillic o in a forbidden key", "libs-snapshot-l\u043ecal", "secret/forbidden.txt"),
		info("unicode/cyrillic o in a readable key", "generic-l\u043ecal", "docs/ok.txt"),
		upload("unicode/fullwidth key", "\uff41pp-prod-local", "evil.txt"),
		upload("unicode/fullwidth solidus", "app-staging-local", "uploads\uff0f..\uff0fsecret/evil.txt"),
		upload("unicode/fullwidth dots", "app-staging-local", "uploads/\uff0e\uff0e/secret/evil.txt"),
		upload("unicode/encoded fullwidth dots", "app-staging-local", "uploads/%EF%BC%8E%EF%BC%8E/evil.txt"),
		upload("unicode/fullwidth percent escapes", "app-staging-local", "uploads/\uff05\uff12\uff45\uff05\uff12\uff45/evil.txt"),
		upload("unicode/two dot leader", "app-staging-local", "uploads/\u2025/secret/evil.txt"),
		upload("unicode/ligature after the prefix", "app-staging-local", "uploads\ufb00/evil.txt"),
		upload("unicode/ligature in the key", "app-staging-local\ufb01", "uploads/evil.txt"),
		upload("unicode/zero width joiner after the prefix", "app-staging-local", "uploads\u200d/evil.txt"),
		upload("unicode/zero width joiner in the key", "app-staging\u200d-local", "uploads/evil.txt"),
		info("unicode/kelvin sign", "libs-snapshot-local\u212a", "x"),

		// Very long input.
		upload("long/10k path outside the prefix", "app-staging-local", "uploadsX/"+long),
		download("long/10k path climbing out", "libs-release-local", "public/"+strings.Repeat("x/", 2500)+strings.Repeat("../", 2502)+"libs-snapshot-local/secret/forbidden.txt"),
		info("long/300-char key", strings.Repeat("r", 300), "x"),
		info("long/300-char key extending a readable one", "generic-local"+strings.Repeat("x", 287), "x"),

		// AQL: widening through $or, operators, duplicates, properties.
		aqlCase("aql/find everything", `items.find()`),
		aqlCase("aql/forbidden repo", `items.find({"repo":"libs-snapshot-local"})`),
		aqlCase("aql/forbidden repo upper case", `items.find({"repo":"LIBS-SNAPSHOT-LOCAL"})`),
		aqlCase("aql/prefix-only repo whole", `items.find({"repo":"libs-release-local"})`),
		aqlCase("aql/prefix game public*", `items.find({"repo":"libs-release-local","path":{"$match":"public*"}})`),
		aqlCase("aql/$or with an unbound branch", `items.find({"$or":[{"repo":"generic-local"},{"name":"forbidden.txt"}]})`),
		aqlCase("aql/$or siblings are alternatives", `items.find({"$or":[{"repo":"generic-local","name":"forbidden.txt"}]})`),
		aqlCase("aql/$or with a forbidden repo", `items.find({"$or":[{"repo":"generic-local"},{"repo":"app-prod-local"}]})`),
		aqlCase("aql/repo $ne", `items.find({"repo":{"$ne":"generic-local"}})`),
		aqlCase("aql/repo $nmatch", `items.find({"repo":{"$nmatch":"generic-*"}})`),
		aqlCase("aql/repo $match *", `items.find({"repo":{"$match":"*"}})`),
		aqlCase("aql/repo $match %", `items.find({"repo":{"$match":"%"}})`),
		aqlCase("aql/repo $match _", `items.find({"repo":{"$match":"app_prod_local"}})`),
		aqlCase("aql/repo $eq with %", `items.find({"repo":"app-prod-%"})`),
		aqlCase("aql/nested $and $or", `items.find({"$and":[{"$or":[{"repo":"generic-local"},{"path":{"$match":"*"}}]}]})`),
		aqlCase("aql/nested $or $and", `items.find({"$or":[{"$and":[{"repo":"generic-local"}]},{"$and":[{"repo":"libs-snapshot-local"}]}]})`),
		aqlCase("aql/$and then a sibling inside $or", `items.find({"$or":[{"$and":[{"repo":"generic-local"}],"name":"forbidden.txt"}]})`),
		aqlCase("aql/duplicate repo keys", `items.find({"repo":"generic-local","repo":"libs-snapshot-local"})`),
		aqlCase("aql/duplicate $or keys", `items.find({"$or":[{"repo":"generic-local"}],"$or":[{"repo":"app-prod-local"}]})`),
		aqlCase("aql/@repo property", `items.find({"@repo":"generic-local"})`),
		aqlCase("aql/property.key property.value", `items.find({"property.key":"repo","property.value":"generic-local"})`),
		aqlCase("aql/$msp", `items.find({"$msp":{"@repo":"generic-local","@team":"core"}})`),
		aqlCase("aql/cyrillic repo", `items.find({"repo":"app-pr\u043ed-local"})`),
		aqlCase("aql/json escape of a forbidden key", `items.find({"repo":"app-prod-loca\u006c"})`),
		aqlCase("aql/include properties", `items.find({"name":{"$match":"*"}}).include("name","property.*")`),
		aqlCase("aql/include name only", `items.find({"type":"any"}).include("name")`),
		aqlCase("aql/type any folders", `items.find({"type":"any","repo":{"$match":"*"}})`),
		aqlCase("aql/sort offset limit", `items.find({"name":{"$match":"*"}}).sort({"$asc":["repo"]}).offset(0).limit(5000)`),
		aqlCase("aql/transitive through a virtual repo", `items.find({"repo":"libs-release"}).transitive()`),
		deny("aql/builds domain", "run_aql", map[string]any{"query": `builds.find({"name":"x"})`}),
		deny("aql/archive.entries domain", "run_aql", map[string]any{"query": `archive.entries.find()`}),
		deny("aql/build.promotions domain", "run_aql", map[string]any{"query": `build.promotions.find()`}),
		deny("aql/not json", "run_aql", map[string]any{"query": `items.find({"repo":"generic-local"}).include("repo")); items.find({"repo":"app-prod-local"})`}),

		// search_artifacts.
		deny("search/forbidden repo", "search_artifacts", map[string]any{"repos": []string{"libs-snapshot-local"}}),
		deny("search/forbidden repo among readable", "search_artifacts", map[string]any{"repos": []string{"generic-local", "app-prod-local"}}),
		deny("search/forbidden repo upper case", "search_artifacts", map[string]any{"repos": []string{"LIBS-SNAPSHOT-LOCAL"}}),
		deny("search/cyrillic repo", "search_artifacts", map[string]any{"repos": []string{"app-pr\u043ed-local"}}),
		deny("search/repo wildcard", "search_artifacts", map[string]any{"repos": []string{"*"}}),
		{name: "search/no repos", tool: "search_artifacts", args: map[string]any{"name": "forbidden.txt"}, expect: narrowed},
		{name: "search/no repos any name", tool: "search_artifacts", args: map[string]any{"name": "*", "limit": 500}, expect: narrowed},
		{name: "search/no repos with properties", tool: "search_artifacts", args: map[string]any{"properties": map[string]string{"repo": "generic-local"}, "include_properties": true}, expect: narrowed},
		{name: "search/path traversal as a criterion", tool: "search_artifacts", args: map[string]any{"path": "../*", "type": "any"}, expect: narrowed},
		{name: "search/folders too", tool: "search_artifacts", args: map[string]any{"name": "*", "type": "any", "limit": 500}, expect: narrowed},

		// Other tools on forbidden repositories and paths.
		info("tools/info in a forbidden repo", "app-prod-local", "forbidden.txt"),
		download("tools/download from a forbidden repo", "libs-snapshot-local", "secret/forbidden.txt"),
		download("tools/download outside the readable prefix", "libs-release-local", "secret/forbidden.txt"),
		deny("tools/properties on a read-only path", "set_artifact_properties", map[string]any{"repo": "app-staging-local", "path": "secret/readonly.txt", "properties": map[string]any{"k": "v"}}),
		deny("tools/properties on a forbidden root, recursive", "set_artifact_properties", map[string]any{"repo": "app-prod-local", "properties": map[string]any{"k": "v"}, "recursive": true}),
		deny("tools/delete properties in a forbidden repo", "delete_artifact_properties", map[string]any{"repo": "app-prod-local", "path": "forbidden.txt", "keys": []string{"repo"}}),
		deny("tools/delete a read-only path", "delete_artifact", map[string]any{"repo": "app-staging-local", "path": "secret"}),
		deny("tools/delete in a forbidden repo", "delete_artifact", map[string]any{"repo": "app-prod-local", "path": "forbidden.txt"}),
		deny("tools/copy from readable to forbidden", "copy_artifacts", map[string]any{"from_repo": "generic-local", "from_path": "docs/ok.txt", "to_repo": "app-prod-local", "to_path": "x.txt", "dry_run": false}),
		deny("tools/copy from forbidden to writable", "copy_artifacts", map[string]any{"from_repo": "libs-snapshot-local", "from_path": "secret/forbidden.txt", "to_repo": "app-staging-local", "to_path": "uploads/stolen.txt", "dry_run": false}),
		deny("tools/copy from outside the readable prefix", "copy_artifacts", map[string]any{"from_repo": "libs-release-local", "from_path": "publicX/forbidden.txt", "to_repo": "app-staging-local", "to_path": "uploads/stolen.txt"}),
		deny("tools/copy to the same path in a forbidden repo", "copy_artifacts", map[string]any{"from_repo": "app-staging-local", "from_path": "uploads/ok.txt", "to_repo": "app-prod-local"}),
		deny("tools/move to a forbidden repo", "move_artifacts", map[string]any{"from_repo": "app-staging-local", "from_path": "uploads/ok.txt", "to_repo": "app-prod-local", "to_path": "x.txt", "dry_run": false}),
		deny("tools/move from a read-only path", "move_artifacts", map[string]any{"from_repo": "app-staging-local", "from_path": "secret/readonly.txt", "to_repo": "app-staging-local", "to_path": "uploads/x.txt", "dry_run": false}),
		deny("tools/move from a forbidden repo", "move_artifacts", map[string]any{"from_repo": "app-prod-local", "from_path": "forbidden.txt", "to_repo": "app-staging-local", "to_path": "uploads/x.txt"}),
		upload("tools/upload to a forbidden repo", "app-prod-local", "evil.txt"),
		upload("tools/upload to a readable but not writable path", "app-staging-local", "secret/evil.txt"),
		upload("tools/upload to a readable repo", "generic-local", "evil.txt"),

		// Local files.
		deny("local/upload from outside the roots", "upload_artifact", map[string]any{"repo": "app-staging-local", "path": "uploads/x.txt", "local_path": filepath.Join(outside, "secret.txt")}),
		deny("local/upload through a symlink in the root", "upload_artifact", map[string]any{"repo": "app-staging-local", "path": "uploads/x.txt", "local_path": filepath.Join(root, "link.txt")}),
		deny("local/upload through a symlinked directory", "upload_artifact", map[string]any{"repo": "app-staging-local", "path": "uploads/x.txt", "local_path": filepath.Join(root, "linkdir", "secret.txt")}),
		deny("local/upload relative climbing out", "upload_artifact", map[string]any{"repo": "app-staging-local", "path": "uploads/x.txt", "local_path": "../" + filepath.Base(outside) + "/secret.txt"}),
		deny("local/upload with NUL", "upload_artifact", map[string]any{"repo": "app-staging-local", "path": "uploads/x.txt", "local_path": filepath.Join(root, "ok.txt") + "\x00"}),
		deny("local/download to outside the roots", "download_artifact", map[string]any{"repo": "generic-local", "path": "docs/ok.txt", "local_path": filepath.Join(outside, "dropped.txt")}),
		deny("local/download through a symlinked directory", "download_artifact", map[string]any{"repo": "generic-local", "path": "docs/ok.txt", "local_path": filepath.Join(root, "linkdir", "dropped.txt")}),

		// list_repositories hides what cannot be read.
		{name: "list/all", tool: "list_repositories", args: map[string]any{}, expect: listed},
		{name: "list/local only", tool: "list_repositories", args: map[string]any{"type": "local"}, expect: listed},
		{name: "list/virtual only", tool: "list_repositories", args: map[string]any{"type": "virtual"}, expect: listed},
	}
}

// TestBypassCorpus runs each attempt through the real tools against the
// emulator and checks both the result and what reached the emulator.
func TestBypassCorpus(t *testing.T) {
	set, err := guard.ParsePolicy([]byte(bypassPolicy))
	require.NoError(t, err)
	policy := set.Base

	root, outside := t.TempDir(), t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "ok.txt"), []byte("ok"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("secret"), 0o644))
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(root, "link.txt")))
	require.NoError(t, os.Symlink(outside, filepath.Join(root, "linkdir")))

	h := newHarness(t, harnessOpts{mode: guard.ModeWrite, rules: &policy, roots: []string{root}})
	seedBypassData(t, h)

	cases := bypassCases(root, outside)
	require.GreaterOrEqual(t, len(cases), 40)
	seen := map[string]bool{}
	for _, tc := range cases {
		require.False(t, seen[tc.name], "duplicate case %s", tc.name)
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			h.emu.Emu.ResetRequests()
			res := h.call(t, tc.tool, tc.args)
			reqs := h.emu.Emu.Requests()
			for _, r := range reqs {
				assert.False(t, touchesUntouchable(r), "%s: request %s %s?%s names a repository the policy forbids", tc.name, r.Method, r.Path, r.RawQuery)
			}
			switch tc.expect {
			case denied:
				e := failed(t, res)
				assert.Contains(t, []tools.Code{tools.CodeGuardDenied, tools.CodeInvalidArgument}, e.Code, "%s: %s", tc.name, e.Message)
				assert.Empty(t, reqs, "%s: a denied call reached the emulator", tc.name)
			case narrowed:
				assertNarrowed(t, tc, res, reqs)
			case listed:
				out := ok[tools.RepositoryList](t, res)
				for _, r := range out.Items {
					assert.Contains(t, []string{"generic-local", "libs-release-local", "app-staging-local"}, r.Key, "%s: listed %s", tc.name, r.Key)
				}
				for _, r := range reqs {
					assert.Equal(t, "/artifactory/api/repositories", r.Path, tc.name)
				}
			case allowed:
				ok[tools.ArtifactInfo](t, res)
			}
		})
	}

	// Nothing above changed the forbidden data.
	for _, s := range bypassSeed {
		assert.Equal(t, http.StatusOK, adminGet(t, h, "/artifactory/api/storage/"+client.EscapePath(s.repo, s.path)), "seeded %s/%s is gone", s.repo, s.path)
	}
}

// assertNarrowed checks a search or AQL call that the guard narrows
// instead of refusing: it may only query AQL, and every row it returns
// must be readable. The emulator's $match has no SQL wildcards, so a
// correctly narrowed query needs no row to be dropped afterwards.
func assertNarrowed(t *testing.T, tc bypassCase, res *mcp.CallToolResult, reqs []emulator.RecordedRequest) {
	t.Helper()
	for _, r := range reqs {
		if lookup, found := strings.CutPrefix(r.Method+" "+r.Path, "GET /artifactory/api/repositories/"); found {
			// The guard looks up what a row's repository is (with the
			// server's identity), and only for keys the policy may read.
			assert.Contains(t, []string{"generic-local", "libs-release-local", "app-staging-local"}, lookup, tc.name)
			continue
		}
		assert.Equal(t, "POST /artifactory/api/search/aql", r.Method+" "+r.Path, "%s: narrowed calls only query", tc.name)
	}
	// The query that ran reaches readable repositories only.
	bounded := func(src string) {
		t.Helper()
		q, err := aql.Parse(src)
		require.NoError(t, err, "%s: the query that ran does not parse: %s", tc.name, src)
		an := q.AnalyzeRepos()
		require.True(t, an.Bounded, "%s: the query that ran is not bounded: %s", tc.name, src)
		for _, c := range an.Repos {
			assert.Contains(t, []string{"generic-local", "libs-release-local", "app-staging-local"}, strings.ToLower(c.Key), "%s: the query that ran reaches %s: %s", tc.name, c.Key, src)
		}
	}
	switch tc.tool {
	case "run_aql":
		out := ok[tools.AQLResult](t, res)
		bounded(out.AQL)
		assert.NotContains(t, strings.Join(out.Notes, "; "), "outside the policy were removed", "%s: the query itself was not narrowed", tc.name)
		for _, row := range aqlRecords(t, out) {
			repo, _ := row["repo"].(string)
			p, _ := row["path"].(string)
			n, _ := row["name"].(string)
			require.NotEmpty(t, repo, "%s: a row without its repository: %v", tc.name, row)
			assert.True(t, readableItem(repo, p, n), "%s: returned %s/%s/%s via %s", tc.name, repo, p, n, out.AQL)
		}
	case "search_artifacts":
		out := ok[tools.SearchResult](t, res)
		bounded(out.AQL)
		for _, it := range out.Items {
			assert.True(t, readableItem(it.Repo, it.Path, it.Name), "%s: returned %s/%s/%s via %s", tc.name, it.Repo, it.Path, it.Name, out.AQL)
		}
	default:
		t.Fatalf("%s: no narrowing check for %s", tc.name, tc.tool)
	}
}

// touchesUntouchable reports a request naming a repository the policy
// allows nothing in, in its path or in a copy/move target.
func touchesUntouchable(r emulator.RecordedRequest) bool {
	p, err := url.PathUnescape(r.Path)
	if err != nil {
		return true
	}
	p = strings.TrimPrefix(p, "/artifactory/")
	for _, api := range []string{"api/storage/", "api/copy/", "api/move/", "api/download/"} {
		p = strings.TrimPrefix(p, api)
	}
	first, _, _ := strings.Cut(p, "/")
	first, _, _ = strings.Cut(first, ";")
	if slices.Contains(untouchable, strings.ToLower(first)) {
		return true
	}
	q, _ := url.ParseQuery(r.RawQuery)
	to := strings.TrimPrefix(q.Get("to"), "/")
	toRepo, _, _ := strings.Cut(to, "/")
	return slices.Contains(untouchable, strings.ToLower(toRepo))
}
