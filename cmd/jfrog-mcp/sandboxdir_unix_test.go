//go:build unix

package main

import (
	"bufio"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMain doubles as the helper process of TestSandboxDirSurvivesNoKill:
// with JFROG_MCP_SANDBOX_HELPER=1 it makes a sandbox dir, says where, and
// waits to be killed.
func TestMain(m *testing.M) {
	if os.Getenv("JFROG_MCP_SANDBOX_HELPER") == "1" {
		d, err := newSandboxDir(slog.New(slog.DiscardHandler))
		if err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString(d.path + "\n")
		time.Sleep(time.Minute)
		os.Exit(4)
	}
	os.Exit(m.Run())
}

// A sandbox killed with SIGKILL leaves its directory; the next sandbox
// removes it, and leaves a live sandbox's directory and foreign ones alone.
func TestSandboxDirSurvivesNoKill(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "JFROG_MCP_SANDBOX_HELPER=1")
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	killed := strings.TrimSpace(line)
	require.True(t, strings.HasPrefix(killed, tmp), killed)
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()
	require.DirExists(t, killed, "SIGKILL skipped every cleanup")

	foreign := filepath.Join(tmp, sandboxPrefix+"not-ours")
	require.NoError(t, os.Mkdir(foreign, 0o700))
	live, err := newSandboxDir(slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	defer live.Close()
	assert.NoDirExists(t, killed, "a dead owner's directory is removed")
	assert.DirExists(t, foreign, "a directory without owner.lock is not known to be ours")

	next, err := newSandboxDir(slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	assert.DirExists(t, live.path, "a live sandbox's directory stays")
	require.NoError(t, next.Close())
	assert.NoDirExists(t, next.path, "Close removes its own directory")
}
