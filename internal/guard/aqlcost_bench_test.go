package guard

import (
	"fmt"
	"strings"
	"testing"
)

// orQuery is an items query whose criteria are one $or of n repo branches,
// the shape that took ~3 s per call at 20,000 branches.
func orQuery(n int) string {
	var b strings.Builder
	b.WriteString(`items.find({"$or":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"repo":"repo-%d"}`, i)
	}
	b.WriteString(`]})`)
	return b.String()
}

// padTo grows an $or query to at least size bytes.
func padTo(size int) string {
	n := size / 18
	for {
		q := orQuery(n)
		if len(q) >= size {
			return q
		}
		n += n / 10
	}
}

// largestAccepted is the longest $or query within MaxAQLBytes.
func largestAccepted() string {
	n := 1000
	for len(orQuery(n+100)) <= MaxAQLBytes {
		n += 100
	}
	return orQuery(n)
}

// BenchmarkAQLGuard is the whole guard path of run_aql for one query: parse
// (with the guard's caps) and decide. The 1 MiB query must be refused or
// analysed in under 50 ms.
func BenchmarkAQLGuard(b *testing.B) {
	g := restrictive(b)
	for _, tc := range []struct {
		name  string
		query string
	}{
		{"or-1000", orQuery(1000)},
		{"or-5000", orQuery(5000)},
		{"or-20000", orQuery(20000)},
		{"largest-accepted", largestAccepted()},
		{"1MiB", padTo(1 << 20)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(tc.query)))
			for b.Loop() {
				q, err := ParseAQL(tc.query)
				if err == nil {
					_ = check(g, Action{Class: ClassRead, AQL: q})
				}
			}
		})
	}
}
