package tools_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// TestToolSnapshots pins every tool's public contract (name, annotations,
// input and output schema) as clients see it in tools/list. A change shows up
// in review as a diff of testdata/snapshots; refresh with UPDATE_SNAPSHOTS=1.
func TestToolSnapshots(t *testing.T) {
	h := newHarness(t, harnessOpts{mode: guard.ModeAdmin})
	listed, err := h.mcp.ListTools(context.Background(), mcp.ListToolsRequest{})
	require.NoError(t, err)
	require.Len(t, listed.Tools, len(tools.All()), "admin mode registers every tool")

	update := os.Getenv("UPDATE_SNAPSHOTS") != ""
	for _, tool := range listed.Tools {
		t.Run(tool.Name, func(t *testing.T) {
			got, err := json.MarshalIndent(tool, "", "  ")
			require.NoError(t, err)
			got = append(got, '\n')
			file := filepath.Join("testdata", "snapshots", tool.Name+".json")
			if update {
				require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
				require.NoError(t, os.WriteFile(file, got, 0o644))
				return
			}
			want, err := os.ReadFile(file)
			require.NoError(t, err, "no snapshot for %s: run UPDATE_SNAPSHOTS=1 go test ./tools/ and review the new file", tool.Name)
			assert.Equal(t, string(want), string(got), "tool %s changed: if intended, refresh with UPDATE_SNAPSHOTS=1", tool.Name)
		})
	}
}

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
