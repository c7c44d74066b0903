package client_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/emulatortest"
)

func xrayClient(t *testing.T) (*client.Client, *emulatortest.Server) {
	emu := emulatortest.Start(t, emulator.DemoSeed())
	c, err := client.New(client.Config{URL: emu.URL, AccessToken: emu.AdminToken, RetryBaseDelay: time.Millisecond})
	require.NoError(t, err)
	return c, emu
}

func TestXraySummaryUsesTheArtifactoryID(t *testing.T) {
	c, emu := xrayClient(t)
	id, err := c.Xray.ArtifactoryID(t.Context())
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(id, "jfrt@"), id)

	s, err := c.Xray.ArtifactSummary(t.Context(), []client.ItemRef{{Repo: "app-staging-local", Path: "billing-service/1.5.0/billing-service-1.5.0.tar.gz"}}, nil)
	require.NoError(t, err)
	require.Len(t, s.Artifacts, 1)
	assert.Equal(t, id+"/app-staging-local/billing-service/1.5.0/billing-service-1.5.0.tar.gz", s.Artifacts[0].General.Path)
	assert.Len(t, s.Artifacts[0].Issues, 2)
	for _, r := range emu.Emu.Requests() {
		assert.NotContains(t, r.Path, "default", "no hard-coded default prefix")
	}

	s, err = c.Xray.ArtifactSummary(t.Context(), nil, []string{s.Artifacts[0].General.SHA256})
	require.NoError(t, err)
	assert.Len(t, s.Artifacts, 1, "by checksum")

	s, err = c.Xray.ArtifactSummary(t.Context(), []client.ItemRef{{Repo: "app-staging-local", Path: "missing.bin"}}, nil)
	require.NoError(t, err)
	assert.Equal(t, client.NotIndexedMessage, s.Errors[0].Error)
}

func TestXrayStatusAndBuildScan(t *testing.T) {
	c, emu := xrayClient(t)
	st, err := c.Xray.ArtifactStatus(t.Context(), "app-staging-local", "billing-service/1.5.0/billing-service-1.5.0.tar.gz")
	require.NoError(t, err)
	assert.Equal(t, client.ScanDone, st.Overall.Status)

	b := client.BuildRef{Name: "billing-service", Number: "43"}
	p, err := c.Xray.NewBuildScanPoller(t.Context(), b, true)
	require.NoError(t, err)
	_, err = p.Poll(t.Context())
	assert.True(t, client.IsNotFound(err), "never scanned: %v", err)
	info, err := c.Xray.TriggerBuildScan(t.Context(), b, false)
	require.NoError(t, err)
	assert.Contains(t, info, "in progress")
	res, err := p.Poll(t.Context())
	require.NoError(t, err)
	assert.Nil(t, res, "202 while scanning")
	emu.Emu.AdvanceXrayClock(5 * time.Second)
	res, err = p.Poll(t.Context())
	require.NoError(t, err)
	require.NotNil(t, res)
	assert.Equal(t, "completed", res.Status)
	assert.True(t, res.FailBuild)
	assert.Len(t, res.Vulnerabilities, 2)

	sum, err := c.Xray.BuildSummary(t.Context(), b)
	require.NoError(t, err)
	assert.Len(t, sum.Issues, 2)
	bs, err := c.Xray.BuildStatus(t.Context(), b)
	require.NoError(t, err)
	assert.Equal(t, client.ScanDone, bs.Overall.Status)

	_, err = c.Xray.TriggerBuildScan(t.Context(), client.BuildRef{Name: "nope", Number: "1"}, false)
	assert.True(t, client.IsNotFound(err))
	assert.Contains(t, err.Error(), "wasn't found in Artifactory")
}

func TestXraySearchAndViolations(t *testing.T) {
	c, _ := xrayClient(t)
	res, err := c.Xray.SearchByCVEs(t.Context(), []string{"CVE-2021-44228"})
	require.NoError(t, err)
	require.Len(t, res, 1)
	assert.Equal(t, []client.CVEComponent{{Name: "org.apache.logging.log4j:log4j-core", PackageType: "maven", Version: "2.14.1", Link: res[0].Components[0].Link}}, res[0].Components)
	v, err := c.Xray.Violations(t.Context(), client.ViolationsQuery{WatchName: "release-watch", CVE: "CVE-2021-44228"})
	require.NoError(t, err)
	require.Equal(t, 1, v.Total)
	assert.Equal(t, []string{"default/app-staging-local/billing-service/1.5.0/billing-service-1.5.0.tar.gz"}, v.Violations[0].ImpactArtifacts)
}
