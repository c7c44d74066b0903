package guard

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/aql"
)

func TestReservedKeysAreRefusedForEveryClass(t *testing.T) {
	g, err := New(Config{Policy: DefaultPolicy(ModeAdmin)})
	require.NoError(t, err)
	keys := []string{
		"api", "API", "ui", "mc", "webapp", "favicon.ico", "list", "repo", "Repo",
		"artifactory-build-info", "team1-build-info", "auto-trashcan", "release-bundles",
		"release-bundles-v2", "team1-release-bundles-v2", "jfrog-logs", "jfrog-usage-logs",
		"jfrog-support-bundle", "artifactory-edge-uploads", "jfrog-system-reserved-x", "jfrog-artifactory-system1",
	}
	for _, k := range keys {
		for _, c := range []Class{ClassRead, ClassWrite, ClassDelete, ClassPromote} {
			err := check(g, Action{Class: c, Repo: k, Path: "repositories/pypi-remote"})
			var d *Denied
			if assert.ErrorAs(t, err, &d, "%s %s", c, k) {
				assert.Contains(t, d.Reason, "\""+lowerKey(k)+"\"", "the reason names the key")
			}
		}
		assert.Error(t, check(g, RepositoryConfigAction(ClassRead, k)), k)
	}
	for _, k := range []string{"apis", "my-api", "ui-local", "repository", "listing", "build-info-local", "generic-local"} {
		assert.NoError(t, check(g, Action{Class: ClassRead, Repo: k, Path: "x"}), "%s is an ordinary key", k)
	}
	d := reservedKey("api")
	assert.Contains(t, d, "REST API")
}

// lowerKey is the key as messages spell it.
func lowerKey(k string) string {
	if n, err := NormalizeRepo(k); err == nil {
		return n
	}
	return k
}

func TestRemoteCacheKeysNeedTheRemote(t *testing.T) {
	set, err := ParsePolicy([]byte("mode: write\nrepositories:\n  read: ['*-cache', jcenter, generic-local]\n  delete: ['*-cache']\n"))
	require.NoError(t, err)
	g, err := New(Config{Policy: set.Base})
	require.NoError(t, err)
	assert.NoError(t, check(g, Action{Class: ClassRead, Repo: "jcenter-cache", Path: "a.jar"}))
	err = check(g, Action{Class: ClassRead, Repo: "pypi-remote-cache", Path: "a.whl"})
	var d *Denied
	require.ErrorAs(t, err, &d)
	assert.Contains(t, d.Reason, "cache of remote repository pypi-remote")
	assert.Error(t, check(g, Action{Class: ClassDelete, Repo: "jcenter-cache", Path: "a.jar"}), "delete in the cache is delete in the remote")
	assert.NoError(t, check(g, Action{Class: ClassRead, Repo: "generic-local", Path: "x"}))
}

func TestAQLAndRowsStayOutOfReservedRepositories(t *testing.T) {
	def, err := New(Config{Policy: DefaultPolicy(ModeReadOnly)})
	require.NoError(t, err)
	for _, q := range []string{
		`items.find({"repo":"auto-trashcan"})`,
		`items.find({"$or":[{"repo":"generic-local"},{"repo":"Artifactory-Build-Info"}]})`,
		`items.find({"repo":"team1-build-info","name":"x"})`,
	} {
		parsed, err := ParseAQL(q)
		require.NoError(t, err)
		assert.Error(t, check(def, Action{Class: ClassRead, AQL: parsed}), q)
	}
	unbounded, err := ParseAQL(`items.find({"name":"x"})`)
	require.NoError(t, err)
	scoped := func(g *Guard, q *aql.Query) *aql.Query {
		t.Helper()
		dec, err := g.Check(context.Background(), Call{Tool: "t", Toolset: "artifacts", Class: ClassRead, Actions: []Action{{Class: ClassRead, AQL: q}}, Repos: allLocal{}})
		require.NoError(t, err)
		return dec.Query()
	}
	assert.Equal(t, `items.find({"name":"x"})`, scoped(def, unbounded).String(), "every repository readable, no section restricted: untouched")

	set, err := ParsePolicy([]byte("release_bundles:\n  read: [rb-*]\n"))
	require.NoError(t, err)
	g, err := New(Config{Policy: set.Base})
	require.NoError(t, err)
	wrapped, err := ParseAQL(`items.find({"name":"x"})`)
	require.NoError(t, err)
	got := scoped(g, wrapped)
	assert.Contains(t, got.String(), `{"repo":{"$ne":"release-bundles-v2"}}`)
	assert.Contains(t, got.String(), `{"repo":{"$nmatch":"*-release-bundles-v2"}}`)
	assert.Equal(t, `items.find({"name":"x"})`, wrapped.String(), "the declared query is not changed, its copy is")
	assert.Equal(t, unbounded.AnalyzeRepos().Bounded, got.AnalyzeRepos().Bounded, "the exclusion does not change what the query is bound to")

	// Rows: the policy never allows a reserved repository, whatever the globs.
	assert.False(t, def.policy.Allows(ClassRead, "auto-trashcan", "generic-local/x"))
	assert.False(t, def.policy.Allows(ClassRead, "team1-build-info", "app/1.json"))
	assert.True(t, def.policy.Allows(ClassRead, "generic-local", "docs/x"))
}
