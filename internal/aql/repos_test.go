package aql

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func exact(keys ...string) []RepoConstraint {
	out := []RepoConstraint{}
	for _, k := range keys {
		out = append(out, RepoConstraint{Key: k})
	}
	return out
}

func TestRepos(t *testing.T) {
	pat := func(p string) RepoConstraint { return RepoConstraint{Key: p, Pattern: true} }
	cases := []struct {
		name    string
		src     string
		bounded bool
		repos   []RepoConstraint
	}{
		{"short eq", `items.find({"repo":"a"})`, true, exact("a")},
		{"explicit eq", `items.find({"repo":{"$eq":"a"}})`, true, exact("a")},
		{"or of repos", `items.find({"$or":[{"repo":"a"},{"repo":"b"}]})`, true, exact("a", "b")},
		{"or with unconstrained branch", `items.find({"$or":[{"repo":"a"},{"name":"x"}]})`, false, nil},
		{"repo ne", `items.find({"repo":{"$ne":"a"}})`, false, nil},
		{"repo nmatch", `items.find({"repo":{"$nmatch":"a*"}})`, false, nil},
		{"repo gt", `items.find({"repo":{"$gt":"a"}})`, false, nil},
		{"match star", `items.find({"repo":{"$match":"*"}})`, false, nil},
		{"match percent", `items.find({"repo":{"$match":"%"}})`, false, nil},
		{"match ?*", `items.find({"repo":{"$match":"?*"}})`, false, nil},
		{"match pattern", `items.find({"repo":{"$match":"libs-*"}})`, true, []RepoConstraint{pat("libs-*")}},
		{"eq star is not literal for the guard", `items.find({"repo":"*"})`, false, nil},
		{"eq with underscore becomes pattern", `items.find({"repo":"lib_local"})`, true, []RepoConstraint{pat("lib_local")}},
		{"eq non-string", `items.find({"repo":{"$eq":1}})`, false, nil},
		{"eq null", `items.find({"repo":null})`, false, nil},
		{"and bounds an unconstrained or", `items.find({"$and":[{"$or":[{"repo":"a"},{"name":"x"}]},{"repo":"b"}]})`, true, exact("b")},
		{"sibling bounds an unconstrained or", `items.find({"$or":[{"repo":"a"},{"name":"x"}],"repo":"b"})`, true, exact("b")},
		{"sibling and or intersect", `items.find({"repo":"a","$or":[{"repo":"b"},{"repo":"a"}]})`, true, exact("a")},
		{"contradiction reaches nothing", `items.find({"repo":"a","$or":[{"repo":"b"}]})`, true, exact()},
		{"nested and in or branches", `items.find({"$or":[{"$and":[{"repo":"a"},{"name":"x"}]},{"$and":[{"name":"y"},{"$or":[{"repo":"b"},{"repo":"c"}]}]}]})`, true, exact("a", "b", "c")},
		{"deep unconstrained branch", `items.find({"$or":[{"$and":[{"repo":"a"}]},{"$and":[{"name":"y"},{"$or":[{"repo":"b"},{"path":"c"}]}]}]})`, false, nil},
		{"property @repo trick", `items.find({"@repo":"a"})`, false, nil},
		{"property.value trick", `items.find({"property.key":"repo","property.value":"a"})`, false, nil},
		{"virtual_repos", `items.find({"virtual_repos":"a"})`, false, nil},
		{"msp property", `items.find({"$msp":[{"@repo":"a"}]})`, false, nil},
		{"msp does not bound but sibling does", `items.find({"$msp":[{"@repo":"x"}],"repo":"a"})`, true, exact("a")},
		{"duplicate repo keys are united", `items.find({"repo":"a","repo":"b"})`, true, exact("a", "b")},
		{"duplicate repo with ne", `items.find({"repo":"a","repo":{"$ne":"b"}})`, false, nil},
		{"duplicate $and keys are united", `items.find({"$and":[{"repo":"a"}],"$and":[{"repo":"b"}]})`, true, exact("a", "b")},
		{"duplicate $or with unconstrained", `items.find({"$or":[{"repo":"a"}],"$or":[{"name":"b"}]})`, false, nil},
		{"case-insensitive intersection", `items.find({"repo":"LIBS","$or":[{"repo":"libs"}]})`, true, exact("LIBS", "libs")},
		{"several operators", `items.find({"repo":{"$match":"lib*","$ne":"libx"}})`, true, []RepoConstraint{pat("lib*")}},
		{"pattern and pattern", `items.find({"repo":{"$match":"a*"},"$or":[{"repo":{"$match":"ab*"}},{"repo":{"$match":"ac*"}}]})`, true, []RepoConstraint{pat("a*")}},
		{"pattern and exacts", `items.find({"repo":{"$match":"a*"},"$or":[{"repo":"abc"},{"repo":"xyz"}]})`, true, exact("abc")},
		{"escaped key", `items.find({"re\u0070o":"a"})`, true, exact("a")},
		// Members of an object inside $or are ORed by Artifactory.
		{"or branch object members are alternatives", `items.find({"$or":[{"repo":"a","name":"x"}]})`, false, nil},
		{"or branch object of repos", `items.find({"$or":[{"repo":"a","repo":"b"}]})`, true, exact("a", "b")},
		{"explicit and inside or stays bounded", `items.find({"$or":[{"$and":[{"repo":"a","name":"x"}]}]})`, true, exact("a")},
		{"dedup", `items.find({"$or":[{"repo":"a"},{"repo":"a"}]})`, true, exact("a")},
		{"find()", `items.find()`, false, nil},
		{"find({})", `items.find({})`, false, nil},
		{"empty branch", `items.find({"$or":[{"repo":"a"},{}]})`, false, nil},
		{"builds domain", `builds.find({"repo":"a"})`, false, nil},
		{"entries domain", `archive.entries.find({"archive.item.repo":"a"})`, false, nil},
		{"jcg plain", jcgQueries[2], true, exact("repo-local2")},
		{"jcg wildcard repo", jcgQueries[3], false, nil},
		{"jcg patterns", jcgQueries[1], true, []RepoConstraint{pat("repo-w*"), pat("repo-w*ldcard")}},
		{"jcg exclusions (two $or) lose precision", jcgQueries[11], false, nil},
		{"jcg pypi", jcgQueries[9], true, exact("pypi-remote")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := Parse(tc.src)
			require.NoError(t, err)
			repos, bounded := q.Repos()
			assert.Equal(t, tc.bounded, bounded)
			assert.Equal(t, tc.repos, repos)
		})
	}
}

