package guard

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ownFixture is a root holding a policy file and an audit log, both own
// files of the guard it returns.
func ownFixture(t *testing.T) (g *Guard, root, policy, audit string) {
	t.Helper()
	root, err := filepath.EvalSymlinks(t.TempDir())
	require.NoError(t, err)
	policy, audit = filepath.Join(root, "policy.yaml"), filepath.Join(root, "audit.jsonl")
	require.NoError(t, os.WriteFile(policy, []byte("mode: read-only\n"), 0o600))
	require.NoError(t, os.WriteFile(audit, nil, 0o600))
	roots, err := NewLocalRoots([]string{root})
	require.NoError(t, err)
	g, err = New(Config{Policy: DefaultPolicy(ModeWrite), LocalRoots: roots,
		OwnFiles: []OwnFile{{Path: policy, What: "the policy file"}, {Path: audit, What: "the audit log"}, {Path: filepath.Join(root, "later.pem"), What: "a key file"}}})
	require.NoError(t, err)
	return g, root, policy, audit
}

func TestOpenLocalReadsBeneathTheRoot(t *testing.T) {
	g, root, _, _ := ownFixture(t)
	require.NoError(t, os.WriteFile(filepath.Join(root, "a.bin"), []byte("abc"), 0o600))
	f, err := g.OpenLocal("a.bin")
	require.NoError(t, err)
	defer f.Close()
	assert.Equal(t, int64(3), f.Info.Size)
	assert.True(t, f.Info.IsRegular())
	b, err := io.ReadAll(f)
	require.NoError(t, err)
	assert.Equal(t, "abc", string(b))

	_, err = g.OpenLocal("missing.bin")
	assert.ErrorIs(t, err, fs.ErrNotExist)
	var d *Denied
	_, err = g.OpenLocal("/etc/passwd")
	assert.ErrorAs(t, err, &d)
}

func TestOwnFilesAreRefusedByIdentityAndPlace(t *testing.T) {
	g, root, policy, audit := ownFixture(t)
	require.NoError(t, os.Link(policy, filepath.Join(root, "innocent.txt")))
	require.NoError(t, os.Symlink("audit.jsonl", filepath.Join(root, "log-link")))

	for _, p := range []string{policy, "policy.yaml", "innocent.txt", audit, "log-link", "./sub/../audit.jsonl"} {
		var d *Denied
		_, err := g.OpenLocal(p)
		require.ErrorAs(t, err, &d, "read %s", p)
		assert.Contains(t, d.Reason, "of this server")
		_, err = g.LocalTarget(p)
		require.ErrorAs(t, err, &d, "write %s", p)
	}
	// A key file that does not exist yet, and another spelling of the policy.
	for _, p := range []string{"later.pem", "POLICY.yaml"} {
		var d *Denied
		_, err := g.LocalTarget(p)
		assert.ErrorAs(t, err, &d, "write %s", p)
	}
	// The early answer, by name, says the same.
	for _, p := range []string{"innocent.txt", "later.pem", "log-link"} {
		_, err := g.Check(context.Background(), Call{Tool: "download_artifact", Toolset: "artifacts", Class: ClassRead,
			Actions: []Action{{Class: ClassWrite, Local: p}}})
		var d *Denied
		assert.ErrorAs(t, err, &d, p)
	}
	// The policy replaced by an editor (a new inode under the same name) is still it.
	require.NoError(t, os.Remove(policy))
	require.NoError(t, os.WriteFile(policy, []byte("mode: admin\n"), 0o600))
	_, err := g.OpenLocal("policy.yaml")
	var d *Denied
	assert.ErrorAs(t, err, &d)
}

