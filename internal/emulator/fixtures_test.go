package emulator_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/emulatortest"
)

// searchFixture is a small platform for search, AQL and copy/move tests:
//
//   - generic-local: a.bin (repo root), tools/x.bin, tools/y.txt,
//     props/semi.txt (properties with ';' and spaces), dup/alpha-copy.bin
//     (same content as a.bin)
//   - secret-local: hidden.bin (same content as a.bin), unreadable by "reader"
//   - team-local, the virtual "team" over it, and remote "proxy-remote"
//
// Users: reader (read generic-local, team-local), deployer (read all,
// write team-local only), mover (read all, write+delete team-local and
// generic-local).
type searchFixture struct {
	*emulatortest.Server
	reader, deployer, mover string
}

func startSearchFixture(t *testing.T) *searchFixture {
	t.Helper()
	seed := &emulator.Seed{
		Repositories: []map[string]any{
			{"key": "generic-local", "rclass": "local", "packageType": "generic"},
			{"key": "secret-local", "rclass": "local", "packageType": "generic"},
			{"key": "team-local", "rclass": "local", "packageType": "generic"},
			{"key": "proxy-remote", "rclass": "remote", "packageType": "generic", "url": "https://example.invalid"},
			{"key": "team", "rclass": "virtual", "packageType": "generic", "repositories": []any{"team-local"}, "defaultDeploymentRepo": "team-local"},
		},
		Users: []emulator.SeedUser{
			{Name: "reader", Password: "r", Permissions: []emulator.SeedPermission{{Repos: []string{"generic-local", "team-local"}, Actions: []string{"read"}}}},
			{Name: "deployer", Password: "d", Permissions: []emulator.SeedPermission{
				{Repos: []string{"*"}, Actions: []string{"read"}},
				{Repos: []string{"team-local"}, Actions: []string{"write"}},
			}},
			{Name: "mover", Password: "m", Permissions: []emulator.SeedPermission{
				{Repos: []string{"*"}, Actions: []string{"read"}},
				{Repos: []string{"team-local", "generic-local"}, Actions: []string{"write", "delete"}},
			}},
		},
		Artifacts: []emulator.SeedArtifact{
			{Repo: "generic-local", Path: "a.bin", Content: "alpha", Created: "2025-01-01T00:00:00Z",
				Properties: map[string][]string{"env": {"prod"}}},
			{Repo: "generic-local", Path: "tools/x.bin", Content: "x-ray", Created: "2025-01-03T00:00:00Z",
				Properties: map[string][]string{"env": {"qa"}, "tool": {"x"}}},
			{Repo: "generic-local", Path: "tools/y.txt", Content: "yankee", Created: "2025-01-02T00:00:00Z"},
			{Repo: "generic-local", Path: "props/semi.txt", Content: "semi", Created: "2025-01-04T00:00:00Z",
				Properties: map[string][]string{"note": {"a;b c"}, "env": {"prod", "qa"}}},
			{Repo: "generic-local", Path: "dup/alpha-copy.bin", Content: "alpha", Created: "2025-01-05T00:00:00Z"},
			{Repo: "secret-local", Path: "hidden.bin", Content: "alpha", Created: "2025-01-06T00:00:00Z",
				Properties: map[string][]string{"note": {"a;b c"}}},
			{Repo: "team-local", Path: "docs/readme.md", Content: "# team", Created: "2025-01-07T00:00:00Z"},
		},
	}
	s := emulatortest.Start(t, seed)
	f := &searchFixture{Server: s}
	var err error
	f.reader, err = s.Emu.MintToken("reader")
	require.NoError(t, err)
	f.deployer, err = s.Emu.MintToken("deployer")
	require.NoError(t, err)
	f.mover, err = s.Emu.MintToken("mover")
	require.NoError(t, err)
	return f
}
