package jcg

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"

	buildinfo "github.com/jfrog/build-info-go/entities"
	"github.com/jfrog/jfrog-client-go/artifactory"
	rtauth "github.com/jfrog/jfrog-client-go/artifactory/auth"
	"github.com/jfrog/jfrog-client-go/artifactory/services"
	"github.com/jfrog/jfrog-client-go/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/emulatortest"
)

// buildName has a space, which JCG spells differently in each request:
// %20 in the get path, '+' in the promote path, a literal space in the
// LATEST AQL query.
const buildName = "jcg build"

func sums(content string) buildinfo.Checksum {
	s1, s256, s5 := sha1.Sum([]byte(content)), sha256.Sum256([]byte(content)), md5.Sum([]byte(content))
	return buildinfo.Checksum{Sha1: hex.EncodeToString(s1[:]), Sha256: hex.EncodeToString(s256[:]), Md5: hex.EncodeToString(s5[:])}
}

func buildSeed() *emulator.Seed {
	props := func(n string) map[string][]string {
		return map[string][]string{"build.name": {buildName}, "build.number": {n}}
	}
	return &emulator.Seed{
		Repositories: []map[string]any{
			{"key": "staging-local", "rclass": "local", "packageType": "generic"},
			{"key": "release-local", "rclass": "local", "packageType": "generic"},
			{"key": "deps-local", "rclass": "local", "packageType": "generic"},
		},
		Users: []emulator.SeedUser{
			{Name: "reader", Password: "reader-password", Permissions: []emulator.SeedPermission{{Repos: []string{"*"}, Actions: []string{"read"}}}},
			{Name: "nobuilds", Password: "nobuilds-password", Permissions: []emulator.SeedPermission{{Repos: []string{"*-local"}, Actions: []string{"read", "write"}}}},
		},
		Artifacts: []emulator.SeedArtifact{
			{Repo: "staging-local", Path: "app/1/app.bin", Content: "app one", Properties: props("1")},
			{Repo: "staging-local", Path: "app/2/app.bin", Content: "app two", Properties: props("2")},
			{Repo: "staging-local", Path: "app/2/app.pom", Content: "pom two", Properties: props("2")},
			{Repo: "deps-local", Path: "lib/dep.jar", Content: "a dependency"},
		},
	}
}

func buildOf(number, started string, files map[string]string) *buildinfo.BuildInfo {
	b := buildinfo.New()
	b.Name, b.Number, b.Started = buildName, number, started
	b.Agent = &buildinfo.Agent{Name: "jcg-e2e", Version: "1"}
	mod := buildinfo.Module{Id: "app", Type: buildinfo.Generic}
	for path, content := range files {
		mod.Artifacts = append(mod.Artifacts, buildinfo.Artifact{Name: path[len("app/x/"):], Path: path, Checksum: sums(content)})
	}
	mod.Dependencies = []buildinfo.Dependency{{Id: "lib:dep:1", Scopes: []string{"compile"}, Checksum: sums("a dependency")}}
	b.Modules = []buildinfo.Module{mod}
	return b
}

func dryRunAs(t *testing.T, url, user, password string) artifactory.ArtifactoryServicesManager {
	t.Helper()
	d := details(rtauth.NewArtifactoryDetails(), url+"/artifactory", user, password)
	cfg, err := config.NewConfigBuilder().SetServiceDetails(d).SetDryRun(true).SetHttpRetries(0).SetContext(t.Context()).Build()
	require.NoError(t, err)
	m, err := artifactory.New(cfg)
	require.NoError(t, err)
	return m
}

// buildFixture is an emulator with two published runs of buildName; each
// subtest starts its own.
func buildFixture(t *testing.T) (*emulatortest.Server, artifactory.ArtifactoryServicesManager, time.Time) {
	t.Helper()
	srv := emulatortest.Start(t, buildSeed())
	rt := artifactoryAs(t, srv.URL, "admin", "password")
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.FixedZone("", 2*3600))
	{
		_, err := rt.PublishBuildInfo(buildOf("1", t0.Format(buildinfo.TimeFormat), map[string]string{"app/1/app.bin": "app one"}), "")
		require.NoError(t, err)
		sum, err := rt.PublishBuildInfo(buildOf("2", t0.Add(time.Hour).Format(buildinfo.TimeFormat),
			map[string]string{"app/2/app.bin": "app two", "app/2/app.pom": "pom two"}), "")
		require.NoError(t, err)
		assert.True(t, sum.IsSucceeded())
		assert.Len(t, sum.GetSha256(), 64, "X-Checksum-Sha256 of the stored build info")
	}
	return srv, rt, t0
}

