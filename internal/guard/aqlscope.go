package guard

import (
	"slices"

	"github.com/jfrog-mcp/jfrog-mcp/internal/aql"
)

// scopeAQL keeps a query inside the readable repositories. A query whose
// every branch is bound to repositories the policy reads whole goes through
// untouched. Anything else — $or with an unbound branch, repo $ne, $match
// patterns, property tricks — is narrowed: the whole original criteria
// become one operand of {"$and":[original, readable]}, so nothing inside
// them can widen the result. Only the items domain is allowed.
func (g *Guard) scopeAQL(q *aql.Query) *Denied {
	if q.Domain != aql.DomainItems {
		return &Denied{Reason: "only items queries are allowed, not " + q.Domain, Hint: "write items.find(...)"}
	}
	if g.readsEverything() {
		return nil
	}
	if g.boundToReadable(q) {
		return nil
	}
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
// that some read rule covers whole (no path prefix).
func (g *Guard) boundToReadable(q *aql.Query) bool {
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

// CanReadItem reports whether the policy lets the server read one item;
// tools apply it to every row a narrowed query returns, because AQL's
// $match may treat characters like '_' as wildcards and match more than a
// path prefix says.
func (g *Guard) CanReadItem(repo, path, name string) bool {
	key, err := NormalizeRepo(repo)
	if err != nil {
		return false
	}
	p := path
	if p == "." {
		p = ""
	}
	full := name
	if p != "" {
		full = p + "/" + name
	}
	return g.policy.Allows(ClassRead, key, full) || g.policy.Allows(ClassRead, key, p)
}
