//go:build darwin || freebsd || netbsd || openbsd

package localfs

// openBeneath walks rel beneath dirfd following no symlink: these systems
// have no openat2. The guard resolves in-root symlinks before it opens, so
// a symlink met here was put there since, and is refused.
func openBeneath(dirfd int, rel string, flags int) (int, error) { return walk(dirfd, rel, flags) }

func openNoSymlinks(path string) (int, error) { return walkFromRoot(path) }

func renameNoReplace(dirfd int, from, to string) error { return linkThenRemove(dirfd, from, to) }
