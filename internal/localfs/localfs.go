// Package localfs opens files on the server's machine by descriptor, beneath
// a directory, so that what was checked is what is read or written. A name is
// looked up once; every later step (fstat, reading, creating a temporary
// file, renaming it into place) goes through the descriptors that lookup
// returned, and a symlink or directory swapped in meanwhile cannot send the
// server outside the directory it started from.
//
// On Linux, paths beneath a directory are resolved with openat2 and
// RESOLVE_BENEATH; on the other Unix systems (and on Linux kernels without
// openat2) one component at a time with O_NOFOLLOW; elsewhere with Go's
// os.Root. The package decides nothing about policy: internal/guard says
// which directories and files may be used.
package localfs

import (
	"errors"
	"io/fs"
	"time"
)

// ErrEscapes is returned when a path leads out of the directory it is
// resolved beneath (through "..", an absolute symlink or one that points
// outside), or meets a symlink where none may be.
var ErrEscapes = errors.New("the path leads outside its directory")

// Info is what fstat says about an open file or a directory entry.
type Info struct {
	Mode    fs.FileMode
	Size    int64
	ModTime time.Time
	id      fileID
}

// SameFile reports whether a and b are the same file (device and inode on
// Unix), whatever names lead to them.
func (a Info) SameFile(b Info) bool { return sameID(a.id, b.id) }

// IsDir and IsRegular report the kind of file.
func (a Info) IsDir() bool { return a.Mode.IsDir() }

// IsRegular reports a regular file (not a directory, link, device or FIFO).
func (a Info) IsRegular() bool { return a.Mode.IsRegular() }
