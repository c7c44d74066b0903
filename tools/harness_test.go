package tools_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/emulatortest"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
	"github.com/jfrog-mcp/jfrog-mcp/internal/mcpserver"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// harness is a real MCP client talking in-process to the real server, whose
// JFrog client talks real HTTP to the emulator.
type harness struct {
	emu   *emulatortest.Server
	mcp   *mcpclient.Client
	names []string
	logs  *syncBuffer
	srv   *server.MCPServer
	deps  *tools.Deps
	// instructions are what initialize returned.
	instructions string
	outcomes     *tools.Outcomes
}

type harnessOpts struct {
	mode     guard.Mode
	toolsets []string // as an operator names them; default: all
	token    string   // upstream token; default the emulator's admin token
	// anonymous sends no credentials at all upstream.
	anonymous bool
	user      string // or: act upstream as this seeded user
	budget    int
	roots     []string        // local roots for upload/download
	own       []guard.OwnFile // the server's own files (policy, audit log)
	rules     *guard.Policy   // a policy; default DefaultPolicy(mode)
	now       func() time.Time
	// wrap, when set, wraps the emulator's handler (see emulatortest.StartWrapped).
	wrap func(http.Handler) http.Handler
	// emu, when set, is shared with another harness (replicas of one
	// server); secret signs confirmation tokens (default: random).
	emu    *emulatortest.Server
	secret []byte
	// elicit, when set, makes the client support elicitation.
	elicit func(ctx context.Context, r mcp.ElicitationRequest) (*mcp.ElicitationResult, error)
}

func (o harnessOpts) policy() guard.Policy {
	if o.rules != nil {
		p := *o.rules
		if p.Mode == "" {
			p.Mode = o.mode
		}
		return p
	}
	return guard.DefaultPolicy(o.mode)
}

func (o harnessOpts) toolsetsOrAll() []string {
	if o.toolsets == nil {
		return []string{"all"}
	}
	return o.toolsets
}

func newHarness(t *testing.T, o harnessOpts) *harness {
	t.Helper()
	emu := o.emu
	if emu == nil {
		emu = emulatortest.StartWrapped(t, emulator.DemoSeed(), o.wrap)
	}
	if o.mode == "" {
		o.mode = guard.ModeWrite
	}
	if o.user != "" {
		tok, err := emu.Emu.MintToken(o.user)
		require.NoError(t, err)
		o.token = tok
	}
	if o.token == "" && !o.anonymous {
		o.token = emu.AdminToken
	}
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := client.New(client.Config{URL: emu.URL, AccessToken: o.token, Logger: logger, RetryBaseDelay: time.Millisecond})
	require.NoError(t, err)
	roots, err := guard.NewLocalRoots(o.roots)
	require.NoError(t, err)
	toolsets, err := tools.EnabledToolsets(o.toolsetsOrAll())
	require.NoError(t, err)
	g, err := guard.New(guard.Config{Policy: o.policy(), Toolsets: toolsets, LocalRoots: roots, OwnFiles: o.own, Audit: logger, Now: o.now, Secret: o.secret})
	require.NoError(t, err)
	outcomes := &tools.Outcomes{}
	deps := &tools.Deps{Client: c, Guard: g, Logger: logger, Budget: o.budget, Outcomes: outcomes}
	s, names := mcpserver.New(deps)

	var opts []mcpclient.ClientOption
	if o.elicit != nil {
		opts = append(opts, mcpclient.WithElicitationHandler(elicitFunc(o.elicit)))
	}
	mc, err := mcpclient.NewInProcessClientWithOptions(s, opts...)
	require.NoError(t, err)
	ctx := t.Context()
	require.NoError(t, mc.Start(ctx))
	init, err := mc.Initialize(ctx, mcp.InitializeRequest{Params: mcp.InitializeParams{
		ProtocolVersion: mcp.LATEST_LEGACY_PROTOCOL_VERSION,
		ClientInfo:      mcp.Implementation{Name: "harness", Version: "0"},
	}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = mc.Close() })
	return &harness{emu: emu, mcp: mc, names: names, logs: logs, srv: s, deps: deps, instructions: init.Instructions, outcomes: outcomes}
}

// call invokes a tool and fails the test on a protocol error.
func (h *harness) call(t *testing.T, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	res, err := h.mcp.CallTool(ctx, mcp.CallToolRequest{Params: mcp.CallToolParams{Name: name, Arguments: args}})
	require.NoError(t, err, "protocol error calling %s", name)
	return res
}

// callExtra registers a tool that only this test defines, then calls it.
func (h *harness) callExtra(t *testing.T, def tools.Definition, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	require.Equal(t, name, def.Name())
	tools.RegisterExtra(h.srv, h.deps, "artifacts", def)
	return h.call(t, name, args)
}

// requestsSince returns the requests the emulator began after t0. Better
// than ResetRequests then Requests for "nothing reached JFrog": a request is
// logged when its handler returns, and the handler of an earlier download
// whose client stopped reading can return after the reset.
func (h *harness) requestsSince(t0 time.Time) []emulator.RecordedRequest {
	var out []emulator.RecordedRequest
	for _, r := range h.emu.Emu.Requests() {
		if !r.Time.Before(t0) {
			out = append(out, r)
		}
	}
	return out
}

// ok asserts success and decodes structuredContent into T.
func ok[T any](t *testing.T, res *mcp.CallToolResult) T {
	t.Helper()
	require.False(t, res.IsError, "unexpected error result: %s", text(res))
	b, err := json.Marshal(res.StructuredContent)
	require.NoError(t, err)
	var out T
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}

// failed asserts an error result and decodes its {"error":{...}} body.
func failed(t *testing.T, res *mcp.CallToolResult) tools.Error {
	t.Helper()
	require.True(t, res.IsError, "expected an error result, got: %s", text(res))
	var body struct {
		Error tools.Error `json:"error"`
	}
	require.NoError(t, json.Unmarshal([]byte(text(res)), &body), "error text is not JSON: %s", text(res))
	return body.Error
}

func text(res *mcp.CallToolResult) string {
	var b bytes.Buffer
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// syncBuffer collects log output from concurrent goroutines.
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

func emulatorFault(pathPrefix string, status int) emulator.FaultRule {
	return emulator.FaultRule{PathPrefix: pathPrefix, Status: status}
}

func callReq(name string, args map[string]any) mcp.CallToolRequest {
	return mcp.CallToolRequest{Params: mcp.CallToolParams{Name: name, Arguments: args}}
}
