package tools_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// firstFile finds a seeded file so the test does not hard-code demo content.
func firstFile(t *testing.T, seed *emulator.Seed) (repo, path string) {
	t.Helper()
	for _, a := range seed.Artifacts {
		if len(a.Properties) > 0 {
			return a.Repo, a.Path
		}
	}
	t.Fatal("demo seed has no artifact with properties")
	return "", ""
}

func TestGetArtifactInfo(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	repo, path := firstFile(t, emulator.DemoSeed())

	t.Run("file", func(t *testing.T) {
		info := ok[tools.ArtifactInfo](t, h.call(t, "get_artifact_info", map[string]any{"repo": repo, "path": path}))
		assert.Equal(t, "file", info.Type)
		require.NotNil(t, info.Size)
		require.NotNil(t, info.Checksums)
		assert.Len(t, info.Checksums.SHA256, 64)
		assert.NotEmpty(t, info.Properties)
		assert.Contains(t, info.DownloadURI, repo+"/"+path)
		assert.Nil(t, info.Children)
	})

	t.Run("leading slash and doubled slashes are harmless", func(t *testing.T) {
		info := ok[tools.ArtifactInfo](t, h.call(t, "get_artifact_info", map[string]any{"repo": repo, "path": "/" + path, "properties": false}))
		assert.Equal(t, path, info.Path)
		assert.Empty(t, info.Properties)
	})

	t.Run("repository root is a folder", func(t *testing.T) {
		info := ok[tools.ArtifactInfo](t, h.call(t, "get_artifact_info", map[string]any{"repo": repo}))
		assert.Equal(t, "folder", info.Type)
		require.NotNil(t, info.Children)
		assert.NotEmpty(t, info.Children.Items)
	})

	t.Run("unknown repository", func(t *testing.T) {
		// The guard looks the key up before deciding; a key that names no
		// repository is refused as not found, and nothing but the lookup
		// is sent.
		t0 := time.Now()
		e := failed(t, h.call(t, "get_artifact_info", map[string]any{"repo": "no-such-repo", "path": "a.txt"}))
		assert.Equal(t, tools.CodeNotFound, e.Code)
		assert.Equal(t, "repository no-such-repo does not exist (or this server may not see it)", e.Message)
		assert.Contains(t, e.Hint, "list_repositories")
		assert.False(t, e.Retryable)
		for _, r := range h.requestsSince(t0) {
			assert.Equal(t, "GET /artifactory/api/repositories/no-such-repo", r.Method+" "+r.Path)
		}
	})

	t.Run("missing repo argument", func(t *testing.T) {
		e := failed(t, h.call(t, "get_artifact_info", map[string]any{"path": "a"}))
		assert.Equal(t, tools.CodeInvalidArgument, e.Code)
		assert.Equal(t, "missing required argument repo", e.Message)
	})

	t.Run("unknown argument lists the valid ones", func(t *testing.T) {
		e := failed(t, h.call(t, "get_artifact_info", map[string]any{"repo": repo, "bogus": 1}))
		assert.Contains(t, e.Message, "unknown argument bogus (valid arguments: limit, offset, path, properties, repo)")
	})

	t.Run("wrong type", func(t *testing.T) {
		e := failed(t, h.call(t, "get_artifact_info", map[string]any{"repo": repo, "limit": "7"}))
		assert.Equal(t, "argument limit must be integer, got string", e.Message)
	})

	t.Run("climbing out of the repository", func(t *testing.T) {
		e := failed(t, h.call(t, "get_artifact_info", map[string]any{"repo": repo, "path": "a/../../other-repo/x"}))
		assert.Equal(t, tools.CodeInvalidArgument, e.Code)
	})
}

func TestUpstreamErrorsBecomeResults(t *testing.T) {
	cases := []struct {
		name      string
		status    int
		code      tools.Code
		retryable bool
	}{
		{"rate limited", 429, tools.CodeRateLimited, true},
		{"unavailable", 503, tools.CodeUpstreamUnavailable, true},
		{"forbidden", 403, tools.CodePermissionDenied, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{})
			h.emu.Emu.Faults().Inject(emulatorFault("/artifactory/api/repositories", tc.status))
			e := failed(t, h.call(t, "list_repositories", nil))
			assert.Equal(t, tc.code, e.Code)
			assert.Equal(t, tc.status, e.Status)
			assert.Equal(t, tc.retryable, e.Retryable)
			assert.NotEmpty(t, e.Hint)
		})
	}
}

func TestALoginPageIsNotABug(t *testing.T) {
	// A proxy or SSO page answering 200 with HTML instead of JFrog's JSON.
	h := newHarness(t, harnessOpts{})
	h.emu.Emu.Faults().Inject(emulator.FaultRule{PathPrefix: "/artifactory/api/repositories", Status: 200, Body: "<html><body>Sign in</body></html>"})
	e := failed(t, h.call(t, "list_repositories", nil))
	assert.Equal(t, tools.CodeUpstreamUnavailable, e.Code)
	assert.Contains(t, e.Hint, "JFROG_URL")
}

func TestBadTokenIsUnauthenticated(t *testing.T) {
	h := newHarness(t, harnessOpts{token: "not-a-real-token"})
	e := failed(t, h.call(t, "list_repositories", nil))
	assert.Equal(t, tools.CodeUnauthenticated, e.Code)
	assert.Contains(t, e.Hint, "JFROG_ACCESS_TOKEN")
}