func TestAnalyzeReposFlagsDuplicates(t *testing.T) {
	q, err := Parse(`items.find({"repo":"a","repo":"b"})`)
	require.NoError(t, err)
	a := q.AnalyzeRepos()
	assert.Equal(t, []string{"repo"}, a.DuplicateKeys)
	assert.True(t, a.Bounded)
}

func TestRepoConstraintMatches(t *testing.T) {
	cases := []struct {
		c    RepoConstraint
		repo string
		want bool
	}{
		{RepoConstraint{Key: "libs"}, "libs", true},
		{RepoConstraint{Key: "libs"}, "LIBS", true},
		{RepoConstraint{Key: "libs "}, "libs", true},
		{RepoConstraint{Key: "libs"}, "libs-x", false},
		{RepoConstraint{Key: "lib*", Pattern: true}, "libs-release", true},
		{RepoConstraint{Key: "lib*", Pattern: true}, "xlib", false},
		{RepoConstraint{Key: "lib%", Pattern: true}, "libs", true},
		{RepoConstraint{Key: "l?b", Pattern: true}, "lab", true},
		{RepoConstraint{Key: "l_b", Pattern: true}, "lab", true},
		{RepoConstraint{Key: "l_b", Pattern: true}, "lb", false},
		{RepoConstraint{Key: `a\_b`, Pattern: true}, "a_b", true},
		{RepoConstraint{Key: `a\_b`, Pattern: true}, `a\xb`, true},
		{RepoConstraint{Key: "libé"}, "libe", true},
		{RepoConstraint{Key: "*-local", Pattern: true}, "a-local", true},
		{RepoConstraint{Key: "*-local", Pattern: true}, "a-remote", false},
		{RepoConstraint{Key: "a*b*c", Pattern: true}, "aXbYbZc", true},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, tc.c.Matches(tc.repo), "%+v ~ %q", tc.c, tc.repo)
	}
}

