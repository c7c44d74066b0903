package guard

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// limitGuard caps uploads at 10 bytes and has one local root, returned.
func limitGuard(t *testing.T) (*Guard, string) {
	t.Helper()
	root, err := filepath.EvalSymlinks(t.TempDir())
	require.NoError(t, err)
	roots, err := NewLocalRoots([]string{root})
	require.NoError(t, err)
	p := DefaultPolicy(ModeWrite)
	p.Limits.UploadBytes = 10
	g, err := New(Config{Policy: p, LocalRoots: roots})
	require.NoError(t, err)
	return g, root
}

func TestUploadLimitOnInlineBytes(t *testing.T) {
	g, _ := limitGuard(t)
	check := func(n int64) error {
		_, err := g.Check(context.Background(), Call{Tool: "t", Toolset: "artifacts", Class: ClassWrite, Repos: allLocal{},
			Actions: []Action{{Class: ClassWrite, Repo: "r", Path: "a.txt", Bytes: n}}})
		return err
	}
	assert.NoError(t, check(10))
	var d *Denied
	require.ErrorAs(t, check(11), &d)
	assert.Equal(t, "the upload is 11 bytes, over the policy's limit of 10", d.Reason)
	assert.Contains(t, d.Hint, "limits.upload_bytes")
}

// localLimitGuard is limitGuard with ok.bin (at the limit) and big.bin
// (over it) in the root.
func localLimitGuard(t *testing.T) *Guard {
	t.Helper()
	g, root := limitGuard(t)
	require.NoError(t, os.WriteFile(filepath.Join(root, "ok.bin"), make([]byte, 10), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(root, "big.bin"), make([]byte, 11), 0o600))
	return g
}

func TestUploadLimitOnLocalFiles(t *testing.T) {
	t.Run("by name while checking", func(t *testing.T) {
		g := localLimitGuard(t)
		check := func(name string) error {
			_, err := g.Check(context.Background(), Call{Tool: "t", Toolset: "artifacts", Class: ClassWrite, Repos: allLocal{},
				Actions: []Action{{Class: ClassRead, Local: name}}})
			return err
		}
		assert.NoError(t, check("ok.bin"))
		var d *Denied
		require.ErrorAs(t, check("big.bin"), &d)
		assert.Contains(t, d.Reason, "11 bytes, over the policy's limit of 10")
	})
	t.Run("by descriptor when opening", func(t *testing.T) {
		g := localLimitGuard(t)
		f, err := g.OpenLocal("ok.bin")
		require.NoError(t, err)
		require.NoError(t, f.Close())
		var d *Denied
		_, err = g.OpenLocal("big.bin")
		require.ErrorAs(t, err, &d)
		assert.Contains(t, d.Reason, "11 bytes, over the policy's limit of 10")
	})
	t.Run("a directory is left to the tool", func(t *testing.T) {
		g := localLimitGuard(t)
		f, err := g.OpenLocal(".")
		require.NoError(t, err, "not a regular file: the tool says so, not the limit")
		require.NoError(t, f.Close())
	})
}
