package aqlengine

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/aql"
)

var now = time.Date(2024, 6, 15, 12, 0, 0, 0, time.UTC)

func days(n int) time.Time { return now.AddDate(0, 0, -n) }

// fixture: four files, three folders.
func fixture() []Item {
	return []Item{
		{Repo: "libs-release", Path: "org/acme", Name: "a.jar", Type: "file", Size: 100,
			Created: days(10), Modified: days(1), Updated: days(1), CreatedBy: "admin", ModifiedBy: "bob",
			SHA256: "s1", ActualSHA1: "h1", ActualMD5: "m1", Depth: 3,
			Properties: map[string][]string{"build.name": {"b1"}, "license": {"AGPL-V3"}}, Downloads: 5},
		{Repo: "libs-release", Path: "org/acme", Name: "b.jar", Type: "file", Size: 2000,
			Created: days(40), Modified: days(40), Updated: days(40), CreatedBy: "admin", ModifiedBy: "admin",
			SHA256: "s2", Depth: 3, Properties: map[string][]string{"license": {"LGPL-2.2", "LGPL-2.1"}}},
		{Repo: "libs-release", Path: "org", Name: "acme", Type: "folder", Created: days(50), Modified: days(50), Updated: days(50), Depth: 2},
		{Repo: "libs-release", Path: ".", Name: ".", Type: "folder", Created: days(60), Modified: days(60), Updated: days(60)},
		{Repo: "libs-snapshot", Path: "", Name: "root.txt", Type: "file", Size: 5,
			Created: time.Date(2012, 7, 1, 10, 0, 0, 0, time.UTC), Modified: days(400), Updated: days(400),
			CreatedBy: "ci", ModifiedBy: "ci", Depth: 1, Properties: map[string][]string{"qa": {"true"}}},
		{Repo: "generic", Path: "x", Name: "a*b.bin", Type: "file", Size: 7,
			Created: days(2), Modified: days(2), Updated: days(2), CreatedBy: "bob", ModifiedBy: "bob", Depth: 2},
		{Repo: "generic", Path: "x", Name: "x", Type: "folder", Created: days(2), Modified: days(2), Updated: days(2), Depth: 1},
	}
}

func run(t *testing.T, src string) *Response {
	t.Helper()
	q, err := aql.Parse(src)
	require.NoError(t, err, src)
	resp, err := Execute(q, fixture(), now)
	require.NoError(t, err, src)
	return resp
}

// names lists "repo/path/name" of the results (needs repo, path, name in
// the output).
func names(r *Response) []string {
	out := []string{}
	for _, m := range r.Results {
		out = append(out, m["repo"].(string)+"/"+m["path"].(string)+"/"+m["name"].(string))
	}
	return out
}

const (
	aJar  = "libs-release/org/acme/a.jar"
	bJar  = "libs-release/org/acme/b.jar"
	acme  = "libs-release/org/acme"
	root  = "libs-release/./."
	rootT = "libs-snapshot/./root.txt"
	star  = "generic/x/a*b.bin"
	xDir  = "generic/x/x"
)

