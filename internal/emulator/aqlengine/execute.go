package aqlengine

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jfrog-mcp/jfrog-mcp/internal/aql"
)

// Execute runs q over items. now anchors $before/$last.
//
// Errors: *UnsupportedError for anything the emulator does not model
// (non-items domains, build/archive/release criteria or includes, sort by
// non-item fields), *QueryError for queries Artifactory rejects with 400.
func Execute(q *aql.Query, items []Item, now time.Time) (*Response, error) {
	if q.Domain != aql.DomainItems {
		return nil, &UnsupportedError{Message: fmt.Sprintf("the emulator supports only the items and builds domains in AQL, not %q", q.Domain)}
	}
	proj, err := newProjection(q.Include)
	if err != nil {
		return nil, err
	}
	if proj.otherDoms && (q.Sort != nil || q.Offset != nil || q.Limit != nil) {
		return nil, &QueryError{Message: msgIncludeOtherDomains}
	}
	match := predicate(func(*Item) bool { return true })
	if q.Criteria != nil {
		if match, err = (&compiler{now: now}).node(q.Criteria); err != nil {
			return nil, err
		}
	}
	filesOnly := !mentionsType(q.Criteria)

	var hits []*Item
	for i := range items {
		it := &items[i]
		if filesOnly && it.Type != "file" {
			continue
		}
		if match(it) {
			hits = append(hits, it)
		}
	}
	if err := sortItems(hits, q.Sort); err != nil {
		return nil, err
	}

	return respond(q, hits, proj.row), nil
}

// respond pages hits by the query's offset and limit and renders each row.
func respond(q *aql.Query, hits []*Item, row func(*Item) map[string]any) *Response {
	start := int64(0)
	if q.Offset != nil {
		start = min(*q.Offset, int64(len(hits)))
	}
	end := int64(len(hits))
	if q.Limit != nil && start+*q.Limit < end {
		end = start + *q.Limit
	}
	page := hits[start:end]

	resp := &Response{Results: make([]map[string]any, 0, len(page))}
	for _, it := range page {
		resp.Results = append(resp.Results, row(it))
	}
	// total is the number of results in this response, not the size of the
	// whole match set: AQL streams and never counts beyond what it returns
	// (docs samples show total == end_pos - start_pos).
	resp.Range = Range{StartPos: start, EndPos: end, Total: end - start}
	if q.Limit != nil {
		l := *q.Limit
		resp.Range.Limit = &l
	}
	return resp
}

// mentionsType reports whether the criteria contain any "type" criterion.
// Without one, AQL items.find returns files only (the reason
// jfrog-client-go adds "type":"any" for --include-dirs and queries folders
// with "type":"folder").
func mentionsType(c *aql.Criteria) bool {
	found := false
	c.Walk(func(n *aql.Criteria) bool {
		if n.Kind == aql.KindField && n.Field == "type" {
			found = true
		}
		return !found
	})
	return found
}

// sortItems applies .sort(). Ties (and queries without .sort()) fall back
// to (repo, path, name) ascending, because the emulator has no database
// order to fall back on and tests need determinism. Items with a null
// value sort first in ascending order.
func sortItems(hits []*Item, s *aql.Sort) error {
	if s != nil {
		for _, f := range s.Fields {
			if _, ok := itemField(&Item{}, f); !ok || strings.Contains(f, ".") {
				return &UnsupportedError{Message: fmt.Sprintf("the emulator supports AQL sort by item fields only, not %q", f)}
			}
		}
	}
	sortBy(hits, []string{"repo", "path", "name"}, false)
	if s != nil {
		sortBy(hits, s.Fields, s.Order == "$desc")
	}
	return nil
}

func sortBy(hits []*Item, fields []string, desc bool) {
	sort.SliceStable(hits, func(i, j int) bool {
		for _, f := range fields {
			a, _ := itemField(hits[i], f)
			b, _ := itemField(hits[j], f)
			c := compareValues(a, b)
			if c == 0 {
				continue
			}
			if desc {
				return c > 0
			}
			return c < 0
		}
		return false
	})
}

func compareValues(a, b fieldValue) int {
	if a.kind != b.kind {
		return int(a.kind) - int(b.kind) // null first
	}
	switch a.kind {
	case kindString:
		return strings.Compare(a.s, b.s)
	case kindNumber:
		return cmpFloat(float64(a.n), float64(b.n))
	case kindDate:
		return a.t.Compare(b.t)
	}
	return 0
}
