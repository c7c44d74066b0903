package guard

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/jfrog-mcp/jfrog-mcp/internal/localfs"
)

// OwnFile is a file the server itself uses: its policy, its audit log, its
// executable, key or TLS files. Local file tools never read or write one,
// whatever the local roots allow: a download over the policy file would be
// the agent writing its own permissions.
type OwnFile struct {
	Path string
	What string // "the policy file", "the audit log", ...
}

// ownFiles recognises the server's own files by identity (device and inode,
// so a hard link or another name for one is still it) and, for a name that
// may be created or replaced, by directory identity and name.
type ownFiles []ownFile

type ownFile struct {
	OwnFile
	names []string       // the path and, when it is a symlink, what it resolves to
	start []localfs.Info // what the names were at start (the audit log stays open on that inode)
}

func newOwnFiles(files []OwnFile) ownFiles {
	var out ownFiles
	for _, f := range files {
		if f.Path == "" {
			continue
		}
		abs, err := filepath.Abs(f.Path)
		if err != nil {
			continue
		}
		o := ownFile{OwnFile: OwnFile{Path: abs, What: f.What}, names: []string{abs}}
		if real, err := filepath.EvalSymlinks(abs); err == nil && real != abs {
			o.names = append(o.names, real)
		}
		o.start = o.identities()
		out = append(out, o)
	}
	return out
}

// identities are what the file's names lead to now.
func (o ownFile) identities() []localfs.Info {
	var ids []localfs.Info
	for _, n := range o.names {
		for _, stat := range []func(string) (localfs.Info, error){localfs.Stat, localfs.Lstat} {
			if st, err := stat(n); err == nil {
				ids = append(ids, st)
			}
		}
	}
	return ids
}

// file reports which own file info is, if any.
func (of ownFiles) file(info localfs.Info) (string, bool) {
	for _, o := range of {
		for _, id := range append(o.identities(), o.start...) {
			if id.SameFile(info) {
				return o.What, true
			}
		}
	}
	return "", false
}

// entry reports whether the entry name of the directory dir is where an own
// file is or would be. Names are compared without letter case: on a
// case-insensitive file system both spellings are the same entry, and
// refusing the other spelling elsewhere costs nothing.
func (of ownFiles) entry(dir localfs.Info, name string) (string, bool) {
	for _, o := range of {
		for _, n := range o.names {
			if !strings.EqualFold(filepath.Base(n), name) {
				continue
			}
			if st, err := localfs.Stat(filepath.Dir(n)); err == nil && st.SameFile(dir) {
				return o.What, true
			}
		}
	}
	return "", false
}

func ownDenied(p, what string) *Denied {
	return &Denied{
		Reason: fmt.Sprintf("local path %s is %s of this server, which local file tools never read or write", p, what),
		Hint:   "choose another local_path",
	}
}

// checkOwn refuses a resolved path that is, or would replace, an own file.
// It goes by name and is only the early answer; OpenLocal and LocalTarget
// decide again on the descriptors they open.
func (of ownFiles) checkOwn(p, real string) *Denied {
	if len(of) == 0 {
		return nil
	}
	if st, err := localfs.Lstat(real); err == nil {
		if what, own := of.file(st); own {
			return ownDenied(p, what)
		}
	}
	if st, err := localfs.Stat(real); err == nil {
		if what, own := of.file(st); own {
			return ownDenied(p, what)
		}
	}
	if dir, err := localfs.Stat(filepath.Dir(real)); err == nil {
		if what, own := of.entry(dir, filepath.Base(real)); own {
			return ownDenied(p, what)
		}
	}
	return nil
}