func TestCriteria(t *testing.T) {
	cases := []struct {
		name, criteria string
		want           []string
	}{
		{"all files by default", `{}`, []string{star, aJar, bJar, rootT}},
		{"type any", `{"type":"any"}`, []string{star, xDir, root, acme, aJar, bJar, rootT}},
		{"type folder", `{"type":"folder"}`, []string{xDir, root, acme}},
		{"type inside or still disables the default", `{"$or":[{"type":"folder"},{"name":"a.jar"}]}`, []string{xDir, root, acme, aJar}},
		{"repo eq", `{"repo":"libs-release"}`, []string{aJar, bJar}},
		{"eq wildcards are literal", `{"name":"a*b.bin"}`, []string{star}},
		{"eq star is literal", `{"name":"*"}`, []string{}},
		{"match star", `{"name":{"$match":"*.jar"}}`, []string{aJar, bJar}},
		{"match question", `{"name":{"$match":"?.jar"}}`, []string{aJar, bJar}},
		{"match is case-sensitive", `{"name":{"$match":"*.JAR"}}`, []string{}},
		{"nmatch", `{"name":{"$nmatch":"*.jar"}}`, []string{star, rootT}},
		{"ne", `{"repo":{"$ne":"libs-release"}}`, []string{star, rootT}},
		{"size gt number", `{"size":{"$gt":99}}`, []string{aJar, bJar}},
		{"size gte string", `{"size":{"$gte":"100"}}`, []string{aJar, bJar}},
		{"size lt", `{"size":{"$lt":100}}`, []string{star, rootT}},
		{"size lte and gt in one object", `{"size":{"$lte":100,"$gt":5}}`, []string{star, aJar}},
		{"depth", `{"depth":3}`, []string{aJar, bJar}},
		{"path dot for repo root", `{"path":"."}`, []string{rootT}},
		{"name string gt", `{"name":{"$gt":"b"}}`, []string{bJar, rootT}},
		{"date partial day", `{"created":{"$lt":"2012-07-02"}}`, []string{rootT}},
		{"date partial month", `{"created":{"$gte":"2012-07"},"created":{"$lt":"2012-08"}}`, []string{rootT}},
		{"date full with zone", `{"created":{"$gt":"2024-06-13T11:00:00.000+00:00"}}`, []string{star}},
		{"date eq exact", `{"created":"2012-07-01T12:00:00+02:00"}`, []string{rootT}},
		{"date epoch millis", `{"created":{"$lt":1341144000001}}`, []string{rootT}},
		{"before", `{"created":{"$before":"30d"}}`, []string{bJar, rootT}},
		{"last", `{"created":{"$last":"2w"}}`, []string{star, aJar}},
		{"last months", `{"modified":{"$last":"1mo"}}`, []string{star, aJar}},
		{"before years", `{"modified":{"$before":"1y"}}`, []string{rootT}},
		{"last minutes", `{"created":{"$last":"10minutes"}}`, []string{}},
		{"or", `{"$or":[{"name":"a.jar"},{"repo":"generic"}]}`, []string{star, aJar}},
		// Members of an object directly inside a $or array are ORed
		// (Artifactory's operator stack), which JCG's exclusions rely on.
		{"or: members of one branch object are ORed", `{"$or":[{"name":"a.jar","repo":"generic"}]}`, []string{star, aJar}},
		{"or: JCG exclusion = not (path and name)", `{"$or":[{"path":{"$nmatch":"org/acme"},"name":{"$nmatch":"*.jar"}}]}`, []string{star, rootT}},
		{"or: explicit $and inside keeps the conjunction", `{"$or":[{"$and":[{"repo":"libs-release","name":"b.jar"}]}]}`, []string{bJar}},
		{"and: members of one element object are ANDed", `{"$and":[{"repo":"libs-release","name":"b.jar"}]}`, []string{bJar}},
		{"and", `{"$and":[{"repo":"libs-release"},{"size":{"$gt":1000}}]}`, []string{bJar}},
		{"nested", `{"repo":{"$match":"libs-*"},"$or":[{"$and":[{"name":{"$match":"*.jar"}},{"size":{"$lt":1000}}]},{"name":"root.txt"}]}`, []string{aJar, rootT}},
		{"created_by", `{"created_by":"ci"}`, []string{rootT}},
		{"sha256", `{"sha256":"s2"}`, []string{bJar}},
		{"property eq", `{"@build.name":"b1"}`, []string{aJar}},
		{"property any value", `{"@qa":"*"}`, []string{rootT}},
		{"property any key", `{"@*":"b1"}`, []string{aJar}},
		{"property any key match", `{"@*":{"$match":"LGPL*"}}`, []string{bJar}},
		{"property match multi-valued", `{"@license":{"$match":"*GPL*"}}`, []string{aJar, bJar}},
		{"property ne excludes any value, keeps items without the key", `{"@license":{"$ne":"LGPL-2.1"}}`, []string{star, aJar, rootT}},
		{"property ne star = key absent", `{"@license":{"$ne":"*"}}`, []string{star, rootT}},
		{"docs: two criteria on one key", `{"@license":{"$match":"*GPL*"},"@license":{"$nmatch":"LGPL-2.1*"}}`, []string{aJar}},
		{"docs: $msp array", `{"$msp":[{"@license":{"$match":"*GPL*"}},{"@license":{"$nmatch":"LGPL-2.1*"}}]}`, []string{aJar, bJar}},
		{"$msp object", `{"$msp":{"@license":{"$match":"*GPL*"},"@license":{"$nmatch":"LGPL-2.1*"}}}`, []string{aJar, bJar}},
		{"$msp on different keys needs one row", `{"$msp":[{"@license":"AGPL-V3"},{"@build.name":"b1"}]}`, []string{}},
		{"$msp property.key/value", `{"$msp":[{"property.key":"license","property.value":{"$match":"LGPL*"}}]}`, []string{bJar}},
		{"property.key", `{"property.key":"qa"}`, []string{rootT}},
		{"property.value", `{"property.value":{"$match":"LGPL*"}}`, []string{bJar}},
		{"property.key negative", `{"property.key":{"$ne":"license"}}`, []string{star, rootT}},
		{"stat downloads", `{"stat.downloads":{"$gt":1}}`, []string{aJar}},
		{"stat downloads zero is null", `{"stat.downloads":{"$eq":null}}`, []string{star, bJar, rootT}},
		{"stat downloads not null", `{"stat.downloads":{"$ne":null}}`, []string{aJar}},
		{"null field never compares", `{"stat.downloads":{"$lt":100}}`, []string{aJar}},
		{"folder checksum is null", `{"type":"folder","sha256":null}`, []string{xDir, root, acme}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, `items.find(`+tc.criteria+`).include("repo","path","name")`)
			assert.Equal(t, tc.want, names(r))
		})
	}
}

