package jcg

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/jfrog/jfrog-client-go/artifactory"
	rtauth "github.com/jfrog/jfrog-client-go/artifactory/auth"
	"github.com/jfrog/jfrog-client-go/artifactory/services"
	"github.com/jfrog/jfrog-client-go/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/emulatortest"
)

// JFrog's client through the emulator's fault hooks: a reset part way into
// an upload's body and an answer lost after the upload was stored are, to
// JCG, connection failures it retries, and the artifact ends up whole. This
// is how the hooks are known to look like a real server's failures.
func TestJFrogClientThroughFaults(t *testing.T) {
	for _, tc := range []struct {
		name      string
		rule      emulator.FaultRule
		performed int
	}{
		{"reset during the body", emulator.FaultRule{ResetAfterBodyBytes: 16 << 10}, 1},
		{"answer lost after the upload was stored", emulator.FaultRule{LoseAnswer: true}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := emulatortest.Start(t, seed())
			d := details(rtauth.NewArtifactoryDetails(), srv.URL+"/artifactory", "admin", "password")
			cfg, err := config.NewConfigBuilder().SetServiceDetails(d).SetThreads(1).SetHttpRetries(3).
				SetHttpRetryWaitMilliSecs(1).SetContext(t.Context()).Build()
			require.NoError(t, err)
			rt, err := artifactory.New(cfg)
			require.NoError(t, err)

			content := randomBytes(t, 64<<10)
			local := t.TempDir()
			writeFile(t, filepath.Join(local, "f.bin"), content)
			rule := tc.rule
			rule.Method, rule.PathPrefix, rule.WithBody, rule.Times = http.MethodPut, "/artifactory/generic-local/faults/", true, 1
			srv.Emu.Faults().Inject(rule)

			p := services.NewUploadParams()
			p.Pattern = filepath.Join(local, "f.bin")
			p.Target = "generic-local/faults/"
			p.Flat = true
			ok, failed, err := rt.UploadFiles(artifactory.UploadServiceOptions{FailFast: true}, p)
			require.NoError(t, err)
			assert.Equal(t, 1, ok)
			assert.Equal(t, 0, failed)
			assert.Equal(t, tc.performed, srv.Emu.Faults().Performed(http.MethodPut))

			info, err := rt.FileInfo("generic-local/faults/f.bin")
			require.NoError(t, err)
			sum := sha256.Sum256(content)
			assert.Equal(t, hex.EncodeToString(sum[:]), info.Checksums.Sha256, "the artifact is whole")
		})
	}
}
