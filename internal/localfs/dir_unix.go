//go:build linux || darwin || freebsd || netbsd || openbsd

package localfs

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

type fileID struct{ dev, ino uint64 }

func sameID(a, b fileID) bool { return a != (fileID{}) && a == b }

func infoOf(st *unix.Stat_t) Info {
	mode := fs.FileMode(st.Mode & 0o777)
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		mode |= fs.ModeDir
	case unix.S_IFLNK:
		mode |= fs.ModeSymlink
	case unix.S_IFIFO:
		mode |= fs.ModeNamedPipe
	case unix.S_IFSOCK:
		mode |= fs.ModeSocket
	case unix.S_IFCHR:
		mode |= fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFBLK:
		mode |= fs.ModeDevice
	}
	sec, nsec := st.Mtim.Unix()
	return Info{Mode: mode, Size: st.Size, ModTime: time.Unix(sec, nsec), id: fileID{uint64(st.Dev), uint64(st.Ino)}} //nolint:unconvert // Dev and Ino differ in type across systems
}

// Dir is a directory held open by descriptor. Names given to its methods are
// single entries of it, never paths.
type Dir struct {
	f    *os.File
	path string // for messages only
}

// Path is the name the directory had when it was opened.
func (d *Dir) Path() string { return d.path }

// Close releases the descriptor.
func (d *Dir) Close() error { return d.f.Close() }

func (d *Dir) fd() int { return int(d.f.Fd()) }

// OpenRoot opens the directory at path, an absolute path that must contain
// no symlink now (roots are resolved once at start): a directory of it
// replaced by a symlink since then is refused, not followed.
func OpenRoot(path string) (*Dir, error) {
	if !filepath.IsAbs(path) {
		return nil, errors.New("localfs: root path must be absolute")
	}
	fd, err := openNoSymlinks(path)
	if err != nil {
		return nil, pathErr("open", path, err)
	}
	return &Dir{f: os.NewFile(uintptr(fd), path), path: path}, nil
}

// walk opens rel beneath dirfd one component at a time, following no symlink
// and no "..": the portable form of RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS. The
// last component is opened with flags.
func walk(dirfd int, rel string, flags int) (int, error) {
	parts := strings.Split(rel, "/")
	cur, owned := dirfd, false
	for i, p := range parts {
		if p == "" || p == "." && len(parts) > 1 || p == ".." {
			if owned {
				_ = unix.Close(cur)
			}
			return -1, ErrEscapes
		}
		fl := unix.O_RDONLY | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC
		if i == len(parts)-1 {
			fl = flags | unix.O_NOFOLLOW | unix.O_CLOEXEC
		}
		next, err := openatRetry(cur, p, fl, 0)
		if owned {
			_ = unix.Close(cur)
		}
		if err != nil {
			return -1, err
		}
		cur, owned = next, true
	}
	return cur, nil
}

