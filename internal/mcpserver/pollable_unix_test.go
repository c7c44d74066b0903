//go:build unix

package mcpserver

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// stdin as a process gets it from an MCP client: a blocking pipe. The server
// reads it through the poller, stops on cancel while the client still holds
// the pipe open, and leaves the pipe as it found it.
func TestStdioOnABlockingPipe(t *testing.T) {
	var p [2]int
	require.NoError(t, unix.Pipe(p[:]))
	in, w := os.NewFile(uintptr(p[0]), "stdin"), os.NewFile(uintptr(p[1]), "client")
	defer in.Close()
	defer w.Close()

	s := server.NewMCPServer("t", "0")
	outR, outW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ServeStdio(ctx, s, in, outW, slog.New(slog.DiscardHandler), StdioOptions{}) }()

	_, err := io.WriteString(w, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"pipe","version":"0"}}}`+"\n")
	require.NoError(t, err)
	line, err := bufio.NewReader(outR).ReadString('\n')
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(line, `{"jsonrpc":"2.0","id":1,"result":`), line)
	flags, err := unix.FcntlInt(uintptr(p[0]), unix.F_GETFL, 0)
	require.NoError(t, err)
	assert.NotZero(t, flags&unix.O_NONBLOCK, "served through the poller")

	cancel() // the client's end stays open: nothing but the cancel ends the read
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("stdio server did not stop on cancel")
	}

	flags, err = unix.FcntlInt(uintptr(p[0]), unix.F_GETFL, 0)
	require.NoError(t, err)
	assert.Zero(t, flags&unix.O_NONBLOCK, "the pipe is blocking again")
	_, err = io.WriteString(w, "still mine\n")
	require.NoError(t, err)
	got, err := bufio.NewReader(in).ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "still mine\n", got, "the caller's descriptor still works")
}

func TestPollableLeavesOtherInputsAlone(t *testing.T) {
	r := strings.NewReader("x")
	got, restore := pollable(r)
	restore()
	assert.Same(t, r, got)

	f, err := os.CreateTemp(t.TempDir(), "requests")
	require.NoError(t, err)
	defer f.Close()
	got, restore = pollable(f)
	restore()
	assert.Same(t, f, got, "a regular file cannot be polled")
}
