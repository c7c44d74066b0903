package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runEmulatorIn starts `jfrog-mcp emulator --data dir` and returns its URL,
// its token and a stop function that waits for a clean exit.
func runEmulatorIn(t *testing.T, dir string, env map[string]string) (url, token string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"emulator", "--listen", "127.0.0.1:0", "--data", dir}, nil, pw, io.Discard, func(k string) string { return env[k] })
		_ = pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	require.NoError(t, err)
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	fields := strings.Fields(line)
	require.Len(t, fields, 2)
	url, _ = strings.CutPrefix(fields[0], "JFROG_URL=")
	token, _ = strings.CutPrefix(fields[1], "JFROG_ACCESS_TOKEN=")
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case code := <-done:
			assert.Equal(t, exitOK, code)
		case <-time.After(10 * time.Second):
			t.Error("emulator did not stop")
		}
	}
	t.Cleanup(stop)
	return url, token, stop
}

func call(t *testing.T, method, url, token string, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	if method == http.MethodPut && strings.Contains(url, "api/repositories/") {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// `jfrog-mcp emulator --data DIR` keeps what landed (a repository, an
// artifact with its properties) and its admin token across a restart.
func TestEmulatorDataSurvivesARestart(t *testing.T) {
	dir := t.TempDir()
	url, token, stop := runEmulatorIn(t, dir, nil)
	st, body := call(t, http.MethodPut, url+"/artifactory/api/repositories/kept-local", token, `{"key":"kept-local","rclass":"local","packageType":"generic"}`)
	require.Less(t, st, 300, body)
	st, body = call(t, http.MethodPut, url+"/artifactory/kept-local/a/b.txt;qa=passed", token, "kept content")
	require.Equal(t, http.StatusCreated, st, body)
	stop()

	url2, token2, _ := runEmulatorIn(t, dir, nil)
	assert.Equal(t, token, token2, "the admin token is kept")
	st, body = call(t, http.MethodGet, url2+"/artifactory/kept-local/a/b.txt", token2, "")
	assert.Equal(t, http.StatusOK, st)
	assert.Equal(t, "kept content", body)
	st, body = call(t, http.MethodGet, url2+"/artifactory/api/storage/kept-local/a/b.txt?properties", token2, "")
	assert.Equal(t, http.StatusOK, st)
	assert.Contains(t, body, `"qa"`)
	st, _ = call(t, http.MethodGet, url2+"/artifactory/api/repositories/kept-local", token2, "")
	assert.Equal(t, http.StatusOK, st)
}

// The admin token can be chosen, so a client's configuration survives a
// new data directory too; it comes from the environment, never a flag.
func TestEmulatorAdminTokenFromTheEnvironment(t *testing.T) {
	const chosen = "emulator-admin-token-for-tests"
	url, token, _ := runEmulatorIn(t, t.TempDir(), map[string]string{"JFROG_MCP_EMULATOR_ADMIN_TOKEN": chosen})
	assert.Equal(t, chosen, token)
	st, _ := call(t, http.MethodGet, url+"/artifactory/api/repositories", chosen, "")
	assert.Equal(t, http.StatusOK, st)
}
