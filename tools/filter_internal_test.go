package tools

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// TestAQLTableFilter checks the run_aql table's own filter: rows are
// found by the columns or the common values that name them, the range
// counts what is left, and virtual_repos names only visible keys.
func TestAQLTableFilter(t *testing.T) {
	visible := func(r guard.Resource) bool {
		return r.Repo == "open-local" || (r.KeyOnly && r.Repo == "open")
	}
	r := &AQLResult{
		Columns: []string{"repo", "name", "virtual_repos"},
		Common:  map[string]any{"path": "."},
		List: List[[]any]{Items: [][]any{
			{"open-local", "a.txt", []any{"open", "secret-virtual"}},
			{"secret-local", "b.txt", []any{"open"}},
			{"open-local", "c.txt", nil},
		}},
		Range: AQLRange{EndPos: 3, Total: 3},
	}
	assert.Equal(t, 1, r.filterItems(visible))
	assert.Equal(t, [][]any{{"open-local", "a.txt", []any{"open"}}, {"open-local", "c.txt", nil}}, r.Items)
	assert.Equal(t, AQLRange{EndPos: 2, Total: 2}, r.Range)

	// A table whose rows share the repository names it once, in common.
	r = &AQLResult{Columns: []string{"name"}, Common: map[string]any{"repo": "secret-local", "path": "x"},
		List: List[[]any]{Items: [][]any{{"a"}, {"b"}}}, Range: AQLRange{EndPos: 2, Total: 2}}
	assert.Equal(t, 2, r.filterItems(visible))
	assert.Empty(t, r.Items)
	assert.Nil(t, r.Common, "what the removed rows shared is not shown either")
}
