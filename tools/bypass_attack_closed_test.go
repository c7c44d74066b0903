package tools_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// Two holes the attack pass found and left open, closed since: kept as
// the proof.

// TestBypassPropertiesTagArtifactsWithAnyBuild: builds.publish allows only
// public-* builds, yet set_artifact_properties with build.name tags an
// artifact as part of any build: the call declares only a repository
// write, so the builds section never decides it (upload_artifact's
// build_name is decided since TestBypassUploadBuildNameIsAPublish).
func TestBypassPropertiesTagArtifactsWithAnyBuild(t *testing.T) {
	set, err := guard.ParsePolicy([]byte("mode: write\nrepositories:\n  write: [app-staging-local]\nbuilds:\n  publish: [public-*]\n"))
	require.NoError(t, err)
	p := set.Base
	h := newHarness(t, harnessOpts{mode: guard.ModeWrite, rules: &p})
	require.False(t, h.call(t, "upload_artifact", map[string]any{"repo": "app-staging-local", "path": "tagged.bin", "content_text": "x"}).IsError)
	t0 := time.Now()
	res := h.call(t, "set_artifact_properties", map[string]any{"repo": "app-staging-local", "path": "tagged.bin", "properties": map[string]any{"build.name": "prod-release", "build.number": "42"}})
	assert.True(t, res.IsError, "properties tagged an artifact with a build the policy does not let this server publish: %s", text(res))
	for _, r := range h.requestsSince(t0) {
		assert.NotEqual(t, http.MethodPut, r.Method, "the properties reached JFrog: %s?%s", r.Path, r.RawQuery)
	}
}

// TestBypassStaleVirtualMembers: repository configurations were cached for
// 30 s, so a virtual repository that gained a hidden member inside that
// window was still taken for the old member list, and reading through it
// returned the new member's files. A virtual's configuration is now looked
// up on every call. Needs someone else (an admin) to change the
// repository; the server itself has no tool that does.
func TestBypassStaleVirtualMembers(t *testing.T) {
	f := newResolveFixture(t, nil)
	res := f.h.call(t, "get_artifact_info", map[string]any{"repo": "open", "path": "team.txt"})
	require.False(t, res.IsError, text(res))
	status, body := adminDo(t, f.h, http.MethodPost, "/artifactory/api/repositories/open", `{"rclass":"virtual","repositories":["hidden-local","team-local"]}`)
	require.Equal(t, http.StatusOK, status, body)
	res = f.h.call(t, "download_artifact", map[string]any{"repo": "open", "path": "secret/s.txt"})
	assert.True(t, res.IsError, "read through a virtual that now aggregates a hidden repository: %s", text(res))
	noSecrets(t, "stale", res)
}
