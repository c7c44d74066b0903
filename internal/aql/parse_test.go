package aql

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jcgQueries are literal query strings produced by jfrog-client-go v1.55.0
// (copied from artifactory/services/utils/aqlquerybuilder_test.go and
// aqlquerybuilder.go's templates as data, not code).
var jcgQueries = []string{
	`items.find({"$or":[{"$and":[{"repo":"repo-local","path":{"$match":"*"},"name":{"$match":"*"}}]}]}).include("name","repo","path","actual_md5","actual_sha1","sha256","size","type","modified","created","property")`,
	`items.find({"$or":[{"$and":[{"repo":{"$match":"repo-w*"},"path":{"$match":"*"},"name":{"$match":"*ldcard"}}]},{"$and":[{"repo":{"$match":"repo-w*ldcard"},"path":{"$match":"*"},"name":{"$match":"*"}}]}]})`,
	`items.find({"path":{"$ne":"."},"$or":[{"$and":[{"repo":"repo-local2","path":{"$match":"a*b*c/dd"},"name":{"$match":"*"}}]},{"$and":[{"repo":"repo-local2","path":{"$match":"a*b*c/dd/*"},"name":{"$match":"*"}}]}]})`,
	`items.find({"$or":[{"$and":[{"repo":{"$match":"*"},"path":".","name":{"$match":"*repo-local"}}]},{"$and":[{"repo":{"$match":"*repo-local"},"path":".","name":{"$match":"*"}}]}]})`,
	`items.find({"type": "file","repo": "repo","path": {"$match": "name"}}).sort({"$desc":["created"]}).limit(1)`,
	`items.find({"$or":[{"$and":[{"artifact.module.build.name":"buildName1","artifact.module.build.number":"buildNumber1"}]},{"$and":[{"artifact.module.build.name":"buildName2","artifact.module.build.number":"buildNumber2"}]}]})`,
	`items.find({"$or":[{"$and":[{"dependency.module.build.name":"buildName","dependency.module.build.number":"buildNumber"}]}]})`,
	"items.find({\n\t\t\t\"repo\": \"artifactory-build-info\",\n\t\t\t\"path\": {\n\t\t\t\t\"$match\": \"my-build\"\n\t\t\t},\n\t\t\t\"name\": {\n\t\t\t\t\"$match\": \"1-1600000000000.json\"\n\t\t\t}\n\t\t}).include(\"name\",\"repo\",\"path\",\"actual_sha1\",\"actual_md5\")",
	`items.find({"@npm.name":"lodash","$or": [{"@npm.version":"4.17.21"},{"@npm.version":"v4.17.21"}]}).include("name","repo","path","actual_sha1","actual_md5","sha256")`,
	`items.find({"repo": "pypi-remote","$or": [{"$and":[{"path": {"$match": "*"},"name": {"$match": "six-1.16.0*"}}]}]}).include("name","repo","path","actual_md5","actual_sha1","sha256")`,
	// BuildQueryFromSpecFile with sort, offset, transitive and limit.
	`items.find({"repo":"remote-repo","path":{"$match":"*"}}).include("name","repo","path","actual_md5","actual_sha1","sha256","size","type","modified","created").sort({"$asc":["created"]}).offset(3).transitive().limit(10)`,
	// Exclusions plus props: two sibling "$or" keys in one object.
	`items.find({"@a":{"$ne":"1"},"$or":[{"@b":{"$ne":"2"}}],"type":"any","$or":[{"repo":{"$nmatch":"x"},"path":{"$nmatch":"*"},"name":{"$nmatch":"*.tmp"}}],"$or":[{"$and":[{"repo":"libs","path":{"$match":"*"},"name":{"$match":"*"}}]}]})`,
	// Release bundle part.
	`items.find({"$and":[{"release_artifact.release.name":"rb","release_artifact.release.version":"1.0"}],"$or":[{"$and":[{"repo":"r","path":".","name":"a.bin"}]}]})`,
}

