//go:build unix

package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// sandboxPrefix names the sandbox's directories in the temp dir.
const sandboxPrefix = "jfrog-mcp-sandbox-"

// sandboxDir is a directory this process owns for the emulator's data: it
// holds an exclusive flock on sandboxDir/owner.lock for its whole life. The
// kernel drops the lock when the process dies, however it dies, so a later
// sandbox that can take the lock knows the owner is gone and removes the
// directory (a kill -9 skips every cleanup of our own).
type sandboxDir struct {
	path string
	lock *os.File
}

func newSandboxDir(logger *slog.Logger) (*sandboxDir, error) {
	removeDeadSandboxes(logger)
	dir, err := os.MkdirTemp("", sandboxPrefix)
	if err != nil {
		return nil, fmt.Errorf("create sandbox dir: %w", err)
	}
	// Locked under a temporary name, then renamed: a sweeper that finds
	// owner.lock always finds it locked while this process lives.
	f, err := os.CreateTemp(dir, "lock-")
	if err == nil {
		if err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err == nil {
			_, _ = fmt.Fprintf(f, "%d\n", os.Getpid())
			err = os.Rename(f.Name(), filepath.Join(dir, "owner.lock"))
		}
	}
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("lock sandbox dir: %w", err)
	}
	return &sandboxDir{path: dir, lock: f}, nil
}

// Close removes the directory and releases the lock.
func (s *sandboxDir) Close() error {
	err := os.RemoveAll(s.path)
	_ = s.lock.Close()
	return err
}

// removeDeadSandboxes removes the sandbox directories whose owner is gone:
// those whose owner.lock can be locked. A directory without owner.lock is
// not known to be ours and is left alone.
func removeDeadSandboxes(logger *slog.Logger) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), sandboxPrefix+"*"))
	for _, dir := range dirs {
		f, err := os.Open(filepath.Join(dir, "owner.lock"))
		if err != nil {
			continue
		}
		if unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) == nil {
			if err := os.RemoveAll(dir); err == nil {
				logger.Debug("sandbox: removed a previous run's emulator directory", "dir", dir)
			}
		}
		_ = f.Close()
	}
}
