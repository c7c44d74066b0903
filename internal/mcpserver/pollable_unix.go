//go:build unix

package mcpserver

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// pollable reads a pipe or socket stdin through Go's network poller instead
// of a blocking read(2). A blocking read parks an OS thread, and every
// message then costs waking that thread and handing the message to another
// one; through the poller the reading goroutine and the handler share a
// thread. bench/mcp, 8 interleaved runs each: 0.43 → 0.31 ms added per call
// (p50 medians), MCP ping 0.25 → 0.22 ms.
//
// It reads from a duplicate of the descriptor, so the caller's file is left
// alone, and restore puts back the blocking mode it found (the flag belongs
// to the pipe, shared by every descriptor of it). Terminals and regular files
// are returned as they are: epoll takes neither.
func pollable(in io.Reader) (r io.Reader, restore func()) {
	noop := func() {}
	f, ok := in.(*os.File)
	if !ok {
		return in, noop
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&(os.ModeNamedPipe|os.ModeSocket) == 0 {
		return in, noop
	}
	conn, err := f.SyscallConn()
	if err != nil {
		return in, noop
	}
	dup, flags := -1, 0
	ctlErr := conn.Control(func(fd uintptr) {
		if flags, err = unix.FcntlInt(fd, unix.F_GETFL, 0); err == nil {
			dup, err = unix.Dup(int(fd))
		}
	})
	if ctlErr != nil || err != nil {
		return in, noop
	}
	if err := unix.SetNonblock(dup, true); err != nil {
		unix.Close(dup)
		return in, noop
	}
	nf := os.NewFile(uintptr(dup), f.Name())
	return nf, func() {
		nf.Close()
		if flags&unix.O_NONBLOCK == 0 {
			_ = conn.Control(func(fd uintptr) { _ = unix.SetNonblock(int(fd), false) })
		}
	}
}
