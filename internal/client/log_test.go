package client

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRedactQuery(t *testing.T) {
	cases := map[string]string{
		"":                                       "",
		"list&deep=1":                            "list&deep=1",
		"password=p&x=1":                         "password=REDACTED&x=1",
		"X-Amz-Signature=abc&X-Amz-Credential=k": "X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED",
		"properties=a=1;token=t&api_key=k":       "properties=a=1;token=REDACTED&api_key=REDACTED",
		"access%5Ftoken=t":                       "access%5Ftoken=REDACTED",
		"properties=password=p&recursive=0":      "properties=password=REDACTED&recursive=0",
		"properties=db.Token=t;a=1":              "properties=db.Token=REDACTED;a=1",
		"properties=owner=alice":                 "properties=owner=alice",
	}
	for in, want := range cases {
		assert.Equal(t, want, redactQuery(in), in)
	}
}

// TestDebugLogsNeverContainSecrets drives every code path that logs or builds an
// error (success, API errors, retries, resets, transport failures, the API-key
// warning) with each credential kind, and checks no secret value ever appears.
func TestDebugLogsNeverContainSecrets(t *testing.T) {
	const (
		token    = "tok-SECRET-1"
		password = "pw-SECRET-2"
		apiKey   = "key-SECRET-3"
		qSecret  = "query-SECRET-4"
		rqSecret = "rawquery-SECRET-5"
	)
	legacyToken := "AKCp8" + strings.Repeat("S", 70)
	secrets := []string{token, password, apiKey, qSecret, rqSecret, legacyToken}

	var calls atomic.Int32
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/artifactory/api/system/ping":
			_, _ = io.WriteString(w, "OK")
		case "/artifactory/flaky":
			if calls.Add(1)%2 == 1 {
				writeJSON(w, 503, `{"errors":[{"status":503,"message":"busy"}]}`)
				return
			}
			writeJSON(w, 200, `{}`)
		case "/artifactory/reset":
			conn, _, _ := w.(http.Hijacker).Hijack()
			_ = conn.Close()
		default:
			writeJSON(w, 401, `{"errors":[{"status":401,"message":"Bad credentials"}]}`)
		}
	})
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()

	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var errs []string
	configs := []Config{
		{AccessToken: token},
		{User: "alice", Password: password},
		{APIKey: apiKey},
		{APIKey: apiKey, User: "alice"},
		{AccessToken: legacyToken, User: "alice"},
	}
	for _, cfg := range configs {
		for _, base := range []string{srv.URL, deadURL} {
			cfg.URL = base
			cfg.Logger = logger
			cfg.RetryBaseDelay = 1
			c, err := New(cfg)
			require.NoError(t, err)
			for _, c := range []*Client{c, c.WithAuth(token)} {
				errs = append(errs, errString(c.Artifactory.Ping(t.Context())))
				errs = append(errs, errString(c.DoJSON(t.Context(), Request{
					Surface: SurfaceArtifactory, Path: "api/search/x",
					Query:    url.Values{"password": {qSecret}, "name": {"ok"}},
					RawQuery: "access_token=" + rqSecret + ";x=1",
				}, nil)))
				errs = append(errs, errString(c.DoJSON(t.Context(), Request{Surface: SurfaceArtifactory, Path: "flaky", Query: url.Values{"token": {qSecret}}}, nil)))
				errs = append(errs, errString(c.DoJSON(t.Context(), Request{Surface: SurfaceArtifactory, Method: http.MethodPost, Path: "reset", RawQuery: "apiKey=" + rqSecret}, nil)))
				_, err := c.Access.WhoAmI(t.Context())
				errs = append(errs, errString(err))
			}
		}
	}

	out := logs.String()
	require.Contains(t, out, "jfrog request")
	require.Contains(t, out, "level=DEBUG")
	require.Contains(t, out, "surface=artifactory")
	require.Contains(t, out, "status=200")
	require.Contains(t, out, "REDACTED")
	require.Contains(t, out, "deprecated")
	for _, s := range secrets {
		assert.NotContains(t, out, s, "log output leaks a secret")
		for _, e := range errs {
			assert.NotContains(t, e, s, "error text leaks a secret")
		}
	}
	// The redaction is only for logs: the server still got the real values.
	found := false
	for _, r := range rec.all() {
		if strings.Contains(r.RawQuery, rqSecret) {
			found = true
		}
	}
	assert.True(t, found)
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestRedactMatrix(t *testing.T) {
	assert.Equal(t, "repo/a%3Bb.txt", redactMatrix("repo/a%3Bb.txt"))
	assert.Equal(t, "repo/f.txt;build.name=x;api.token=REDACTED;os=linux",
		redactMatrix("repo/f.txt;build.name=x;api.token=s3cret;os=linux"))
}
