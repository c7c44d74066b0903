package localfs_test

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/localfs"
)

// tree is a root with a file, a subdirectory, symlinks that stay inside and
// symlinks that lead out.
func tree(t *testing.T) (root, outside string) {
	t.Helper()
	root, err := filepath.EvalSymlinks(t.TempDir())
	require.NoError(t, err)
	outside = t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(outside, "secret"), []byte("secret"), 0o600))
	require.NoError(t, os.Mkdir(filepath.Join(root, "sub"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "sub", "in.txt"), []byte("in"), 0o600))
	require.NoError(t, os.Symlink("sub/in.txt", filepath.Join(root, "rel-in")))
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret"), filepath.Join(root, "abs-out")))
	require.NoError(t, os.Symlink("../"+filepath.Base(outside)+"/secret", filepath.Join(root, "rel-out")))
	require.NoError(t, os.Symlink(outside, filepath.Join(root, "dir-out")))
	return root, outside
}

func read(t *testing.T, f *os.File) string {
	t.Helper()
	defer f.Close()
	b, err := io.ReadAll(f)
	require.NoError(t, err)
	return string(b)
}

func TestOpenBeneathNeverLeavesTheDirectory(t *testing.T) {
	root, _ := tree(t)
	d, err := localfs.OpenRoot(root)
	require.NoError(t, err)
	defer d.Close()

	f, err := d.OpenFile("sub/in.txt")
	require.NoError(t, err)
	assert.Equal(t, "in", read(t, f))

	for _, escape := range []string{"abs-out", "rel-out", "dir-out/secret", "../x", "sub/../../x"} {
		_, err := d.OpenFile(escape)
		assert.ErrorIs(t, err, localfs.ErrEscapes, escape)
	}
	_, err = d.OpenFile("missing")
	assert.ErrorIs(t, err, fs.ErrNotExist)

	sub, err := d.OpenDir("sub")
	require.NoError(t, err)
	defer sub.Close()
	_, err = d.OpenDir("dir-out")
	assert.ErrorIs(t, err, localfs.ErrEscapes)
}

func TestOpenBeneathFollowsSymlinksThatStayInside(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("only openat2 follows symlinks; elsewhere the guard resolves them before opening")
	}
	root, _ := tree(t)
	d, err := localfs.OpenRoot(root)
	require.NoError(t, err)
	defer d.Close()
	f, err := d.OpenFile("rel-in")
	require.NoError(t, err)
	assert.Equal(t, "in", read(t, f))
}

func TestOpenRootRefusesASymlinkInItsPath(t *testing.T) {
	root, outside := tree(t)
	_, err := localfs.OpenRoot(filepath.Join(root, "dir-out"))
	assert.ErrorIs(t, err, localfs.ErrEscapes)
	require.NoError(t, os.Symlink(outside, filepath.Join(root, "swapped")))
	_, err = localfs.OpenRoot(filepath.Join(root, "swapped"))
	assert.ErrorIs(t, err, localfs.ErrEscapes)
	_, err = localfs.OpenRoot("relative")
	assert.Error(t, err)
}

func TestDirEntries(t *testing.T) {
	root, outside := tree(t)
	d, err := localfs.OpenRoot(root)
	require.NoError(t, err)
	defer d.Close()

	f, err := d.Create("new", 0o600)
	require.NoError(t, err)
	_, err = f.WriteString("new")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	_, err = d.Create("new", 0o600)
	assert.ErrorIs(t, err, fs.ErrExist)
	_, err = d.Create("abs-out", 0o600)
	assert.ErrorIs(t, err, fs.ErrExist, "a symlink is not written through")

	require.NoError(t, os.WriteFile(filepath.Join(root, "taken"), []byte("kept"), 0o600))
	assert.ErrorIs(t, d.RenameNoReplace("new", "taken"), fs.ErrExist)
	b, _ := os.ReadFile(filepath.Join(root, "taken"))
	assert.Equal(t, "kept", string(b))
	require.NoError(t, d.RenameNoReplace("new", "free"))
	require.NoError(t, d.Rename("free", "abs-out"), "replaces the link itself")
	b, _ = os.ReadFile(filepath.Join(outside, "secret"))
	assert.Equal(t, "secret", string(b), "not the file the link pointed to")

	info, err := d.Lstat("abs-out")
	require.NoError(t, err)
	assert.True(t, info.IsRegular())
	f, err = d.OpenEntry("abs-out")
	require.NoError(t, err)
	fi, err := localfs.StatFile(f)
	require.NoError(t, err)
	assert.True(t, fi.SameFile(info))
	assert.Equal(t, "new", read(t, f))
	_, err = d.OpenEntry("rel-in")
	assert.Error(t, err, "an entry that is a symlink is not opened")
	for _, bad := range []string{"", ".", "..", "sub/in.txt"} {
		_, err := d.Lstat(bad)
		assert.ErrorIs(t, err, localfs.ErrEscapes, "%q", bad)
	}
	names, err := d.Names(0)
	require.NoError(t, err)
	assert.Contains(t, names, "abs-out")
	require.NoError(t, d.Remove("abs-out"))
	_, err = d.Lstat("abs-out")
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

func TestLockIsExclusiveAcrossDescriptors(t *testing.T) {
	if !localfs.Locks {
		t.Skip("no flock on this system")
	}
	p := filepath.Join(t.TempDir(), "f")
	require.NoError(t, os.WriteFile(p, nil, 0o600))
	a, err := os.Open(p)
	require.NoError(t, err)
	b, err := os.Open(p)
	require.NoError(t, err)
	defer b.Close()
	got, err := localfs.TryLock(a)
	require.NoError(t, err)
	require.True(t, got)
	got, err = localfs.TryLock(b)
	require.NoError(t, err)
	assert.False(t, got, "held by another descriptor")
	require.NoError(t, a.Close())
	got, err = localfs.TryLock(b)
	require.NoError(t, err)
	assert.True(t, got, "released when its holder closed")
}

// An attacker flips a name between a file inside and a symlink to a secret
// outside as fast as it can, while the server opens the name again and
// again: no open ever yields the secret.
func TestOpenBeneathUnderARacingSwap(t *testing.T) {
	root, outside := tree(t)
	d, err := localfs.OpenRoot(root)
	require.NoError(t, err)
	defer d.Close()
	in := filepath.Join(root, "flip.in")
	require.NoError(t, os.WriteFile(in, []byte("in"), 0o600))
	stop := make(chan struct{})
	flipped := make(chan error, 1)
	go func() {
		// Hard links keep both versions around, so each rename is atomic.
		a, b := filepath.Join(root, "flip.a"), filepath.Join(root, "flip.b")
		if err := os.Link(in, a); err != nil {
			flipped <- err
			return
		}
		for i := 0; ; i++ {
			select {
			case <-stop:
				flipped <- nil
				return
			default:
			}
			var err error
			if i%2 == 0 {
				err = os.Rename(a, filepath.Join(root, "flip"))
				_ = os.Link(filepath.Join(root, "flip"), a)
			} else {
				_ = os.Remove(b)
				if err = os.Symlink(filepath.Join(outside, "secret"), b); err == nil {
					err = os.Rename(b, filepath.Join(root, "flip"))
				}
			}
			if err != nil {
				flipped <- err
				return
			}
		}
	}()
	opened := 0
	for range 2000 {
		f, err := d.OpenFile("flip")
		if err != nil {
			continue // refused (a symlink out) or between two renames
		}
		opened++
		assert.Equal(t, "in", read(t, f))
	}
	close(stop)
	require.NoError(t, <-flipped)
	assert.Positive(t, opened, "the file inside was opened too")
}
