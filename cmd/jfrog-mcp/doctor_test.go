package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/emulatortest"
)

// runDoctor runs `jfrog-mcp doctor ARGS` against env and returns the exit
// code and the table.
func runDoctor(t *testing.T, env map[string]string, args ...string) (int, string) {
	t.Helper()
	var stdout bytes.Buffer
	code := run(context.Background(), append([]string{"doctor"}, args...), nil, &stdout, io.Discard, func(k string) string { return env[k] })
	return code, stdout.String()
}

// row returns the table line of a check, or "".
func row(table, name string) string {
	for _, l := range strings.Split(table, "\n") {
		if strings.HasPrefix(l, name+" ") {
			return l
		}
	}
	return ""
}

func TestDoctor(t *testing.T) {
	t.Run("healthy", func(t *testing.T) {
		emu := emulatortest.Start(t, emulator.DemoSeed())
		code, out := runDoctor(t, map[string]string{"JFROG_URL": emu.URL, "JFROG_ACCESS_TOKEN": emu.AdminToken})
		assert.Equal(t, exitOK, code, out)
		for _, name := range []string{"configuration", "policy", "mcp", "artifactory", "xray", "access", "identity", "repositories"} {
			assert.Contains(t, row(out, name), " ok ", "%s in:\n%s", name, out)
		}
		assert.Contains(t, row(out, "mcp"), "get_platform_info")
		assert.Contains(t, row(out, "identity"), "/users/admin")
		assert.NotContains(t, out, emu.AdminToken, "never a secret in the table")
	})
	t.Run("a bad token fails with the fix", func(t *testing.T) {
		emu := emulatortest.Start(t, emulator.DemoSeed())
		code, out := runDoctor(t, map[string]string{"JFROG_URL": emu.URL, "JFROG_ACCESS_TOKEN": "not-a-token"})
		assert.Equal(t, exitError, code, out)
		assert.Contains(t, row(out, "identity"), "FAIL")
		assert.Contains(t, row(out, "identity"), "credentials refused (401)")
		assert.Contains(t, row(out, "identity"), "JFROG_ACCESS_TOKEN")
		assert.NotContains(t, out, "not-a-token")
	})
	t.Run("xray down fails when the xray toolset is on, warns when it is off", func(t *testing.T) {
		emu := emulatortest.Start(t, emulator.DemoSeed())
		emu.Emu.Faults().Inject(emulator.FaultRule{PathPrefix: "/xray/", Status: 503})
		env := map[string]string{"JFROG_URL": emu.URL, "JFROG_ACCESS_TOKEN": emu.AdminToken}
		code, out := runDoctor(t, env, "--toolsets", "all")
		assert.Equal(t, exitError, code, out)
		assert.Contains(t, row(out, "xray"), "FAIL")
		assert.Contains(t, row(out, "xray"), "503")
		assert.Contains(t, row(out, "artifactory"), " ok ")

		code, out = runDoctor(t, env, "--toolsets", "platform,artifacts")
		assert.Equal(t, exitOK, code, out)
		assert.Contains(t, row(out, "xray"), "warn")
	})
	t.Run("a policy rule that matches no repository is a warning", func(t *testing.T) {
		emu := emulatortest.Start(t, emulator.DemoSeed())
		pol := t.TempDir() + "/p.yaml"
		require.NoError(t, writeFile(pol, "repositories:\n  read: [\"libs-relase-local\"]\n"))
		code, out := runDoctor(t, map[string]string{"JFROG_URL": emu.URL, "JFROG_ACCESS_TOKEN": emu.AdminToken}, "--policy", pol)
		assert.Equal(t, exitOK, code, out)
		assert.Contains(t, row(out, "policy read"), `rule "libs-relase-local" matches no repository`)
	})
	t.Run("unreachable", func(t *testing.T) {
		code, out := runDoctor(t, map[string]string{"JFROG_URL": "http://127.0.0.1:1", "JFROG_ACCESS_TOKEN": "t"})
		assert.Equal(t, exitError, code, out)
		assert.Contains(t, row(out, "artifactory"), "no answer from")
	})
}

func writeFile(p, s string) error { return os.WriteFile(p, []byte(s), 0o600) }
