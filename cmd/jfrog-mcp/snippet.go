package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/jfrog-mcp/jfrog-mcp/internal/config"
)

// snippetClients are the MCP clients config-snippet knows, in the order
// its help lists them.
var snippetClients = []string{"claude-code", "claude-desktop", "cursor", "vscode", "codex"}

// configSnippet prints what to paste into (or run for) an MCP client so that
// it starts this binary with the given server flags. Secrets are never
// printed: the token is a placeholder or a reference the client resolves.
func configSnippet(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("jfrog-mcp config-snippet", flag.ContinueOnError)
	fs.SetOutput(stderr)
	client := fs.String("client", "", "the MCP client: "+strings.Join(snippetClients, ", "))
	name := fs.String("name", "jfrog", "the server's name in the client's configuration")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: jfrog-mcp config-snippet --client CLIENT [--name NAME] [-- SERVER FLAGS...]")
		fmt.Fprintln(stderr, "Prints what to paste into CLIENT's configuration (or the command to run) to start this binary over stdio with SERVER FLAGS (e.g. --sandbox, --mode write, --policy FILE).")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if !slices.Contains(snippetClients, *client) {
		fmt.Fprintf(stderr, "jfrog-mcp: config-snippet: --client must be one of %s\n", strings.Join(snippetClients, ", "))
		return exitUsage
	}
	serverArgs := append([]string{"stdio"}, fs.Args()...)
	// The server flags are checked as the server will read them, so a typo
	// shows now rather than in the client's log. A missing URL is fine: the
	// snippet carries the variable.
	var usage *config.UsageError
	if _, err := config.Parse(serverArgs, getenv, io.Discard); errors.As(err, &usage) && usage.Msg != config.MissingURLMessage {
		fmt.Fprintln(stderr, "jfrog-mcp: config-snippet: server flags:", usage.Msg)
		return exitUsage
	}
	bin, err := os.Executable()
	if err != nil {
		fmt.Fprintln(stderr, "jfrog-mcp: config-snippet:", err)
		return exitError
	}
	env := snippetEnv(serverArgs, getenv)
	switch *client {
	case "claude-code":
		parts := []string{"claude", "mcp", "add", *name}
		for _, kv := range env {
			parts = append(parts, "-e", kv[0]+"="+kv[1])
		}
		parts = append(append(parts, "--", bin), serverArgs...)
		quoted := make([]string, len(parts))
		for i, p := range parts {
			quoted[i] = shellQuote(p)
		}
		fmt.Fprintln(stderr, "# run this:")
		fmt.Fprintln(stdout, strings.Join(quoted, " "))
	case "claude-desktop", "cursor":
		where := map[string]string{
			"claude-desktop": "claude_desktop_config.json (Settings → Developer → Edit Config)",
			"cursor":         ".cursor/mcp.json in the project, or ~/.cursor/mcp.json",
		}[*client]
		fmt.Fprintln(stderr, "# add this to "+where)
		writeJSON(stdout, map[string]any{"mcpServers": map[string]any{*name: stdioServer(bin, serverArgs, env, nil)}})
	case "vscode":
		fmt.Fprintln(stderr, "# add this to .vscode/mcp.json (VS Code asks for the token once and keeps it)")
		var inputs []any
		secret := func(k string) (string, bool) {
			if k != "JFROG_ACCESS_TOKEN" {
				return "", false
			}
			inputs = append(inputs, map[string]any{"type": "promptString", "id": "jfrog-token", "description": "JFrog access token", "password": true})
			return "${input:jfrog-token}", true
		}
		srv := stdioServer(bin, serverArgs, env, secret)
		srv["type"] = "stdio"
		out := map[string]any{"servers": map[string]any{*name: srv}}
		if inputs != nil {
			out["inputs"] = inputs
		}
		writeJSON(stdout, out)
	case "codex":
		fmt.Fprintln(stderr, "# add this to ~/.codex/config.toml")
		fmt.Fprintf(stdout, "[mcp_servers.%s]\ncommand = %s\nargs = [%s]\n", *name, tomlString(bin), joinTOML(serverArgs))
		if len(env) > 0 {
			pairs := make([]string, len(env))
			for i, kv := range env {
				pairs[i] = kv[0] + " = " + tomlString(kv[1])
			}
			fmt.Fprintf(stdout, "env = { %s }\n", strings.Join(pairs, ", "))
		}
	}
	return exitOK
}

// snippetEnv is the environment the client must give the server: the URL
// as it is set here, the token as a placeholder. The sandbox needs none.
func snippetEnv(serverArgs []string, getenv func(string) string) [][2]string {
	if slices.Contains(serverArgs, "--sandbox") || slices.Contains(serverArgs, "-sandbox") {
		return nil
	}
	url := getenv("JFROG_URL")
	if url == "" {
		url = "https://YOUR-INSTANCE.jfrog.io"
	}
	return [][2]string{{"JFROG_URL", url}, {"JFROG_ACCESS_TOKEN", "<your access token>"}}
}

// stdioServer is the {command, args, env} block most clients share.
func stdioServer(bin string, args []string, env [][2]string, secret func(string) (string, bool)) map[string]any {
	srv := map[string]any{"command": bin, "args": args}
	if len(env) > 0 {
		m := map[string]string{}
		for _, kv := range env {
			v := kv[1]
			if secret != nil {
				if ref, ok := secret(kv[0]); ok {
					v = ref
				}
			}
			m[kv[0]] = v
		}
		srv["env"] = m
	}
	return srv
}

func writeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '-' || r == '_' || r == '.' || r == '/' || r == ':' || r == '=' || r == ',' ||
			r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// tomlString is a TOML basic string; JSON's escaping is valid TOML for it.
func tomlString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

func joinTOML(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = tomlString(s)
	}
	return strings.Join(out, ", ")
}
