package jcg

import (
	"path/filepath"
	"testing"

	"github.com/jfrog/jfrog-client-go/artifactory"
	"github.com/jfrog/jfrog-client-go/artifactory/services"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/emulatortest"
)

// TestJFrogClientVirtualRepositories checks the virtual-repository
// behaviour the guard relies on, as JFrog's client sees it: the
// configuration fields it resolves by (repositories, defaultDeploymentRepo),
// uploads through a virtual landing in its default deployment repository,
// and uploads through one without it refused.
func TestJFrogClientVirtualRepositories(t *testing.T) {
	s := seed()
	s.Repositories = append(s.Repositories,
		map[string]any{"key": "both", "rclass": "virtual", "packageType": "generic",
			"repositories": []any{"generic-local", "target-local"}, "defaultDeploymentRepo": "target-local"},
		map[string]any{"key": "nodeploy", "rclass": "virtual", "packageType": "generic", "repositories": []any{"generic-local"}},
	)
	srv := emulatortest.Start(t, s)
	rt := artifactoryAs(t, srv.URL, "admin", "password")

	var cfg services.VirtualRepositoryBaseParams
	require.NoError(t, rt.GetRepository("both", &cfg))
	assert.Equal(t, "virtual", cfg.Rclass)
	assert.Equal(t, []string{"generic-local", "target-local"}, cfg.Repositories)
	assert.Equal(t, "target-local", cfg.DefaultDeploymentRepo)

	local := t.TempDir()
	writeFile(t, filepath.Join(local, "v.txt"), []byte("through a virtual"))
	up := func(target string) (int, int, error) {
		p := services.NewUploadParams()
		p.Pattern = filepath.Join(local, "v.txt")
		p.Target = target
		p.Flat = true
		return rt.UploadFiles(artifactory.UploadServiceOptions{}, p)
	}
	ok, failed, err := up("both/v/")
	require.NoError(t, err)
	assert.Equal(t, [2]int{1, 0}, [2]int{ok, failed})
	info, err := rt.FileInfo("target-local/v/v.txt")
	require.NoError(t, err, "the upload landed in the default deployment repository")
	assert.Equal(t, "target-local", info.Repo)
	_, err = rt.FileInfo("generic-local/v/v.txt")
	assert.Error(t, err, "not in the other member")

	since := len(srv.Emu.Requests())
	ok, failed, err = up("nodeploy/v/")
	assert.Equal(t, [2]int{0, 1}, [2]int{ok, failed}, "no default deployment repository: refused (%v)", err)
	var puts []emulator.RecordedRequest
	for _, r := range srv.Emu.Requests()[since:] {
		if r.Method == "PUT" {
			puts = append(puts, r)
		}
	}
	require.NotEmpty(t, puts)
	assert.Equal(t, 405, puts[len(puts)-1].Status)
}