func TestJFrogClientBuilds(t *testing.T) {

	t.Run("publish, get, runs and LATEST", func(t *testing.T) {
		_, rt, t0 := buildFixture(t)
		got, found, err := rt.GetBuildInfo(services.BuildInfoParams{BuildName: buildName, BuildNumber: "2"})
		require.NoError(t, err)
		require.True(t, found)
		assert.Equal(t, "2", got.BuildInfo.Number)
		assert.Equal(t, t0.Add(time.Hour).Format(buildinfo.TimeFormat), got.BuildInfo.Started)
		require.Len(t, got.BuildInfo.Modules, 1)
		assert.Len(t, got.BuildInfo.Modules[0].Artifacts, 2)
		assert.Contains(t, got.Uri, "/api/build/")

		latest, found, err := rt.GetBuildInfo(services.BuildInfoParams{BuildName: buildName, BuildNumber: "LATEST"})
		require.NoError(t, err)
		require.True(t, found, "LATEST is resolved by AQL over the build-info repository")
		assert.Equal(t, "2", latest.BuildInfo.Number)

		runs, found, err := rt.GetBuildRuns(services.BuildInfoParams{BuildName: buildName})
		require.NoError(t, err)
		require.True(t, found)
		require.Len(t, runs.BuildsNumbers, 2)
		assert.Equal(t, "/2", runs.BuildsNumbers[0].Uri, "newest first")

		_, found, err = rt.GetBuildInfo(services.BuildInfoParams{BuildName: buildName, BuildNumber: "99"})
		require.NoError(t, err)
		assert.False(t, found, "a missing build is not found, not an error")
		_, found, err = rt.GetBuildRuns(services.BuildInfoParams{BuildName: "no such build"})
		require.NoError(t, err)
		assert.False(t, found)
	})

	t.Run("builds.find through JCG's raw AQL", func(t *testing.T) {
		_, rt, _ := buildFixture(t)
		r, err := rt.Aql(`builds.find({"name":"` + buildName + `"}).sort({"$desc":["number"]})`)
		require.NoError(t, err)
		defer r.Close()
		var res struct {
			Results []map[string]string `json:"results"`
		}
		require.NoError(t, json.NewDecoder(r).Decode(&res))
		require.Len(t, res.Results, 2)
		assert.Equal(t, "2", res.Results[0]["build.number"])
		assert.Equal(t, "artifactory-build-info", res.Results[0]["build.repo"])
	})

	t.Run("a user without build permissions is refused", func(t *testing.T) {
		srv, _, t0 := buildFixture(t)
		nob := artifactoryAs(t, srv.URL, "nobuilds", "nobuilds-password")
		_, _, err := nob.GetBuildInfo(services.BuildInfoParams{BuildName: buildName, BuildNumber: "2"})
		require.ErrorContains(t, err, "403")
		_, err = nob.PublishBuildInfo(buildOf("3", t0.Format(buildinfo.TimeFormat), nil), "")
		require.ErrorContains(t, err, "403")
	})

	t.Run("promote dry run changes nothing, then copies", func(t *testing.T) {
		srv, rt, _ := buildFixture(t)
		params := services.PromotionParams{BuildName: buildName, BuildNumber: "2", TargetRepo: "release-local",
			SourceRepo: "staging-local", Status: "released", Comment: "ok", Copy: true, FailFast: true, Properties: "promoted=yes"}
		require.NoError(t, dryRunAs(t, srv.URL, "admin", "password").PromoteBuild(params))
		_, err := rt.FileInfo("release-local/app/2/app.bin")
		require.Error(t, err, "a dry run copies nothing")

		require.NoError(t, rt.PromoteBuild(params))
		for _, p := range []string{"app/2/app.bin", "app/2/app.pom"} {
			info, err := rt.FileInfo("release-local/" + p)
			require.NoError(t, err, p)
			assert.Equal(t, sums(map[string]string{"app/2/app.bin": "app two", "app/2/app.pom": "pom two"}[p]).Sha256, info.Checksums.Sha256)
			props, err := rt.GetItemProps("release-local/" + p)
			require.NoError(t, err)
			assert.Equal(t, []string{"yes"}, props.Properties["promoted"])
			_, err = rt.FileInfo("staging-local/" + p)
			require.NoError(t, err, "a copy keeps the source")
		}
		_, err = rt.FileInfo("release-local/lib/dep.jar")
		require.Error(t, err, "dependencies stay unless asked for")
	})

	t.Run("promote with move and dependencies", func(t *testing.T) {
		_, rt, _ := buildFixture(t)
		params := services.PromotionParams{BuildName: buildName, BuildNumber: "1", TargetRepo: "release-local",
			SourceRepo: "staging-local", Copy: false, FailFast: true, IncludeDependencies: true}
		require.NoError(t, rt.PromoteBuild(params))
		_, err := rt.FileInfo("release-local/app/1/app.bin")
		require.NoError(t, err)
		_, err = rt.FileInfo("staging-local/app/1/app.bin")
		require.Error(t, err, "a move removes the source")
		_, err = rt.FileInfo("release-local/lib/dep.jar")
		require.NoError(t, err, "dependencies move from wherever they are, whatever sourceRepo says")
	})

	t.Run("promotion refusals reach JCG as errors", func(t *testing.T) {
		srv, rt, _ := buildFixture(t)
		reader := artifactoryAs(t, srv.URL, "reader", "reader-password")
		err := reader.PromoteBuild(services.PromotionParams{BuildName: buildName, BuildNumber: "2", TargetRepo: "release-local", Copy: true, FailFast: true})
		require.ErrorContains(t, err, "not permitted to deploy")
		err = rt.PromoteBuild(services.PromotionParams{BuildName: buildName, BuildNumber: "2", TargetRepo: "no-such-repo", Copy: true, FailFast: true})
		require.ErrorContains(t, err, "Cannot find target repository")
		err = rt.PromoteBuild(services.PromotionParams{BuildName: buildName, BuildNumber: "42", TargetRepo: "release-local", Copy: true, FailFast: true})
		require.ErrorContains(t, err, "Unable to find build")
	})
}