func TestAndRepoIn(t *testing.T) {
	q, err := Parse(`items.find({"$or":[{"repo":"secret"},{"name":"x"}]}).include("name").limit(5)`)
	require.NoError(t, err)
	_, bounded := q.Repos()
	require.False(t, bounded)

	And(q, RepoIn([]string{"a", "b"}))
	assert.Equal(t, `items.find({"$and":[{"$or":[{"repo":"secret"},{"name":"x"}]},{"$or":[{"repo":"a"},{"repo":"b"}]}]}).include("name").limit(5)`, q.String())
	repos, bounded := q.Repos()
	assert.True(t, bounded)
	assert.Equal(t, exact("a", "b"), repos)

	q2, err := Parse(q.String())
	require.NoError(t, err)
	assert.Equal(t, q, q2)

	// Duplicate keys cannot escape the wrapper.
	q, _ = Parse(`items.find({"repo":"x","repo":"a"})`)
	And(q, RepoIn([]string{"a"}))
	repos, bounded = q.Repos()
	assert.True(t, bounded)
	assert.Equal(t, exact("a"), repos)

	q, _ = Parse(`items.find()`)
	And(q, RepoIn([]string{"a"}))
	assert.Equal(t, `items.find({"$and":[{"$or":[{"repo":"a"}]}]})`, q.String())

	q, _ = Parse(`items.find({})`)
	And(q, Eq("repo", "a"))
	assert.Equal(t, `items.find({"$and":[{"repo":"a"}]})`, q.String())

	assert.Equal(t, `{"repo":""}`, RepoIn(nil).String())
	// Keys are escaped, not spliced.
	assert.Equal(t, `{"$or":[{"repo":"a\"},{\"name\":\"x"}]}`, RepoIn([]string{`a"},{"name":"x`}).String())
}

func TestParseLimited(t *testing.T) {
	q := "items.find(" + orOf(100, "r", false) + ")"
	_, err := ParseLimited(q, len(q)-1, 0)
	var le *LimitError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "bytes", le.What)
	assert.Contains(t, le.Error(), "at most")
	assert.NotContains(t, le.Error(), "r99", "the message does not echo the query")

	_, err = ParseLimited(q, len(q), 150)
	require.ErrorAs(t, err, &le, "201 nodes (the $or, 100 branches, 100 members) are over 150")
	assert.Equal(t, "criteria", le.What)

	parsed, err := ParseLimited(q, len(q), 201)
	require.NoError(t, err)
	assert.Len(t, parsed.Criteria.Children[0].Children, 100)
	assert.GreaterOrEqual(t, parsed.Criteria.Size(), 201, "Size counts at least what the parser counts")

	_, err = ParseLimited("items.find({", 100, 10)
	var se *SyntaxError
	assert.ErrorAs(t, err, &se, "a syntax error stays one")
}

// Past its work budget the analysis gives up soundly: unbounded, never a
// narrower answer than the query allows.
func TestAnalyzeReposBudgetIsSound(t *testing.T) {
	long := strings.Repeat("x", 3000)
	var exact, patterns []string
	for i := range 400 {
		exact = append(exact, fmt.Sprintf(`{"repo":"%s%d"}`, long, i))
		patterns = append(patterns, fmt.Sprintf(`{"repo":{"$match":"*%d*%s*"}}`, i, long))
	}
	q, err := Parse(`items.find({"$and":[{"$or":[` + strings.Join(exact, ",") + `]},{"$or":[` + strings.Join(patterns, ",") + `]}]})`)
	require.NoError(t, err)
	an := q.AnalyzeRepos()
	assert.False(t, an.Bounded, "too costly to intersect: reported unbounded, so the guard narrows it")

	small, err := Parse(`items.find({"$and":[{"$or":[{"repo":"a"},{"repo":"B "}]},{"$or":[{"repo":"b"},{"repo":{"$match":"a*"}}]}]})`)
	require.NoError(t, err)
	an = small.AnalyzeRepos()
	require.True(t, an.Bounded)
	assert.ElementsMatch(t, []RepoConstraint{{Key: "a"}, {Key: "B "}, {Key: "b"}}, an.Repos, "exact keys still meet by case and trailing spaces")
}
