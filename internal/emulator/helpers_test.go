package emulator_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/emulatortest"
)

// call sends one request through real HTTP. auth is a bearer token, or
// "user:password" for Basic, or "" for none.
func call(t *testing.T, method, rawURL, auth string, body io.Reader, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, body)
	require.NoError(t, err)
	if u, p, ok := strings.Cut(auth, ":"); ok {
		req.SetBasicAuth(u, p)
	} else if auth != "" {
		req.Header.Set("Authorization", "Bearer "+auth)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, b
}

// rawURL builds a URL whose escaped path is sent exactly as given, so tests
// control ';' vs '%3B' like JCG does.
func rawURL(t *testing.T, base, escapedPath, rawQuery string) string {
	t.Helper()
	u, err := url.Parse(base)
	require.NoError(t, err)
	u.Opaque = "//" + u.Host + escapedPath
	u.RawQuery = rawQuery
	return u.String()
}

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), string(b))
	return m
}

func demo(t *testing.T) *emulatortest.Server {
	t.Helper()
	return emulatortest.Start(t, emulator.DemoSeed())
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}
