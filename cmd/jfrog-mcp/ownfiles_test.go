package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The policy file and the audit log inside the local root are the server's
// own: a download over them and an upload of them are refused, and a part
// file left by a killed download an hour ago is gone once the server started.
func TestOwnFilesAndLeftoversOfTheServe(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	require.NoError(t, err)
	policy, auditFile := filepath.Join(dir, "policy.yaml"), filepath.Join(dir, "audit.jsonl")
	require.NoError(t, os.WriteFile(policy, []byte("mode: write\n"), 0o600))
	stale := filepath.Join(dir, ".app.bin.jfrog-mcp-0123456789abcdef.part")
	require.NoError(t, os.WriteFile(stale, []byte("partial"), 0o600))
	old := time.Now().Add(-2 * time.Hour)
	require.NoError(t, os.Chtimes(stale, old, old))

	send := stdioSession(t, "stdio", "--sandbox", "--policy", policy, "--audit-log", auditFile, "--local-roots", dir)
	reply := send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"upload_artifact","arguments":{"repo":"generic-local","path":"own/p.yaml","content_text":"mode: admin\n"}}}`)
	require.Contains(t, reply, `"verified":true`)
	for i, local := range []string{"policy.yaml", "audit.jsonl"} {
		reply = send(`{"jsonrpc":"2.0","id":` + strconv.Itoa(3+2*i) + `,"method":"tools/call","params":{"name":"download_artifact","arguments":{"repo":"generic-local","path":"own/p.yaml","local_path":"` + local + `","overwrite":true}}}`)
		assert.Contains(t, reply, "guard_denied", local)
		assert.Contains(t, reply, "of this server", local)
		reply = send(`{"jsonrpc":"2.0","id":` + strconv.Itoa(4+2*i) + `,"method":"tools/call","params":{"name":"upload_artifact","arguments":{"repo":"generic-local","path":"own/leak","local_path":"` + local + `"}}}`)
		assert.Contains(t, reply, "guard_denied", local)
	}
	b, err := os.ReadFile(policy)
	require.NoError(t, err)
	assert.Equal(t, "mode: write\n", string(b))
	b, err = os.ReadFile(auditFile)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(b), "{"), "the audit log holds only its own lines")
	assert.NotContains(t, string(b), "mode: admin")
	_, err = os.Lstat(stale)
	assert.ErrorIs(t, err, os.ErrNotExist, "removed at start")
}

// stdioSession serves args over stdio in-process, initialised, and returns a
// function that sends one line and returns the reply; the server stops when
// the test ends.
func stdioSession(t *testing.T, args ...string) (send func(line string) string) {
	t.Helper()
	return stdioSessionEnv(t, noEnv, args...)
}

// stdioSessionEnv is stdioSession with an environment.
func stdioSessionEnv(t *testing.T, getenv func(string) string, args ...string) (send func(line string) string) {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, inR, outW, io.Discard, getenv) }()
	t.Cleanup(func() {
		cancel()
		_ = inW.Close()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("server did not stop")
		}
	})
	replies := bufio.NewReader(outR)
	send = func(line string) string {
		_, err := io.WriteString(inW, line+"\n")
		require.NoError(t, err)
		reply, err := replies.ReadString('\n')
		require.NoError(t, err)
		return reply
	}
	send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}`)
	_, _ = io.WriteString(inW, `{"jsonrpc":"2.0","method":"notifications/initialized"}`+"\n")
	return send
}

// The JFrog CLI configuration the server took its credentials from is its
// own file too: with the CLI's home inside the local root, an upload of it
// is refused.
func TestTheJFrogCLIConfigurationIsNotUploaded(t *testing.T) {
	url, token := startEmulator(t)
	dir, err := filepath.EvalSymlinks(t.TempDir())
	require.NoError(t, err)
	home := filepath.Join(dir, ".jfrog")
	require.NoError(t, os.Mkdir(home, 0o700))
	conf := `{"version":"6","servers":[{"serverId":"emu","isDefault":true,"url":"` + url + `/","accessToken":"` + token + `"}]}`
	require.NoError(t, os.WriteFile(filepath.Join(home, "jfrog-cli.conf.v6"), []byte(conf), 0o600))
	require.NoError(t, os.Link(filepath.Join(home, "jfrog-cli.conf.v6"), filepath.Join(dir, "notes.json")))

	env := func(k string) string {
		if k == "JFROG_CLI_HOME_DIR" {
			return home
		}
		return ""
	}
	send := stdioSessionEnv(t, env, "stdio", "--mode", "write", "--local-roots", dir)
	for i, local := range []string{".jfrog/jfrog-cli.conf.v6", "notes.json"} {
		reply := send(`{"jsonrpc":"2.0","id":` + strconv.Itoa(2+i) + `,"method":"tools/call","params":{"name":"upload_artifact","arguments":{"repo":"generic-local","path":"leak/conf","local_path":"` + local + `"}}}`)
		assert.Contains(t, reply, "guard_denied", local)
		assert.Contains(t, reply, "JFrog CLI configuration", local)
		assert.NotContains(t, reply, token)
	}
}
