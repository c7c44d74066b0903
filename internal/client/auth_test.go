package client

import (
	"bytes"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func basic(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

func TestAuthHeaderSelection(t *testing.T) {
	legacyKey := "AKCp8" + strings.Repeat("k", 70)
	cases := []struct {
		name       string
		cfg        Config
		wantAuth   string
		wantAPIKey string
	}{
		{"token", Config{AccessToken: "tok"}, "Bearer tok", ""},
		{"token wins over password", Config{AccessToken: "tok", User: "u", Password: "pw"}, "Bearer tok", ""},
		{"user and password", Config{User: "u", Password: "pw"}, basic("u", "pw"), ""},
		{"api key alone", Config{APIKey: "key1"}, "", "key1"},
		{"api key with user", Config{APIKey: "key1", User: "u"}, basic("u", "key1"), ""},
		{"api key wins over token", Config{APIKey: "key1", AccessToken: "tok"}, "", "key1"},
		{"token that is an api key, with user", Config{AccessToken: legacyKey, User: "u"}, basic("u", legacyKey), ""},
		{"token that is an api key, no user", Config{AccessToken: legacyKey}, "", legacyKey},
		{"short AKCp8 token is a token", Config{AccessToken: "AKCp8short"}, "Bearer AKCp8short", ""},
		{"anonymous", Config{}, "", ""},
	}
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "OK") })
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.URL = srv.URL
			cfg.Logger = slog.New(slog.DiscardHandler)
			c, err := New(cfg)
			require.NoError(t, err)
			require.NoError(t, c.Artifactory.Ping(t.Context()))
			got := rec.last(t).Header
			assert.Equal(t, tc.wantAuth, got.Get("Authorization"))
			assert.Equal(t, tc.wantAPIKey, got.Get("X-JFrog-Art-Api"))
		})
	}
}

func TestAPIKeyDeprecationWarnedOnce(t *testing.T) {
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "OK") })
	var buf bytes.Buffer
	c, err := New(Config{URL: srv.URL, APIKey: "the-api-key", Logger: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	require.NoError(t, err)
	for range 3 {
		require.NoError(t, c.Artifactory.Ping(t.Context()))
	}
	_ = c.WithAuth("AKCp8" + strings.Repeat("z", 70))
	assert.Equal(t, 1, strings.Count(buf.String(), "deprecated"), buf.String())
	assert.Contains(t, buf.String(), "level=WARN")
	assert.NotContains(t, buf.String(), "the-api-key")
}

func TestWithAuthReplacesIdentity(t *testing.T) {
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "OK") })
	c := newClient(t, srv.URL, func(c *Config) { c.AccessToken = ""; c.User = "admin"; c.Password = "server-pw" })

	caller := c.WithAuth("caller-token")
	require.NoError(t, caller.Artifactory.Ping(t.Context()))
	assert.Equal(t, "Bearer caller-token", rec.last(t).Header.Get("Authorization"))
	assert.Equal(t, c.BaseURL(SurfaceXray), caller.BaseURL(SurfaceXray))

	// The original is untouched.
	require.NoError(t, c.Artifactory.Ping(t.Context()))
	assert.Equal(t, basic("admin", "server-pw"), rec.last(t).Header.Get("Authorization"))

	// No token means anonymous, never a fallback to the server's identity.
	require.NoError(t, c.WithAuth("").Artifactory.Ping(t.Context()))
	assert.Empty(t, rec.last(t).Header.Get("Authorization"))
}

func TestCallerAuthorizationHeaderIsOverridden(t *testing.T) {
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	c := newClient(t, srv.URL)
	resp, err := c.Do(t.Context(), Request{Surface: SurfaceAccess, Path: "x", Header: http.Header{"Authorization": {"Bearer sneaky"}}})
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, []string{"Bearer test-token"}, rec.last(t).Header.Values("Authorization"))
}

func TestCrossHostRedirectDropsCredentials(t *testing.T) {
	storage, storageRec := newServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "blob") })
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, storage.URL+"/signed?x=1", http.StatusFound)
	})
	for _, cfg := range []func(*Config){
		func(c *Config) { c.AccessToken = ""; c.APIKey = "key1" },
		func(c *Config) {},
	} {
		c := newClient(t, srv.URL, cfg)
		resp, err := c.Do(t.Context(), Request{Surface: SurfaceArtifactory, Path: "libs/a.bin"})
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		assert.Equal(t, "blob", string(b))
		h := storageRec.last(t).Header
		assert.Empty(t, h.Get("X-JFrog-Art-Api"))
		assert.Empty(t, h.Get("Authorization"))
	}
}
