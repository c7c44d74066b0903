package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPolicyCheck(t *testing.T) {
	example, err := filepath.Abs("../../examples/policies/ci-release.yaml")
	require.NoError(t, err)
	t.Chdir(t.TempDir())
	require.NoError(t, os.Mkdir("dist", 0o755)) // its local root, as in a CI job after the build
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"policy", "check", example}, nil, &stdout, &stderr, noEnv)
	require.Equal(t, exitOK, code, stderr.String())
	var eff struct {
		Mode         string            `json:"mode"`
		Repositories map[string]string `json:"repositories"`
		ReleaseGates []map[string]any  `json:"release_gates"`
	}
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &eff), stdout.String())
	assert.Equal(t, "write", eff.Mode)
	assert.Equal(t, "*-staging-*, generic-local/ci", eff.Repositories["write"])
	assert.Len(t, eff.ReleaseGates, 1)

	stdout.Reset()
	code = run(context.Background(), []string{"policy", "check", example, "--profile", "pr-check"}, nil, &stdout, &stderr, noEnv)
	require.Equal(t, exitOK, code, stderr.String())
	assert.Contains(t, stdout.String(), `"mode": "read-only"`)

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("mode: write\nrepositories:\n  wirte: ['*']\n"), 0o644))
	stderr.Reset()
	code = run(context.Background(), []string{"policy", "check", bad}, nil, io.Discard, &stderr, noEnv)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr.String(), "line 3: field wirte not found")

	// The catalog knows the toolsets: a misspelt one in any profile is refused.
	require.NoError(t, os.WriteFile(bad, []byte("mode: read-only\nprofiles:\n  ci:\n    toolsets: [artifact]\n"), 0o644))
	stderr.Reset()
	code = run(context.Background(), []string{"policy", "check", bad}, nil, io.Discard, &stderr, noEnv)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr.String(), `profile ci: toolsets: unknown toolset "artifact"`)
}

// The audit log gets one JSON line per decision, with secrets and artifact
// content redacted.
func TestAuditLogFile(t *testing.T) {
	dir := t.TempDir()
	auditFile := filepath.Join(dir, "audit.jsonl")
	send := stdioSession(t, "stdio", "--sandbox", "--audit-log", auditFile, "--local-roots", dir)
	reply := send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"upload_artifact","arguments":{"repo":"generic-local","path":"audit/a.txt","content_text":"very secret content","properties":{"deploy.token":"s3cr3t"}}}}`)
	assert.Contains(t, reply, `"verified":true`)
	reply = send(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"delete_artifact","arguments":{"repo":"generic-local","path":"audit/a.txt","confirm_token":"forged.token"}}}`)
	assert.Contains(t, reply, "guard_denied")

	b, err := os.ReadFile(auditFile)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	require.Len(t, lines, 2, string(b))
	var first map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &first))
	assert.Equal(t, "upload_artifact", first["tool"])
	assert.Equal(t, "allow", first["decision"])
	assert.NotContains(t, string(b), "very secret content")
	assert.NotContains(t, string(b), "s3cr3t")
	assert.NotContains(t, string(b), "forged.token")
	assert.Contains(t, string(b), `"content_text":"[19 bytes]"`)
}

// `jfrog-mcp tools` prints the catalog docs/tools.md is generated from.
func TestToolsCommand(t *testing.T) {
	var stdout, stderr bytes.Buffer
	require.Equal(t, exitOK, run(context.Background(), []string{"tools", "--format", "json"}, nil, &stdout, &stderr, noEnv), stderr.String())
	var doc struct {
		Toolsets []struct {
			Name string `json:"name"`
		} `json:"toolsets"`
	}
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &doc))
	assert.NotEmpty(t, doc.Toolsets)
	stdout.Reset()
	require.Equal(t, exitOK, run(context.Background(), []string{"tools"}, nil, &stdout, &stderr, noEnv))
	assert.True(t, strings.HasPrefix(stdout.String(), "# Tools"))
	stderr.Reset()
	assert.Equal(t, exitUsage, run(context.Background(), []string{"tools", "--format", "yaml"}, nil, io.Discard, &stderr, noEnv))
	assert.Contains(t, stderr.String(), "unknown --format")
}
