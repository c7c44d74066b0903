//go:build !linux

package tools

// startWriteback does nothing where sync_file_range does not exist: the fsync
// before the rename writes everything.
var startWriteback = func(fd uintptr, off, n int64) {}
