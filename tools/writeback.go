package tools

import (
	"os"
	"syscall"
)

// writebackChunk is how much a download writes before it asks the kernel to
// start putting it on disk.
const writebackChunk = 8 << 20

// writebackFile writes a download and, every writebackChunk bytes, starts the
// disk write of the range just written (sync_file_range on Linux) without
// waiting for it. The fsync that must come before the rename then waits for
// the last chunk only: the disk works while the network delivers, instead of
// a 1 GiB file sitting dirty in memory until the end and the fsync taking
// seconds after the last byte arrived.
type writebackFile struct {
	f              *os.File
	raw            syscall.RawConn // nil when the file has none; then only fsync remains
	off, requested int64
}

func newWritebackFile(f *os.File) *writebackFile {
	raw, _ := f.SyscallConn()
	return &writebackFile{f: f, raw: raw}
}

func (w *writebackFile) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.off += int64(n)
	if w.raw != nil && w.off-w.requested >= writebackChunk {
		// Only a hint: an error here resurfaces in the fsync, which is checked.
		_ = w.raw.Control(func(fd uintptr) { startWriteback(fd, w.requested, w.off-w.requested) })
		w.requested = w.off
	}
	return n, err
}