func TestLocalTarget(t *testing.T) {
	g, root, _, _ := ownFixture(t)
	require.NoError(t, os.Mkdir(filepath.Join(root, "out"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "out", "old.bin"), []byte("x"), 0o600))

	tg, err := g.LocalTarget("out/new.bin")
	require.NoError(t, err)
	assert.Nil(t, tg.Existing)
	assert.Equal(t, "new.bin", tg.Name)
	assert.Equal(t, filepath.Join(root, "out", "new.bin"), tg.Path)
	require.NoError(t, tg.Recheck())
	require.NoError(t, tg.Dir.Close())

	tg, err = g.LocalTarget("out/old.bin")
	require.NoError(t, err)
	require.NotNil(t, tg.Existing)
	require.NoError(t, tg.Dir.Close())

	for _, dir := range []string{"out", ".", root} {
		_, err = g.LocalTarget(dir)
		assert.ErrorIs(t, err, ErrLocalIsDirectory, dir)
	}
	_, err = g.LocalTarget("no/such/x.bin")
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

// The directory held open is moved away and a symlink to elsewhere takes its
// name: Recheck refuses, whatever the rename would have done.
func TestLocalTargetRecheckSeesASwappedDirectory(t *testing.T) {
	g, root, _, _ := ownFixture(t)
	outside := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(root, "out"), 0o755))
	tg, err := g.LocalTarget("out/x.bin")
	require.NoError(t, err)
	defer tg.Dir.Close()

	require.NoError(t, os.Rename(filepath.Join(root, "out"), filepath.Join(root, "out.old")))
	require.NoError(t, os.Symlink(outside, filepath.Join(root, "out")))
	err = tg.Recheck()
	var d *Denied
	require.ErrorAs(t, err, &d)
	assert.Contains(t, d.Reason, "changed during the download")

	require.NoError(t, os.Remove(filepath.Join(root, "out")))
	require.NoError(t, os.Mkdir(filepath.Join(root, "out"), 0o755))
	assert.True(t, errors.As(tg.Recheck(), &d), "another directory under the name")
}

// onOpen runs act once, between the name's resolution and its open.
func onOpen(t *testing.T, act func() error) *error {
	var err error
	once := false
	h := func() {
		if !once {
			once = true
			err = act()
		}
	}
	beforeOpen.Store(&h)
	t.Cleanup(func() { beforeOpen.Store(nil) })
	return &err
}

// The name resolved inside the root; then it is swapped for a symlink that
// leads out. The open goes beneath the root by descriptor and refuses.
func TestOpenLocalRefusesASwapAfterTheNameWasResolved(t *testing.T) {
	swaps := map[string]func(root, outside string) error{
		"file": func(root, outside string) error {
			_ = os.Remove(filepath.Join(root, "sub", "secret"))
			return os.Symlink(filepath.Join(outside, "secret"), filepath.Join(root, "sub", "secret"))
		},
		"directory": swapSubForLink,
	}
	for name, swap := range swaps {
		t.Run(name, func(t *testing.T) {
			g, root, _, _ := ownFixture(t)
			outside := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(outside, "secret"), []byte("secret"), 0o600))
			require.NoError(t, os.Mkdir(filepath.Join(root, "sub"), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(root, "sub", "secret"), []byte("in"), 0o600))
			swapErr := onOpen(t, func() error { return swap(root, outside) })
			_, err := g.OpenLocal("sub/secret")
			require.NoError(t, *swapErr)
			var d *Denied
			require.ErrorAs(t, err, &d)
			assert.Contains(t, d.Reason, "outside the allowed roots")
		})
	}
	t.Run("a download's directory", func(t *testing.T) {
		g, root, _, _ := ownFixture(t)
		outside := t.TempDir()
		require.NoError(t, os.Mkdir(filepath.Join(root, "sub"), 0o755))
		swapErr := onOpen(t, func() error { return swapSubForLink(root, outside) })
		_, err := g.LocalTarget("sub/new.bin")
		require.NoError(t, *swapErr)
		var d *Denied
		require.ErrorAs(t, err, &d)
		assert.Contains(t, d.Reason, "outside the allowed roots")
	})
}

func swapSubForLink(root, outside string) error {
	if err := os.Rename(filepath.Join(root, "sub"), filepath.Join(root, "sub.old")); err != nil {
		return err
	}
	return os.Symlink(outside, filepath.Join(root, "sub"))
}
