package aql

import (
	"strings"
	"unicode/utf8"
)

// RepoConstraint is one way a query can reach repositories: an exact repo
// key (from "repo":"k" / {"$eq":"k"}) or a wildcard pattern (from $match,
// or an $eq value containing wildcard characters).
type RepoConstraint struct {
	Key     string
	Pattern bool
}

// RepoAnalysis is the result of Query.AnalyzeRepos.
type RepoAnalysis struct {
	// Bounded is true when every item the query can return lies in a repo
	// matched by one of Repos. With Bounded true and Repos empty, the
	// criteria are contradictory and can return nothing.
	Bounded bool
	// Repos lists exact keys first, then patterns, each deduplicated, in
	// first-seen order. When Bounded is false it is nil.
	Repos []RepoConstraint
	// DuplicateKeys reports keys repeated within one object (see
	// Criteria.DuplicateKeys); the analysis already accounts for them.
	DuplicateKeys []string
}

// Repos is AnalyzeRepos without the extras.
func (q *Query) Repos() (repos []RepoConstraint, bounded bool) {
	a := q.AnalyzeRepos()
	return a.Repos, a.Bounded
}

// AnalyzeRepos over-approximates the set of repositories the query can
// return items from. The result is sound (never misses a reachable repo)
// but not complete (may name repos the query cannot actually match).
//
// The rule, computed bottom-up over the criteria AST; "reach" is either
// ALL (unbounded) or a finite set of exact keys and patterns:
//
//   - Only the items domain can be bounded. Other domains (builds,
//     archive.entries, build.promotions, releases) are always unbounded:
//     their results are not items of one repo, so narrowing by "repo"
//     does not apply.
//   - find() and find({}) are ALL.
//   - A "repo" field criterion contributes, per operator (several operators
//     in one {"$op":..} object are ANDed):
//     $eq with a string value: that exact key — unless the value contains a
//     wildcard character (* ? % _ \ or non-ASCII), then it is treated as a
//     pattern, because we cannot be sure how the database compares it;
//     $match with a string value: the pattern, or ALL if the pattern
//     matches every key ("*", "%", "?*", ...);
//     anything else ($ne, $nmatch, $gt/$lt ranges, $before, non-string
//     values): ALL.
//   - Every other field criterion — including "@repo", "property.value",
//     "virtual_repos" and related-domain paths — is ALL.
//   - $msp is ALL regardless of content (it only constrains one property
//     row; the parser already refuses item fields inside it).
//   - $or is the union of its branches: one ALL branch makes it ALL. The
//     members of an object that is a $or element are branches too, not a
//     conjunction (Artifactory ORs them; see reachOf).
//   - $and, and the members of one object elsewhere (implicit $and), intersect: ALL
//     members are neutral, so one bounded member bounds the conjunction,
//     wherever it sits. Intersection keeps an exact key of one side only if
//     the other side may contain it (conservative matching, see
//     RepoConstraint.Matches); pattern∩pattern is over-approximated by one
//     side's patterns.
//   - Members of one object that share a key ({"repo":"a","repo":"b"}, two
//     "$or") are first combined by UNION, then intersected with the rest.
//     Artifactory ANDs duplicates, but a JSON layer that kept only the first
//     or last would not; the union is sound under every reading. The cost
//     is precision: jfrog-client-go's exclusion queries (two sibling "$or")
//     come out unbounded and get narrowed.
//
// The analysis is linear in the number of criteria, plus the pattern
// comparisons that intersections need, which are bounded by a work budget:
// a query that would take more is reported unbounded (sound: it is then
// narrowed), so no query is a cheap way to tie up the caller.
func (q *Query) AnalyzeRepos() RepoAnalysis {
	a := RepoAnalysis{DuplicateKeys: q.Criteria.DuplicateKeys()}
	if q.Domain != DomainItems || q.Criteria == nil {
		return a
	}
	w := &work{left: analysisBudget}
	r := w.reachOf(q.Criteria)
	if r.all || w.left < 0 {
		return a
	}
	a.Bounded = true
	a.Repos = make([]RepoConstraint, 0, len(r.exact)+len(r.patterns))
	seen := make(map[RepoConstraint]bool, len(r.exact)+len(r.patterns))
	add := func(c RepoConstraint) {
		if !seen[c] {
			seen[c] = true
			a.Repos = append(a.Repos, c)
		}
	}
	for _, k := range r.exact {
		add(RepoConstraint{Key: k})
	}
	for _, p := range r.patterns {
		add(RepoConstraint{Key: p, Pattern: true})
	}
	return a
}

