package tools

import (
	"context"
	"log/slog"

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

// Register adds every definition the guard enables to s and returns their names.
func Register(s *server.MCPServer, d *Deps, defs []Definition) []string {
	var names []string
	for _, def := range defs {
		if !d.Guard.Enabled(def.Toolset(), def.Name(), def.Class()) {
			continue
		}
		s.AddTools(def.serverTool(d))
		names = append(names, def.Name())
	}
	return names
}
