package jcg

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/jfrog/jfrog-client-go/artifactory"
	"github.com/jfrog/jfrog-client-go/artifactory/services"
	"github.com/jfrog/jfrog-client-go/xray"
	xrayauth "github.com/jfrog/jfrog-client-go/xray/auth"
	xrayservices "github.com/jfrog/jfrog-client-go/xray/services"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/emulatortest"
)

// xraySeed is the demo data with build scans that finish at once: JCG polls
// build results every 5 s, and a test should not wait for that.
func xraySeed(t *testing.T) *emulator.Seed {
	s := emulator.DemoSeed()
	var x emulator.SeedXray
	require.NoError(t, json.Unmarshal(s.Xray, &x))
	zero := 0.0
	x.Scan = &emulator.SeedXrayScan{BuildSeconds: &zero}
	raw, err := json.Marshal(x)
	require.NoError(t, err)
	s.Xray = raw
	return s
}

// JFrog's client reads artifact status and summaries and runs a build scan
// (trigger, version check, POST scanResult poll) against the emulator.
func TestJFrogXrayClientAgainstEmulator(t *testing.T) {
	srv := emulatortest.Start(t, xraySeed(t))
	xr, err := xray.New(build(t, details(xrayauth.NewXrayDetails(), srv.URL+"/xray", "admin", "password")))
	require.NoError(t, err)
	rt := artifactoryAs(t, srv.URL, "admin", "password")

	t.Run("artifact status and summary follow the scan", func(t *testing.T) {
		path := "release-app/1.0/release-app-1.0-" + strings.ReplaceAll(t.Name(), "/", "_") + ".tar.gz"
		up := services.NewUploadParams()
		up.Pattern, up.Target, up.Flat = writeTemp(t, "vulnerable"), "app-staging-local/"+path, true
		_, failed, err := rt.UploadFiles(artifactory.UploadServiceOptions{FailFast: true}, up)
		require.NoError(t, err)
		require.Zero(t, failed)

		st, err := xr.GetArtifactStatus("app-staging-local", path)
		require.NoError(t, err)
		assert.Equal(t, xrayservices.ArtifactStatusPending, st.Overall.Status)
		_, err = xr.ArtifactSummary(xrayservices.ArtifactSummaryParams{Paths: []string{"default/app-staging-local/" + path}})
		require.Error(t, err, "JCG turns errors[] into an error")
		assert.Contains(t, err.Error(), "not indexed/cached in Xray")

		srv.Emu.AdvanceXrayClock(5 * time.Second)
		st, err = xr.GetArtifactStatus("app-staging-local", path)
		require.NoError(t, err)
		assert.Equal(t, xrayservices.ArtifactStatusDone, st.Overall.Status)
		assert.NotEmpty(t, st.Overall.Timestamp)
		sum, err := xr.ArtifactSummary(xrayservices.ArtifactSummaryParams{Paths: []string{"default/app-staging-local/" + path}})
		require.NoError(t, err)
		require.Len(t, sum.Artifacts, 1)
		require.Len(t, sum.Artifacts[0].Issues, 1)
		is := sum.Artifacts[0].Issues[0]
		assert.Equal(t, "Critical", is.Severity)
		assert.Equal(t, "CVE-2021-44228", is.Cves[0].Id)
		assert.True(t, strings.HasPrefix(is.Cves[0].CvssV3Score, "10.0/CVSS:3.1/"))
		assert.Equal(t, []string{"[2.15.0]"}, is.Components[0].FixedVersions)
		assert.Equal(t, "Apache-2.0", sum.Artifacts[0].Licenses[0].Name)
	})

	t.Run("build scan", func(t *testing.T) {
		res, noFailPolicy, err := xr.BuildScan(xrayservices.XrayBuildParams{BuildName: "billing-service", BuildNumber: "43"}, true)
		require.NoError(t, err)
		assert.False(t, noFailPolicy)
		assert.Equal(t, "completed", res.Status)
		assert.True(t, res.FailBuild)
		assert.Len(t, res.Vulnerabilities, 2)
		assert.NotEmpty(t, res.Violations)
		assert.Contains(t, res.MoreDetailsUrl, "/xray/ui/builds/billing-service/43/")
		assert.Equal(t, 1, srv.Emu.BuildScanTriggers("billing-service", "43"))
		var polled bool
		for _, r := range srv.Emu.Requests() {
			polled = polled || (r.Method == "POST" && r.Path == "/xray/api/v2/ci/build/scanResult")
		}
		assert.True(t, polled, "Xray %s ≥ 3.77: JCG polls with POST scanResult", emulator.XrayVersion)

		_, _, err = xr.BuildScan(xrayservices.XrayBuildParams{BuildName: "no-such-build", BuildNumber: "1"}, false)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "wasn't found in Artifactory")
	})
}

func writeTemp(t *testing.T, text string) string {
	p := t.TempDir() + "/artifact.tar.gz"
	writeFile(t, p, []byte(text))
	return p
}
