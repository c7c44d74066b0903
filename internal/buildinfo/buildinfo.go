// Package buildinfo holds the version stamped into the binary at build time.
package buildinfo

// Version is set with -ldflags "-X github.com/jfrog-mcp/jfrog-mcp/internal/buildinfo.Version=v1.2.3".
var Version = "dev"

// UserAgent is what every upstream request and the MCP server identify themselves as.
func UserAgent() string { return "jfrog-mcp/" + Version }
