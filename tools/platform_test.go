package tools_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

func TestGetPlatformInfo(t *testing.T) {
	h := newHarness(t, harnessOpts{mode: guard.ModeReadOnly})
	res := h.call(t, "get_platform_info", nil)
	info := ok[tools.PlatformInfo](t, res)

	require.Len(t, info.Surfaces, 3)
	for _, s := range info.Surfaces {
		assert.True(t, s.Reachable, "%s unreachable: %s", s.Name, s.Error)
		assert.Contains(t, s.URL, h.emu.URL+"/"+s.Name)
	}
	assert.NotEmpty(t, info.Surfaces[0].Version, "artifactory version")
	assert.NotEmpty(t, info.Surfaces[1].Version, "xray version")
	assert.Equal(t, "admin", info.Identity.Username)
	assert.Equal(t, guard.ModeReadOnly, info.Policy.Mode)
	assert.Equal(t, []guard.Class{guard.ClassRead}, info.Policy.AllowedClass)
	assert.Contains(t, text(res), "mode read-only")
}

func TestGetPlatformInfoReportsUnreachableSurface(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.emu.Emu.Faults().Inject(emulatorFault("/xray/", 503))
	info := ok[tools.PlatformInfo](t, h.call(t, "get_platform_info", nil))
	assert.True(t, info.Surfaces[0].Reachable)
	assert.False(t, info.Surfaces[1].Reachable, "xray should be reported down, not fail the tool")
	assert.NotEmpty(t, info.Surfaces[1].Error)
}

func TestGetPlatformInfoWithARefusedTokenSaysUnauthenticated(t *testing.T) {
	for name, token := range map[string]string{"wrong token": "not-a-token", "no token": ""} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{mode: guard.ModeReadOnly, token: token, anonymous: token == ""})
			e := failed(t, h.call(t, "get_platform_info", nil))
			assert.Equal(t, tools.CodeUnauthenticated, e.Code)
			assert.Contains(t, e.Hint, "JFROG_ACCESS_TOKEN")
			assert.NotContains(t, e.Message, "unreachable")
		})
	}
}

// The policy's builds, release_bundles and environments sections reach the
// agent through get_platform_info, each verb the mode allows.
func TestGetPlatformInfoShowsNamePolicySections(t *testing.T) {
	set, err := guard.ParsePolicy([]byte(`
builds:
  read: ["*"]
  publish: ["app-*", "team1/svc-*"]
release_bundles:
  create: []
environments:
  promote_to: [DEV]
`))
	require.NoError(t, err)
	h := newHarness(t, harnessOpts{mode: guard.ModeWrite, rules: &set.Base})
	info := ok[tools.PlatformInfo](t, h.call(t, "get_platform_info", nil))
	assert.Equal(t, map[string]string{"read": "*", "publish": "app-*, team1/svc-*", "promote": "*/*"}, info.Policy.Builds)
	assert.Equal(t, map[string]string{"read": "*/*", "create": "nothing", "promote": "*/*"}, info.Policy.Bundles)
	assert.Equal(t, map[string]string{"promote_to": "DEV"}, info.Policy.Environments)
}