func openatRetry(dirfd int, name string, flags int, mode uint32) (int, error) {
	for {
		fd, err := unix.Openat(dirfd, name, flags, mode)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

// OpenDir opens the directory rel beneath d ("." is d itself, opened anew).
func (d *Dir) OpenDir(rel string) (*Dir, error) {
	fd, err := openBeneath(d.fd(), rel, unix.O_RDONLY|unix.O_DIRECTORY)
	if err != nil {
		return nil, pathErr("open", filepath.Join(d.path, rel), err)
	}
	return &Dir{f: os.NewFile(uintptr(fd), filepath.Join(d.path, rel)), path: filepath.Join(d.path, rel)}, nil
}

// OpenFile opens rel beneath d for reading. It does not block on a FIFO or a
// device: the caller fstats the result and refuses what is not a regular file.
func (d *Dir) OpenFile(rel string) (*os.File, error) {
	p := filepath.Join(d.path, rel)
	fd, err := openBeneath(d.fd(), rel, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_NOCTTY)
	if err != nil {
		return nil, pathErr("open", p, err)
	}
	return fileOf(fd, p)
}

// fileOf makes an *os.File of a descriptor opened with O_NONBLOCK, blocking
// again for a regular file (what readers expect).
func fileOf(fd int, p string) (*os.File, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		_ = unix.Close(fd)
		return nil, pathErr("stat", p, err)
	}
	if st.Mode&unix.S_IFMT == unix.S_IFREG {
		if err := unix.SetNonblock(fd, false); err != nil {
			_ = unix.Close(fd)
			return nil, pathErr("open", p, err)
		}
	}
	return os.NewFile(uintptr(fd), p), nil
}

// OpenEntry opens the entry name of d for reading without following it.
func (d *Dir) OpenEntry(name string) (*os.File, error) {
	p := filepath.Join(d.path, name)
	if err := entry(name); err != nil {
		return nil, pathErr("open", p, err)
	}
	fd, err := openatRetry(d.fd(), name, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, pathErr("open", p, err)
	}
	return fileOf(fd, p)
}

// Create makes the new file name in d, for writing, refusing one that exists
// (a symlink included).
func (d *Dir) Create(name string, perm fs.FileMode) (*os.File, error) {
	p := filepath.Join(d.path, name)
	if err := entry(name); err != nil {
		return nil, pathErr("create", p, err)
	}
	fd, err := openatRetry(d.fd(), name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, uint32(perm.Perm()))
	if err != nil {
		return nil, pathErr("create", p, err)
	}
	return os.NewFile(uintptr(fd), p), nil
}

// Stat describes d itself.
func (d *Dir) Stat() (Info, error) {
	var st unix.Stat_t
	if err := unix.Fstat(d.fd(), &st); err != nil {
		return Info{}, pathErr("stat", d.path, err)
	}
	return infoOf(&st), nil
}

// Lstat describes the entry name of d without following a symlink.
func (d *Dir) Lstat(name string) (Info, error) {
	p := filepath.Join(d.path, name)
	if err := entry(name); err != nil {
		return Info{}, pathErr("lstat", p, err)
	}
	var st unix.Stat_t
	if err := unix.Fstatat(d.fd(), name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return Info{}, pathErr("lstat", p, err)
	}
	return infoOf(&st), nil
}

// Rename moves the entry from to to within d, replacing to.
func (d *Dir) Rename(from, to string) error {
	if err := entries(from, to); err != nil {
		return pathErr("rename", filepath.Join(d.path, to), err)
	}
	return pathErr("rename", filepath.Join(d.path, to), unix.Renameat(d.fd(), from, d.fd(), to))
}

// RenameNoReplace moves from to to within d and fails with fs.ErrExist when
// to exists, atomically where the system and file system allow it (a hard
// link, then removing from); otherwise it checks and renames.
func (d *Dir) RenameNoReplace(from, to string) error {
	if err := entries(from, to); err != nil {
		return pathErr("rename", filepath.Join(d.path, to), err)
	}
	p := filepath.Join(d.path, to)
	err := renameNoReplace(d.fd(), from, to)
	if err == nil {
		return nil
	}
	if err == unix.EEXIST {
		return pathErr("rename", p, err)
	}
	// No atomic way here (a file system without hard links): check, then rename.
	if _, serr := d.Lstat(to); serr == nil {
		return pathErr("rename", p, unix.EEXIST)
	}
	return pathErr("rename", p, unix.Renameat(d.fd(), from, d.fd(), to))
}

// linkThenRemove is the portable no-replace rename: link fails on an
// existing target.
func linkThenRemove(dirfd int, from, to string) error {
	if err := unix.Linkat(dirfd, from, dirfd, to, 0); err != nil {
		return err
	}
	_ = unix.Unlinkat(dirfd, from, 0)
	return nil
}

// Remove deletes the entry name of d (not a directory).
func (d *Dir) Remove(name string) error {
	if err := entry(name); err != nil {
		return pathErr("remove", filepath.Join(d.path, name), err)
	}
	return pathErr("remove", filepath.Join(d.path, name), unix.Unlinkat(d.fd(), name, 0))
}

// Names lists up to max entries of d (all when max <= 0).
func (d *Dir) Names(max int) ([]string, error) {
	fd, err := openatRetry(d.fd(), ".", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, pathErr("open", d.path, err)
	}
	f := os.NewFile(uintptr(fd), d.path)
	defer f.Close()
	names, err := f.Readdirnames(max)
	if err == io.EOF {
		err = nil
	}
	return names, err
}

// TryLock takes an exclusive advisory lock (flock) on f without waiting and
// reports whether it got it; the lock ends when f is closed, also when the
// process dies.
func TryLock(f *os.File) (bool, error) {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		switch err {
		case nil:
			return true, nil
		case unix.EWOULDBLOCK:
			return false, nil
		case unix.EINTR:
			continue
		}
		return false, err
	}
}

// Lock takes an exclusive advisory lock on f, waiting for it.
func Lock(f *os.File) error {
	for {
		if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != unix.EINTR {
			return err
		}
	}
}

// Locks reports whether TryLock and Lock really lock (flock exists here).
const Locks = true

// StatFile fstats an open file.
func StatFile(f *os.File) (Info, error) {
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return Info{}, pathErr("stat", f.Name(), err)
	}
	return infoOf(&st), nil
}

// Stat and Lstat describe a file by name (for the server's own files, whose
// names the operator chose).
func Stat(path string) (Info, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return Info{}, pathErr("stat", path, err)
	}
	return infoOf(&st), nil
}

// Lstat is Stat without following a final symlink.
func Lstat(path string) (Info, error) {
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		return Info{}, pathErr("lstat", path, err)
	}
	return infoOf(&st), nil
}

// entry refuses names that are not a single entry.
func entry(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") {
		return ErrEscapes
	}
	return nil
}

func entries(a, b string) error {
	if err := entry(a); err != nil {
		return err
	}
	return entry(b)
}

// pathErr wraps a system error in *fs.PathError, the escapes as ErrEscapes.
func pathErr(op, path string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrEscapes), err == unix.EXDEV, err == unix.ELOOP:
		return &fs.PathError{Op: op, Path: path, Err: ErrEscapes}
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return err
	}
	return &fs.PathError{Op: op, Path: path, Err: err}
}

// walkFromRoot opens an absolute directory path from "/" following no symlink.
func walkFromRoot(path string) (int, error) {
	root, err := openatRetry(unix.AT_FDCWD, "/", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil || path == "/" {
		return root, err
	}
	defer unix.Close(root)
	return walk(root, strings.TrimPrefix(filepath.Clean(path), "/"), unix.O_RDONLY|unix.O_DIRECTORY)
}
