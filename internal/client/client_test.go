package client

import (
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/buildinfo"
)

func TestNewDerivesBaseURLs(t *testing.T) {
	for _, in := range []string{"https://acme.jfrog.io", "https://acme.jfrog.io/", "https://acme.jfrog.io//", "  https://acme.jfrog.io  ", "https://acme.jfrog.io/artifactory/"} {
		c, err := New(Config{URL: in})
		require.NoError(t, err, in)
		assert.Equal(t, "https://acme.jfrog.io/artifactory", c.BaseURL(SurfaceArtifactory), in)
		assert.Equal(t, "https://acme.jfrog.io/xray", c.BaseURL(SurfaceXray), in)
		assert.Equal(t, "https://acme.jfrog.io/access", c.BaseURL(SurfaceAccess), in)
	}
	c, err := New(Config{URL: "http://host:8082/jfrog/"})
	require.NoError(t, err)
	assert.Equal(t, "http://host:8082/jfrog/artifactory", c.BaseURL(SurfaceArtifactory))
	assert.Equal(t, "", c.BaseURL("nope"))
}

func TestNewOverrides(t *testing.T) {
	c, err := New(Config{URL: "https://acme.jfrog.io", ArtifactoryURL: "https://arti.internal:8081/artifactory/", XrayURL: "https://xr.internal/"})
	require.NoError(t, err)
	assert.Equal(t, "https://arti.internal:8081/artifactory", c.BaseURL(SurfaceArtifactory))
	assert.Equal(t, "https://xr.internal", c.BaseURL(SurfaceXray))
	assert.Equal(t, "https://acme.jfrog.io/access", c.BaseURL(SurfaceAccess))

	// Every surface overridden: the platform URL is not needed.
	c, err = New(Config{ArtifactoryURL: "http://a/artifactory", XrayURL: "http://x/xray", AccessURL: "http://y/access"})
	require.NoError(t, err)
	assert.Equal(t, "http://y/access", c.BaseURL(SurfaceAccess))
}

func TestNewValidationNamesVariable(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no url", Config{}, "JFROG_URL"},
		{"partial overrides", Config{ArtifactoryURL: "http://a/artifactory"}, "JFROG_URL"},
		{"no scheme", Config{URL: "acme.jfrog.io"}, "JFROG_URL"},
		{"ftp", Config{URL: "ftp://acme.jfrog.io"}, "JFROG_URL"},
		{"bad xray override", Config{URL: "https://a", XrayURL: "xray.local"}, "JFROG_XRAY_URL"},
		{"bad access override", Config{URL: "https://a", AccessURL: "://"}, "JFROG_ACCESS_URL"},
		{"userinfo", Config{URL: "https://u:secret@acme.jfrog.io"}, "JFROG_URL"},
		{"password without user", Config{URL: "https://a", Password: "p"}, "JFROG_USER"},
		{"user without secret", Config{URL: "https://a", User: "u"}, "JFROG_PASSWORD"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "secret")
		})
	}
}

func TestUserAgentDefaultAndOverride(t *testing.T) {
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "OK") })
	require.NoError(t, newClient(t, srv.URL).Artifactory.Ping(t.Context()))
	assert.Equal(t, buildinfo.UserAgent(), rec.last(t).Header.Get("User-Agent"))

	c := newClient(t, srv.URL, func(c *Config) { c.UserAgent = "custom/1" })
	require.NoError(t, c.Artifactory.Ping(t.Context()))
	assert.Equal(t, "custom/1", rec.last(t).Header.Get("User-Agent"))
}
