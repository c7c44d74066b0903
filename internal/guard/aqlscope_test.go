package guard

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/aql"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/aqlengine"
)

// aqlAttacks are queries that try to read outside the restrictive policy
// (generic-local, libs-release-local/public, app-staging-local). The guard
// must leave each one bounded to wholly readable repositories, or wrap it
// as {"$and":[original, readable]}.
var aqlAttacks = map[string]string{
	"find all":                     `items.find()`,
	"find empty object":            `items.find({})`,
	"forbidden repo":               `items.find({"repo":"libs-snapshot-local"})`,
	"forbidden repo upper case":    `items.find({"repo":"LIBS-SNAPSHOT-LOCAL"})`,
	"forbidden repo json escape":   `items.find({"repo":"libs-snapshot-loca\u006c"})`,
	"prefix-only repo whole":       `items.find({"repo":"libs-release-local"})`,
	"prefix game path match":       `items.find({"repo":"libs-release-local","path":{"$match":"public*"}})`,
	"prefix path traversal":        `items.find({"repo":"libs-release-local","path":"public/../com"})`,
	"or with forbidden repo":       `items.find({"$or":[{"repo":"generic-local"},{"repo":"libs-snapshot-local"}]})`,
	"or with unbound branch":       `items.find({"$or":[{"repo":"generic-local"},{"name":"secret.txt"}]})`,
	"or siblings are alternatives": `items.find({"$or":[{"repo":"generic-local","name":"secret.txt"}]})`,
	"or siblings with type":        `items.find({"$or":[{"repo":"generic-local","type":"any"}]})`,
	"repo ne":                      `items.find({"repo":{"$ne":"generic-local"}})`,
	"repo nmatch":                  `items.find({"repo":{"$nmatch":"generic-*"}})`,
	"repo match star":              `items.find({"repo":{"$match":"*"}})`,
	"repo match percent":           `items.find({"repo":{"$match":"%"}})`,
	"repo match underscore":        `items.find({"repo":{"$match":"generic_local"}})`,
	"repo match libs prefix":       `items.find({"repo":{"$match":"libs-*"}})`,
	"repo eq percent":              `items.find({"repo":"libs-%"})`,
	"repo eq star":                 `items.find({"repo":"*"})`,
	"repo gt":                      `items.find({"repo":{"$gt":"a"}})`,
	"repo null":                    `items.find({"repo":{"$eq":null}})`,
	"repo number":                  `items.find({"repo":1})`,
	"repo trailing space":          `items.find({"repo":"generic-local "})`,
	"repo cyrillic o":              `items.find({"repo":"generic-l\u043ecal"})`,
	"repo fullwidth":               `items.find({"repo":"ｌibs-snapshot-local"})`,
	"repo zero width joiner":       `items.find({"repo":"libs-snapshot\u200d-local"})`,
	"duplicate repo keys":          `items.find({"repo":"generic-local","repo":"libs-snapshot-local"})`,
	"duplicate or keys":            `items.find({"$or":[{"repo":"generic-local"}],"$or":[{"repo":"libs-snapshot-local"}]})`,
	"nested and or":                `items.find({"$and":[{"$or":[{"repo":"generic-local"},{"path":{"$match":"*"}}]}]})`,
	"nested or and":                `items.find({"$or":[{"$and":[{"repo":"generic-local"}]},{"$and":[{"repo":"libs-snapshot-local"}]}]})`,
	"and then sibling in or":       `items.find({"$or":[{"$and":[{"repo":"generic-local"}],"name":"secret.txt"}]})`,
	"property repo":                `items.find({"@repo":"generic-local"})`,
	"property key value":           `items.find({"property.key":"repo","property.value":"generic-local"})`,
	"property any key":             `items.find({"@*":"*"})`,
	"msp object":                   `items.find({"$msp":{"@team":"core"}})`,
	"msp array":                    `items.find({"$msp":[{"@team":"core"},{"@release":"1.0"}]})`,
	"virtual repos field":          `items.find({"virtual_repos":"libs-release"})`,
	"transitive":                   `items.find({"repo":"libs-release"}).transitive()`,
	"transitive readable":          `items.find({"repo":"generic-local"}).transitive()`,
	"relation build":               `items.find({"artifact.module.build.name":"x"})`,
	"relation archive":             `items.find({"archive.entry.name":"x"})`,
	"relation stat":                `items.find({"stat.downloads":{"$gt":0}})`,
	"include other domain":         `items.find({"repo":"libs-snapshot-local"}).include("archive.entry.name")`,
	"include properties only":      `items.find({"name":{"$match":"*"}}).include("property.*")`,
	"include name only":            `items.find({"type":"any"}).include("name")`,
	"sort offset limit":            `items.find({"name":{"$match":"*"}}).sort({"$asc":["repo"]}).offset(0).limit(1000)`,
	"bound readable case":          `items.find({"repo":"Generic-Local"})`,
	"bound readable two":           `items.find({"$or":[{"$and":[{"repo":"generic-local"}]},{"$and":[{"repo":"app-staging-local"}]}]})`,
	"bound and or mixed":           `items.find({"repo":"generic-local","$or":[{"repo":"libs-snapshot-local"},{"name":"x"}]})`,
}

