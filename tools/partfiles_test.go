package tools_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
	"github.com/jfrog-mcp/jfrog-mcp/internal/localfs"
	"github.com/jfrog-mcp/jfrog-mcp/internal/mcpserver"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// helperEnv makes the test binary a download process to be killed.
const helperEnv = "JFROG_MCP_TEST_DOWNLOAD_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(downloadHelper())
	}
	os.Exit(m.Run())
}

// downloadHelper runs one download_artifact through a real MCP client and
// server, as the jfrog-mcp process would, configured by the environment.
func downloadHelper() int {
	fail := func(err error) int { fmt.Fprintln(os.Stderr, "helper:", err); return 1 }
	logger := slog.New(slog.DiscardHandler)
	c, err := client.New(client.Config{URL: os.Getenv("HELPER_URL"), AccessToken: os.Getenv("HELPER_TOKEN"), Logger: logger})
	if err != nil {
		return fail(err)
	}
	roots, err := guard.NewLocalRoots([]string{os.Getenv("HELPER_ROOT")})
	if err != nil {
		return fail(err)
	}
	g, err := guard.New(guard.Config{Policy: guard.DefaultPolicy(guard.ModeReadOnly), LocalRoots: roots})
	if err != nil {
		return fail(err)
	}
	s, _ := mcpserver.New(&tools.Deps{Client: c, Guard: g, Logger: logger})
	mc, err := mcpclient.NewInProcessClient(s)
	if err != nil {
		return fail(err)
	}
	ctx := context.Background()
	if err := mc.Start(ctx); err != nil {
		return fail(err)
	}
	if _, err := mc.Initialize(ctx, mcp.InitializeRequest{Params: mcp.InitializeParams{
		ProtocolVersion: mcp.LATEST_LEGACY_PROTOCOL_VERSION, ClientInfo: mcp.Implementation{Name: "helper", Version: "0"}}}); err != nil {
		return fail(err)
	}
	res, err := mc.CallTool(ctx, callReq("download_artifact", map[string]any{"repo": "generic-local", "path": os.Getenv("HELPER_PATH"), "local_path": os.Getenv("HELPER_LOCAL")}))
	if err != nil {
		return fail(err)
	}
	fmt.Fprintln(os.Stderr, "helper: finished:", text(res))
	return 0
}

// stallingProxy forwards to upstream and, for answers longer than after
// bytes, sends the first after bytes and then holds the rest until the test
// ends: a download that is mid-stream for as long as the test needs.
func stallingProxy(t *testing.T, upstream string, after int64) string {
	stop := make(chan struct{})
	p := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, err := http.NewRequestWithContext(r.Context(), r.Method, upstream+r.URL.RequestURI(), r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		req.Header = r.Header.Clone()
		req.ContentLength = r.ContentLength
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer res.Body.Close()
		for k, v := range res.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(res.StatusCode)
		if res.ContentLength <= after {
			_, _ = io.Copy(w, res.Body)
			return
		}
		_, _ = io.CopyN(w, res.Body, after)
		w.(http.Flusher).Flush()
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(stop); p.Close() })
	return p.URL
}

func partFiles(t *testing.T, dir string) []string {
	t.Helper()
	parts, err := filepath.Glob(filepath.Join(dir, ".*.jfrog-mcp-*.part"))
	require.NoError(t, err)
	return parts
}

// A download killed with SIGKILL mid-stream leaves nothing under the
// target's name, only its part file; the next download to that directory
// removes it (issue 11, "No leftovers").
func TestDownloadKilledMidStreamLeavesNoFileAndTheNextDownloadCleansUp(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	require.NoError(t, err)
	h := newHarness(t, harnessOpts{roots: []string{dir}})
	randomFile(t, dir, "src.bin", 4<<20)
	ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "kill/big.bin", "local_path": "src.bin"}))
	ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "kill/small.txt", "content_text": "small"}))

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"=1",
		"HELPER_URL="+stallingProxy(t, h.emu.URL, 1<<20), "HELPER_TOKEN="+h.emu.AdminToken,
		"HELPER_ROOT="+dir, "HELPER_PATH=kill/big.bin", "HELPER_LOCAL=big.bin")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	// Mid-stream: the part file holds the first MiB and the proxy holds the rest.
	require.Eventually(t, func() bool {
		parts := partFiles(t, dir)
		if len(parts) != 1 {
			return false
		}
		st, err := os.Stat(parts[0])
		return err == nil && st.Size() == 1<<20
	}, 20*time.Second, 10*time.Millisecond, "the helper never got mid-stream: %s", &stderr)
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	err = cmd.Wait()
	require.Error(t, err, "killed")
	assert.NotContains(t, stderr.String(), "finished", "the download did not end before the kill")

	_, err = os.Lstat(filepath.Join(dir, "big.bin"))
	assert.ErrorIs(t, err, os.ErrNotExist, "nothing under the target's name")
	leftover := partFiles(t, dir)
	require.Len(t, leftover, 1, "the killed download's part file is left")

	ok[tools.DownloadResult](t, h.call(t, "download_artifact", map[string]any{"repo": "generic-local", "path": "kill/small.txt", "local_path": "small.txt"}))
	assert.Empty(t, partFiles(t, dir), "the next download to the directory removed it")
	b, err := os.ReadFile(filepath.Join(dir, "small.txt"))
	require.NoError(t, err)
	assert.Equal(t, "small", string(b))
}

