package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func noEnv(string) string { return "" }

func TestNoURLExitsTwoNamingTheVariables(t *testing.T) {
	for _, args := range [][]string{nil, {"stdio"}, {"http"}} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr, noEnv)
		assert.Equal(t, exitUsage, code, args)
		assert.Empty(t, stdout.String(), "stdout belongs to the protocol")
		for _, want := range []string{"JFROG_URL", "JFROG_ACCESS_TOKEN", "--sandbox"} {
			assert.Contains(t, stderr.String(), want)
		}
	}
}

func TestVersion(t *testing.T) {
	var stdout bytes.Buffer
	require.Equal(t, exitOK, run(context.Background(), []string{"version"}, nil, &stdout, io.Discard, noEnv))
	assert.Regexp(t, `^jfrog-mcp dev \(.*go1\.\d+.*\)\n$`, stdout.String())
}

// startEmulator runs `jfrog-mcp emulator` and returns the URL and token it
// printed.
func startEmulator(t *testing.T) (url, token string) {
	t.Helper()
	// Made before the cleanup below is registered, so that it is removed
	// after the emulator stopped writing into it (cleanups run last first).
	data := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"emulator", "--listen", "127.0.0.1:0", "--data", data}, nil, pw, io.Discard, noEnv)
		_ = pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			assert.Equal(t, exitOK, code)
		case <-time.After(10 * time.Second):
			t.Error("emulator did not stop")
		}
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	require.NoError(t, err)
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	fields := strings.Fields(line)
	require.Len(t, fields, 2, "one line: JFROG_URL=... JFROG_ACCESS_TOKEN=...")
	url, ok1 := strings.CutPrefix(fields[0], "JFROG_URL=")
	token, ok2 := strings.CutPrefix(fields[1], "JFROG_ACCESS_TOKEN=")
	require.True(t, ok1 && ok2, line)
	return url, token
}

// The emulator command speaks what the curl checks expect.
func TestEmulatorCommand(t *testing.T) {
	url, token := startEmulator(t)
	do := func(method, path string, body io.Reader, header map[string]string) (*http.Response, []byte) {
		req, err := http.NewRequest(method, url+path, body)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+token)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, b
	}

	resp, body := do("GET", "/artifactory/api/system/ping", nil, nil)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "OK", string(body))

	content := []byte("hello from the emulator command test, long enough to matter\n")
	sum := sha256.Sum256(content)
	sha := hex.EncodeToString(sum[:])
	resp, body = do("PUT", "/artifactory/generic-local/cmd/hello.txt", bytes.NewReader(content), map[string]string{"X-Checksum-Sha256": sha})
	require.Equal(t, 201, resp.StatusCode, string(body))
	var created struct {
		Repo      string `json:"repo"`
		Path      string `json:"path"`
		Size      string `json:"size"`
		Checksums struct {
			SHA256 string `json:"sha256"`
		} `json:"checksums"`
		OriginalChecksums map[string]string `json:"originalChecksums"`
	}
	require.NoError(t, json.Unmarshal(body, &created))
	assert.Equal(t, "generic-local", created.Repo)
	assert.Equal(t, "/cmd/hello.txt", created.Path)
	assert.Equal(t, sha, created.Checksums.SHA256)
	assert.Equal(t, map[string]string{"sha256": sha}, created.OriginalChecksums)

	resp, body = do("PUT", "/artifactory/generic-local/cmd/again.txt", nil, map[string]string{"X-Checksum-Deploy": "true", "X-Checksum-Sha256": sha})
	assert.Equal(t, 201, resp.StatusCode, "checksum deploy of known content: %s", body)
	unknown := strings.Repeat("ab", 32)
	resp, _ = do("PUT", "/artifactory/generic-local/cmd/unknown.txt", nil, map[string]string{"X-Checksum-Deploy": "true", "X-Checksum-Sha256": unknown})
	assert.Equal(t, 404, resp.StatusCode, "checksum deploy of unknown content")

	req, _ := http.NewRequest("GET", url+"/artifactory/api/repositories", nil)
	req.Header.Set("Authorization", "Bearer wrong")
	r, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	assert.Equal(t, 401, r.StatusCode)
	assert.JSONEq(t, `{"errors":[{"status":401,"message":"Bad credentials"}]}`, string(b))
}
