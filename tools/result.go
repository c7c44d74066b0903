package tools

import (
	"encoding/json"
	"fmt"
	"sort"
)

// DefaultBudget caps the JSON an agent reads from one result. About 60 KB of
// JSON is well under 25k tokens, the most any single result may cost.
const DefaultBudget = 60_000

// List is the shape of every list result: the items of this page and how to
// get the next one. Tools embed it so paging and truncation work the same
// everywhere.
type List[T any] struct {
	Items      []T    `json:"items"`
	Offset     int    `json:"offset" jsonschema:"description=Offset of the first item in this page"`
	HasMore    bool   `json:"has_more"`
	NextOffset *int   `json:"next_offset,omitempty" jsonschema:"description=Pass as offset to get the next page"`
	Total      *int   `json:"total,omitempty"`
	Truncated  bool   `json:"truncated,omitempty" jsonschema:"description=True when the page was cut to fit the response budget"`
	Hint       string `json:"hint,omitempty"`

	full []T // the page before any cut, so the budget search can widen again
}

// Paginate fills the list with all[offset:offset+limit] of a complete result,
// for upstream endpoints that do not page themselves.
func Paginate[T any](all []T, offset, limit int) List[T] {
	total := len(all)
	l := List[T]{Items: []T{}, Offset: offset, Total: &total}
	if offset < len(all) {
		end := min(len(all), offset+limit)
		l.Items = all[offset:end]
	}
	if next := offset + len(l.Items); next < total {
		l.HasMore, l.NextOffset = true, &next
	}
	return l
}

func (l *List[T]) itemCount() int { return len(l.Items) }

// keep cuts the page to its first n items because the whole page did not fit
// the budget, and says how to get the rest.
func (l *List[T]) keep(n int) {
	if l.full == nil {
		l.full = l.Items
	}
	l.Items = l.full[:n]
	next := l.Offset + n
	l.HasMore, l.NextOffset, l.Truncated = true, &next, true
	l.Hint = fmt.Sprintf("result cut to %d items to fit the response budget; call again with offset=%d, a smaller limit or a narrower query", n, next)
}

// truncatable is implemented by every result that embeds List.
type truncatable interface {
	itemCount() int
	keep(n int)
}

// fitBudget marshals out and, if it exceeds budget, cuts list results to the
// largest page that fits. It returns the final JSON.
func fitBudget(out any, budget int) ([]byte, error) {
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("marshal result: %w", err)
	}
	if budget <= 0 || len(b) <= budget {
		return b, nil
	}
	t, ok := out.(truncatable)
	if !ok {
		return nil, Errorf(CodeInvalidArgument, "ask for less: a narrower path, fewer fields or a smaller limit",
			"the result is %d bytes, over the %d-byte response budget", len(b), budget)
	}
	// Binary search the largest prefix whose JSON fits; marshalling is cheap
	// next to the round trip that produced the items.
	n := t.itemCount()
	drop := sort.Search(n+1, func(k int) bool {
		t.keep(n - k)
		bb, _ := json.Marshal(out)
		return len(bb) <= budget
	})
	t.keep(n - min(drop, n)) // drop == n+1: not even an empty page fits
	if b, err = json.Marshal(out); err != nil {
		return nil, fmt.Errorf("marshal result: %w", err)
	}
	if len(b) > budget {
		return nil, Errorf(CodeInvalidArgument, "ask for less: a narrower query or fewer fields",
			"even one item is over the %d-byte response budget", budget)
	}
	return b, nil
}
