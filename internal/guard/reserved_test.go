package guard

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