// docQueries are examples from the AQL documentation.
var docQueries = []string{
	`items.find({"@build.name":{"$eq":"artifactory"}})`,
	`builds.find({"module.dependency.item.@license":{"$nmatch":"Apache-*"}})`,
	`items.find({"archive.entry.name":{"$eq":"Main.class"} , "archive.entry.path":{"$eq":"org/artifactory"}})`,
	"archive.entries.find( {\n\t\t\"archive.item.name\":{\"$eq\":\"Artifactory.jar\"},\n\t\t\"archive.item.artifact.module.build.name\":{\"$eq\":\"Artifactory\"}\n})",
	`items.find({"$and":[{"@build.name":{"$eq":"artifactory"}},{"stat.downloads":{"$gt":100}},{"stat.downloaded":{"$gte":"2014-01-01"}},{"stat.downloaded":{"$lt":"2014-02-01"}}]}).include("name","repo","path","stat.downloads")`,
	`items.find({"stat.downloads":{"$eq":null}})`,
	`items.find({"$msp":[{"@license":{"$match":"*GPL*"}},{"@license":{"$nmatch":"LGPL-2.1*"}}]})`,
	`items.find({"$msp":{"@license":{"$match":"*GPL*"},"@license":{"$nmatch":"LGPL-2.1*"}}})`,
	`items.find({"@license":{"$match":"*GPL*"},"@license":{"$nmatch":"LGPL-2.1*"}})`,
	`items.find({"created":{"$before":"3mo"},"modified":{"$last":"2w"}})`,
	`items.find({"@*":{"$match":"*abc*"}})`,
	`items.find({"@qa":"*"})`,
	`items.find({"property.key":"os","property.value":{"$match":"lin*"}})`,
	`items.find({"repo":{"$match":"docker-test"}, "modified": {"$lt": "2022-08-17"}}).include("*", "property", "stat").sort({"$asc" : ["created"]})`,
	`items.find({"size":{"$gt":1048576,"$lt":"2097152"},"depth":3,"type":"any"}).distinct(false)`,
	`build.promotions.find({"status":"released"})`,
	`releases.find({"release.name":"x"})`,
	`items.find()`,
	`items.find({})`,
	`  items . find ( { } ) . include ( "name" , "repo" ) . limit ( 5 )  `,
	`items.find({"name":"a\"b\\c\u00e9\n"}).include("name").sort({"$asc":["name","path"]}).offset(0).limit(0).distinct(true)`,
	`items.find({"modified_by":true,"created_by":false,"sha256":-1.5e3})`,
}

func TestParseValidRoundTrip(t *testing.T) {
	for _, src := range append(append([]string{}, jcgQueries...), docQueries...) {
		t.Run(src, func(t *testing.T) {
			q, err := Parse(src)
			require.NoError(t, err)
			out := q.String()
			q2, err := Parse(out)
			require.NoError(t, err, "re-parse of %s", out)
			assert.Equal(t, q, q2)
			assert.Equal(t, out, q2.String(), "String is a fixed point")
		})
	}
}

func TestParseAST(t *testing.T) {
	q, err := Parse(`items.find({"repo":"libs","size":{"$gt":10},"$or":[{"@os":"linux"},{"name":{"$match":"*.jar"}}]}).include("name").sort({"$desc":["size","name"]}).offset(2).limit(3)`)
	require.NoError(t, err)
	two, three := int64(2), int64(3)
	want := &Query{
		Domain: DomainItems,
		Criteria: Object(
			Eq("repo", "libs"),
			Field("size", OpGt, Number("10")),
			OrOf(Object(Eq("@os", "linux")), Object(Field("name", OpMatch, String("*.jar")))),
		),
		Include: []string{"name"},
		Sort:    &Sort{Order: "$desc", Fields: []string{"size", "name"}},
		Offset:  &two,
		Limit:   &three,
	}
	assert.Equal(t, want, q)
	assert.Equal(t, `items.find({"repo":"libs","size":{"$gt":10},"$or":[{"@os":"linux"},{"name":{"$match":"*.jar"}}]}).include("name").sort({"$desc":["size","name"]}).offset(2).limit(3)`, q.String())
}

