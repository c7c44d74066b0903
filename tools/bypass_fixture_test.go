package tools_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// resolvePolicy allows everything on the keys of virtual repositories that
// aggregate forbidden ones, and write and delete without read on
// drop-local. hidden-local and up-remote-cache are not allowed at all.
const resolvePolicy = `
mode: write
repositories:
  read: [team-local, mixed, open, nodeploy, via-remote, up-remote]
  write: [team-local, mixed, open, nodeploy, drop-local]
  delete: [team-local, mixed, open, drop-local, later]
`

// resolveRepos are created on top of the demo seed, in order (a virtual
// repository's members must exist first).
var resolveRepos = []struct{ key, cfg string }{
	{"team-local", `{"rclass":"local","packageType":"generic"}`},
	{"hidden-local", `{"rclass":"local","packageType":"generic"}`},
	{"drop-local", `{"rclass":"local","packageType":"generic"}`},
	{"up-remote", `{"rclass":"remote","packageType":"generic","url":"https://upstream.invalid"}`},
	{"mixed", `{"rclass":"virtual","packageType":"generic","repositories":["hidden-local","team-local"],"defaultDeploymentRepo":"hidden-local"}`},
	{"open", `{"rclass":"virtual","packageType":"generic","repositories":["team-local"],"defaultDeploymentRepo":"team-local"}`},
	{"nodeploy", `{"rclass":"virtual","packageType":"generic","repositories":["team-local"]}`},
	{"via-remote", `{"rclass":"virtual","packageType":"generic","repositories":["team-local","up-remote"]}`},
	{"later", `{"rclass":"virtual","packageType":"generic","repositories":["hidden-local","team-local"]}`},
}

// resolveItems are the files, with matrix properties; what is in
// hidden-local and drop-local must never show in an answer.
var resolveItems = []struct{ repo, path, content, props string }{
	{"hidden-local", "secret/s.txt", "hidden secret", ";owner=alice"},
	{"hidden-local", "shared.txt", "hidden shared", ""},
	{"team-local", "shared.txt", "team shared", ""},
	{"team-local", "team.txt", "team", ""},
	{"team-local", "dir/a.txt", "same in both", ""},
	{"team-local", "dir/b.txt", "team b", ""},
	{"drop-local", "exists.txt", "drop secret", ";owner=alice"},
	{"drop-local", "x/dir/a.txt", "same in both", ""},
	{"drop-local", "x/dir/b.txt", "drop b", ""},
}

// secrets are strings no answer may contain: hidden keys, contents and
// their checksums, hidden properties.
func secrets() []string {
	out := []string{"hidden-local", "alice", "up-remote-cache"}
	readable := map[string]bool{}
	for _, it := range resolveItems {
		if it.repo == "team-local" {
			readable[it.content] = true
		}
	}
	for _, it := range resolveItems {
		if (it.repo == "hidden-local" || it.repo == "drop-local") && !readable[it.content] {
			sum := sha256.Sum256([]byte(it.content))
			out = append(out, it.content, hex.EncodeToString(sum[:]))
		}
	}
	return out
}

type resolveFixture struct {
	h    *harness
	root string // the only local root; nothing may appear in it
}

func newResolveFixture(t *testing.T, elicit func(r mcp.ElicitationRequest) bool) *resolveFixture {
	t.Helper()
	return newResolveFixtureWith(t, resolvePolicy, elicit)
}

// newResolveFixtureWith is the fixture under another policy.
func newResolveFixtureWith(t *testing.T, policyText string, elicit func(r mcp.ElicitationRequest) bool) *resolveFixture {
	t.Helper()
	set, err := guard.ParsePolicy([]byte(policyText))
	require.NoError(t, err)
	policy := set.Base
	root := t.TempDir()
	o := harnessOpts{mode: guard.ModeWrite, rules: &policy, roots: []string{root}}
	if elicit != nil {
		o.elicit = elicitAnswer(elicit)
	}
	h := newHarness(t, o)
	for _, r := range resolveRepos {
		status, body := adminDo(t, h, http.MethodPut, "/artifactory/api/repositories/"+r.key, r.cfg)
		require.Equal(t, http.StatusOK, status, "create %s: %s", r.key, body)
	}
	for _, it := range resolveItems {
		status, body := adminDo(t, h, http.MethodPut, "/artifactory/"+client.EscapePath(it.repo, it.path)+it.props, it.content)
		require.Equal(t, http.StatusCreated, status, "seed %s/%s: %s", it.repo, it.path, body)
	}
	return &resolveFixture{h: h, root: root}
}

// adminDo sends one request as the emulator's admin, past the server.
func adminDo(t *testing.T, h *harness, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, h.emu.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+h.emu.AdminToken)
	if strings.Contains(path, "api/repositories") {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, string(b)
}

// state is every seeded item's storage info and properties as the admin
// sees them, plus the names in the local root: the ground truth a refused
// or metadata-free call must leave as it was.
func (f *resolveFixture) state(t *testing.T) string {
	t.Helper()
	var b bytes.Buffer
	for _, r := range []string{"team-local", "hidden-local", "drop-local"} {
		status, body := adminDo(t, f.h, http.MethodGet, "/artifactory/api/storage/"+r+"?list&deep=1&listFolders=1", "")
		require.Equal(t, http.StatusOK, status, body)
		var list struct {
			Files []struct {
				URI  string `json:"uri"`
				SHA2 string `json:"sha2"`
			} `json:"files"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &list))
		for _, fl := range list.Files {
			_, props := adminDo(t, f.h, http.MethodGet, "/artifactory/api/storage/"+r+fl.URI+"?properties", "")
			b.WriteString(r + fl.URI + " " + fl.SHA2 + " " + props + "\n")
		}
	}
	entries, err := os.ReadDir(f.root)
	require.NoError(t, err)
	for _, e := range entries {
		b.WriteString("local " + filepath.Join(f.root, e.Name()) + "\n")
	}
	return b.String()
}

// readOnly asserts that every request the call sent only looked: lookups
// of configurations and items, and queries.
func readOnly(t *testing.T, reqs []emulator.RecordedRequest) {
	t.Helper()
	for _, r := range reqs {
		looks := r.Method == http.MethodGet || r.Method == http.MethodHead ||
			(r.Method == http.MethodPost && r.Path == "/artifactory/api/search/aql") ||
			(r.Method == http.MethodPost && strings.Contains(r.RawQuery, "dry=1"))
		assert.True(t, looks, "a refused call changed something: %s %s?%s", r.Method, r.Path, r.RawQuery)
	}
}

// noSecrets asserts an answer carries nothing the policy hides.
func noSecrets(t *testing.T, what string, res *mcp.CallToolResult) {
	t.Helper()
	body := text(res)
	for _, s := range secrets() {
		assert.NotContains(t, body, s, "%s: the answer reveals %q: %s", what, s, body)
	}
}

// elicitAnswer answers every elicitation with answer(request).
func elicitAnswer(answer func(r mcp.ElicitationRequest) bool) func(ctx context.Context, r mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	return func(_ context.Context, r mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
		ok := answer(r)
		return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{
			Action: mcp.ElicitationResponseActionAccept, Content: map[string]any{"confirm": ok}}}, nil
	}
}
