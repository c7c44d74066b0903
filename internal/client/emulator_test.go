package client_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/emulatortest"
)

// The client against the emulator: every surface, every first method, over
// real HTTP. The emulator follows JFrog's wire format, so this is where a
// mismatch between the two would show.
func TestClientAgainstEmulator(t *testing.T) {
	emu := emulatortest.Start(t, emulator.DemoSeed())
	c, err := client.New(client.Config{URL: emu.URL, AccessToken: emu.AdminToken})
	require.NoError(t, err)
	ctx := t.Context()

	require.NoError(t, c.Artifactory.Ping(ctx))
	require.NoError(t, c.Xray.Ping(ctx))
	require.NoError(t, c.Access.Ping(ctx))

	av, err := c.Artifactory.Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, emulator.ArtifactoryVersion, av.Version)
	xv, err := c.Xray.Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, emulator.XrayVersion, xv.XrayVersion)
	acv, err := c.Access.Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, emulator.AccessVersion, acv.Version)

	who, err := c.Access.WhoAmI(ctx)
	require.NoError(t, err)
	assert.Contains(t, who.Subject, "/users/admin")

	repos, err := c.Artifactory.ListRepositories(ctx, client.ListRepositoriesOptions{Type: "local"})
	require.NoError(t, err)
	require.NotEmpty(t, repos)
	for _, r := range repos {
		assert.Equal(t, "LOCAL", r.Type, "the list endpoint answers in upper case")
	}

	cfg, err := c.Artifactory.GetRepository(ctx, "libs-release-local")
	require.NoError(t, err)
	assert.Equal(t, "local", cfg["rclass"])
	_, err = c.Artifactory.GetRepository(ctx, "nope")
	assert.True(t, client.IsNotFound(err), "%v", err)

	var file emulator.SeedArtifact
	for _, a := range emulator.DemoSeed().Artifacts {
		if len(a.Properties) > 0 {
			file = a
			break
		}
	}
	item, err := c.Artifactory.StorageItem(ctx, file.Repo, file.Path)
	require.NoError(t, err)
	assert.False(t, item.IsFolder())
	assert.NotEmpty(t, item.Size)
	require.NotNil(t, item.Checksums)
	assert.Len(t, item.Checksums.SHA256, 64)

	root, err := c.Artifactory.StorageItem(ctx, file.Repo, "")
	require.NoError(t, err)
	assert.True(t, root.IsFolder())

	props, err := c.Artifactory.ItemProperties(ctx, file.Repo, file.Path)
	require.NoError(t, err)
	assert.Equal(t, file.Properties, props)
	props, err = c.Artifactory.ItemProperties(ctx, file.Repo, "")
	require.NoError(t, err, "no properties is an empty map, not an error")
	assert.Empty(t, props)

	_, err = c.Artifactory.StorageItem(ctx, file.Repo, "does/not/exist")
	assert.True(t, client.IsNotFound(err))
}

func TestClientBadTokenGetsArtifactorys401(t *testing.T) {
	emu := emulatortest.Start(t, emulator.DemoSeed())
	bad, err := client.New(client.Config{URL: emu.URL, AccessToken: "garbage"})
	require.NoError(t, err)
	_, err = bad.Artifactory.ListRepositories(t.Context(), client.ListRepositoriesOptions{})
	require.True(t, client.IsUnauthorized(err), "%v", err)
	api, _ := client.AsAPIError(err)
	assert.Equal(t, "Bad credentials", api.Message)
	assert.Equal(t, client.SurfaceArtifactory, api.Surface)
}
