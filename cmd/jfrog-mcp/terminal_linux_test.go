package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

const terminalHint = "speaks MCP on stdin/stdout"

// openPTY returns the terminal side of a new pseudo-terminal.
func openPTY(t *testing.T) *os.File {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	require.NoError(t, err)
	t.Cleanup(func() { _ = master.Close() })
	require.NoError(t, unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0))
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	require.NoError(t, err)
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tty.Close() })
	return tty
}

// The "started by hand" hint is for a person at a terminal; /dev/null is a
// character device too, and a client or script that gives no input is not
// a person.
func TestTerminalHintOnlyForARealTerminal(t *testing.T) {
	serveWith := func(t *testing.T, stdin *os.File) string {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		var stdout bytes.Buffer
		var stderr lockedBuffer
		done := make(chan int, 1)
		go func() { done <- run(ctx, []string{"stdio", "--sandbox"}, stdin, &stdout, &stderr, noEnv) }()
		deadline := time.After(10 * time.Second)
		for !strings.Contains(stderr.String(), "sandbox") {
			select {
			case <-deadline:
				t.Fatal("the server did not start")
			case <-time.After(10 * time.Millisecond):
			}
		}
		cancel()
		<-done
		return stderr.String()
	}
	t.Run("/dev/null", func(t *testing.T) {
		devnull, err := os.Open(os.DevNull)
		require.NoError(t, err)
		defer devnull.Close()
		assert.NotContains(t, serveWith(t, devnull), terminalHint)
	})
	t.Run("a terminal", func(t *testing.T) {
		assert.Contains(t, serveWith(t, openPTY(t)), terminalHint)
	})
}

// lockedBuffer is a bytes.Buffer the server writes while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
