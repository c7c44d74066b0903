package client_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/emulatortest"
)

func TestBuildsAgainstEmulator(t *testing.T) {
	start := func(t *testing.T) (*emulatortest.Server, *client.Client) {
		emu := emulatortest.Start(t, &emulator.Seed{
			Repositories: []map[string]any{
				{"key": "staging-local", "rclass": "local", "packageType": "generic"},
				{"key": "release-local", "rclass": "local", "packageType": "generic"},
			},
			Artifacts: []emulator.SeedArtifact{{Repo: "staging-local", Path: "a/app.bin", Content: "app",
				Properties: map[string][]string{"build.name": {"my app"}, "build.number": {"1"}}}},
		})
		c, err := client.New(client.Config{URL: emu.URL, AccessToken: emu.AdminToken})
		require.NoError(t, err)
		return emu, c
	}
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	publish := func(t *testing.T, c *client.Client, number string, at time.Time) {
		item, err := c.Artifactory.StorageItem(t.Context(), "staging-local", "a/app.bin")
		require.NoError(t, err)
		bi := &client.BuildInfo{Name: "my app", Number: number, Started: client.FormatBuildTime(at),
			Modules: []client.BuildModule{{ID: "app", Type: "generic", Artifacts: []client.BuildArtifact{{Name: "app.bin", Path: "a/app.bin",
				SHA1: item.Checksums.SHA1, MD5: item.Checksums.MD5, SHA256: item.Checksums.SHA256}}}}}
		require.NoError(t, c.Artifactory.PublishBuildInfo(t.Context(), "", bi))
	}
	t.Run("publish, get, list, runs and LATEST", func(t *testing.T) {
		_, c := start(t)
		publish(t, c, "1", t0)
		publish(t, c, "2", t0.Add(time.Hour))
		got, err := c.Artifactory.GetBuildInfo(t.Context(), "", "my app", "1")
		require.NoError(t, err)
		assert.Equal(t, "1", got.BuildInfo.Number)
		require.Len(t, got.BuildInfo.Modules, 1)
		assert.Len(t, got.BuildInfo.Modules[0].Artifacts[0].SHA256, 64)
		_, err = c.Artifactory.GetBuildInfo(t.Context(), "", "my app", "9")
		assert.True(t, client.IsNotFound(err), "%v", err)

		builds, err := c.Artifactory.ListBuilds(t.Context(), "")
		require.NoError(t, err)
		require.Len(t, builds, 1)
		assert.Equal(t, "my app", builds[0].Name())
		runs, err := c.Artifactory.ListBuildRuns(t.Context(), "", "my app")
		require.NoError(t, err)
		require.Len(t, runs, 2)
		assert.Equal(t, "2", runs[0].Number())
		latest, err := c.Artifactory.LatestBuildNumber(t.Context(), "", "my app")
		require.NoError(t, err)
		assert.Equal(t, "2", latest)
		none, err := c.Artifactory.LatestBuildNumber(t.Context(), "", "my*")
		require.NoError(t, err)
		assert.Empty(t, none, "a '*' in a name is data, not a wildcard")
	})
	t.Run("promote: dry, real, status and refusals", func(t *testing.T) {
		_, c := start(t)
		publish(t, c, "1", t0)
		pr := client.PromotionRequest{Status: "released", TargetRepo: "release-local", SourceRepo: "staging-local", Copy: true, DryRun: true, FailFast: true}
		res, err := c.Artifactory.PromoteBuild(t.Context(), "", "my app", "1", pr)
		require.NoError(t, err)
		assert.Empty(t, res.Errors())
		_, err = c.Artifactory.StorageItem(t.Context(), "release-local", "a/app.bin")
		assert.True(t, client.IsNotFound(err), "dry run")

		pr.DryRun = false
		_, err = c.Artifactory.PromoteBuild(t.Context(), "", "my app", "1", pr)
		require.NoError(t, err)
		_, err = c.Artifactory.StorageItem(t.Context(), "release-local", "a/app.bin")
		require.NoError(t, err)
		got, err := c.Artifactory.GetBuildInfo(t.Context(), "", "my app", "1")
		require.NoError(t, err)
		require.Len(t, got.BuildInfo.Statuses, 1)
		assert.Equal(t, "released", got.BuildInfo.Statuses[0].Status)
		assert.Equal(t, "release-local", got.BuildInfo.Statuses[0].Repository)

		_, err = c.Artifactory.PromoteBuild(t.Context(), "", "my app", "1", client.PromotionRequest{TargetRepo: "nope", Copy: true})
		assert.True(t, client.IsNotFound(err), "%v", err)
		assert.ErrorContains(t, err, "Cannot find target repository")
	})
}
