//go:build unix

// Package quickstart runs the README's quick start as a new user would: on a
// fresh clone, the commands as the README writes them. The commands are read
// from the README, never copied here, so when the README changes the test
// follows it.
package quickstart

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// fence is one fenced code block of a markdown file.
type fence struct {
	lang, body string
}

// quickStart holds what the README's "## Quick start" section (with its
// subsections) shows.
type quickStart struct {
	// commands are the lines of its first sh block, comments removed.
	commands [][]string
	// blocks are all its fenced blocks.
	blocks []fence
}

// readQuickStart parses the "## Quick start" section of the README at path.
func readQuickStart(t *testing.T, path string) quickStart {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var qs quickStart
	var in bool
	var cur *fence
	var body strings.Builder
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case cur != nil && strings.TrimSpace(line) == "```":
			cur.body = body.String()
			qs.blocks = append(qs.blocks, *cur)
			cur = nil
		case cur != nil:
			body.WriteString(line + "\n")
		case strings.HasPrefix(line, "## "):
			in = strings.TrimSpace(line[3:]) == "Quick start"
		case in && strings.HasPrefix(line, "```"):
			cur = &fence{lang: strings.TrimSpace(line[3:])}
			body.Reset()
		}
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, qs.blocks, "%s has no fenced block in a \"## Quick start\" section", path)
	for _, f := range qs.blocks {
		if f.lang != "sh" {
			continue
		}
		for _, line := range strings.Split(f.body, "\n") {
			cmd, _, _ := strings.Cut(line, "#")
			cmd = strings.TrimSpace(cmd)
			if cmd == "" {
				continue
			}
			// The commands run here without a shell; one that needs a shell
			// would not be run as written.
			require.False(t, strings.ContainsAny(cmd, "|&;<>$`\"'\\*?()"), "quick-start command %q needs a shell: this test runs commands as plain words", cmd)
			qs.commands = append(qs.commands, strings.Fields(cmd))
		}
		break
	}
	require.NotEmpty(t, qs.commands, "the README's quick start has no sh block of commands")
	return qs
}

// TestReadQuickStart pins the parser on a README of its own.
func TestReadQuickStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "README.md")
	readme := "# x\n\n## Install\n\n```sh\nnot this\n```\n\n## Quick start\n\ntext\n\n" +
		"```sh\ngo run ./cmd/x --sandbox   # a comment\n\nscripts/test\n```\n\n### Sub\n\n" +
		"```json\n{\"a\": 1}\n```\n\n## Next\n\n```sh\nnor this\n```\n"
	require.NoError(t, os.WriteFile(path, []byte(readme), 0o600))
	qs := readQuickStart(t, path)
	require.Equal(t, [][]string{{"go", "run", "./cmd/x", "--sandbox"}, {"scripts/test"}}, qs.commands)
	require.Equal(t, []fence{{"sh", "go run ./cmd/x --sandbox   # a comment\n\nscripts/test\n"}, {"json", "{\"a\": 1}\n"}}, qs.blocks)
}

// command shows a command as the README writes it.
func command(words []string) string { return strings.Join(words, " ") }
