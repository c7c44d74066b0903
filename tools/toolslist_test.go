package tools_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// TestToolsListIsWellFormed checks what every client relies on: object input
// schemas (one non-object schema makes some SDKs reject the whole list) and all
// four annotations set.
func TestToolsListIsWellFormed(t *testing.T) {
	h := newHarness(t, harnessOpts{mode: guard.ModeAdmin})
	res, err := h.mcp.ListTools(context.Background(), mcp.ListToolsRequest{})
	require.NoError(t, err)
	raw, err := json.Marshal(res)
	require.NoError(t, err)
	var list struct {
		Tools []struct {
			Name         string         `json:"name"`
			InputSchema  map[string]any `json:"inputSchema"`
			OutputSchema map[string]any `json:"outputSchema"`
			Annotations  map[string]any `json:"annotations"`
		} `json:"tools"`
	}
	require.NoError(t, json.Unmarshal(raw, &list))
	for _, tool := range list.Tools {
		assert.Equal(t, "object", tool.InputSchema["type"], tool.Name)
		assert.Equal(t, "object", tool.OutputSchema["type"], tool.Name)
		for _, hint := range []string{"readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"} {
			assert.Contains(t, tool.Annotations, hint, "%s lacks %s", tool.Name, hint)
		}
	}
	assert.False(t, bytes.Contains(raw, []byte(`"$ref"`)), "schemas must be inline")
}
