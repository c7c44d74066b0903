package emulator_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/emulatortest"
)

// The route tables answer as the servers do: pings without credentials,
// everything else only with them, unknown API paths and known paths with
// another method not found, and any other Artifactory path a repository path.
func TestRouteTables(t *testing.T) {
	emu := emulatortest.Start(t, emulator.DemoSeed())
	cases := []struct {
		method, path string
		auth         bool
		status       int
		body         string
	}{
		{"GET", "/artifactory/api/system/ping", false, 200, "OK"},
		{"GET", "/xray/api/v1/system/ping", false, 200, "pong"},
		{"GET", "/access/api/v1/system/ping", false, 200, "OK"},
		{"GET", "/artifactory/api/system/version", false, 401, ""},
		{"GET", "/artifactory/api/system/version", true, 200, "7."},
		{"GET", "/artifactory/api/no/such/thing", true, 404, `"status" : 404`},
		{"GET", "/artifactory/api/no/such/thing", false, 401, ""},
		{"GET", "/artifactory/", true, 404, ""},
		{"GET", "/artifactory/api/repositories", true, 200, "generic-local"},
		{"GET", "/artifactory/api/repositories/generic-local", true, 200, `"rclass"`},
		{"GET", "/artifactory/api/storage/generic-local", true, 200, `"children"`},
		{"GET", "/artifactory/generic-local/no/such/file", true, 404, ""},
		{"GET", "/xray/api/v1/system/version", true, 200, "xray_version"},
		{"POST", "/xray/api/v1/system/version", true, 404, ""},
		{"GET", "/xray/api/v1/summary/artifact", true, 404, ""},
		{"GET", "/access/api/v1/tokens/me", true, 200, "subject"},
		{"GET", "/access/api/v1/nothing", true, 404, ""},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			req, err := http.NewRequest(c.method, emu.URL+c.path, nil)
			require.NoError(t, err)
			if c.auth {
				req.Header.Set("Authorization", "Bearer "+emu.AdminToken)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			b := new(strings.Builder)
			_, _ = io.Copy(b, resp.Body)
			assert.Equal(t, c.status, resp.StatusCode, b.String())
			assert.Contains(t, b.String(), c.body)
		})
	}
}
