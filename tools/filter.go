package tools

import (
	"fmt"

	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// Resourced is implemented by result items that show something of a
// repository. The wrapper removes every such item the guard's decision
// hides, whatever the handler returned, so a new list tool cannot forget
// to filter.
type Resourced interface {
	Resource() guard.Resource
}

// filterable is implemented by results that hold Resourced items: List
// does it for every list result, and results shaped otherwise (run_aql's
// table) do it themselves. It returns how many items it removed.
type filterable interface {
	filterItems(visible func(guard.Resource) bool) int
}

// hiddenNoter is implemented by results that tell the agent how many
// items the policy removed, where that explains a short page.
type hiddenNoter interface {
	noteHidden(n int)
}

// applyDecision removes what the decision hides from a handler's result.
func applyDecision(out any, dec *guard.Decision) {
	f, ok := out.(filterable)
	if !ok {
		return
	}
	if n := f.filterItems(dec.Visible); n > 0 {
		if h, ok := out.(hiddenNoter); ok {
			h.noteHidden(n)
		}
	}
}

func (l *List[T]) filterItems(visible func(guard.Resource) bool) int {
	kept := l.Items[:0:0]
	for _, it := range l.Items {
		if r, ok := any(it).(Resourced); ok && !visible(r.Resource()) {
			continue
		}
		kept = append(kept, it)
	}
	removed := len(l.Items) - len(kept)
	if removed > 0 {
		l.Items = kept
	}
	return removed
}

func hiddenNote(n int, what string) string {
	return fmt.Sprintf("%d %s outside the policy were removed", n, what)
}

// visibleOnly applies the decision's filter to a complete result before a
// handler pages it locally, so pages are full and totals count only what
// the agent may see. The wrapper's filter then finds nothing to remove.
func visibleOnly[T Resourced](all []T, dec *guard.Decision) []T {
	out := make([]T, 0, len(all))
	for _, it := range all {
		if dec.Visible(it.Resource()) {
			out = append(out, it)
		}
	}
	return out
}

// notReadable is what a result, plan or conflict says instead of
// describing existing items the call may change but not read.
const notReadable = "the policy does not let this server read it, so what is there is not described"
