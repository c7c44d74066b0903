//go:build unix

package quickstart

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// longStep matches the commands of a test script that take a while on a
// cold cache: each must be announced before it starts, so that a new user
// watching the first run sees what it is doing rather than a silent pause.
// A command starts a line or follows (, ;, && or ||, after any VAR=value;
// words in a message do not count.
var longStep = regexp.MustCompile(`(^|[(;&|]\s*)([A-Za-z_][A-Za-z0-9_]*=\S*\s+)*(go (vet|test|build|install|run|mod download)|npm (ci|install)|node --test)\b`)

// TestTestCommandSaysWhatItDoes checks the README's test command: no long
// step starts without a `section` line (printed to stderr) since the last.
func TestTestCommandSaysWhatItDoes(t *testing.T) {
	root, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	require.NoError(t, err, "the test runs in a git clone")
	dir := strings.TrimSpace(string(root))
	qs := readQuickStart(t, filepath.Join(dir, "README.md"))
	var script string
	for _, c := range qs.commands {
		if c[0] != "go" {
			script = c[0]
		}
	}
	require.NotEmpty(t, script, "the quick start shows a test command")
	require.Empty(t, unannounced(t, filepath.Join(dir, script)), "announce each long step with section \"…\" before it starts")
}

// unannounced returns the long steps of the script at path that no section
// line precedes, as "path:line: command".
func unannounced(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Regexp(t, `(?m)^section\(\) \{.*>&2`, string(b), "%s defines section(), printing to stderr", path)
	var bad []string
	announced := false
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "section()"):
		case strings.HasPrefix(line, "section "):
			announced = true
		case longStep.MatchString(line):
			if !announced {
				bad = append(bad, fmt.Sprintf("%s:%d: %s", path, i+1, line))
			}
			announced = false
		}
	}
	return bad
}

// TestUnannounced pins the check on scripts of its own.
func TestUnannounced(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte("section() { printf '==> %s\\n' \"$*\" >&2; }\n"+body), 0o600))
		return p
	}
	good := write("good", "section \"vet\"\ngo vet ./...\n# go test in a comment\nwarn \"running go test without -race\"\nsection \"build\"\nBIN=x\ngo build -o \"$BIN\" .\n")
	require.Empty(t, unannounced(t, good))
	bad := write("bad", "section \"vet\"\ngo vet ./...\nnpm ci --prefix x\nsection \"jcg\"\n(cd jcg && go vet ./...)\n(cd reg && go test ./...)\nBIN=x node --test a.mjs\n")
	require.Equal(t, []string{bad + ":4: npm ci --prefix x", bad + ":7: (cd reg && go test ./...)", bad + ":8: BIN=x node --test a.mjs"}, unannounced(t, bad))
}
