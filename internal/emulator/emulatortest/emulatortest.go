// Package emulatortest starts a JFrog Platform emulator on a local HTTP
// server for tests.
package emulatortest

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
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
	conns      atomic.Int64
}

// Start runs an emulator seeded with seed (nil for an empty platform) on an
// httptest server. Everything is torn down by t.Cleanup.
func Start(t testing.TB, seed *emulator.Seed) *Server {
	t.Helper()
	return StartWrapped(t, seed, nil)
}

// StartWrapped is Start with the emulator's handler wrapped (nil: not
// wrapped), for tests that change what goes over the wire, such as the
// framing of an answer.
func StartWrapped(t testing.TB, seed *emulator.Seed, wrap func(http.Handler) http.Handler) *Server {
	t.Helper()
	emu, err := emulator.New(emulator.Options{DataDir: t.TempDir(), Seed: seed})
	if err != nil {
		t.Fatalf("start emulator: %v", err)
	}
	var h http.Handler = emu
	if wrap != nil {
		h = wrap(emu)
	}
	ts := httptest.NewUnstartedServer(h)
	srv := &Server{AdminToken: emu.AdminToken(), Emu: emu}
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			srv.conns.Add(1)
		}
	}
	ts.Start()
	srv.URL = ts.URL
	t.Cleanup(func() {
		ts.Close()
		_ = emu.Close()
	})
	return srv
}

// Connections is the number of TCP connections the server has accepted.
func (s *Server) Connections() int64 { return s.conns.Load() }