var otherDomains = []string{
	`builds.find({"name":"x"})`,
	`archive.entries.find()`,
	`entries.find({"name":"x"})`,
	`build.promotions.find()`,
	`releases.find()`,
}

// scopeItems span readable and unreadable places, with look-alike names.
var scopeItems = func() []aqlengine.Item {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var out []aqlengine.Item
	for _, x := range []struct{ repo, path, name, typ string }{
		{"generic-local", "docs", "README.txt", "file"},
		{"generic-local", "", "docs", "folder"},
		{"libs-release-local", "", "public", "folder"},
		{"libs-release-local", "public", "ok.txt", "file"},
		{"libs-release-local", "public/a", "deep.txt", "file"},
		{"libs-release-local", "", "publicX", "folder"},
		{"libs-release-local", "publicX", "secret.txt", "file"},
		{"libs-release-local", "public-but-not", "secret.txt", "file"},
		{"libs-release-local", "public_x", "secret.txt", "file"},
		{"libs-release-local", "com", "secret.txt", "file"},
		{"libs-release-local", "", "secret.txt", "file"},
		{"libs-snapshot-local", "x", "secret.txt", "file"},
		{"app-staging-local", "uploads", "a.txt", "file"},
		{"app-prod-local", "", "secret.txt", "file"},
		{"app-prod-local", "uploads", "secret.txt", "file"},
		{"npm-local", "", "x", "file"},
	} {
		out = append(out, aqlengine.Item{
			Repo: x.repo, Path: x.path, Name: x.name, Type: x.typ, Created: t0, Modified: t0, Updated: t0,
			Properties: map[string][]string{"repo": {"generic-local"}, "team": {"core"}, "release": {"1.0"}},
		})
	}
	return out
}()

// scopeQuery runs a query through the guard the way run_aql does.
func scopeQuery(g *Guard, src string) (*aql.Query, error) {
	q, err := aql.Parse(src)
	if err != nil {
		return nil, err
	}
	dec, err := g.Check(context.Background(), Call{Tool: "t", Toolset: "artifacts", Class: ClassRead, Actions: []Action{{Class: ClassRead, AQL: q}}, Repos: allLocal{}})
	if err != nil {
		return nil, err
	}
	return dec.Query(), nil
}

// assertScoped checks the guard's postcondition on a scoped query: either
// untouched and bounded to wholly readable repositories, or wrapped so the
// readable criteria are a conjunct at the root. The printed query must
// parse, and evaluating it must return readable items only.
func assertScoped(t *testing.T, g *Guard, name, before string, q *aql.Query) {
	t.Helper()
	out := q.String()
	q2, err := aql.Parse(out)
	require.NoError(t, err, "%s: the scoped query %s does not parse", name, out)
	require.Equal(t, out, q2.String(), "%s: printing is not a fixed point", name)
	if out == before {
		assert.True(t, g.boundToReadable(testResolver(), q2), "%s: %s went through unscoped but is not bounded to readable repositories", name, out)
	} else {
		assert.True(t, isReadableWrapper(g, q2.Criteria), "%s: %s is not {\"$and\":[original, readable]}", name, out)
	}
	res, err := aqlengine.Execute(q2, scopeItems, time.Now())
	var unsupported *aqlengine.UnsupportedError
	if errors.As(err, &unsupported) {
		return // the emulator does not model it; the structure was checked
	}
	var qerr *aqlengine.QueryError
	if errors.As(err, &qerr) {
		return
	}
	require.NoError(t, err, name)
	for _, row := range res.Results {
		repo, _ := row["repo"].(string)
		p, _ := row["path"].(string)
		n, _ := row["name"].(string)
		if repo == "" && out == before {
			continue // bounded to readable repositories; the row need not name one
		}
		assert.True(t, readableRow(g, repo, p, n), "%s: %s returned %s/%s/%s", name, out, repo, p, n)
	}
}

// isReadableWrapper reports whether c is {"$and":[X, readable]}.
func isReadableWrapper(g *Guard, c *aql.Criteria) bool {
	if c == nil || c.Kind != aql.KindObject || len(c.Children) != 1 {
		return false
	}
	and := c.Children[0]
	if and.Kind != aql.KindAnd || len(and.Children) < 1 {
		return false
	}
	last := and.Children[len(and.Children)-1]
	return last.String() == g.readableCriteria().String()
}

func TestScopeAQLAttacks(t *testing.T) {
	g := restrictive(t)
	for name, src := range aqlAttacks {
		orig, err := aql.Parse(src)
		require.NoError(t, err, "%s: %s", name, src)
		q, err := scopeQuery(g, src)
		require.NoError(t, err, "%s: items queries are narrowed, not denied", name)
		assertScoped(t, g, name, orig.String(), q)
	}
}

