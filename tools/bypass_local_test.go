package tools_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// Attack classes 3 and 5 of issue 10: local files that change under the
// server, and the server's own files. Each swap is timed by a hook at the
// exact step it attacks; each refusal also shows that nothing reached JFrog
// and nothing changed on disk.

// localFixture is a root with a file to upload, and a directory outside the
// roots holding a secret of the same size.
type localFixture struct {
	root, outside string
	file          string // root/build.bin
	sha, secret   string // sha256 of the file and of the secret
}

func newLocalFixture(t *testing.T, size int) localFixture {
	t.Helper()
	root, err := filepath.EvalSymlinks(t.TempDir())
	require.NoError(t, err)
	outside := t.TempDir()
	file, sha := randomFile(t, root, "build.bin", size)
	_, secret := randomFile(t, outside, "build.bin", size)
	return localFixture{root: root, outside: outside, file: file, sha: sha, secret: secret}
}

// swapForSymlink replaces p by a symlink to target in one rename, as an
// attacker racing the server would.
func swapForSymlink(p, target string) error {
	tmp := p + ".swap"
	if err := os.Symlink(target, tmp); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}

// onStage runs act once, at the named stage of the next local operation.
func onStage(t *testing.T, stage string, act func() error) *error {
	t.Helper()
	var err error
	done := false
	t.Cleanup(tools.SetLocalHook(func(s string) {
		if s == stage && !done {
			done = true
			err = act()
		}
	}))
	return &err
}

// itemRequests leaves out the guard's lookups of repository configurations
// (what a key stands for, asked before deciding): what remains touched items.
func itemRequests(reqs []emulator.RecordedRequest) []emulator.RecordedRequest {
	var out []emulator.RecordedRequest
	for _, r := range reqs {
		if r.Method != http.MethodGet || !strings.HasPrefix(r.Path, "/artifactory/api/repositories/") {
			out = append(out, r)
		}
	}
	return out
}

func TestBypassLocalFileSwappedBeforeTheOpen(t *testing.T) {
	swaps := map[string]func(f localFixture) error{
		"the file for a symlink to a file outside": func(f localFixture) error {
			return swapForSymlink(f.file, filepath.Join(f.outside, "build.bin"))
		},
		"its directory for a symlink to a directory outside": func(f localFixture) error {
			sub := filepath.Join(f.root, "sub")
			if err := os.Rename(sub, sub+".old"); err != nil {
				return err
			}
			return os.Symlink(f.outside, sub)
		},
	}
	for name, swap := range swaps {
		t.Run(name, func(t *testing.T) {
			f := newLocalFixture(t, 64<<10)
			require.NoError(t, os.Mkdir(filepath.Join(f.root, "sub"), 0o755))
			_, _ = randomFile(t, filepath.Join(f.root, "sub"), "build.bin", 64<<10)
			h := newHarness(t, harnessOpts{roots: []string{f.root}})
			local := "build.bin"
			if name != "the file for a symlink to a file outside" {
				local = "sub/build.bin"
			}
			// The guard has checked the name; the swap comes before the open.
			swapErr := onStage(t, "upload:open", func() error { return swap(f) })
			t0 := time.Now()
			e := failed(t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "swap/build.bin", "local_path": local}))
			require.NoError(t, *swapErr)
			assert.Equal(t, tools.CodeGuardDenied, e.Code, "%+v", e)
			assert.Contains(t, e.Message, "outside the allowed roots")
			assert.Empty(t, itemRequests(h.requestsSince(t0)), "nothing reached JFrog")
			assert.Empty(t, storedSHA(t, h, "generic-local", "swap/build.bin"))
		})
	}
}

// After hashing, the name is swapped for a symlink to a secret of the same
// size: the bytes sent are still the file that was opened and hashed.
func TestBypassLocalFileSwappedBetweenHashingAndSending(t *testing.T) {
	f := newLocalFixture(t, 64<<10)
	h := newHarness(t, harnessOpts{roots: []string{f.root}})
	swapErr := onStage(t, "upload:hashed", func() error { return swapForSymlink(f.file, filepath.Join(f.outside, "build.bin")) })
	out := ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "swap/build.bin", "local_path": "build.bin"}))
	require.NoError(t, *swapErr)
	assert.Equal(t, f.sha, out.Checksums.SHA256)
	assert.False(t, out.DeployedByChecksum, "the bytes were sent")
	got := storedSHA(t, h, "generic-local", "swap/build.bin")
	assert.Equal(t, f.sha, got, "JFrog holds the file that was checked")
	assert.NotEqual(t, f.secret, got, "not the file outside the roots")
}