func TestParseDomains(t *testing.T) {
	for src, d := range map[string]string{
		`items.find()`:            DomainItems,
		`builds.find()`:           DomainBuilds,
		`archive.entries.find()`:  DomainEntries,
		`entries.find()`:          DomainEntries,
		`build.promotions.find()`: DomainPromotions,
		`releases.find()`:         DomainReleases,
	} {
		q, err := Parse(src)
		require.NoError(t, err, src)
		assert.Equal(t, d, q.Domain, src)
	}
	q, _ := Parse(`entries.find()`)
	assert.Equal(t, `archive.entries.find()`, q.String())
}

func TestParseInvalid(t *testing.T) {
	cases := []struct {
		name, src, tail string // tail: expected start of the sub-query in the message ("" = don't check)
	}{
		{"empty", ``, ""},
		{"unknown domain", `artifacts.find({})`, `artifacts.find({})`},
		{"no find", `items.search({})`, ""},
		{"unterminated", `items.find({"repo":"a"}`, ""},
		{"trailing garbage", `items.find({"repo":"a"}) x`, "x"},
		{"trailing json", `items.find({"repo":"a"}{})`, `{})`},
		{"unknown modifier", `items.find({}).where("x")`, `.where("x")`},
		{"duplicate include", `items.find({}).include("name").include("repo")`, `.include("repo")`},
		{"MCP order limit before offset", `items.find({"repo":"a"}).limit(1).offset(2)`, `.offset(2)`},
		{"sort after limit", `items.find({}).limit(1).sort({"$asc":["name"]})`, ""},
		{"transitive after limit", `items.find({}).limit(1).transitive()`, ""},
		{"include after sort", `items.find({}).sort({"$asc":["name"]}).include("name")`, ""},
		{"$in unsupported", `items.find({"repo":{"$in":["a","b"]}})`, `"$in"`},
		{"unknown compound", `items.find({"$not":[{"repo":"a"}]})`, `"$not"`},
		{"unknown field", `items.find({"Repo":"a"})`, `"Repo"`},
		{"unknown relation", `items.find({"item.repo":"a"})`, ""},
		{"empty field", `items.find({"":"a"})`, ""},
		{"empty or", `items.find({"$or":[]})`, ""},
		{"or not array", `items.find({"$or":{"repo":"a"}})`, ""},
		{"or of strings", `items.find({"$or":["a"]})`, ""},
		{"value array", `items.find({"repo":["a"]})`, ""},
		{"op value object", `items.find({"repo":{"$eq":{"x":1}}})`, ""},
		{"empty op object", `items.find({"repo":{}})`, ""},
		{"repo inside msp", `items.find({"$msp":[{"repo":"a"}]})`, `"repo"`},
		{"or inside msp", `items.find({"$msp":[{"$or":[{"@a":"1"}]}]})`, ""},
		{"empty msp", `items.find({"$msp":{}})`, ""},
		{"bad relative", `items.find({"created":{"$last":"3h"}})`, `"3h"`},
		{"numeric relative", `items.find({"created":{"$last":3}})`, ""},
		{"negative limit", `items.find({}).limit(-1)`, "-1)"},
		{"huge offset", `items.find({}).offset(99999999999999999999)`, ""},
		{"distinct yes", `items.find({}).distinct(yes)`, ""},
		{"sort order", `items.find({}).sort({"$up":["name"]})`, ""},
		{"sort empty", `items.find({}).sort({"$asc":[]})`, ""},
		{"sort two orders", `items.find({}).sort({"$asc":["name"],"$desc":["repo"]})`, ""},
		{"sort by property", `items.find({}).sort({"$asc":["@os"]})`, ""},
		{"include empty", `items.find({}).include()`, ""},
		{"include unknown", `items.find({}).include("bogus")`, ""},
		{"include single quotes", `items.find({}).include('name')`, ""},
		{"criteria not object", `items.find("repo")`, ""},
		{"criteria array", `items.find([{"repo":"a"}])`, ""},
		{"invalid json", `items.find({"repo":"a",})`, ""},
		// From jfrog-cli issue #649: a real malformed query (missing '{').
		{"jfrog-cli 649", `items.find({"@keepforever":"true","type":"any","path": {"$ne":"."},"$or":[{"$and":[{"repo":"generic--linux-embedded-os","path":"kernel","name":{"$match":"*"}}]},{"$and":[{"repo":"generic--linux-embedded-os","path": {"$match":"kernel/*"}, "name": "$match":"*"}}]}]})`, ""},
		// From jfrog-cli issue #2462 and jfrog-cli-artifactory issue #234: what JFrog's
		// client builds for --exclude-props with a wildcard. Artifactory answers 400, and
		// its sub-query starts at the inner operator object.
		{"jfrog-cli 2462", `items.find({"$or":[{"@myprop":{"$ne":{"$match":"somethi*"}}}],"$or":[{"$and":[{"repo":"repo","path":{"$match":"*"},"name":{"$match":"*"}}]}]}).include("name","repo","path","actual_md5","actual_sha1","sha256","size","type","modified","created","property")`, `{"$match":"somethi*"}}}],"$or"`},
		{"too deep", `items.find(` + strings.Repeat(`{"$and":[`, 70) + `{}` + strings.Repeat(`]}`, 70) + `)`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := Parse(tc.src)
			require.Error(t, err, "parsed as %v", q)
			var se *SyntaxError
			require.True(t, errors.As(err, &se), "error type %T", err)
			assert.True(t, strings.HasPrefix(se.Message, "Failed to parse query: "+tc.src+", it looks like there is syntax error near the following sub-query: "), se.Message)
			assert.True(t, strings.HasSuffix(se.Message, "sub-query: "+tc.src[se.Offset:]), se.Message)
			if tc.tail != "" {
				assert.True(t, strings.HasPrefix(tc.src[se.Offset:], tc.tail), "tail %q (reason %s)", tc.src[se.Offset:], se.Reason)
			}
		})
	}
}

