package tools_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

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
// common showed the hidden repository, folder, size and checksum.
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
		assert.Contains(t, out.Items[0], "team_a")
		assert.Empty(t, out.Common, "one row left: its values are in the row")
		for _, s := range hidden {
			assert.NotContains(t, text(res), s)
		}
	})
}
