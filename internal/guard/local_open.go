package guard

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/jfrog-mcp/jfrog-mcp/internal/localfs"
)

// ErrLocalIsDirectory is returned by LocalTarget for a path that names a
// directory: a download needs a file name.
var ErrLocalIsDirectory = errors.New("is a directory")

// LocalFile is a local file opened for reading inside the local roots. Every
// later step (fstat, hashing, sending) uses this descriptor, never the name.
type LocalFile struct {
	*os.File
	// Path is the real path that was opened, for messages.
	Path string
	// Info is the open file's fstat.
	Info localfs.Info
}

// OpenLocal opens p for reading. The path is resolved (in-root symlinks
// included) and checked against the roots, then opened beneath the root that
// holds it (openat2 RESOLVE_BENEATH on Linux): a file or directory swapped
// for a symlink after the check cannot lead outside. The open file is refused
// when it is one of the server's own files, by identity. Whether it is a
// regular file is the caller's to say.
func (g *Guard) OpenLocal(p string) (*LocalFile, error) {
	real, root, rel, err := g.roots.locate(p)
	if err != nil {
		return nil, err
	}
	openHook()
	rd, err := localfs.OpenRoot(root)
	if err != nil {
		return nil, g.roots.openErr(p, err)
	}
	defer rd.Close()
	f, err := rd.OpenFile(rel)
	if err != nil {
		return nil, g.roots.openErr(p, err)
	}
	info, err := localfs.StatFile(f)
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	if what, own := g.own.file(info); own {
		_ = f.Close()
		return nil, ownDenied(p, what)
	}
	return &LocalFile{File: f, Path: real, Info: info}, nil
}

// LocalTarget is where a download will land: the directory that holds it,
// opened beneath its root, and the entry name in it. Temporary files are
// created and renamed through Dir, so a directory replaced by a symlink
// while the download runs cannot redirect the file.
type LocalTarget struct {
	Dir *localfs.Dir
	// Name is the target's entry in Dir; Path its real path, for messages.
	Name, Path string
	// Existing is what is at the target now (not followed), nil for nothing.
	Existing *localfs.Info

	p, root, relDir string
	dirInfo         localfs.Info
	own             ownFiles
	roots           LocalRoots
}

// LocalTarget opens the directory of p beneath its root for a download to p.
// A missing directory is an *fs.PathError; a directory at p is
// ErrLocalIsDirectory; one of the server's own files at p, or p where one of
// them would be, is refused. The caller closes t.Dir.
func (g *Guard) LocalTarget(p string) (*LocalTarget, error) {
	real, root, rel, err := g.roots.locate(p)
	if err != nil {
		return nil, err
	}
	if rel == "." {
		return nil, &fs.PathError{Op: "download", Path: real, Err: ErrLocalIsDirectory}
	}
	t := &LocalTarget{Name: filepath.Base(rel), Path: real, p: p, root: root, relDir: filepath.Dir(rel), own: g.own, roots: g.roots}
	if t.Dir, t.dirInfo, err = t.openDir(); err != nil {
		return nil, err
	}
	if err := t.check(); err != nil {
		_ = t.Dir.Close()
		return nil, err
	}
	return t, nil
}

func (t *LocalTarget) openDir() (*localfs.Dir, localfs.Info, error) {
	openHook()
	rd, err := localfs.OpenRoot(t.root)
	if err != nil {
		return nil, localfs.Info{}, t.roots.openErr(t.p, err)
	}
	defer rd.Close()
	d, err := rd.OpenDir(t.relDir)
	if err != nil {
		return nil, localfs.Info{}, t.roots.openErr(t.p, err)
	}
	info, err := d.Stat()
	if err != nil {
		_ = d.Close()
		return nil, localfs.Info{}, err
	}
	return d, info, nil
}

// check looks at the entry through the directory descriptor.
func (t *LocalTarget) check() error {
	t.Existing = nil
	if what, own := t.own.entry(t.dirInfo, t.Name); own {
		return ownDenied(t.p, what)
	}
	ex, err := t.Dir.Lstat(t.Name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	}
	if what, own := t.own.file(ex); own {
		return ownDenied(t.p, what)
	}
	if ex.IsDir() {
		return &fs.PathError{Op: "download", Path: t.Path, Err: ErrLocalIsDirectory}
	}
	t.Existing = &ex
	return nil
}

// Recheck runs just before the file is renamed into place: the directory
// held open must still be the one its path leads to beneath the root (not
// moved away and replaced by a symlink or another directory), and the
// target must still not be one of the server's own files. The rename itself
// goes through the descriptor, so what remains of the race can only put the
// file in the directory that was checked.
func (t *LocalTarget) Recheck() error {
	d, info, err := t.openDir()
	if err == nil {
		_ = d.Close()
		if !info.SameFile(t.dirInfo) {
			err = errors.New("another directory is there now")
		}
	}
	if err != nil {
		var denied *Denied
		if errors.As(err, &denied) {
			err = errors.New("it now leads outside the allowed roots")
		}
		return &Denied{
			Reason: fmt.Sprintf("the directory of local path %s changed during the download (%v); nothing was saved", t.p, err),
			Hint:   "make sure nothing replaces the directory, then download again",
		}
	}
	return t.check()
}

// beforeOpen, when set by a test, runs between the resolution of a name and
// its open: where a swap would win if the open went by name again.
var beforeOpen atomic.Pointer[func()]

func openHook() {
	if h := beforeOpen.Load(); h != nil {
		(*h)()
	}
}

// locate resolves p and splits its real path into the root that holds it and
// the path beneath that root.
func (r LocalRoots) locate(p string) (real, root, rel string, err error) {
	real, err = r.Resolve(p)
	if err != nil {
		return "", "", "", err
	}
	for _, root := range r {
		if real == root {
			return real, root, ".", nil
		}
		if strings.HasPrefix(real, root+string(filepath.Separator)) {
			return real, root, filepath.ToSlash(real[len(root)+1:]), nil
		}
	}
	return "", "", "", r.outside(p) // Resolve checked this; never here
}

// openErr turns an escape found while opening into the refusal the name
// check would have given, had the swap happened before it.
func (r LocalRoots) openErr(p string, err error) error {
	if errors.Is(err, localfs.ErrEscapes) {
		return r.outside(p)
	}
	return err
}
