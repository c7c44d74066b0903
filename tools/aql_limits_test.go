package tools_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// A query over the guard's caps is refused before it is analysed or sent,
// with a message that says which cap and what to do.
func TestRunAQLRefusesQueriesOverTheCaps(t *testing.T) {
	h := newHarness(t, harnessOpts{mode: guard.ModeReadOnly})
	big := `items.find({"$or":[` + strings.Repeat(`{"repo":"generic-local"},`, 50_000) + `{"repo":"generic-local"}]})`
	many := `items.find({"$or":[` + strings.Repeat(`{"name":"x"},`, guard.MaxAQLCriteria) + `{"name":"x"}]})`
	for name, q := range map[string]string{"1 MiB": big, "too many criteria": many} {
		t.Run(name, func(t *testing.T) {
			t0 := time.Now()
			e := failed(t, h.call(t, "run_aql", map[string]any{"query": q}))
			assert.Equal(t, tools.CodeGuardDenied, e.Code)
			assert.Contains(t, e.Message, "AQL query refused")
			assert.Less(t, len(e.Message), 500, "the refusal does not echo the query")
			assert.NotEmpty(t, e.Hint)
			assert.Empty(t, h.requestsSince(t0), "nothing reached the emulator")
		})
	}
	out := ok[tools.AQLResult](t, h.call(t, "run_aql", map[string]any{"query": `items.find({"repo":"generic-local"})`}))
	assert.NotEmpty(t, out.AQL)
}
