// Package mcpserver assembles the MCP server from the tool catalog and serves it
// over stdio, streamable HTTP and legacy SSE.
package mcpserver

import (
	"log/slog"

	"github.com/mark3labs/mcp-go/server"

	"github.com/jfrog-mcp/jfrog-mcp/internal/buildinfo"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

const instructions = `jfrog-mcp works a JFrog Platform (Artifactory, Xray, Access) for you.
Start with get_platform_info: it says which services answer, who you act as and what the policy allows.
Use list_repositories for valid repository keys. Results are JSON; lists page with offset/limit and say has_more.
Errors carry a code and a hint saying what to do next.`

// New builds the MCP server with every tool the guard enables and returns it
// with the names of the registered tools.
func New(deps *tools.Deps) (*server.MCPServer, []string) {
	s := server.NewMCPServer("jfrog-mcp", buildinfo.Version,
		server.WithInstructions(instructions),
		server.WithToolCapabilities(false),
		server.WithRecovery(),
	)
	names := tools.Register(s, deps, tools.All())
	if deps.Logger != nil {
		deps.Logger.Debug("tools registered", slog.Int("count", len(names)), slog.Any("tools", names))
	}
	return s, names
}
