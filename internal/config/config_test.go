package config

import (
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestParse(t *testing.T) {
	t.Run("stdio is the default and read-only against a real JFrog", func(t *testing.T) {
		cfg, err := Parse(nil, envOf(map[string]string{"JFROG_URL": "https://acme.jfrog.io", "JFROG_ACCESS_TOKEN": "t"}), io.Discard)
		require.NoError(t, err)
		assert.Equal(t, CmdStdio, cfg.Command)
		assert.Empty(t, cfg.Mode, "not set explicitly")
		assert.Equal(t, guard.ModeReadOnly, cfg.DefaultMode)
		assert.Equal(t, "https://acme.jfrog.io", cfg.JFrog.URL)
		assert.Equal(t, "t", cfg.JFrog.AccessToken)
		assert.Equal(t, slog.LevelInfo, cfg.LogLevel)
		wd, _ := os.Getwd()
		assert.Equal(t, []string{wd}, cfg.DefaultLocalRoots, "stdio: the user's working directory")
		assert.False(t, cfg.LocalRootsSet)
	})
	t.Run("local roots", func(t *testing.T) {
		cfg, err := Parse([]string{"http", "--sandbox"}, envOf(nil), io.Discard)
		require.NoError(t, err)
		assert.Empty(t, cfg.DefaultLocalRoots, "http: none by default")
		cfg, err = Parse([]string{"--sandbox", "--local-roots", "/a:/b"}, envOf(nil), io.Discard)
		require.NoError(t, err)
		assert.Equal(t, []string{"/a", "/b"}, cfg.LocalRoots)
		cfg, err = Parse([]string{"--sandbox"}, envOf(map[string]string{"JFROG_MCP_LOCAL_ROOTS": "none"}), io.Discard)
		require.NoError(t, err)
		assert.Empty(t, cfg.LocalRoots)
		assert.True(t, cfg.LocalRootsSet)
	})
	t.Run("http origins, sessions and timeouts", func(t *testing.T) {
		cfg, err := Parse([]string{"http", "--sandbox"}, envOf(nil), io.Discard)
		require.NoError(t, err)
		assert.Empty(t, cfg.AllowedOrigins)
		assert.False(t, cfg.Stateless)
		assert.Equal(t, 30*time.Minute, cfg.SessionIdle)
		assert.Equal(t, 30*time.Second, cfg.BodyTimeout)
		assert.Equal(t, 2*time.Minute, cfg.IdleTimeout)
		cfg, err = Parse([]string{"http", "--sandbox", "--allowed-origins", "https://a.example, http://localhost:3000",
			"--stateless", "--session-idle", "5m", "--body-timeout", "2s", "--idle-timeout", "10s"}, envOf(nil), io.Discard)
		require.NoError(t, err)
		assert.Equal(t, []string{"https://a.example", "http://localhost:3000"}, cfg.AllowedOrigins)
		assert.True(t, cfg.Stateless)
		assert.Equal(t, 5*time.Minute, cfg.SessionIdle)
		assert.Equal(t, 2*time.Second, cfg.BodyTimeout)
		assert.Equal(t, 10*time.Second, cfg.IdleTimeout)
		_, err = Parse([]string{"--sandbox", "--stateless"}, envOf(nil), io.Discard)
		assert.Error(t, err, "http flags are for the http command")
	})
	t.Run("JF_ fallbacks", func(t *testing.T) {
		cfg, err := Parse([]string{"stdio"}, envOf(map[string]string{"JF_URL": "https://x", "JF_ACCESS_TOKEN": "tok"}), io.Discard)
		require.NoError(t, err)
		assert.Equal(t, "https://x", cfg.JFrog.URL)
		assert.Equal(t, "tok", cfg.JFrog.AccessToken)
	})
	t.Run("sandbox defaults to write; flags beat env", func(t *testing.T) {
		cfg, err := Parse([]string{"http", "--sandbox", "--listen", "127.0.0.1:0"}, envOf(nil), io.Discard)
		require.NoError(t, err)
		assert.Equal(t, guard.ModeWrite, cfg.DefaultMode)
		cfg, err = Parse([]string{"--sandbox", "--mode", "read-only"}, envOf(map[string]string{"JFROG_MCP_MODE": "admin"}), io.Discard)
		require.NoError(t, err)
		assert.Equal(t, guard.ModeReadOnly, cfg.Mode)
	})
	t.Run("overrides, toolsets, api key warning", func(t *testing.T) {
		cfg, err := Parse([]string{"--toolsets", "artifacts, repositories", "--log-level", "debug"}, envOf(map[string]string{
			"JFROG_URL": "https://x", "JFROG_XRAY_URL": "https://xray.internal", "JFROG_API_KEY": "k",
		}), io.Discard)
		require.NoError(t, err)
		assert.Equal(t, []string{"artifacts", "repositories"}, cfg.Toolsets)
		assert.Equal(t, "https://xray.internal", cfg.JFrog.XrayURL)
		assert.Equal(t, slog.LevelDebug, cfg.LogLevel)
		require.Len(t, cfg.Warnings, 1)
		assert.Contains(t, cfg.Warnings[0], "deprecated")
	})
}

func TestParseErrors(t *testing.T) {
	cases := map[string]struct {
		args []string
		env  map[string]string
		want string
	}{
		"no url":         {nil, nil, "set JFROG_URL (or JF_URL)"},
		"no url http":    {[]string{"http"}, nil, "--sandbox"},
		"unknown cmd":    {[]string{"serve"}, nil, `unknown command "serve"`},
		"bad mode":       {[]string{"--sandbox", "--mode", "root"}, nil, "unknown mode"},
		"bad level":      {[]string{"--sandbox", "--log-level", "loud"}, nil, "unknown log level"},
		"public bind":    {[]string{"http", "--sandbox", "--listen", "0.0.0.0:8080"}, nil, "loopback only"},
		"stray argument": {[]string{"stdio", "extra"}, nil, `unexpected argument "extra"`},
		"unknown flag":   {[]string{"--token", "x"}, nil, "flag provided but not defined"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(tc.args, envOf(tc.env), io.Discard)
			var ue *UsageError
			require.ErrorAs(t, err, &ue)
			assert.Contains(t, ue.Msg, tc.want)
		})
	}
}
