package tools_test

import (
	"context"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// In read-only mode no tool of another class is even listed.
func TestReadOnlyModeRegistersOnlyReadTools(t *testing.T) {
	h := newHarness(t, harnessOpts{mode: guard.ModeReadOnly})
	res, err := h.mcp.ListTools(context.Background(), mcp.ListToolsRequest{})
	require.NoError(t, err)
	classes := map[string]guard.Class{}
	for _, d := range tools.All() {
		classes[d.Name()] = d.Class()
	}
	require.NotEmpty(t, res.Tools)
	for _, tool := range res.Tools {
		assert.Equal(t, guard.ClassRead, classes[tool.Name], "%s listed in read-only mode", tool.Name)
	}
}

// Every decision reaches the audit log with the caller, tool and actions.
func TestGuardDecisionsAreLogged(t *testing.T) {
	h := newHarness(t, harnessOpts{mode: guard.ModeReadOnly})
	ok[tools.ArtifactInfo](t, h.call(t, "get_artifact_info", map[string]any{"repo": "generic-local"}))
	logs := h.logs.String()
	assert.Contains(t, logs, `"msg":"guard decision"`)
	assert.Contains(t, logs, `"tool":"get_artifact_info"`)
	assert.Contains(t, logs, `"decision":"allow"`)
	assert.Contains(t, logs, `"read generic-local"`)
}
