package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func runCLI(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr, noEnv)
	return code, stdout.String(), stderr.String()
}

func TestCommandLine(t *testing.T) {
	t.Run("--help and help list the commands", func(t *testing.T) {
		for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
			code, _, stderr := runCLI(args...)
			assert.Equal(t, exitOK, code, args)
			for _, c := range []string{"stdio", "http", "doctor", "emulator", "policy", "config-snippet", "version", "help"} {
				assert.Contains(t, stderr, "\n  "+c+" ", "%v lists %s", args, c)
			}
		}
	})
	t.Run("a command's help lists only its own flags", func(t *testing.T) {
		for cmd, want := range map[string]struct{ has, hasNot []string }{
			"emulator": {has: []string{"-data", "-seed", "-listen"}, hasNot: []string{"-mode", "-policy", "-url", "-sandbox"}},
			"http":     {has: []string{"-listen", "-allowed-origins", "-url", "-mode"}, hasNot: []string{"-data", "-seed", "-version"}},
			"stdio":    {has: []string{"-url", "-sandbox", "-policy"}, hasNot: []string{"-listen", "-data", "-version"}},
			"policy":   {has: []string{"-profile", "-mode"}, hasNot: []string{"-url", "-listen", "-sandbox"}},
		} {
			for _, args := range [][]string{{cmd, "--help"}, {"help", cmd}} {
				code, _, stderr := runCLI(args...)
				assert.Equal(t, exitOK, code, args)
				for _, f := range want.has {
					assert.Regexp(t, `\n  `+f+`[ \n]`, stderr, "%v", args)
				}
				for _, f := range want.hasNot {
					assert.NotRegexp(t, `\n  `+f+`[ \n]`, stderr, "%v", args)
				}
			}
		}
	})
	t.Run("--version and version", func(t *testing.T) {
		for _, args := range [][]string{{"--version"}, {"version"}} {
			code, stdout, _ := runCLI(args...)
			assert.Equal(t, exitOK, code)
			assert.True(t, strings.HasPrefix(stdout, "jfrog-mcp dev"), stdout)
		}
	})
	t.Run("flags may come before the command", func(t *testing.T) {
		code, stdout, stderr := runCLI("--log-level", "error", "policy", "check", "../../examples/policies/ide-readonly.yaml")
		assert.Equal(t, exitOK, code, stderr)
		assert.Contains(t, stdout, `"mode": "read-only"`)
		code, _, stderr = runCLI("--mode", "write", "emulator", "--listen", "bad")
		assert.Equal(t, exitUsage, code, "emulator takes no --mode")
		assert.Contains(t, stderr, "jfrog-mcp: flag provided but not defined: -mode")
	})
	t.Run("one error style: jfrog-mcp: …, 2 for usage", func(t *testing.T) {
		for _, args := range [][]string{{"serve"}, {"--token", "x"}, {"stdio", "extra"}, {"http", "--data", "d"}, {"policy", "lint", "f"}, {"help", "nope"}} {
			code, stdout, stderr := runCLI(args...)
			assert.Equal(t, exitUsage, code, args)
			assert.Empty(t, stdout, args)
			assert.True(t, strings.HasPrefix(stderr, "jfrog-mcp: "), "%v: %q", args, stderr)
			assert.Equal(t, 1, strings.Count(strings.TrimSpace(stderr), "\n")+1, "one line: %q", stderr)
		}
	})
	t.Run("1 for a runtime failure", func(t *testing.T) {
		code, _, stderr := runCLI("emulator", "--listen", "127.0.0.1:99999")
		assert.Equal(t, exitError, code)
		assert.True(t, strings.HasPrefix(stderr, "jfrog-mcp: "), stderr)
	})
}
