package aql

import "fmt"

// LimitError is returned by ParseLimited for a query larger than the
// caller is willing to analyse. It is not a syntax error: Artifactory might
// accept the query; the caller does not.
type LimitError struct {
	What  string // "bytes" or "criteria"
	Limit int
	Size  int // the query's size in bytes, or the count reached
}

func (e *LimitError) Error() string {
	if e.What == "bytes" {
		return fmt.Sprintf("the query is %d bytes; at most %d are accepted", e.Size, e.Limit)
	}
	return fmt.Sprintf("the query has more than %d criteria (fields, conditions and branches); at most %d are accepted", e.Limit, e.Limit)
}

// ParseLimited is Parse for untrusted queries: a query longer than maxBytes
// is refused before any parsing, and parsing stops as soon as it has read
// more than maxNodes criteria members, array elements and conditions, so
// neither the parse nor anything run on the result (AnalyzeRepos, String)
// costs more than the limits allow. Errors are *LimitError or *SyntaxError.
func ParseLimited(query string, maxBytes, maxNodes int) (*Query, error) {
	if len(query) > maxBytes {
		return nil, &LimitError{What: "bytes", Limit: maxBytes, Size: len(query)}
	}
	p := &parser{src: query, maxNodes: maxNodes}
	return p.parse()
}

// count records one more node and fails past the limit.
func (p *parser) count() error {
	p.nodes++
	if p.maxNodes > 0 && p.nodes > p.maxNodes {
		return &LimitError{What: "criteria", Limit: p.maxNodes, Size: p.nodes}
	}
	return nil
}

// Size counts the nodes of a criteria tree the way ParseLimited does, for
// queries built in code rather than parsed.
func (c *Criteria) Size() int {
	n := 0
	c.Walk(func(x *Criteria) bool {
		n += 1 + len(x.Conds)
		return true
	})
	return n
}
