package tools_test

import (
	"encoding/json"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// structuredMap is a result's structured content as the agent reads it.
func structuredMap(t *testing.T, res *mcp.CallToolResult) map[string]json.RawMessage {
	t.Helper()
	require.False(t, res.IsError, "unexpected error result: %s", text(res))
	b, err := json.Marshal(res.StructuredContent)
	require.NoError(t, err)
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

// listPage is the paging part of a list result.
type listPage struct {
	Items      []json.RawMessage `json:"items"`
	HasMore    bool              `json:"has_more"`
	NextOffset *int              `json:"next_offset"`
	Total      *int              `json:"total"`
}

func decodeListPage(t *testing.T, raw json.RawMessage) listPage {
	t.Helper()
	var p listPage
	require.NoError(t, json.Unmarshal(raw, &p))
	return p
}

// The README: "total is there only where the whole list is known:
// list_repositories (what the policy lets the server see) and a folder's
// children in get_artifact_info. search_artifacts and run_aql page through
// AQL, which does not count matches, so they have no total".
func TestListTotalOnlyWhereKnown(t *testing.T) {
	repo, _ := firstFile(t, emulator.DemoSeed())

	t.Run("list_repositories counts what the policy shows", func(t *testing.T) {
		h := newHarness(t, harnessOpts{})
		all := decodeListPage(t, marshalRaw(t, structuredMap(t, h.call(t, "list_repositories", map[string]any{}))))
		require.Greater(t, len(all.Items), 1, "the demo data has several repositories")
		require.NotNil(t, all.Total)
		assert.Equal(t, len(all.Items), *all.Total)
		assert.False(t, all.HasMore)
		assert.Nil(t, all.NextOffset, "no next_offset when there is no more")

		one := decodeListPage(t, marshalRaw(t, structuredMap(t, h.call(t, "list_repositories", map[string]any{"limit": 1}))))
		require.Len(t, one.Items, 1)
		require.NotNil(t, one.Total)
		assert.Equal(t, len(all.Items), *one.Total, "the total is the whole list's, not the page's")
		assert.True(t, one.HasMore)
		require.NotNil(t, one.NextOffset)
		assert.Equal(t, 1, *one.NextOffset)

		policy := guard.DefaultPolicy(guard.ModeWrite)
		policy.Read = []guard.Rule{{Repo: repo}}
		hidden := newHarness(t, harnessOpts{rules: &policy})
		seen := decodeListPage(t, marshalRaw(t, structuredMap(t, hidden.call(t, "list_repositories", map[string]any{}))))
		require.NotNil(t, seen.Total)
		assert.Equal(t, 1, *seen.Total, "a repository the policy hides is not counted")
	})

	t.Run("list_builds counts what the policy shows", func(t *testing.T) {
		policy := guard.DefaultPolicy(guard.ModeWrite)
		policy.Builds.Read = []guard.NameRule{{Name: "web-frontend"}}
		h := newHarness(t, harnessOpts{rules: &policy})
		p := decodeListPage(t, marshalRaw(t, structuredMap(t, h.call(t, "list_builds", map[string]any{}))))
		require.Len(t, p.Items, 1, "the demo data's web-frontend, not billing-service")
		require.NotNil(t, p.Total)
		assert.Equal(t, 1, *p.Total, "a build the policy hides is not counted")
		assert.False(t, p.HasMore)
	})

	t.Run("a folder's children have a total", func(t *testing.T) {
		h := newHarness(t, harnessOpts{})
		all := decodeListPage(t, structuredMap(t, h.call(t, "get_artifact_info", map[string]any{"repo": repo}))["children"])
		require.NotEmpty(t, all.Items)
		require.NotNil(t, all.Total)
		assert.Equal(t, len(all.Items), *all.Total)
		one := decodeListPage(t, structuredMap(t, h.call(t, "get_artifact_info", map[string]any{"repo": repo, "limit": 1}))["children"])
		require.NotNil(t, one.Total)
		assert.Equal(t, len(all.Items), *one.Total)
	})

	t.Run("search_artifacts has no total", func(t *testing.T) {
		h := newHarness(t, harnessOpts{})
		m := structuredMap(t, h.call(t, "search_artifacts", map[string]any{"repos": []string{repo}, "limit": 1}))
		assert.NotContains(t, m, "total")
		p := decodeListPage(t, marshalRaw(t, m))
		require.Len(t, p.Items, 1)
		assert.True(t, p.HasMore, "the demo repository holds more than one file")
		require.NotNil(t, p.NextOffset)
	})

	t.Run("run_aql has no total; its range counts the page", func(t *testing.T) {
		h := newHarness(t, harnessOpts{})
		q := `items.find({"repo":"` + repo + `"})`
		m := structuredMap(t, h.call(t, "run_aql", map[string]any{"query": q, "limit": 1}))
		assert.NotContains(t, m, "total")
		p := decodeListPage(t, marshalRaw(t, m))
		require.Len(t, p.Items, 1)
		assert.True(t, p.HasMore)
		var r struct {
			Range struct {
				Total int `json:"total"`
			} `json:"range"`
		}
		require.NoError(t, json.Unmarshal(marshalRaw(t, m), &r))
		assert.Equal(t, 1, r.Range.Total, "Artifactory's range.total is the rows returned")
	})
}

func marshalRaw(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}
