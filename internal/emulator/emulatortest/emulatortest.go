// Package emulatortest starts a JFrog Platform emulator on a local HTTP
// server for tests.
package emulatortest

import (
	"net/http/httptest"
	"testing"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
)

// Server is a running emulator.
type Server struct {
	// URL is the platform base URL (no trailing slash); Artifactory is
	// URL+"/artifactory", Xray URL+"/xray", Access URL+"/access".
	URL        string
	AdminToken string
	Emu        *emulator.Emulator
}

// Start runs an emulator seeded with seed (nil for an empty platform) on an
// httptest server. Everything is torn down by t.Cleanup.
func Start(t testing.TB, seed *emulator.Seed) *Server {
	t.Helper()
	emu, err := emulator.New(emulator.Options{DataDir: t.TempDir(), Seed: seed})
	if err != nil {
		t.Fatalf("start emulator: %v", err)
	}
	ts := httptest.NewServer(emu)
	t.Cleanup(func() {
		ts.Close()
		_ = emu.Close()
	})
	return &Server{URL: ts.URL, AdminToken: emu.AdminToken(), Emu: emu}
}
