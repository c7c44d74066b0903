package aql

import (
	"fmt"
	"strings"
	"testing"
)

// orOf is {"$or":[{"repo":"<prefix>0"},...]} with n branches; pattern
// branches use $match.
func orOf(n int, prefix string, pattern bool) string {
	var b strings.Builder
	b.WriteString(`{"$or":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		if pattern {
			fmt.Fprintf(&b, `{"repo":{"$match":"%s%d*"}}`, prefix, i)
		} else {
			fmt.Fprintf(&b, `{"repo":"%s%d"}`, prefix, i)
		}
	}
	b.WriteString(`]}`)
	return b.String()
}

// BenchmarkAnalyzeRepos is the analysis alone, without the guard's caps:
// it grows linearly with the branches (it was quadratic: ~3 s at 20,000),
// and the pattern-against-key work of an intersection is bounded.
func BenchmarkAnalyzeRepos(b *testing.B) {
	for _, tc := range []struct{ name, query string }{
		{"or-2000", "items.find(" + orOf(2000, "r", false) + ")"},
		{"or-20000", "items.find(" + orOf(20000, "r", false) + ")"},
		{"or-200000", "items.find(" + orOf(200000, "r", false) + ")"},
		{"and-of-or-20000x20000", `items.find({"$and":[` + orOf(20000, "r", false) + "," + orOf(20000, "r", false) + "]})"},
		{"exact-and-patterns-20000x20000", `items.find({"$and":[` + orOf(20000, "r", false) + "," + orOf(20000, "p", true) + "]})"},
	} {
		q, err := Parse(tc.query)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(tc.query)))
			for b.Loop() {
				_ = q.AnalyzeRepos()
			}
		})
	}
}
