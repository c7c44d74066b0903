//go:build unix

package quickstart

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQuickStart runs the README's quick-start commands, in its order, on a
// fresh clone of HEAD: the server command is driven as an MCP client drives
// it, the install command must leave the binary where the client
// configuration finds it, the sandbox client configuration is started as a
// client would start it, and the test command must be what CI runs (it is
// not run: that would run this test again).
func TestQuickStart(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 8*time.Minute)
	defer cancel()
	dir := cloneHead(t)
	readme := filepath.Join(dir, "README.md")
	qs := readQuickStart(t, readme)
	text, err := os.ReadFile(readme)
	require.NoError(t, err)
	// What the README promises about the sandbox, checked on every start.
	prose := strings.Join(strings.Fields(string(text)), " ")
	for _, promise := range []string{"Nothing real is touched. It says so on stderr.", "serves in `write` mode"} {
		require.True(t, strings.Contains(prose, promise), "the README no longer says %q, which this test checks: make the test check what it says now", promise)
	}

	gobin := filepath.Join(t.TempDir(), "bin")
	env := cleanEnv("GOBIN=" + gobin)
	var ran []string
	for _, c := range qs.commands {
		switch {
		case len(c) > 1 && c[0] == "go" && c[1] == "run":
			t.Logf("%s (a cold build takes minutes)", command(c))
			checkSandbox(ctx, t, dir, env, c)
			ran = append(ran, "run")
		case len(c) > 1 && c[0] == "go" && c[1] == "install":
			t.Logf("%s", command(c))
			out, err := runIn(ctx, dir, env, c)
			require.NoError(t, err, "%s: %s", command(c), out)
			require.FileExists(t, filepath.Join(gobin, "jfrog-mcp"), "%s must install jfrog-mcp into GOBIN", command(c))
			ran = append(ran, "install")
		case c[0] == "go":
			t.Fatalf("the quick start shows %q, which this test does not know: teach it what the README says the command does", command(c))
		default:
			checkTestCommand(t, dir, c)
			ran = append(ran, "test")
		}
	}
	require.ElementsMatch(t, []string{"run", "install", "test"}, ran,
		"the quick start shows one server command (go run), one install command (go install) and one test command: %q", qs.commands)

	// The client configuration for the sandbox, started as a client would.
	servers := clientConfigs(t, qs)
	var sandbox *clientConfig
	for i := range servers {
		if slices.Contains(servers[i].Args, "--sandbox") {
			sandbox = &servers[i]
		}
	}
	require.NotNil(t, sandbox, "the quick start shows no client configuration with --sandbox")
	bin := sandbox.Command
	if !strings.Contains(bin, "/") {
		bin = filepath.Join(gobin, bin) // where the README's install command put it
	}
	t.Logf("client configuration: %s %s", sandbox.Command, command(sandbox.Args))
	checkSandbox(ctx, t, dir, env, append([]string{bin}, sandbox.Args...))

	// config-snippet prints that configuration for every client the README names.
	m := regexp.MustCompile("`jfrog-mcp config-snippet --client ([a-z|-]+)").FindStringSubmatch(string(text))
	require.NotNil(t, m, "the README names the clients of config-snippet")
	flags := sandbox.Args
	if len(flags) > 0 && flags[0] == "stdio" {
		flags = flags[1:] // config-snippet serves stdio
	}
	for _, client := range strings.Split(m[1], "|") {
		args := append([]string{bin, "config-snippet", "--client", client, "--"}, flags...)
		out := stdoutOnly(ctx, t, dir, env, args)
		assert.Contains(t, string(out), bin, "config-snippet --client %s names the binary", client)
		assert.Contains(t, string(out), "--sandbox", "config-snippet --client %s passes the flags", client)
		if client == "cursor" {
			// The same mcpServers block as the README's, with the full path.
			var got struct {
				MCPServers map[string]clientConfig `json:"mcpServers"`
			}
			require.NoError(t, json.Unmarshal(out, &got), "%s", out)
			require.Contains(t, got.MCPServers, sandbox.Name)
			assert.Equal(t, sandbox.Args, got.MCPServers[sandbox.Name].Args)
			assert.Equal(t, bin, got.MCPServers[sandbox.Name].Command)
		}
	}
}