func TestDefaultOutputAndJSON(t *testing.T) {
	r := run(t, `items.find({"name":"root.txt"})`)
	b, err := json.Marshal(r)
	require.NoError(t, err)
	assert.JSONEq(t, `{"results":[{"repo":"libs-snapshot","path":".","name":"root.txt","type":"file","size":5,
		"created":"2012-07-01T10:00:00.000Z","created_by":"ci","modified":"2023-05-12T12:00:00.000Z","modified_by":"ci",
		"updated":"2023-05-12T12:00:00.000Z"}],"range":{"start_pos":0,"end_pos":1,"total":1}}`, string(b))
	// Byte order is stable and canonical.
	assert.Equal(t, `{"results":[{"repo":"libs-snapshot","path":".","name":"root.txt","type":"file","size":5,"created":"2012-07-01T10:00:00.000Z","created_by":"ci","modified":"2023-05-12T12:00:00.000Z","modified_by":"ci","updated":"2023-05-12T12:00:00.000Z"}],"range":{"start_pos":0,"end_pos":1,"total":1}}`, string(b))

	empty, err := json.Marshal(run(t, `items.find({"name":"nope"})`))
	require.NoError(t, err)
	assert.Equal(t, `{"results":[],"range":{"start_pos":0,"end_pos":0,"total":0}}`, string(empty))

	// Timestamps keep the item's zone offset.
	items := []Item{{Repo: "r", Name: "n", Type: "file", Created: time.Date(2020, 6, 25, 10, 21, 17, 488e6, time.FixedZone("", 3*3600))}}
	q, _ := aql.Parse(`items.find().include("created")`)
	resp, err := Execute(q, items, now)
	require.NoError(t, err)
	assert.Equal(t, "2020-06-25T10:21:17.488+03:00", resp.Results[0]["created"])
}

