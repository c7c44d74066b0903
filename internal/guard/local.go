package guard

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// LocalRoots are the directories local file actions may touch. Paths are
// resolved through symlinks before the check, so a link inside a root cannot
// point the server at a file outside it.
type LocalRoots []string

// NewLocalRoots makes each root absolute and symlink-free.
func NewLocalRoots(dirs []string) (LocalRoots, error) {
	var out LocalRoots
	for _, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			return nil, fmt.Errorf("local root %q: %w", d, err)
		}
		real, err := filepath.EvalSymlinks(abs)
		if err != nil {
			return nil, fmt.Errorf("local root %q: %w", d, err)
		}
		st, err := os.Stat(real)
		if err != nil || !st.IsDir() {
			return nil, fmt.Errorf("local root %q is not a directory", d)
		}
		out = append(out, real)
	}
	return out, nil
}

// Resolve returns the real absolute path of p if it lies inside a root. A
// relative p is taken relative to the first root. For a file that does not
// exist yet (a download target), its parent directory must exist and is
// resolved instead.
func (r LocalRoots) Resolve(p string) (string, error) {
	if len(r) == 0 {
		return "", &Denied{
			Reason: "local file access is off for this server",
			Hint:   "use content_text/content_base64 or inline download instead, or ask the operator to allow a local root",
		}
	}
	if strings.ContainsRune(p, 0) {
		return "", &Denied{Reason: "local path contains a NUL byte"}
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(r[0], p)
	}
	p = filepath.Clean(p)
	real, err := filepath.EvalSymlinks(p)
	if errors.Is(err, fs.ErrNotExist) {
		dir, err2 := filepath.EvalSymlinks(filepath.Dir(p))
		if err2 != nil {
			return "", r.missingDir(p)
		}
		real, err = filepath.Join(dir, filepath.Base(p)), nil
	}
	if err != nil {
		return "", &Denied{Reason: fmt.Sprintf("cannot resolve local path %s: %v", p, err)}
	}
	if !r.contain(real) {
		return "", r.outside(p)
	}
	return real, nil
}

// missingDir explains a path whose directory does not exist. Inside a root
// that is the agent's mistake to fix, an *fs.PathError, not a refusal; it is
// said only when the part that does exist resolves inside a root, so the
// answer never tells which paths exist elsewhere.
func (r LocalRoots) missingDir(p string) error {
	for d := filepath.Dir(p); ; d = filepath.Dir(d) {
		if real, err := filepath.EvalSymlinks(d); err == nil {
			if !r.contain(real) {
				return r.outside(p)
			}
			return &fs.PathError{Op: "open", Path: filepath.Dir(p), Err: fs.ErrNotExist}
		}
		if d == filepath.Dir(d) {
			return r.outside(p)
		}
	}
}

func (r LocalRoots) contain(real string) bool {
	for _, root := range r {
		if real == root || strings.HasPrefix(real, root+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

func (r LocalRoots) outside(p string) *Denied {
	return &Denied{
		Reason: fmt.Sprintf("local path %s is outside the allowed roots", p),
		Hint:   "use a path under " + strings.Join(r, " or "),
	}
}
