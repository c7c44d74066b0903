package tools

import "golang.org/x/sys/unix"

// startWriteback asks Linux to begin writing [off, off+n) of fd to disk and
// returns at once (SYNC_FILE_RANGE_WRITE alone does not wait).
var startWriteback = func(fd uintptr, off, n int64) {
	_ = unix.SyncFileRange(int(fd), off, n, unix.SYNC_FILE_RANGE_WRITE)
}