// Retries send from the same descriptor too: the PUT with the body fails
// (503) after the swap, and the retry still sends the checked file. A file
// under 10 KiB is sent at once, without a checksum deploy first.
func TestBypassLocalRetriedUploadReadsTheSameFile(t *testing.T) {
	f := newLocalFixture(t, 4<<10)
	h := newHarness(t, harnessOpts{roots: []string{f.root}})
	swapErr := onStage(t, "upload:hashed", func() error {
		h.emu.Emu.Faults().Inject(emulator.FaultRule{Method: http.MethodPut, PathPrefix: "/artifactory/generic-local/swap/build.bin", Status: http.StatusServiceUnavailable, Times: 1})
		return swapForSymlink(f.file, filepath.Join(f.outside, "build.bin"))
	})
	t0 := time.Now()
	out := ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "swap/build.bin", "local_path": "build.bin"}))
	require.NoError(t, *swapErr)
	puts := 0
	for _, r := range h.requestsSince(t0) {
		if r.Method == http.MethodPut {
			puts++
		}
	}
	assert.Equal(t, 2, puts, "the body was sent twice")
	assert.Equal(t, f.sha, out.Checksums.SHA256)
	assert.Equal(t, f.sha, storedSHA(t, h, "generic-local", "swap/build.bin"))
}

// The target directory is moved away and a symlink to a directory outside
// takes its name while the download runs: nothing lands outside, nothing is
// left in the moved directory, and the call says why.
func TestBypassLocalDownloadDirectorySwappedMidway(t *testing.T) {
	for _, stage := range []string{"download:created", "download:commit"} {
		t.Run(stage, func(t *testing.T) {
			f := newLocalFixture(t, 64<<10)
			h := newHarness(t, harnessOpts{roots: []string{f.root}})
			ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "dl/app.bin", "local_path": "build.bin"}))
			out := filepath.Join(f.root, "out")
			require.NoError(t, os.Mkdir(out, 0o755))
			swapErr := onStage(t, stage, func() error {
				if err := os.Rename(out, out+".old"); err != nil {
					return err
				}
				return os.Symlink(f.outside, out)
			})
			e := failed(t, h.call(t, "download_artifact", map[string]any{"repo": "generic-local", "path": "dl/app.bin", "local_path": "out/app.bin"}))
			require.NoError(t, *swapErr)
			assert.Equal(t, tools.CodeGuardDenied, e.Code, "%+v", e)
			assert.Contains(t, e.Message, "changed during the download")
			outsideNames, err := os.ReadDir(f.outside)
			require.NoError(t, err)
			require.Len(t, outsideNames, 1, "only the secret is outside")
			assert.Equal(t, "build.bin", outsideNames[0].Name())
			moved, err := os.ReadDir(out + ".old")
			require.NoError(t, err)
			assert.Empty(t, moved, "neither the file nor its part file is left")
		})
	}
}

