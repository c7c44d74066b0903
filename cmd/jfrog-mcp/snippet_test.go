package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func snippet(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"config-snippet"}, args...), nil, &stdout, &stderr, func(k string) string { return env[k] })
	return code, stdout.String(), stderr.String()
}

func TestConfigSnippet(t *testing.T) {
	bin, err := os.Executable()
	require.NoError(t, err)
	env := map[string]string{"JFROG_URL": "https://acme.jfrog.io", "JFROG_ACCESS_TOKEN": "s3cr3t-token"}
	for _, client := range []string{"claude-desktop", "cursor"} {
		t.Run(client, func(t *testing.T) {
			code, out, _ := snippet(t, env, "--client", client, "--", "--mode", "write")
			require.Equal(t, exitOK, code)
			var cfg struct {
				MCPServers map[string]struct {
					Command string            `json:"command"`
					Args    []string          `json:"args"`
					Env     map[string]string `json:"env"`
				} `json:"mcpServers"`
			}
			require.NoError(t, json.Unmarshal([]byte(out), &cfg), "stdout is the JSON to paste, nothing else: %s", out)
			srv := cfg.MCPServers["jfrog"]
			assert.Equal(t, bin, srv.Command, "this binary's own path")
			assert.Equal(t, []string{"stdio", "--mode", "write"}, srv.Args)
			assert.Equal(t, "https://acme.jfrog.io", srv.Env["JFROG_URL"])
			assert.NotContains(t, out, "s3cr3t-token", "a secret is never printed")
		})
	}
	t.Run("vscode asks for the token", func(t *testing.T) {
		code, out, _ := snippet(t, env, "--client", "vscode", "--name", "artifacts")
		require.Equal(t, exitOK, code)
		var cfg struct {
			Inputs  []map[string]any `json:"inputs"`
			Servers map[string]struct {
				Type string            `json:"type"`
				Env  map[string]string `json:"env"`
			} `json:"servers"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &cfg), out)
		assert.Equal(t, "stdio", cfg.Servers["artifacts"].Type)
		assert.Equal(t, "${input:jfrog-token}", cfg.Servers["artifacts"].Env["JFROG_ACCESS_TOKEN"])
		require.Len(t, cfg.Inputs, 1)
		assert.Equal(t, true, cfg.Inputs[0]["password"])
	})
	t.Run("claude-code is a command", func(t *testing.T) {
		code, out, _ := snippet(t, env, "--client", "claude-code", "--", "--sandbox")
		require.Equal(t, exitOK, code)
		assert.Equal(t, "claude mcp add jfrog -- "+shellQuote(bin)+" stdio --sandbox\n", out, "the sandbox needs no environment")
	})
	t.Run("codex is TOML", func(t *testing.T) {
		code, out, _ := snippet(t, env, "--client", "codex")
		require.Equal(t, exitOK, code)
		assert.Contains(t, out, "[mcp_servers.jfrog]\ncommand = \""+bin+"\"\nargs = [\"stdio\"]\n")
		assert.Contains(t, out, `JFROG_ACCESS_TOKEN = "<your access token>"`)
		assert.NotContains(t, out, "s3cr3t-token")
	})
	t.Run("bad input", func(t *testing.T) {
		code, _, stderr := snippet(t, env, "--client", "emacs")
		assert.Equal(t, exitUsage, code)
		assert.Contains(t, stderr, "claude-code, claude-desktop, cursor, vscode, codex")
		code, _, stderr = snippet(t, env, "--client", "cursor", "--", "--mdoe", "write")
		assert.Equal(t, exitUsage, code)
		assert.True(t, strings.Contains(stderr, "-mdoe"), stderr)
	})
}
