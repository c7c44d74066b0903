package client_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
)

// trickyProps has values with every character the properties syntax gives a meaning
// to, plus spaces, '&', '+', '%' and non-ASCII text.
var trickyProps = map[string][]string{
	"build.name":  {"a;b", "c=d", "e,f", "g|h", `i\j`, `trailing\`},
	"spaces":      {"  leading and trailing  ", "a + b & c % d"},
	"unicode":     {"é", "漢字", "emoji 🐸"},
	"empty.value": {""},
	"single":      {"plain"},
	"k-with.dots": {"=start", ",start", ";start", "end;", "a\\,b"},
}

func TestPropertiesRoundTripAgainstEmulator(t *testing.T) {
	_, c := startEmu(t)
	ctx := t.Context()
	_, err := c.Artifactory.Deploy(ctx, client.DeployRequest{Repo: "generic-local", Path: "props/file.txt", Body: bytes.NewReader([]byte("x")), Size: 1})
	require.NoError(t, err)

	require.NoError(t, c.Artifactory.SetProperties(ctx, "generic-local", "props/file.txt", trickyProps, false))
	got, err := c.Artifactory.ItemProperties(ctx, "generic-local", "props/file.txt")
	require.NoError(t, err)
	assert.Equal(t, trickyProps, got)

	// Setting a key again replaces its values and keeps the other keys.
	require.NoError(t, c.Artifactory.SetProperties(ctx, "generic-local", "props/file.txt", map[string][]string{"single": {"x;y", "z"}}, false))
	got, err = c.Artifactory.ItemProperties(ctx, "generic-local", "props/file.txt")
	require.NoError(t, err)
	assert.Equal(t, []string{"x;y", "z"}, got["single"])
	assert.Equal(t, trickyProps["unicode"], got["unicode"])

	require.NoError(t, c.Artifactory.DeleteProperties(ctx, "generic-local", "props/file.txt", []string{"single", "unicode", "not.there"}, false))
	got, err = c.Artifactory.ItemProperties(ctx, "generic-local", "props/file.txt")
	require.NoError(t, err)
	assert.NotContains(t, got, "single")
	assert.NotContains(t, got, "unicode")
	assert.Equal(t, trickyProps["build.name"], got["build.name"])

	err = c.Artifactory.SetProperties(ctx, "generic-local", "props/missing.txt", map[string][]string{"a": {"b"}}, false)
	assert.True(t, client.IsNotFound(err), "%v", err)
	err = c.Artifactory.SetProperties(ctx, "generic-local", "props/file.txt", map[string][]string{"bad key": {"b"}}, false)
	assert.Equal(t, 400, client.StatusCode(err), "the server validates keys: %v", err)
}

func TestDeployPropertiesRoundTripAgainstEmulator(t *testing.T) {
	_, c := startEmu(t)
	ctx := t.Context()
	_, err := c.Artifactory.Deploy(ctx, client.DeployRequest{
		Repo: "generic-local", Path: "props/deployed;v1.txt", Body: bytes.NewReader([]byte("y")), Size: 1, Properties: trickyProps,
	})
	require.NoError(t, err)
	got, err := c.Artifactory.ItemProperties(ctx, "generic-local", "props/deployed;v1.txt")
	require.NoError(t, err)
	assert.Equal(t, trickyProps, got, "matrix parameters carry the same values as properties=")
}

func TestRecursivePropertiesAgainstEmulator(t *testing.T) {
	_, c := startEmu(t)
	ctx := t.Context()
	for _, p := range []string{"tree/a.txt", "tree/sub/b.txt"} {
		_, err := c.Artifactory.Deploy(ctx, client.DeployRequest{Repo: "generic-local", Path: p, Body: bytes.NewReader([]byte(p)), Size: int64(len(p))})
		require.NoError(t, err)
	}
	props := map[string][]string{"release": {"1.0", "1.0-rc;2"}}

	require.NoError(t, c.Artifactory.SetProperties(ctx, "generic-local", "tree", props, false))
	got, err := c.Artifactory.ItemProperties(ctx, "generic-local", "tree/sub/b.txt")
	require.NoError(t, err)
	assert.Empty(t, got, "recursive=0 touches the folder only")

	require.NoError(t, c.Artifactory.SetProperties(ctx, "generic-local", "tree", props, true))
	for _, p := range []string{"tree", "tree/a.txt", "tree/sub", "tree/sub/b.txt"} {
		got, err := c.Artifactory.ItemProperties(ctx, "generic-local", p)
		require.NoError(t, err)
		assert.Equal(t, props, got, p)
	}

	require.NoError(t, c.Artifactory.DeleteProperties(ctx, "generic-local", "tree/sub", []string{"release"}, true))
	got, err = c.Artifactory.ItemProperties(ctx, "generic-local", "tree/sub/b.txt")
	require.NoError(t, err)
	assert.Empty(t, got)
	got, err = c.Artifactory.ItemProperties(ctx, "generic-local", "tree/a.txt")
	require.NoError(t, err)
	assert.Equal(t, props, got, "siblings outside the deleted subtree keep their properties")
}