// At start, part files older than an hour that no download holds are
// removed from the roots, in a bounded walk that follows no symlink.
func TestRemoveStalePartsAtStart(t *testing.T) {
	root, err := filepath.EvalSymlinks(t.TempDir())
	require.NoError(t, err)
	outside := t.TempDir()
	old := time.Now().Add(-2 * time.Hour)
	mk := func(base, rel string, age time.Time) string {
		p := filepath.Join(base, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte("partial"), 0o600))
		require.NoError(t, os.Chtimes(p, age, age))
		return p
	}
	const tag = ".jfrog-mcp-0123456789abcdef.part"
	gone := []string{
		mk(root, ".a.bin"+tag, old),
		mk(root, "sub/.b.bin"+tag, old),
		mk(root, "sub/x/y/.c.bin"+tag, old), // depth 3: scanned
	}
	kept := []string{
		mk(root, ".fresh.bin"+tag, time.Now()),                   // a download may still be starting
		mk(root, "sub/x/y/z/.deep.bin"+tag, old),                 // beyond the bounded walk: the next download there removes it
		mk(root, ".git/.hidden.bin"+tag, old),                    // hidden directories are not walked
		mk(root, ".other.part", old),                             // not ours
		mk(root, ".short.bin.jfrog-mcp-0123.part", old),          // not ours either
		mk(root, "app.bin.jfrog-mcp-0123456789abcdef.part", old), // ours start with a dot
		mk(outside, ".linked.bin"+tag, old),                      // reached only through a symlink
	}
	require.NoError(t, os.Symlink(outside, filepath.Join(root, "link")))
	if localfs.Locks {
		locked := mk(root, ".live.bin"+tag, old) // a stalled download still holds it
		holdLock(t, locked)
		kept = append(kept, locked)
	}

	n := tools.RemoveStaleParts([]string{root}, time.Hour, slog.New(slog.DiscardHandler))
	assert.Equal(t, len(gone), n)
	for _, p := range gone {
		_, err := os.Lstat(p)
		assert.ErrorIs(t, err, os.ErrNotExist, p)
	}
	for _, p := range kept {
		_, err := os.Lstat(p)
		assert.NoError(t, err, p)
	}
}

// The next download to a directory removes leftovers, but never the part
// file of a download still running there, however old.
func TestDownloadKeepsTheLockedPartFileOfARunningDownload(t *testing.T) {
	if !localfs.Locks {
		t.Skip("without flock, only part files older than an hour are removed")
	}
	dir, err := filepath.EvalSymlinks(t.TempDir())
	require.NoError(t, err)
	h := newHarness(t, harnessOpts{roots: []string{dir}})
	ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "p/small.txt", "content_text": "small"}))
	const tag = ".jfrog-mcp-0123456789abcdef.part"
	live, dead := filepath.Join(dir, ".live.bin"+tag), filepath.Join(dir, ".dead.bin"+tag)
	for _, p := range []string{live, dead} {
		require.NoError(t, os.WriteFile(p, []byte("partial"), 0o600))
	}
	holdLock(t, live)

	ok[tools.DownloadResult](t, h.call(t, "download_artifact", map[string]any{"repo": "generic-local", "path": "p/small.txt", "local_path": "small.txt"}))
	_, err = os.Lstat(dead)
	assert.ErrorIs(t, err, os.ErrNotExist, "an unlocked leftover is removed")
	_, err = os.Lstat(live)
	assert.NoError(t, err, "a locked part file is a download in progress")
}

// holdLock locks p as a running download does, until the test ends.
func holdLock(t *testing.T, p string) {
	t.Helper()
	f, err := os.Open(p)
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	got, err := localfs.TryLock(f)
	require.NoError(t, err)
	require.True(t, got)
}
