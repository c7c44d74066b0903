//go:build linux || darwin || freebsd || netbsd || openbsd

package localfs

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// The walk is what runs without openat2: it follows no symlink at all, and
// no "..".
func TestWalkFollowsNoSymlink(t *testing.T) {
	root, err := filepath.EvalSymlinks(t.TempDir())
	require.NoError(t, err)
	require.NoError(t, os.Mkdir(filepath.Join(root, "sub"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "sub", "f"), []byte("x"), 0o600))
	require.NoError(t, os.Symlink("sub/f", filepath.Join(root, "link")))
	require.NoError(t, os.Symlink("sub", filepath.Join(root, "dirlink")))
	d, err := OpenRoot(root)
	require.NoError(t, err)
	defer d.Close()

	fd, err := walk(d.fd(), "sub/f", unix.O_RDONLY)
	require.NoError(t, err)
	_ = unix.Close(fd)
	for _, rel := range []string{"link", "dirlink/f", "../x", "sub/../sub/f", "sub//f"} {
		_, err := walk(d.fd(), rel, unix.O_RDONLY)
		assert.Error(t, err, rel)
	}
	fd, err = walkFromRoot(filepath.Join(root, "sub"))
	require.NoError(t, err)
	_ = unix.Close(fd)
	_, err = walkFromRoot(filepath.Join(root, "dirlink"))
	assert.Error(t, err)
}
