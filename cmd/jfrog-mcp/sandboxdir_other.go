//go:build !unix

package main

import (
	"fmt"
	"log/slog"
	"os"
)

// sandboxDir is the emulator's data directory, removed on Close. Without
// flock a killed run's directory cannot be told from a live one's, so
// nothing else is removed here.
type sandboxDir struct{ path string }

func newSandboxDir(*slog.Logger) (*sandboxDir, error) {
	dir, err := os.MkdirTemp("", "jfrog-mcp-sandbox-")
	if err != nil {
		return nil, fmt.Errorf("create sandbox dir: %w", err)
	}
	return &sandboxDir{path: dir}, nil
}

// Close removes the directory.
func (s *sandboxDir) Close() error { return os.RemoveAll(s.path) }
