package guard

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLocalRoots(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "in.txt"), []byte("x"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(outside, "secret"), []byte("x"), 0o644))
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret"), filepath.Join(root, "link")))
	require.NoError(t, os.Symlink(outside, filepath.Join(root, "dirlink")))
	roots, err := NewLocalRoots([]string{root})
	require.NoError(t, err)
	realRoot := roots[0]

	ok := map[string]string{
		"in.txt":                      filepath.Join(realRoot, "in.txt"),
		filepath.Join(root, "in.txt"): filepath.Join(realRoot, "in.txt"),
		"new-file.bin":                filepath.Join(realRoot, "new-file.bin"),
		"sub/../in.txt":               filepath.Join(realRoot, "in.txt"),
	}
	for in, want := range ok {
		got, err := roots.Resolve(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{
		"../escape.txt",
		filepath.Join(outside, "secret"),
		"link",             // symlink to a file outside
		"dirlink/secret",   // through a symlinked directory
		"dirlink/new-file", // a new file under a symlinked directory
		"/etc/passwd",
		"in.txt\x00.png",
		"dirlink/no/such/dir/file", // missing, under a link that leads outside
		"/no/such/dir/file",        // missing, outside: refused, not "does not exist"
	} {
		_, err := roots.Resolve(bad)
		var d *Denied
		assert.ErrorAs(t, err, &d, "%q must be refused", bad)
		assert.NotContains(t, err.Error(), "does not exist", "%q: no existence oracle outside the roots", bad)
	}

	// A missing directory inside a root is the caller's mistake, not a refusal.
	_, err = roots.Resolve("no/such/dir/file")
	var missing *fs.PathError
	require.ErrorAs(t, err, &missing)
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.Equal(t, filepath.Join(realRoot, "no/such/dir"), missing.Path)

	_, err = LocalRoots(nil).Resolve("in.txt")
	assert.ErrorContains(t, err, "local file access is off")
}

func TestLocalActionsAreChecked(t *testing.T) {
	root := t.TempDir()
	roots, err := NewLocalRoots([]string{root})
	require.NoError(t, err)
	g, err := New(Config{Policy: DefaultPolicy(ModeWrite), LocalRoots: roots})
	require.NoError(t, err)
	call := func(local string) error {
		_, err := g.Check(context.Background(), Call{Tool: "upload_artifact", Toolset: "artifacts", Class: ClassWrite,
			Actions: []Action{{Class: ClassWrite, Repo: "r", Path: "p"}, {Class: ClassRead, Local: local}}, Repos: allLocal{}})
		return err
	}
	assert.NoError(t, call("a.bin"))
	assert.NoError(t, call("new/dir/a.bin"), "inside a root: the tool, not the policy, says the directory is missing")
	assert.Error(t, call("/etc/passwd"))
	assert.Error(t, call("/no/such/dir/a.bin"))
	assert.Equal(t, []string{roots[0]}, g.Effective().LocalRoots)
}
