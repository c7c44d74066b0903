package guard

import (
	"slices"

	"github.com/jfrog-mcp/jfrog-mcp/internal/aql"
)

// scopeAQL keeps a query inside the readable repositories. A query whose
// every branch is bound to repositories the policy reads whole goes through
// untouched. Anything else — $or with an unbound branch, repo $ne, $match
// patterns, property tricks, a virtual or remote key — is narrowed: the
// whole original criteria become one operand of {"$and":[original,
// readable]}, so nothing inside them can widen the result. Only the items
// domain is allowed. The declared query is never changed: the decision gets
// a copy.
func (g *Guard) scopeAQL(rv *resolver, declared *aql.Query, dec *Decision) *Denied {
	if declared.Domain != aql.DomainItems {
		return &Denied{Reason: "only items queries are allowed, not " + declared.Domain, Hint: "write items.find(...)"}
	}
	q, err := aql.Parse(declared.String())
	if err != nil {
		return &Denied{Reason: "the query could not be copied for scoping: " + err.Error()}
	}
	dec.query = q
	if g.readsEverything() || g.boundToReadable(rv, q) {
		dec.bounded = true
		dec.changed = g.excludeReserved(q)
		return nil
	}
	dec.changed = true
	aql.And(q, g.readableCriteria())
	// Rows must name their item, so the tool can check each one again.
	if q.Include != nil {
		for _, f := range []string{"repo", "path", "name"} {
			if !slices.Contains(q.Include, f) && !slices.Contains(q.Include, "*") {
				q.Include = append(q.Include, f)
			}
		}
	}
	return nil
}

func (g *Guard) readsEverything() bool {
	for _, r := range g.policy.Read {
		if r.AllRepos() {
			return true
		}
	}
	return false
}

// boundToReadable reports whether the query can only reach repositories
// that some read rule covers whole (no path prefix) and that hold their own
// items: a virtual key in AQL would stand for its members, and a remote
// one for its cache, which the rule on the key does not cover.
func (g *Guard) boundToReadable(rv *resolver, q *aql.Query) bool {
	an := q.AnalyzeRepos()
	if !an.Bounded || len(an.DuplicateKeys) > 0 {
		return false
	}
	for _, c := range an.Repos {
		if c.Pattern {
			return false
		}
		key, err := NormalizeRepo(c.Key)
		if err != nil || !g.policy.Allows(ClassRead, key, "") {
			return false
		}
		if info, err := rv.info(key); err != nil || (info.Class != RepoLocal && info.Class != RepoFederated) {
			return false
		}
	}
	return true
}

// readableCriteria is the read rules as AQL: one $or branch per rule.
func (g *Guard) readableCriteria() *aql.Criteria {
	if len(g.policy.Read) == 0 {
		return aql.RepoIn(nil) // matches nothing
	}
	branches := make([]*aql.Criteria, 0, len(g.policy.Read))
	for _, r := range g.policy.Read {
		repo := aql.Eq("repo", r.Repo)
		if hasGlob(r.Repo) {
			repo = aql.Field("repo", aql.OpMatch, aql.String(r.Repo))
		}
		if r.PathPrefix == "" {
			branches = append(branches, aql.Object(repo))
			continue
		}
		under := aql.OrOf(
			aql.Object(aql.Eq("path", r.PathPrefix)),
			aql.Object(aql.Field("path", aql.OpMatch, aql.String(r.PathPrefix+"/*"))),
		)
		// Inside $or, sibling fields of one object are alternatives in
		// Artifactory, not a conjunction: the explicit $and is required.
		branches = append(branches, aql.Object(aql.AndOf(aql.Object(repo), aql.Object(under))))
	}
	return aql.Object(aql.OrOf(branches...))
}

func hasGlob(s string) bool {
	for _, c := range s {
		if c == '*' || c == '?' {
			return true
		}
	}
	return false
}
