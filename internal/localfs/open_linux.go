package localfs

import "golang.org/x/sys/unix"

// openBeneath opens rel beneath dirfd with openat2: RESOLVE_BENEATH refuses
// "..", absolute symlinks and symlinks that lead out of dirfd, checked by the
// kernel during the one lookup, so nothing can be swapped between a check
// and the open. Symlinks that stay beneath dirfd are followed (the README
// promises symlinks inside the roots work). Kernels before 5.6, or sandboxes
// that filter openat2, get the component walk, which follows no symlink.
func openBeneath(dirfd int, rel string, flags int) (int, error) {
	how := unix.OpenHow{
		Flags:   uint64(flags | unix.O_CLOEXEC),
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS,
	}
	for range 8 {
		fd, err := unix.Openat2(dirfd, rel, &how)
		switch err {
		case nil:
			return fd, nil
		case unix.EAGAIN, unix.EINTR: // a rename raced the lookup: the kernel asks to retry
			continue
		case unix.ENOSYS, unix.EPERM, unix.EINVAL, unix.E2BIG:
			return walk(dirfd, rel, flags)
		}
		return -1, err
	}
	return -1, unix.EAGAIN
}

// openNoSymlinks opens an absolute path as a directory, refusing any symlink
// in it (RESOLVE_NO_SYMLINKS), or walks it from "/" without openat2.
func openNoSymlinks(path string) (int, error) {
	how := unix.OpenHow{
		Flags:   uint64(unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC),
		Resolve: unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
	}
	for range 8 {
		fd, err := unix.Openat2(unix.AT_FDCWD, path, &how)
		switch err {
		case nil:
			return fd, nil
		case unix.EAGAIN, unix.EINTR:
			continue
		case unix.ENOSYS, unix.EPERM, unix.EINVAL, unix.E2BIG:
			return walkFromRoot(path)
		}
		return -1, err
	}
	return -1, unix.EAGAIN
}

// renameNoReplace is renameat2(RENAME_NOREPLACE), or a hard link where the
// file system does not support the flag.
func renameNoReplace(dirfd int, from, to string) error {
	err := unix.Renameat2(dirfd, from, dirfd, to, unix.RENAME_NOREPLACE)
	if err == unix.EINVAL || err == unix.ENOSYS {
		return linkThenRemove(dirfd, from, to)
	}
	return err
}