// analysisBudget bounds the pattern matching of one analysis, in
// characters compared (pattern length times key length per comparison):
// a few milliseconds of work.
const analysisBudget = 1 << 22

// work is one analysis' remaining budget; below zero the analysis stops
// and the query counts as unbounded.
type work struct{ left int }

func (w *work) spent() bool { return w.left < 0 }

// reach is ALL, or the repos matched by exact ∪ patterns.
type reach struct {
	all      bool
	exact    []string
	patterns []string
}

var reachAll = reach{all: true}

// add unites b into r in place. Every reach value is used once (the
// analysis is a tree walk), so appending to r's slices cannot change a
// value someone else still holds; the copies a pure union made per $or
// branch were what made the analysis quadratic.
func (r *reach) add(b reach) {
	if r.all || b.all {
		*r = reachAll
		return
	}
	r.exact = append(r.exact, b.exact...)
	r.patterns = append(r.patterns, b.patterns...)
}

// matcher answers "may this exact key be in r" for many keys: exact keys
// by a set, patterns one by one against the budget.
type matcher struct {
	exact    map[string]struct{}
	patterns []string
	w        *work
}

// foldKey is how Matches compares exact keys, which never contain
// wildcards or non-ASCII bytes (condReach makes those patterns): ASCII
// case-insensitive, trailing spaces ignored.
func foldKey(k string) string { return strings.ToLower(strings.TrimRight(k, " ")) }

func newMatcher(r reach, w *work) matcher {
	m := matcher{exact: make(map[string]struct{}, len(r.exact)), patterns: r.patterns, w: w}
	for _, e := range r.exact {
		m.exact[foldKey(e)] = struct{}{}
	}
	return m
}

// mayContain reports whether exact key could be in the reach
// (conservatively: true once the budget is spent).
func (m matcher) mayContain(key string) bool {
	if _, ok := m.exact[foldKey(key)]; ok {
		return true
	}
	for _, p := range m.patterns {
		if m.w.left -= (len(p) + 1) * (len(key) + 1); m.w.spent() {
			return true
		}
		if (RepoConstraint{Key: p, Pattern: true}).Matches(key) {
			return true
		}
	}
	return false
}

func (w *work) intersect(a, b reach) reach {
	if a.all {
		return b
	}
	if b.all {
		return a
	}
	var out reach
	if len(b.exact)+len(b.patterns) > 0 {
		bm := newMatcher(b, w)
		for _, e := range a.exact {
			if bm.mayContain(e) {
				out.exact = append(out.exact, e)
			}
		}
	}
	if len(a.exact)+len(a.patterns) > 0 {
		am := newMatcher(a, w)
		for _, e := range b.exact {
			if am.mayContain(e) {
				out.exact = append(out.exact, e)
			}
		}
	}
	// pattern ∩ pattern has no pattern form; either side's list is a
	// superset of it. Keep the shorter one.
	if len(a.patterns) > 0 && len(b.patterns) > 0 {
		if len(a.patterns) <= len(b.patterns) {
			out.patterns = append(out.patterns, a.patterns...)
		} else {
			out.patterns = append(out.patterns, b.patterns...)
		}
	}
	return out
}