func TestInclude(t *testing.T) {
	t.Run("item subset in canonical order", func(t *testing.T) {
		b, _ := json.Marshal(run(t, `items.find({"name":"a.jar"}).include("name","repo","size")`))
		assert.Equal(t, `{"results":[{"repo":"libs-release","name":"a.jar","size":100}],"range":{"start_pos":0,"end_pos":1,"total":1}}`, string(b))
	})
	t.Run("property keeps defaults and lists one entry per value", func(t *testing.T) {
		r := run(t, `items.find({"name":"b.jar"}).include("property")`)
		require.Len(t, r.Results, 1)
		assert.Equal(t, []Property{{"license", "LGPL-2.1"}, {"license", "LGPL-2.2"}}, r.Results[0]["properties"])
		assert.Contains(t, r.Results[0], "modified_by")
	})
	for _, form := range []string{`"property.*"`, `"@"`} {
		r := run(t, `items.find({"name":"a.jar"}).include("name",`+form+`)`)
		assert.Equal(t, []Property{{"build.name", "b1"}, {"license", "AGPL-V3"}}, r.Results[0]["properties"], form)
		assert.Len(t, r.Results[0], 2, form)
	}
	t.Run("@key selects one key", func(t *testing.T) {
		r := run(t, `items.find({"name":"a.jar"}).include("name","@license")`)
		assert.Equal(t, []Property{{"license", "AGPL-V3"}}, r.Results[0]["properties"])
	})
	t.Run("no properties, no key", func(t *testing.T) {
		r := run(t, `items.find({"name":"a*b.bin"}).include("name","property")`)
		assert.Equal(t, map[string]any{"name": "a*b.bin"}, r.Results[0])
	})
	t.Run("stat", func(t *testing.T) {
		r := run(t, `items.find({"repo":"libs-release"}).include("name","stat")`)
		assert.Equal(t, []Stat{{Downloads: 5}}, r.Results[0]["stats"])
		assert.NotContains(t, r.Results[1], "stats")
	})
	t.Run("star", func(t *testing.T) {
		b, _ := json.Marshal(run(t, `items.find({"name":"a.jar"}).include("*")`))
		assert.Equal(t, `{"results":[{"repo":"libs-release","path":"org/acme","name":"a.jar","type":"file","size":100,"created":"2024-06-05T12:00:00.000Z","created_by":"admin","modified":"2024-06-14T12:00:00.000Z","modified_by":"bob","updated":"2024-06-14T12:00:00.000Z","depth":3,"actual_md5":"m1","actual_sha1":"h1","sha256":"s1"}],"range":{"start_pos":0,"end_pos":1,"total":1}}`, string(b))
	})
	t.Run("folder omits checksums", func(t *testing.T) {
		r := run(t, `items.find({"type":"folder","name":"acme"}).include("name","sha256")`)
		assert.Equal(t, map[string]any{"name": "acme"}, r.Results[0])
	})
}

func TestSortAndPaging(t *testing.T) {
	r := run(t, `items.find().sort({"$desc":["size"]})`)
	assert.Equal(t, []string{bJar, aJar, star, rootT}, names(r))

	r = run(t, `items.find({"type":"any"}).sort({"$asc":["repo","name"]})`)
	assert.Equal(t, []string{star, xDir, root, aJar, acme, bJar, rootT}, names(r))

	r = run(t, `items.find({"type":"any"}).sort({"$desc":["repo","name"]})`)
	assert.Equal(t, []string{rootT, bJar, acme, aJar, root, xDir, star}, names(r))

	r = run(t, `items.find().sort({"$asc":["created"]}).offset(1).limit(2)`)
	assert.Equal(t, []string{bJar, aJar}, names(r))
	two := int64(2)
	assert.Equal(t, Range{StartPos: 1, EndPos: 3, Total: 2, Limit: &two}, r.Range)

	r = run(t, `items.find().offset(3)`)
	assert.Equal(t, []string{rootT}, names(r))
	assert.Equal(t, Range{StartPos: 3, EndPos: 4, Total: 1}, r.Range)

	r = run(t, `items.find().offset(10).limit(5)`)
	assert.Empty(t, r.Results)
	five := int64(5)
	assert.Equal(t, Range{StartPos: 4, EndPos: 4, Total: 0, Limit: &five}, r.Range)

	r = run(t, `items.find().limit(0)`)
	assert.Empty(t, r.Results)

	// jfrog-client-go's "latest created" query.
	r = run(t, `items.find({"type": "file","repo": "libs-release","path": {"$match": "org*"}}).sort({"$desc":["created"]}).limit(1)`)
	assert.Equal(t, []string{aJar}, names(r))
	// JCG's .transitive() position is accepted and harmless.
	r = run(t, `items.find({"repo":"libs-release"}).include("name","repo","path").sort({"$asc":["name"]}).offset(1).transitive().limit(1)`)
	assert.Equal(t, []string{bJar}, names(r))
}

