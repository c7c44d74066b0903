package tools_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// impactSeed is the demo data plus log4j-core 2.14.1 jars: two from builds,
// one in a repository the policy hides, and the fixed version.
func impactSeed() *emulator.Seed {
	s := emulator.DemoSeed()
	s.Repositories = append(s.Repositories, map[string]any{"key": "secret-local", "rclass": "local", "packageType": "maven", "xrayIndex": true})
	jar := func(repo, path, build, number string) emulator.SeedArtifact {
		a := emulator.SeedArtifact{Repo: repo, Path: path, Size: 1024}
		if build != "" {
			a.Properties = map[string][]string{"build.name": {build}, "build.number": {number}}
		}
		return a
	}
	s.Artifacts = append(s.Artifacts,
		jar("libs-release-local", "org/apache/logging/log4j/log4j-core/2.14.1/log4j-core-2.14.1.jar", "billing-service", "41"),
		jar("libs-snapshot-local", "com/acme/tools/1.0/lib/log4j-core-2.14.1.jar", "tools-cli", "7"),
		jar("libs-release-local", "vendored/log4j-core-2.14.1-sources.jar", "", ""),
		jar("secret-local", "org/apache/logging/log4j/log4j-core/2.14.1/log4j-core-2.14.1.jar", "secret-build", "1"),
		jar("libs-release-local", "org/apache/logging/log4j/log4j-core/2.17.1/log4j-core-2.17.1.jar", "billing-service", "44"),
	)
	return s
}

func TestFindCVEImpact(t *testing.T) {
	p := guard.DefaultPolicy(guard.ModeReadOnly)
	p.Read = []guard.Rule{{Repo: "libs-*"}, {Repo: "app-*"}}
	h := newHarness(t, harnessOpts{seed: impactSeed(), rules: &p})

	got := ok[tools.CVEImpactResult](t, h.call(t, "find_cve_impact", map[string]any{"cve": "cve-2021-44228"}))
	assert.Equal(t, []tools.ImpactComponent{{Component: "gav://org.apache.logging.log4j:log4j-core:2.14.1", Artifacts: 3}}, got.Components)
	comp := "gav://org.apache.logging.log4j:log4j-core:2.14.1"
	assert.Equal(t, []tools.ImpactArtifact{
		{Repo: "libs-release-local", Path: "org/apache/logging/log4j/log4j-core/2.14.1/log4j-core-2.14.1.jar", Component: comp, Build: "billing-service/41"},
		{Repo: "libs-release-local", Path: "vendored/log4j-core-2.14.1-sources.jar", Component: comp},
		{Repo: "libs-snapshot-local", Path: "com/acme/tools/1.0/lib/log4j-core-2.14.1.jar", Component: comp, Build: "tools-cli/7"},
	}, got.Items, "the hidden repository's copy and the fixed version are not listed")
	assert.Equal(t, []tools.ImpactBuild{{Build: "billing-service/41", Artifacts: 1}, {Build: "tools-cli/7", Artifacts: 1}}, got.Builds)
	require.NotNil(t, got.Total)
	assert.Equal(t, 3, *got.Total)

	page := ok[tools.CVEImpactResult](t, h.call(t, "find_cve_impact", map[string]any{"cve": "CVE-2021-44228", "limit": 2}))
	assert.Len(t, page.Items, 2)
	assert.True(t, page.HasMore)

	none := ok[tools.CVEImpactResult](t, h.call(t, "find_cve_impact", map[string]any{"cve": "CVE-1999-0001"}))
	assert.Empty(t, none.Components)
	assert.NotEmpty(t, none.Hint)

	e := failed(t, h.call(t, "find_cve_impact", map[string]any{"cve": "log4shell"}))
	assert.Equal(t, tools.CodeInvalidArgument, e.Code)
}

func TestFindCVEImpactHidesBuildsThePolicyHides(t *testing.T) {
	p := guard.DefaultPolicy(guard.ModeReadOnly)
	p.Builds.Read = []guard.NameRule{{Name: "billing-*"}}
	h := newHarness(t, harnessOpts{seed: impactSeed(), rules: &p})
	got := ok[tools.CVEImpactResult](t, h.call(t, "find_cve_impact", map[string]any{"cve": "CVE-2021-44228"}))
	assert.Equal(t, []tools.ImpactBuild{{Build: "billing-service/41", Artifacts: 1}}, got.Builds)
	for _, a := range got.Items {
		assert.NotContains(t, a.Build, "tools-cli")
		assert.NotContains(t, a.Build, "secret-build")
	}
}

func TestFindCVEImpactUnscopedSeesEverything(t *testing.T) {
	h := newHarness(t, harnessOpts{seed: impactSeed(), mode: guard.ModeReadOnly})
	got := ok[tools.CVEImpactResult](t, h.call(t, "find_cve_impact", map[string]any{"cve": "CVE-2021-44228"}))
	assert.Equal(t, 4, *got.Total)
	assert.Len(t, got.Builds, 3)
}