func TestSyntaxErrorMessage(t *testing.T) {
	src := `items.find({"repo":"a"}).limit(1).offset(2)`
	_, err := Parse(src)
	require.Error(t, err)
	assert.Equal(t, `Failed to parse query: items.find({"repo":"a"}).limit(1).offset(2), it looks like there is syntax error near the following sub-query: .offset(2)`, err.Error())
}

func TestWalkAndDuplicateKeys(t *testing.T) {
	q, err := Parse(`items.find({"repo":"a","repo":"b","$or":[{"name":"x"}],"$or":[{"name":"y","name":"z"}]})`)
	require.NoError(t, err)
	assert.Equal(t, []string{"repo", "$or", "name"}, q.Criteria.DuplicateKeys())
	var fields []string
	q.Criteria.Walk(func(c *Criteria) bool {
		if c.Kind == KindField {
			fields = append(fields, c.Field)
		}
		return c.Kind != KindOr // prune: do not descend into $or
	})
	assert.Equal(t, []string{"repo", "repo"}, fields)
}

func TestParseRelativeTime(t *testing.T) {
	for in, want := range map[string]RelativeTime{
		"3d": {3, "d"}, "2days": {2, "d"}, "1w": {1, "w"}, "1mo": {1, "mo"}, "5y": {5, "y"},
		"10ms": {10, "ms"}, "10mills": {10, "ms"}, "4s": {4, "s"}, "4seconds": {4, "s"}, "7minutes": {7, "minutes"},
		"2weeks": {2, "w"}, "3months": {3, "mo"}, "1years": {1, "y"},
	} {
		got, err := ParseRelativeTime(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "d", "3", "3h", "3 d", "-3d", "3D", "99999999999d"} {
		_, err := ParseRelativeTime(in)
		assert.Error(t, err, in)
	}
}
