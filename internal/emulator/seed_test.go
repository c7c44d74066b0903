package emulator_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/emulatortest"
)

func TestParseSeed(t *testing.T) {
	_, err := emulator.ParseSeed([]byte(`{"repos":[]}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown field "repos"`)

	s, err := emulator.ParseSeed([]byte(`{"builds":[{"name":"b"}],"xray":{"future":true}}`))
	require.NoError(t, err, "reserved sections are accepted")
	assert.JSONEq(t, `[{"name":"b"}]`, string(s.Builds))

	_, err = emulator.ParseSeed([]byte(`{"artifacts":[{"repo":"r","path":"p","colour":"red"}]}`))
	assert.Error(t, err)

	_, err = emulator.New(emulator.Options{Seed: &emulator.Seed{Artifacts: []emulator.SeedArtifact{{Repo: "ghost", Path: "x"}}}})
	assert.Error(t, err, "artifact in a missing repo")

	_, err = emulator.New(emulator.Options{Seed: &emulator.Seed{Users: []emulator.SeedUser{{Name: "u", Permissions: []emulator.SeedPermission{{Repos: []string{"*"}, Actions: []string{"fly"}}}}}}})
	assert.Error(t, err, "unknown action")
}

func TestDemoSeed(t *testing.T) {
	s := emulatortest.Start(t, emulator.DemoSeed())
	_, body := call(t, http.MethodGet, s.URL+"/artifactory/api/repositories", s.AdminToken, nil, nil)
	for _, key := range []string{"generic-local", "libs-release-local", "libs-snapshot-local", "docker-local", "npm-local", "pypi-remote", "libs-release", "app-prod-local", "app-staging-local"} {
		assert.Contains(t, string(body), `"key": "`+key+`"`)
	}
	// Generated content is deterministic: same seed, same checksum.
	_, a := call(t, http.MethodGet, s.URL+"/artifactory/api/storage/generic-local/tools/jq/1.7.1/jq-linux-amd64", s.AdminToken, nil, nil)
	s2 := emulatortest.Start(t, emulator.DemoSeed())
	_, b := call(t, http.MethodGet, s2.URL+"/artifactory/api/storage/generic-local/tools/jq/1.7.1/jq-linux-amd64", s2.AdminToken, nil, nil)
	assert.Equal(t, decode(t, a)["checksums"], decode(t, b)["checksums"])

	resp, _ := call(t, http.MethodGet, s.URL+"/artifactory/api/storage/generic-local", "dev:dev-password", nil, nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestEmptyDataDirIsRemovedOnClose(t *testing.T) {
	e, err := emulator.New(emulator.Options{})
	require.NoError(t, err)
	require.NoError(t, e.Close())
	require.NoError(t, e.Close(), "Close is idempotent")
}
