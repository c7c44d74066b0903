package tools

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/mark3labs/mcp-go/server"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// Deps is what handlers share: the upstream client, the guard and limits.
type Deps struct {
	Client *client.Client
	Guard  *guard.Guard
	Logger *slog.Logger
	// Budget is the most bytes of JSON one result may carry; 0 means DefaultBudget.
	Budget int
	// Sandbox is true when the server talks to its own in-process emulator.
	Sandbox bool
	// Outcomes, when set, counts every call's outcome (tool, code, duration).
	Outcomes *Outcomes

	// mentions knows what Select chose: texts name only those tools.
	mentions *mentions
}

// say returns text without the clauses that name a tool this server does
// not register.
func (d *Deps) say(text string) string {
	if d.mentions == nil {
		return text
	}
	return d.mentions.onlyRegistered(text)
}

func (d *Deps) budget() int {
	if d.Budget > 0 {
		return d.Budget
	}
	return DefaultBudget
}

func (d *Deps) logger() *slog.Logger {
	if d.Logger != nil {
		return d.Logger
	}
	return slog.New(slog.DiscardHandler)
}

type callerKey struct{}

// WithCaller records who is calling, for the guard and the audit log.
func WithCaller(ctx context.Context, caller string) context.Context {
	return context.WithValue(ctx, callerKey{}, caller)
}

// CallerFrom returns the caller recorded by WithCaller, or "local".
func CallerFrom(ctx context.Context) string {
	if c, ok := ctx.Value(callerKey{}).(string); ok && c != "" {
		return c
	}
	return "local"
}

// Selection is the tools one server registers, chosen by the guard from the
// catalog, and the instructions that go with them.
type Selection struct {
	deps     *Deps
	toolsets []Toolset // with only the chosen tools, catalog order
	names    []string
	off      []string // toolsets with tools, none of them chosen
}

// Select chooses the catalog tools the guard enables. It binds d to the
// choice: descriptions and hints d's tools give name only chosen tools.
func Select(d *Deps) *Selection {
	sel := &Selection{deps: d}
	registered := map[string]bool{}
	d.mentions = newMentions(registered)
	for _, ts := range catalog {
		chosen := ts
		chosen.Tools = nil
		for _, def := range ts.Tools {
			if d.Guard.Enabled(ts.Name, def.Name(), def.Class()) {
				chosen.Tools = append(chosen.Tools, def)
				sel.names = append(sel.names, def.Name())
				registered[def.Name()] = true
			}
		}
		if len(ts.Tools) > 0 && len(chosen.Tools) == 0 {
			sel.off = append(sel.off, ts.Name)
		}
		sel.toolsets = append(sel.toolsets, chosen)
	}
	return sel
}

// Names are the chosen tools, in tools/list order.
func (s *Selection) Names() []string { return s.names }

// Register adds the chosen tools to srv.
func (s *Selection) Register(srv *server.MCPServer) {
	for _, ts := range s.toolsets {
		for _, def := range ts.Tools {
			srv.AddTools(def.serverTool(s.deps, ts.Name))
		}
	}
}

// Instructions are the server instructions for the chosen tools: what every
// toolset with a chosen tool says, and which toolsets are off.
func (s *Selection) Instructions() string {
	var b strings.Builder
	b.WriteString("jfrog-mcp works a JFrog Platform (Artifactory, Xray, Access) for you.\n")
	for _, ts := range s.toolsets {
		if len(ts.Tools) == 0 {
			continue
		}
		if line := s.deps.say(ts.Instructions); line != "" {
			b.WriteString(line + "\n")
		}
	}
	b.WriteString("Results are JSON; lists page with offset/limit and say has_more. Errors carry a code and a hint saying what to do next.")
	if len(s.off) > 0 {
		fmt.Fprintf(&b, "\nToolsets not offered by this server (mode, --toolsets, policy): %s.", strings.Join(s.off, ", "))
	}
	return b.String()
}
