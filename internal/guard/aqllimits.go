package guard

import (
	"errors"
	"fmt"

	"github.com/jfrog-mcp/jfrog-mcp/internal/aql"
)

// The most AQL the guard analyses in one call. Queries agents and
// jfrog-client-go write are a few KiB with tens of criteria; the caps keep
// a hostile query from being a cheap way to tie up the server, and they are
// enforced before parsing (bytes) and during it (criteria).
const (
	MaxAQLBytes    = 128 << 10
	MaxAQLCriteria = 10_000
)

// ParseAQL parses a query from a caller within the guard's caps. A query
// over them is a *Denied that says which cap and what to do; a syntax error
// is the *aql.SyntaxError Artifactory would report.
func ParseAQL(query string) (*aql.Query, error) {
	q, err := aql.ParseLimited(query, MaxAQLBytes, MaxAQLCriteria)
	var le *aql.LimitError
	if errors.As(err, &le) {
		return nil, aqlTooLarge(le.Error())
	}
	return q, err
}

// checkAQLSize applies the criteria cap to a query built in code (a tool's
// own AQL from its arguments), which ParseAQL never saw.
func checkAQLSize(q *aql.Query) *Denied {
	// Size also counts objects, so it is at least what the parser counts.
	if n := q.Criteria.Size(); n > 2*MaxAQLCriteria {
		return aqlTooLarge(fmt.Sprintf("the query has %d criteria; at most %d are accepted", n, MaxAQLCriteria))
	}
	return nil
}

func aqlTooLarge(why string) *Denied {
	return &Denied{
		Reason: "AQL query refused: " + why,
		Hint:   "split it into several smaller queries, or match many repositories or names with one $match pattern",
	}
}
