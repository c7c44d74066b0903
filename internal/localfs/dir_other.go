//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package localfs

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// fileID is the FileInfo itself here: os.SameFile knows how to compare them.
type fileID struct{ fi os.FileInfo }

func sameID(a, b fileID) bool { return a.fi != nil && b.fi != nil && os.SameFile(a.fi, b.fi) }

func infoOf(fi os.FileInfo) Info {
	return Info{Mode: fi.Mode(), Size: fi.Size(), ModTime: fi.ModTime(), id: fileID{fi}}
}

// Dir is a directory held open as an os.Root, which Go keeps from being
// escaped through symlinks and "..".
type Dir struct {
	r    *os.Root
	path string
}

// Path is the name the directory had when it was opened.
func (d *Dir) Path() string { return d.path }

// Close releases the directory.
func (d *Dir) Close() error { return d.r.Close() }

// OpenRoot opens the directory at path and refuses it when the path is now
// a symlink or leads elsewhere than the directory that was opened.
func OpenRoot(path string) (*Dir, error) {
	r, err := os.OpenRoot(path)
	if err != nil {
		return nil, err
	}
	opened, err1 := r.Stat(".")
	named, err2 := os.Lstat(path)
	if err1 != nil || err2 != nil || !named.IsDir() || !os.SameFile(opened, named) {
		_ = r.Close()
		return nil, &fs.PathError{Op: "open", Path: path, Err: ErrEscapes}
	}
	return &Dir{r: r, path: path}, nil
}

// OpenDir opens the directory rel beneath d.
func (d *Dir) OpenDir(rel string) (*Dir, error) {
	r, err := d.r.OpenRoot(rel)
	if err != nil {
		return nil, pathErr(err)
	}
	return &Dir{r: r, path: filepath.Join(d.path, rel)}, nil
}

// OpenFile opens rel beneath d for reading.
func (d *Dir) OpenFile(rel string) (*os.File, error) {
	f, err := d.r.Open(rel)
	return f, pathErr(err)
}

// OpenEntry opens the entry name of d for reading without following it.
func (d *Dir) OpenEntry(name string) (*os.File, error) {
	if err := entry(name); err != nil {
		return nil, err
	}
	if fi, err := d.r.Lstat(name); err != nil || fi.Mode()&fs.ModeSymlink != 0 {
		return nil, &fs.PathError{Op: "open", Path: name, Err: ErrEscapes}
	}
	f, err := d.r.Open(name)
	return f, pathErr(err)
}

// Create makes the new file name in d, refusing one that exists.
func (d *Dir) Create(name string, perm fs.FileMode) (*os.File, error) {
	if err := entry(name); err != nil {
		return nil, err
	}
	f, err := d.r.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	return f, pathErr(err)
}

// Stat describes d itself.
func (d *Dir) Stat() (Info, error) {
	fi, err := d.r.Stat(".")
	if err != nil {
		return Info{}, err
	}
	return infoOf(fi), nil
}

// Lstat describes the entry name of d without following a symlink.
func (d *Dir) Lstat(name string) (Info, error) {
	if err := entry(name); err != nil {
		return Info{}, err
	}
	fi, err := d.r.Lstat(name)
	if err != nil {
		return Info{}, err
	}
	return infoOf(fi), nil
}

// Rename moves the entry from to to within d, replacing to.
func (d *Dir) Rename(from, to string) error { return pathErr(d.r.Rename(from, to)) }

// RenameNoReplace moves from to to and fails with fs.ErrExist when to exists.
func (d *Dir) RenameNoReplace(from, to string) error {
	if err := d.r.Link(from, to); err == nil {
		_ = d.r.Remove(from)
		return nil
	} else if errors.Is(err, fs.ErrExist) {
		return err
	}
	if _, err := d.r.Lstat(to); err == nil {
		return &fs.PathError{Op: "rename", Path: to, Err: fs.ErrExist}
	}
	return pathErr(d.r.Rename(from, to))
}

// Remove deletes the entry name of d.
func (d *Dir) Remove(name string) error { return pathErr(d.r.Remove(name)) }

// Names lists up to max entries of d (all when max <= 0).
func (d *Dir) Names(max int) ([]string, error) {
	f, err := d.r.Open(".")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	names, err := f.Readdirnames(max)
	if err == io.EOF {
		err = nil
	}
	return names, err
}

// TryLock cannot lock here: leftovers are then told apart by age alone.
func TryLock(f *os.File) (bool, error) { return false, nil }

// Lock does nothing here.
func Lock(f *os.File) error { return nil }

// Locks reports whether TryLock and Lock really lock.
const Locks = false

// StatFile fstats an open file.
func StatFile(f *os.File) (Info, error) {
	fi, err := f.Stat()
	if err != nil {
		return Info{}, err
	}
	return infoOf(fi), nil
}

// Stat describes a file by name.
func Stat(path string) (Info, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return Info{}, err
	}
	return infoOf(fi), nil
}

// Lstat is Stat without following a final symlink.
func Lstat(path string) (Info, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return Info{}, err
	}
	return infoOf(fi), nil
}

func entry(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`+"\x00") {
		return ErrEscapes
	}
	return nil
}

// pathErr marks os.Root's "path escapes from parent" as ErrEscapes.
func pathErr(err error) error {
	var pe *fs.PathError
	if err != nil && errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "escapes") {
		return &fs.PathError{Op: pe.Op, Path: pe.Path, Err: ErrEscapes}
	}
	return err
}