func TestScopeAQLNarrowsUnlessBoundToReadable(t *testing.T) {
	g := restrictive(t)
	for _, src := range []string{
		`items.find({"repo":"generic-local"})`,
		`items.find({"repo":"Generic-Local","name":{"$match":"*.txt"}})`,
		`items.find({"repo":{"$eq":"app-staging-local","$ne":"x"}})`,
		`items.find({"$or":[{"$and":[{"repo":"generic-local"}]},{"$and":[{"repo":"app-staging-local"}]}]})`,
		`items.find({"repo":"generic-local","$or":[{"repo":"libs-snapshot-local"},{"name":"x"}]})`,
	} {
		q, err := scopeQuery(g, src)
		require.NoError(t, err)
		orig, _ := aql.Parse(src)
		assert.Equal(t, orig.String(), q.String(), "bounded to readable repositories: untouched")
	}
	for name, src := range aqlAttacks {
		q, err := scopeQuery(g, src)
		require.NoError(t, err)
		orig, _ := aql.Parse(src)
		if q.String() != orig.String() {
			assert.True(t, isReadableWrapper(g, q.Criteria), name)
			// The original criteria are the first operand, intact.
			if orig.Criteria != nil && len(orig.Criteria.Children) > 0 {
				assert.Equal(t, orig.Criteria.String(), q.Criteria.Children[0].Children[0].String(), name)
			}
		}
	}
}

func TestScopeAQLReadableCriteria(t *testing.T) {
	g := restrictive(t)
	q, err := scopeQuery(g, `items.find({"repo":"libs-snapshot-local"})`)
	require.NoError(t, err)
	assert.Equal(t, `items.find({"$and":[{"repo":"libs-snapshot-local"},{"$or":[{"repo":"generic-local"},`+
		`{"$and":[{"repo":"libs-release-local"},{"$or":[{"path":"public"},{"path":{"$match":"public/*"}}]}]},`+
		`{"repo":"app-staging-local"}]}]})`, q.String(),
		"a path rule is an explicit $and: inside $or, sibling fields would be alternatives")

	q, err = scopeQuery(g, `items.find()`)
	require.NoError(t, err)
	assert.Equal(t, `{"$and":[`+g.readableCriteria().String()+`]}`, q.Criteria.String(), "no empty {} operand")

	// Globs become $match.
	gl, err := New(Config{Policy: Policy{Read: []Rule{{Repo: "*-staging-*"}}}})
	require.NoError(t, err)
	q, err = scopeQuery(gl, `items.find({"repo":"app-prod-local"})`)
	require.NoError(t, err)
	assert.Contains(t, q.String(), `{"repo":{"$match":"*-staging-*"}}`)
	q, err = scopeQuery(gl, `items.find({"repo":"app-staging-local"})`)
	require.NoError(t, err)
	assert.Equal(t, `items.find({"repo":"app-staging-local"})`, q.String(), "a glob rule covers the key whole")

	// No read rules at all: the query can match nothing.
	none, err := New(Config{Policy: Policy{Read: []Rule{}}})
	require.NoError(t, err)
	q, err = scopeQuery(none, `items.find({"repo":"generic-local"})`)
	require.NoError(t, err)
	assert.Equal(t, `items.find({"$and":[{"repo":"generic-local"},{"repo":""}]})`, q.String())

	// Reading everything leaves queries alone.
	all, err := New(Config{Policy: DefaultPolicy(ModeReadOnly)})
	require.NoError(t, err)
	q, err = scopeQuery(all, `items.find({"repo":{"$ne":"x"}})`)
	require.NoError(t, err)
	assert.Equal(t, `items.find({"repo":{"$ne":"x"}})`, q.String())
}

func TestScopeAQLIncludeNamesTheItem(t *testing.T) {
	g := restrictive(t)
	for src, want := range map[string]string{
		`items.find({"name":"x"}).include("size")`:               `.include("size","repo","path","name")`,
		`items.find({"name":"x"}).include("name","property")`:    `.include("name","property","repo","path")`,
		`items.find({"name":"x"}).include("*")`:                  `.include("*")`,
		`items.find({"name":"x"}).include("archive.entry.name")`: `.include("archive.entry.name","repo","path","name")`,
	} {
		q, err := scopeQuery(g, src)
		require.NoError(t, err)
		assert.Contains(t, q.String(), want, src)
	}
	q, err := scopeQuery(g, `items.find({"name":"x"})`)
	require.NoError(t, err)
	assert.Nil(t, q.Include, "without include Artifactory returns repo, path and name anyway")
}

func TestScopeAQLRefusesOtherDomains(t *testing.T) {
	for _, g := range []*Guard{restrictive(t), func() *Guard {
		g, err := New(Config{Policy: DefaultPolicy(ModeAdmin)})
		require.NoError(t, err)
		return g
	}()} {
		for _, src := range otherDomains {
			_, err := scopeQuery(g, src)
			var d *Denied
			require.ErrorAs(t, err, &d, src)
			assert.Contains(t, d.Reason, "only items queries")
		}
	}
}