func TestErrors(t *testing.T) {
	cases := []struct {
		name, src   string
		unsupported bool // else QueryError
		msg         string
	}{
		{"property include with limit", `items.find().include("name","property").limit(1)`, false, msgIncludeOtherDomains},
		{"stat include with sort", `items.find().include("stat").sort({"$asc":["name"]})`, false, msgIncludeOtherDomains},
		{"@key include with offset", `items.find().include("@a").offset(1)`, false, msgIncludeOtherDomains},
		{"bad number", `items.find({"size":{"$gt":"big"}})`, false, ""},
		{"bool number", `items.find({"size":true})`, false, ""},
		{"bad date", `items.find({"created":{"$gt":"yesterday"}})`, false, ""},
		{"relative on string field", `items.find({"name":{"$last":"3d"}})`, false, ""},
		{"relative on property", `items.find({"@a":{"$before":"3d"}})`, false, ""},
		{"null with gt", `items.find({"size":{"$gt":null}})`, false, ""},
		{"null property", `items.find({"@a":null})`, false, ""},
		{"builds domain", `builds.find({"name":"x"})`, true, ""},
		{"entries domain", `archive.entries.find()`, true, ""},
		{"build criteria", `items.find({"artifact.module.build.name":"b"})`, true, ""},
		{"archive criteria", `items.find({"archive.entry.name":"Main.class"})`, true, ""},
		{"related property", `items.find({"artifact.module.build.@os":"linux"})`, true, ""},
		{"other stat field", `items.find({"stat.downloaded":{"$gt":"2020"}})`, true, ""},
		{"archive include", `items.find().include("archive.entry.name")`, true, ""},
		{"sort by stat", `items.find().sort({"$asc":["stat.downloads"]})`, true, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := aql.Parse(tc.src)
			require.NoError(t, err)
			// Errors come from compiling, so they surface with no items.
			_, err = Execute(q, nil, now)
			require.Error(t, err)
			if tc.unsupported {
				var ue *UnsupportedError
				assert.True(t, errors.As(err, &ue), "%T %v", err, err)
			} else {
				var qe *QueryError
				assert.True(t, errors.As(err, &qe), "%T %v", err, err)
			}
			if tc.msg != "" {
				assert.Equal(t, tc.msg, err.Error())
			}
		})
	}
}

func TestNarrowedQueryEvaluates(t *testing.T) {
	q, err := aql.Parse(`items.find({"$or":[{"repo":"libs-release"},{"name":"root.txt"}]}).include("repo","path","name")`)
	require.NoError(t, err)
	aql.And(q, aql.RepoIn([]string{"libs-snapshot", "generic"}))
	resp, err := Execute(q, fixture(), now)
	require.NoError(t, err)
	assert.Equal(t, []string{rootT}, names(resp))
}

func TestGlobMatch(t *testing.T) {
	for _, tc := range []struct {
		p, s string
		want bool
	}{
		{"*", "", true}, {"*", "abc", true}, {"?", "", false}, {"?", "é", true},
		{"a*c", "abbbc", true}, {"a*c", "abbb", false}, {"*a*b*", "xaxxbx", true},
		{"a?c", "abc", true}, {"a?c", "ac", false}, {"abc", "abc", true}, {"abc", "abd", false},
		{"%", "x", false}, {"a_c", "abc", false}, {"**", "x", true},
	} {
		assert.Equal(t, tc.want, globMatch(tc.p, tc.s), "%q ~ %q", tc.p, tc.s)
	}
}