// checkSandbox starts args in dir as an MCP client starts a stdio server,
// and checks what the README says of --sandbox: a line on stderr, the
// tools, write mode, demo repositories.
func checkSandbox(ctx context.Context, t *testing.T, dir string, env []string, args []string) {
	t.Helper()
	stderr := &syncBuffer{}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Dir, cmd.Env, cmd.Stderr = dir, env, stderr
	// go run starts the server as its child: the group is ended whole.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start(), command(args))
	pgid := cmd.Process.Pid
	t.Cleanup(func() {
		_ = syscall.Kill(-pgid, syscall.SIGKILL) // anything left behind; ESRCH when all is gone
	})
	// The process is started here, not by the transport, so that its exit
	// is waited for as long as a loaded machine needs (the transport sends
	// SIGTERM after 2 s).
	mc := mcpclient.NewClient(transport.NewIO(stdout, stdin, io.NopCloser(strings.NewReader(""))))
	require.NoError(t, mc.Start(ctx), command(args))
	_, err = mc.Initialize(ctx, mcp.InitializeRequest{Params: mcp.InitializeParams{
		ProtocolVersion: mcp.LATEST_LEGACY_PROTOCOL_VERSION,
		ClientInfo:      mcp.Implementation{Name: "quickstart", Version: "0"},
	}})
	require.NoError(t, err, "%s: initialize; stderr:\n%s", command(args), stderr)
	tools, err := mc.ListTools(ctx, mcp.ListToolsRequest{})
	require.NoError(t, err, "%s: tools/list", command(args))
	var names []string
	for _, tl := range tools.Tools {
		names = append(names, tl.Name)
	}
	require.Contains(t, names, "get_platform_info", command(args))
	require.Contains(t, names, "list_repositories", command(args))

	var info struct {
		Sandbox bool `json:"sandbox"`
		Policy  struct {
			Mode string `json:"mode"`
		} `json:"policy"`
	}
	callTool(ctx, t, mc, "get_platform_info", &info)
	assert.True(t, info.Sandbox, "%s: get_platform_info says sandbox", command(args))
	assert.Equal(t, "write", info.Policy.Mode, "%s: the sandbox serves in write mode", command(args))

	var repos struct {
		Items   []struct{ Key string } `json:"items"`
		HasMore bool                   `json:"has_more"`
		Total   *int                   `json:"total"`
	}
	callTool(ctx, t, mc, "list_repositories", &repos)
	require.NotEmpty(t, repos.Items, "%s: demo repositories", command(args))
	require.NotNil(t, repos.Total, "the README says list_repositories has a total")
	assert.False(t, repos.HasMore)
	assert.Equal(t, len(repos.Items), *repos.Total)

	// End of input ends the server (and go run with it).
	require.NoError(t, mc.Close())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		require.NoError(t, err, "%s: exit after stdin closed; stderr:\n%s", command(args), stderr)
	case <-time.After(time.Minute):
		t.Fatalf("%s: still running a minute after stdin closed; stderr:\n%s", command(args), stderr)
	}
	assert.Contains(t, strings.ToLower(stderr.String()), "nothing real is touched", "%s: stderr says it is the sandbox", command(args))
}

// callTool calls a tool without arguments and decodes its structured result.
func callTool(ctx context.Context, t *testing.T, mc *mcpclient.Client, name string, out any) {
	t.Helper()
	res, err := mc.CallTool(ctx, mcp.CallToolRequest{Params: mcp.CallToolParams{Name: name, Arguments: map[string]any{}}})
	require.NoError(t, err, name)
	require.False(t, res.IsError, "%s: %v", name, res.Content)
	b, err := json.Marshal(res.StructuredContent)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, out), name)
}

// checkTestCommand checks that the README's test command exists and is what
// CI runs. It is not run here: it runs this test.
func checkTestCommand(t *testing.T, dir string, c []string) {
	t.Helper()
	st, err := os.Stat(filepath.Join(dir, c[0]))
	require.NoError(t, err, "the quick start's test command %q is not a file of the repository", command(c))
	require.NotZero(t, st.Mode()&0o111, "%s is not executable", c[0])
	ci, err := os.ReadFile(filepath.Join(dir, ".ci", "run"))
	require.NoError(t, err)
	for _, line := range strings.Split(string(ci), "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && f[0] == "exec" {
			f = f[1:]
		}
		if len(f) >= len(c) && slices.Equal(f[:len(c)], c) {
			return
		}
	}
	t.Fatalf(".ci/run does not run the README's test command %q", command(c))
}

// clientConfig is one server of an MCP client's configuration.
type clientConfig struct {
	Name    string            `json:"-"`
	Command string            `json:"command"`
	Args    []string          `json:"args"`
	Env     map[string]string `json:"env"`
}

// clientConfigs reads the quick start's JSON blocks: an mcpServers block,
// or the servers alone.
func clientConfigs(t *testing.T, qs quickStart) []clientConfig {
	t.Helper()
	var out []clientConfig
	for _, f := range qs.blocks {
		if f.lang != "json" {
			continue
		}
		var doc map[string]json.RawMessage
		require.NoError(t, json.Unmarshal([]byte(f.body), &doc), "quick-start JSON block:\n%s", f.body)
		if s, ok := doc["mcpServers"]; ok {
			doc = nil
			require.NoError(t, json.Unmarshal(s, &doc), "mcpServers:\n%s", f.body)
		}
		for name, raw := range doc {
			var c clientConfig
			require.NoError(t, json.Unmarshal(raw, &c), "server %s:\n%s", name, f.body)
			require.NotEmpty(t, c.Command, "server %s has no command:\n%s", name, f.body)
			c.Name = name
			out = append(out, c)
		}
	}
	return out
}

// cloneHead clones the repository this test is in, at HEAD, as a new user
// gets it.
func cloneHead(t *testing.T) string {
	t.Helper()
	root, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	require.NoError(t, err, "the quick-start test runs in a git clone")
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "clone")
	for _, args := range [][]string{
		{"clone", "--quiet", "--no-checkout", strings.TrimSpace(string(root)), dir},
		{"-C", dir, "checkout", "--quiet", "--detach", strings.TrimSpace(string(head))},
	} {
		out, err := exec.Command("git", args...).CombinedOutput()
		require.NoError(t, err, "git %s: %s", command(args), out)
	}
	return dir
}

// cleanEnv is this process's environment without JFrog settings, so a
// developer's JFrog configuration cannot change what the sandbox does.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "JFROG_") && !strings.HasPrefix(kv, "JF_") && !strings.HasPrefix(kv, "GOBIN=") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// runIn runs args in dir and returns its combined output.
func runIn(ctx context.Context, dir string, env, args []string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Dir, cmd.Env = dir, env
	return cmd.CombinedOutput()
}

// stdoutOnly runs args in dir and returns what it wrote to stdout.
func stdoutOnly(ctx context.Context, t *testing.T, dir string, env, args []string) []byte {
	t.Helper()
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.Output()
	require.NoError(t, err, command(args))
	return out
}

// syncBuffer collects a child's stderr while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