// With the policy file and the audit log inside a local root (stdio's
// default root is the working directory, where a project keeps its policy),
// neither is overwritten by a download nor read by an upload, under any name.
func TestBypassLocalOwnFiles(t *testing.T) {
	type fixture struct {
		h                    *harness
		root, policy, audit  string
		policyBody, auditLog []byte
	}
	setup := func(t *testing.T) fixture {
		root, err := filepath.EvalSymlinks(t.TempDir())
		require.NoError(t, err)
		fx := fixture{root: root, policy: filepath.Join(root, "jfrog-mcp.yaml"), audit: filepath.Join(root, "audit.jsonl"),
			policyBody: []byte("mode: read-only\n"), auditLog: []byte(`{"decision":"deny"}` + "\n")}
		require.NoError(t, os.WriteFile(fx.policy, fx.policyBody, 0o600))
		require.NoError(t, os.WriteFile(fx.audit, fx.auditLog, 0o600))
		require.NoError(t, os.Link(fx.policy, filepath.Join(root, "notes.txt")))
		fx.h = newHarness(t, harnessOpts{roots: []string{root}, own: []guard.OwnFile{
			{Path: fx.policy, What: "the policy file"}, {Path: fx.audit, What: "the audit log"}}})
		ok[tools.UploadResult](t, fx.h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "evil/policy.yaml", "content_text": "mode: admin\n"}))
		return fx
	}
	unchanged := func(t *testing.T, fx fixture) {
		t.Helper()
		b, err := os.ReadFile(fx.policy)
		require.NoError(t, err)
		assert.Equal(t, fx.policyBody, b, "the policy is unchanged")
		b, err = os.ReadFile(fx.audit)
		require.NoError(t, err)
		assert.Equal(t, fx.auditLog, b, "the audit log is unchanged")
		parts, _ := filepath.Glob(filepath.Join(fx.root, ".*.part"))
		assert.Empty(t, parts)
	}
	for _, local := range []string{"jfrog-mcp.yaml", "audit.jsonl", "notes.txt", "./JFROG-MCP.yaml"} {
		t.Run("download over "+local, func(t *testing.T) {
			fx := setup(t)
			t0 := time.Now()
			e := failed(t, fx.h.call(t, "download_artifact", map[string]any{"repo": "generic-local", "path": "evil/policy.yaml", "local_path": local, "overwrite": true}))
			assert.Equal(t, tools.CodeGuardDenied, e.Code, "%+v", e)
			assert.Contains(t, e.Message, "of this server")
			assert.Empty(t, itemRequests(fx.h.requestsSince(t0)), "nothing was fetched")
			unchanged(t, fx)
		})
	}
	for _, local := range []string{"jfrog-mcp.yaml", "audit.jsonl", "notes.txt"} {
		t.Run("upload of "+local, func(t *testing.T) {
			fx := setup(t)
			t0 := time.Now()
			e := failed(t, fx.h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "leak/" + local, "local_path": local}))
			assert.Equal(t, tools.CodeGuardDenied, e.Code, "%+v", e)
			assert.Empty(t, itemRequests(fx.h.requestsSince(t0)), "nothing reached JFrog")
			assert.Empty(t, storedSHA(t, fx.h, "generic-local", "leak/"+local))
			unchanged(t, fx)
		})
	}
	// Made a hard link of after the check: the descriptor's identity decides.
	t.Run("upload of a file that becomes a link to the policy after the check", func(t *testing.T) {
		fx := setup(t)
		require.NoError(t, os.WriteFile(filepath.Join(fx.root, "plain.txt"), []byte("plain"), 0o600))
		linkErr := onStage(t, "upload:open", func() error {
			tmp := filepath.Join(fx.root, "plain.tmp")
			if err := os.Link(fx.policy, tmp); err != nil {
				return err
			}
			return os.Rename(tmp, filepath.Join(fx.root, "plain.txt"))
		})
		t0 := time.Now()
		e := failed(t, fx.h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "leak/plain.txt", "local_path": "plain.txt"}))
		require.NoError(t, *linkErr)
		assert.Equal(t, tools.CodeGuardDenied, e.Code, "%+v", e)
		assert.Contains(t, e.Message, "the policy file")
		assert.Empty(t, itemRequests(fx.h.requestsSince(t0)), "nothing reached JFrog")
		unchanged(t, fx)
	})
}

// Without overwrite, a file that appears at the target during the download
// is kept: the rename into place never replaces it.
func TestDownloadKeepsAFileThatAppearedMidway(t *testing.T) {
	f := newLocalFixture(t, 64<<10)
	h := newHarness(t, harnessOpts{roots: []string{f.root}})
	ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "dl/app.bin", "local_path": "build.bin"}))
	target := filepath.Join(f.root, "app.bin")
	appeared := onStage(t, "download:commit", func() error { return os.WriteFile(target, []byte("someone else's"), 0o600) })
	e := failed(t, h.call(t, "download_artifact", map[string]any{"repo": "generic-local", "path": "dl/app.bin", "local_path": "app.bin"}))
	require.NoError(t, *appeared)
	assert.Equal(t, tools.CodeConflict, e.Code, "%+v", e)
	assert.Contains(t, e.Message, "appeared during the download")
	b, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, "someone else's", string(b))
	assert.Empty(t, partFiles(t, f.root))
}
