package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/jfrog-mcp/jfrog-mcp/internal/config"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/mcpserver"
)

// sandbox is the emulator served on a loopback port inside this process, so
// the client still goes through real HTTP.
type sandbox struct {
	URL, Token string
	dir        *sandboxDir
	emu        *emulator.Emulator
	srv        *http.Server
}

func startSandbox(logger *slog.Logger) (*sandbox, error) {
	dir, err := newSandboxDir(logger)
	if err != nil {
		return nil, fmt.Errorf("start sandbox emulator: %w", err)
	}
	emu, err := emulator.New(emulator.Options{DataDir: filepath.Join(dir.path, "data"), Seed: emulator.DemoSeed(), Logger: logger.With("component", "emulator")})
	if err != nil {
		_ = dir.Close()
		return nil, fmt.Errorf("start sandbox emulator: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = emu.Close()
		_ = dir.Close()
		return nil, fmt.Errorf("start sandbox emulator: %w", err)
	}
	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return &sandbox{URL: "http://" + ln.Addr().String(), Token: emu.AdminToken(), dir: dir, emu: emu, srv: srv}, nil
}

func (s *sandbox) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = s.srv.Shutdown(ctx)
	_ = s.emu.Close()
	_ = s.dir.Close()
}

// runEmulator serves the emulator alone and prints where it is and how to
// authenticate, on one line, so a shell can eval it.
func runEmulator(ctx context.Context, cfg *config.Config, stdout io.Writer, logger *slog.Logger) error {
	seed := emulator.DemoSeed()
	if cfg.SeedFile != "" {
		var err error
		if seed, err = emulator.LoadSeedFile(cfg.SeedFile); err != nil {
			return fmt.Errorf("load seed: %w", err)
		}
	}
	// With --data the emulator keeps its state there, so it can be stopped
	// and started again; a saved state wins over the seed.
	emu, err := emulator.New(emulator.Options{DataDir: cfg.DataDir, Seed: seed, Logger: logger, Persist: cfg.DataDir != "", AdminToken: cfg.AdminToken})
	if err != nil {
		return fmt.Errorf("start emulator: %w", err)
	}
	defer emu.Close()
	return mcpserver.ServeHTTP(ctx, cfg.Listen, emu, logger, mcpserver.ServeOptions{}, func(a net.Addr) {
		fmt.Fprintf(stdout, "JFROG_URL=http://%s JFROG_ACCESS_TOKEN=%s\n", a, emu.AdminToken())
	})
}
