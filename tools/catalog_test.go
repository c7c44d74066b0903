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

// With only the artifacts toolset, nothing the client reads names
// get_platform_info or list_repositories: not the instructions, not a
// description, not the hint of an error.
func TestArtifactsToolsetAlone(t *testing.T) {
	h := newHarness(t, harnessOpts{mode: guard.ModeReadOnly, toolsets: []string{"artifacts"}})
	listed, err := h.mcp.ListTools(context.Background(), mcp.ListToolsRequest{})
	require.NoError(t, err)
	require.NotEmpty(t, listed.Tools)
	missing := []string{"get_platform_info", "list_repositories"}
	for _, name := range missing {
		assert.NotContains(t, h.names, name)
		assert.NotContains(t, h.instructions, name)
	}
	assert.Contains(t, h.instructions, "search_artifacts")
	for _, tool := range listed.Tools {
		for _, name := range missing {
			assert.NotContains(t, tool.Description, name, tool.Name)
		}
	}
	// A missing repository (found missing by the guard's lookup) and a
	// missing path: their hints would point at list_repositories.
	e := failed(t, h.call(t, "get_artifact_info", map[string]any{"repo": "no-such-repo", "path": "x"}))
	assert.Equal(t, tools.CodeNotFound, e.Code)
	e2 := failed(t, h.call(t, "get_artifact_info", map[string]any{"repo": "generic-local", "path": "no/such/x"}))
	assert.Equal(t, tools.CodeNotFound, e2.Code)
	for _, name := range missing {
		assert.NotContains(t, e.Hint, name)
		assert.NotContains(t, e2.Hint, name)
	}
}

// Annotations describe everything a call can change, on JFrog and on the
// server's machine. Every tool is listed here: a new tool fails this test
// until its annotations are looked at.
func TestAnnotations(t *testing.T) {
	type ann struct{ readOnly, destructive, idempotent, openWorld bool }
	want := map[string]ann{
		"get_platform_info":          {true, false, true, true},
		"list_repositories":          {true, false, true, true},
		"get_artifact_info":          {true, false, true, true},
		"search_artifacts":           {true, false, true, true},
		"run_aql":                    {true, false, true, true},
		"download_artifact":          {false, true, true, true}, // overwrite: true replaces a local file
		"upload_artifact":            {false, true, true, true},
		"set_artifact_properties":    {false, true, true, true},
		"delete_artifact_properties": {false, true, true, true},
		"copy_artifacts":             {false, true, true, true},
		"move_artifacts":             {false, true, false, true},
		"delete_artifact":            {false, true, true, true},
		"list_builds":                {true, false, true, true},
		"get_build_info":             {true, false, true, true},
		"diff_builds":                {true, false, true, true},
		"publish_build_info":         {false, true, false, true}, // overwrite replaces a run; a second publish is a conflict
		"promote_build":              {false, true, false, true}, // a move removes the source; a second copy finds the files there
	}
	h := newHarness(t, harnessOpts{mode: guard.ModeAdmin})
	listed, err := h.mcp.ListTools(context.Background(), mcp.ListToolsRequest{})
	require.NoError(t, err)
	require.Len(t, listed.Tools, len(tools.All()))
	for _, tool := range listed.Tools {
		w, ok := want[tool.Name]
		if !assert.True(t, ok, "no expected annotations for %s", tool.Name) {
			continue
		}
		a := tool.Annotations
		require.NotNil(t, a.ReadOnlyHint, tool.Name)
		require.NotNil(t, a.DestructiveHint, tool.Name)
		require.NotNil(t, a.IdempotentHint, tool.Name)
		require.NotNil(t, a.OpenWorldHint, tool.Name)
		assert.Equal(t, w, ann{*a.ReadOnlyHint, *a.DestructiveHint, *a.IdempotentHint, *a.OpenWorldHint}, tool.Name)
	}
}

// Every call's outcome is counted once, by tool and code.
func TestOutcomesAreRecorded(t *testing.T) {
	h := newHarness(t, harnessOpts{mode: guard.ModeReadOnly})
	ok[tools.ArtifactInfo](t, h.call(t, "get_artifact_info", map[string]any{"repo": "generic-local"}))
	failed(t, h.call(t, "get_artifact_info", map[string]any{"repo": "generic-local", "path": "no/such/file"}))
	failed(t, h.call(t, "get_artifact_info", map[string]any{"repo": 7}))
	got := map[string]int64{}
	for _, c := range h.outcomes.Snapshot() {
		got[c.Tool+" "+string(c.Outcome)] = c.Calls
		assert.Positive(t, c.Duration, "%s %s", c.Tool, c.Outcome)
	}
	assert.Equal(t, map[string]int64{
		"get_artifact_info ok":               1,
		"get_artifact_info not_found":        1,
		"get_artifact_info invalid_argument": 1,
	}, got)
}
