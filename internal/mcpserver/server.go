// Package mcpserver assembles the MCP server from the tool catalog and serves it
// over stdio, streamable HTTP and legacy SSE.
package mcpserver

import (
	"log/slog"

	"github.com/mark3labs/mcp-go/server"

	"github.com/jfrog-mcp/jfrog-mcp/internal/buildinfo"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// New builds the MCP server with every tool the guard enables and returns it
// with the names of the registered tools. The instructions are generated
// from the same choice, so they never name a tool the server lacks.
func New(deps *tools.Deps) (*server.MCPServer, []string) {
	sel := tools.Select(deps)
	s := server.NewMCPServer("jfrog-mcp", buildinfo.Version,
		server.WithInstructions(sel.Instructions()),
		server.WithToolCapabilities(false),
		server.WithRecovery(),
	)
	sel.Register(s)
	names := sel.Names()
	if deps.Logger != nil {
		deps.Logger.Debug("tools registered", slog.Int("count", len(names)), slog.Any("tools", names))
	}
	return s, names
}