// reachOf computes the reach of any node; once the budget is spent it
// stops looking and answers ALL.
func (w *work) reachOf(c *Criteria) reach {
	if w.spent() {
		return reachAll
	}
	switch c.Kind {
	case KindObject:
		if len(c.Children) == 1 {
			return w.reachOf(c.Children[0]) // the common case, without a map
		}
		// Group members by key (duplicates united), then intersect groups.
		groups := map[string]reach{}
		var order []string
		for _, m := range c.Children {
			k := m.Key()
			if k == "" {
				k = "\x00object" // hand-built nested object: its own group
			}
			r := w.reachOf(m)
			if prev, ok := groups[k]; ok {
				prev.add(r)
				groups[k] = prev
				continue
			}
			groups[k] = r
			order = append(order, k)
		}
		out := reachAll
		for _, k := range order {
			out = w.intersect(out, groups[k])
		}
		return out
	case KindAnd:
		out := reachAll
		for _, ch := range c.Children {
			out = w.intersect(out, w.reachOf(ch))
		}
		return out
	case KindOr:
		if len(c.Children) == 0 {
			return reachAll
		}
		out := reach{}
		for _, ch := range c.Children {
			if ch.Kind == KindObject && len(ch.Children) > 0 {
				// Members of an object directly inside a $or array are
				// ORed by Artifactory (its parser's operator stack is
				// pushed by "$and"/"$or" and popped by ']'; braces do not
				// scope), so {"$or":[{"repo":"a","name":"x"}]} reaches
				// every repo. Only an explicit $and keeps them together.
				for _, m := range ch.Children {
					out.add(w.reachOf(m))
				}
			} else {
				out.add(w.reachOf(ch))
			}
			if out.all {
				return reachAll // one unbounded branch: the rest cannot narrow it
			}
		}
		return out
	case KindField:
		if c.Field != "repo" {
			return reachAll
		}
		out := reachAll
		for _, cd := range c.Conds {
			out = w.intersect(out, condReach(cd))
		}
		return out
	}
	return reachAll // KindMSP and anything unknown
}

// condReach is the reach of one operator on the repo field.
func condReach(cd Condition) reach {
	if cd.Value.Kind != ValueString {
		return reachAll
	}
	v := cd.Value.Str
	switch cd.Op {
	case OpEq:
		if !hasWildcard(v) {
			return reach{exact: []string{v}}
		}
	case OpMatch:
	default:
		return reachAll
	}
	if matchesEverything(v) {
		return reachAll
	}
	return reach{patterns: []string{v}}
}

// hasWildcard reports characters that some layer (AQL, SQL LIKE, a
// case/accent-insensitive collation) might not treat literally.
func hasWildcard(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '*' || c == '?' || c == '%' || c == '_' || c == '\\':
			return true
		case c >= utf8.RuneSelf:
			return true
		}
	}
	return false
}

// matchesEverything reports a pattern made only of wildcards, which
// matches every non-empty key (a repo key is never empty).
func matchesEverything(p string) bool {
	if p == "" {
		return false
	}
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '*', '?', '%', '_', '\\':
		default:
			return false
		}
	}
	return true
}

// Matches reports whether a repository key may be selected by this
// constraint. It is deliberately looser than AQL so the guard errs on the
// side of "reachable":
//
//   - comparison is ASCII case-insensitive (MySQL/MSSQL collations are);
//   - exact keys ignore trailing spaces (MySQL PAD SPACE comparison);
//   - in patterns, * and % match any run, ? and _ one character (the query
//     becomes SQL LIKE, and we do not know whether % and _ are escaped);
//     a backslash matches any run (it may be a LIKE escape or a literal);
//   - any non-ASCII rune in an exact key or pattern matches any run
//     (accent- and expansion-insensitive collations, e.g. ß = ss).
func (r RepoConstraint) Matches(repo string) bool {
	if !r.Pattern && !hasWildcard(r.Key) {
		return strings.EqualFold(strings.TrimRight(r.Key, " "), strings.TrimRight(repo, " "))
	}
	return looseMatch(r.Key, repo)
}

// looseMatch is a wildcard matcher implementing Matches' pattern rules.
// It is the classic two-pointer glob algorithm with single-backtrack,
// linear in practice and never exponential.
func looseMatch(pattern, s string) bool {
	p := []rune(pattern)
	t := []rune(s)
	pi, ti := 0, 0
	star, mark := -1, 0
	for ti < len(t) {
		if pi < len(p) {
			c := p[pi]
			switch {
			case c == '*' || c == '%' || c == '\\' || c >= utf8.RuneSelf:
				star, mark = pi, ti
				pi++
				continue
			case c == '?' || c == '_' || foldEq(c, t[ti]):
				pi++
				ti++
				continue
			}
		}
		if star >= 0 {
			pi = star + 1
			mark++
			ti = mark
			continue
		}
		return false
	}
	for pi < len(p) {
		c := p[pi]
		if c != '*' && c != '%' && c != '\\' && c < utf8.RuneSelf {
			return false
		}
		pi++
	}
	return true
}

func foldEq(a, b rune) bool {
	if a >= 'A' && a <= 'Z' {
		a += 'a' - 'A'
	}
	if b >= 'A' && b <= 'Z' {
		b += 'a' - 'A'
	}
	return a == b
}
