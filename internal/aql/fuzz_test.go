package aql

import (
	"errors"
	"testing"
)

// FuzzParse checks that Parse never panics, only fails with *SyntaxError,
// and that accepted queries print to a form that re-parses to an equal AST
// (and that printing is a fixed point). Repo analysis must not panic and
// narrowing must always yield a bounded query.
//
//	go test ./internal/aql -run '^$' -fuzz FuzzParse -fuzztime 30s
func FuzzParse(f *testing.F) {
	for _, s := range jcgQueries {
		f.Add(s)
	}
	for _, s := range docQueries {
		f.Add(s)
	}
	f.Add(`items.find({"repo":"a","repo":{"$ne":"b"},"$msp":{"@x":"1"}}).limit(1)`)
	f.Add(`items.find({"name":"\u0000\ud800x"})`)
	f.Fuzz(func(t *testing.T, src string) {
		q, err := Parse(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error is %T, want *SyntaxError", err)
			}
			if se.Offset < 0 || se.Offset > len(src) {
				t.Fatalf("offset %d out of range", se.Offset)
			}
			return
		}
		out := q.String()
		q2, err := Parse(out)
		if err != nil {
			t.Fatalf("re-parse of %q failed: %v", out, err)
		}
		if out2 := q2.String(); out2 != out {
			t.Fatalf("String not a fixed point:\n%s\n%s", out, out2)
		}
		if !equalQuery(q, q2) {
			t.Fatalf("round trip changed the AST for %q", out)
		}
		q.AnalyzeRepos()
		if q.Domain == DomainItems {
			And(q, RepoIn([]string{"only"}))
			repos, bounded := q.Repos()
			if !bounded || len(repos) > 1 {
				t.Fatalf("narrowed query not bounded to one repo: %v %v (%s)", repos, bounded, q)
			}
		}
	})
}

// equalQuery compares via the canonical form plus the fields String may
// not distinguish, avoiding reflect on big trees.
func equalQuery(a, b *Query) bool {
	return a.String() == b.String() && a.Domain == b.Domain && equalCriteria(a.Criteria, b.Criteria)
}

func equalCriteria(a, b *Criteria) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Kind != b.Kind || a.Field != b.Field || a.Short != b.Short || a.MSPObject != b.MSPObject ||
		len(a.Conds) != len(b.Conds) || len(a.Children) != len(b.Children) {
		return false
	}
	for i := range a.Conds {
		if a.Conds[i] != b.Conds[i] {
			return false
		}
	}
	for i := range a.Children {
		if !equalCriteria(a.Children[i], b.Children[i]) {
			return false
		}
	}
	return true
}
