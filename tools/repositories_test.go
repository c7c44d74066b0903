package tools_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

func TestListRepositories(t *testing.T) {
	h := newHarness(t, harnessOpts{})

	t.Run("all", func(t *testing.T) {
		list := ok[tools.RepositoryList](t, h.call(t, "list_repositories", nil))
		require.NotNil(t, list.Total)
		assert.Equal(t, len(list.Items), *list.Total)
		assert.False(t, list.HasMore)
		keys := map[string]tools.RepositoryItem{}
		for _, r := range list.Items {
			keys[r.Key] = r
		}
		require.Contains(t, keys, "libs-release-local")
		assert.Equal(t, "local", keys["libs-release-local"].Type, "type is lower-cased for agents")
		assert.Equal(t, "maven", keys["libs-release-local"].PackageType)
	})

	t.Run("filter by type", func(t *testing.T) {
		list := ok[tools.RepositoryList](t, h.call(t, "list_repositories", map[string]any{"type": "remote"}))
		require.NotEmpty(t, list.Items)
		for _, r := range list.Items {
			assert.Equal(t, "remote", r.Type)
		}
	})

	t.Run("paging", func(t *testing.T) {
		first := ok[tools.RepositoryList](t, h.call(t, "list_repositories", map[string]any{"limit": 2}))
		require.Len(t, first.Items, 2)
		require.True(t, first.HasMore)
		require.NotNil(t, first.NextOffset)
		second := ok[tools.RepositoryList](t, h.call(t, "list_repositories", map[string]any{"limit": 2, "offset": *first.NextOffset}))
		require.NotEmpty(t, second.Items)
		assert.NotEqual(t, first.Items[0].Key, second.Items[0].Key)
	})

	t.Run("bad type is explained", func(t *testing.T) {
		e := failed(t, h.call(t, "list_repositories", map[string]any{"type": "cloud"}))
		assert.Equal(t, tools.CodeInvalidArgument, e.Code)
		assert.Contains(t, e.Message, "argument type must be one of local, remote")
	})
}

func TestResponseBudgetCutsLists(t *testing.T) {
	h := newHarness(t, harnessOpts{budget: 400})
	list := ok[tools.RepositoryList](t, h.call(t, "list_repositories", nil))
	assert.True(t, list.Truncated)
	assert.True(t, list.HasMore)
	require.NotNil(t, list.NextOffset)
	assert.Equal(t, len(list.Items), *list.NextOffset)
	assert.Contains(t, list.Hint, "offset=")
	assert.Less(t, len(list.Items), *list.Total)

	next := ok[tools.RepositoryList](t, h.call(t, "list_repositories", map[string]any{"offset": *list.NextOffset}))
	assert.NotEqual(t, list.Items[0].Key, next.Items[0].Key, "the next page continues where the cut one stopped")
}
