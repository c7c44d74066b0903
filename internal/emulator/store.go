package emulator

import (
	"sort"
	"strings"
	"time"
)

// item is a file or folder in a repository. Paths are relative to the repo
// root without a leading slash; the root itself is the folder "".
type item struct {
	path       string
	folder     bool
	size       int64
	sums       checksums
	orig       checksums // what the client sent at deploy time
	mimeType   string
	created    time.Time
	createdBy  string
	modified   time.Time
	modifiedBy string
	updated    time.Time
	propsMod   time.Time
	props      map[string][]string
}

func (it *item) name() string {
	if i := strings.LastIndexByte(it.path, '/'); i >= 0 {
		return it.path[i+1:]
	}
	return it.path
}

func parentPath(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}

// ensureFolders creates the implicit parent folders of p (Artifactory never
// has a file without its folders). Must be called with e.mu held for writing.
func (rp *repo) ensureFolders(p string, by string, now time.Time) {
	for dir := parentPath(p); ; dir = parentPath(dir) {
		if existing, ok := rp.items[dir]; ok {
			if !existing.folder {
				// A file in the way of a folder: real servers refuse this, the
				// caller checks first; keep the tree consistent regardless.
				existing.folder = true
			}
		} else {
			rp.items[dir] = &item{path: dir, folder: true, created: now, createdBy: by, modified: now, modifiedBy: by, updated: now, props: map[string][]string{}}
		}
		if dir == "" {
			return
		}
	}
}

// children returns the direct children of folder p sorted by name.
func (rp *repo) children(p string) []*item {
	var out []*item
	for k, it := range rp.items {
		if k != "" && k != p && parentPath(k) == p {
			out = append(out, it)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// subtree returns p and everything below it, sorted by path.
func (rp *repo) subtree(p string) []*item {
	var out []*item
	for k, it := range rp.items {
		if isUnder(k, p) {
			out = append(out, it)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// isUnder reports whether k is p or a descendant of p.
func isUnder(k, p string) bool {
	return p == "" || k == p || strings.HasPrefix(k, p+"/")
}

// remove deletes p and its subtree; the repo root itself is never removed,
// only emptied.
func (rp *repo) remove(p string) {
	for k := range rp.items {
		if isUnder(k, p) && k != "" {
			delete(rp.items, k)
		}
	}
}

func copyProps(in map[string][]string) map[string][]string {
	out := make(map[string][]string, len(in))
	for k, v := range in {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// mimeTypes is a fixed table rather than mime.TypeByExtension, whose answers
// depend on the host's mime.types files and would make output vary by machine.
var mimeTypes = map[string]string{
	".jar": "application/java-archive", ".war": "application/java-archive", ".pom": "application/x-maven-pom+xml",
	".xml": "application/xml", ".json": "application/json", ".txt": "text/plain", ".md": "text/plain",
	".zip": "application/zip", ".tgz": "application/x-gzip", ".gz": "application/x-gzip", ".tar": "application/x-tar",
	".html": "text/html", ".yaml": "application/x-yaml", ".yml": "application/x-yaml", ".whl": "application/zip",
	".sh": "application/x-sh", ".properties": "text/plain",
}

func mimeTypeFor(p string) string {
	name := p[strings.LastIndexByte(p, '/')+1:]
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		if t, ok := mimeTypes[strings.ToLower(name[i:])]; ok {
			return t
		}
	}
	return "application/octet-stream"
}
