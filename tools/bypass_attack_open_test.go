//go:build attack

package tools_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// Open holes, kept out of the normal build (go test -tags attack ./tools/
// -run TestOpen shows them failing).

// TestOpenPropertiesTagArtifactsWithAnyBuild: builds.publish allows only
// public-* builds, yet set_artifact_properties with build.name tags an
// artifact as part of any build: the call declares only a repository
// write, so the builds section never decides it (upload_artifact's
// build_name is decided since TestBypassUploadBuildNameIsAPublish).
func TestOpenPropertiesTagArtifactsWithAnyBuild(t *testing.T) {
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

// TestOpenStaleVirtualMembers: repository configurations are cached for 30
// s. A virtual repository that gains a hidden member inside that window is
// still taken for the old member list, so reading through it returns the
// new member's files. Needs someone else (an admin) to change the
// repository; the server itself has no tool that does.
func TestOpenStaleVirtualMembers(t *testing.T) {
	f := newResolveFixture(t, nil)
	res := f.h.call(t, "get_artifact_info", map[string]any{"repo": "open", "path": "team.txt"})
	require.False(t, res.IsError, text(res))
	status, body := adminDo(t, f.h, http.MethodPost, "/artifactory/api/repositories/open", `{"rclass":"virtual","repositories":["hidden-local","team-local"]}`)
	require.Equal(t, http.StatusOK, status, body)
	res = f.h.call(t, "download_artifact", map[string]any{"repo": "open", "path": "secret/s.txt"})
	assert.True(t, res.IsError, "read through a virtual that now aggregates a hidden repository: %s", text(res))
	noSecrets(t, "stale", res)
}
