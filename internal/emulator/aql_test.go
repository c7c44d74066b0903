package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// aqlPost sends an AQL query. contentType "" sends no Content-Type at all,
// exactly like jfrog-client-go.
func aqlPost(t *testing.T, f *searchFixture, auth, query, contentType string) (*http.Response, map[string]any) {
	t.Helper()
	hdr := map[string]string{}
	if contentType != "" {
		hdr["Content-Type"] = contentType
	}
	resp, body := call(t, http.MethodPost, f.URL+"/artifactory/api/search/aql", auth, strings.NewReader(query), hdr)
	return resp, decode(t, body)
}

func results(t *testing.T, m map[string]any) []map[string]any {
	t.Helper()
	list, ok := m["results"].([]any)
	require.True(t, ok, "results: %v", m)
	out := make([]map[string]any, len(list))
	for i, r := range list {
		out[i] = r.(map[string]any)
	}
	return out
}

func names(rs []map[string]any) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r["repo"].(string)+":"+r["path"].(string)+"/"+r["name"].(string))
	}
	return out
}

func TestAQLJCGQueryShapes(t *testing.T) {
	f := startSearchFixture(t)

	t.Run("spec search without content type", func(t *testing.T) {
		// CreateAqlBodyForSpecWithPattern + the default include with "property".
		q := `items.find({"$or":[{"$and":[{"repo":"generic-local","path":{"$match":"*"},"name":{"$match":"*.bin"}}]}]})` +
			`.include("name","repo","path","actual_md5","actual_sha1","sha256","size","type","modified","created","property")`
		resp, m := aqlPost(t, f, f.AdminToken, q, "")
		require.Equal(t, http.StatusOK, resp.StatusCode, m)
		assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
		rs := results(t, m)
		assert.Equal(t, []string{"generic-local:./a.bin", "generic-local:dup/alpha-copy.bin", "generic-local:tools/x.bin"}, names(rs))
		root := rs[0]
		assert.Equal(t, float64(5), root["size"]) // a number, unlike storage info
		assert.Equal(t, "file", root["type"])
		assert.Len(t, root["sha256"], 64)
		assert.Len(t, root["actual_sha1"], 40)
		assert.Len(t, root["actual_md5"], 32)
		assert.Equal(t, "2025-01-01T00:00:00.000Z", root["created"])
		assert.Equal(t, []any{map[string]any{"key": "env", "value": "prod"}}, root["properties"])
		assert.NotContains(t, rs[1], "properties") // no properties: key omitted
		assert.Equal(t, map[string]any{"start_pos": float64(0), "end_pos": float64(3), "total": float64(3)}, m["range"])
	})

	t.Run("non-recursive pattern excludes root with $ne", func(t *testing.T) {
		q := `items.find({"path":{"$ne":"."},"$or":[{"$and":[{"repo":"generic-local","path":{"$match":"tools"},"name":{"$match":"*"}}]}]})` +
			`.include("name","repo","path","actual_md5","actual_sha1","sha256","size","type","modified","created","property")`
		resp, m := aqlPost(t, f, f.AdminToken, q, "")
		require.Equal(t, http.StatusOK, resp.StatusCode, m)
		assert.Equal(t, []string{"generic-local:tools/x.bin", "generic-local:tools/y.txt"}, names(results(t, m)))
	})

	t.Run("latest created, sort and limit", func(t *testing.T) {
		// CreateAqlQueryForLatestCreated, spaces and all.
		q := `items.find({"type": "file","repo": "generic-local","path": {"$match": "tools"}}).sort({"$desc":["created"]}).limit(1)`
		resp, m := aqlPost(t, f, f.AdminToken, q, "text/plain")
		require.Equal(t, http.StatusOK, resp.StatusCode, m)
		rs := results(t, m)
		require.Len(t, rs, 1)
		assert.Equal(t, "x.bin", rs[0]["name"])
		assert.Equal(t, float64(1), m["range"].(map[string]any)["limit"])
	})

	t.Run("include dirs with type any shows folders and the repo root", func(t *testing.T) {
		q := `items.find({"type":"any","$or":[{"$and":[{"repo":"team-local","path":{"$match":"*"},"name":{"$match":"*"}}]}]}).include("name","repo","path","type")`
		resp, m := aqlPost(t, f, f.AdminToken, q, "")
		require.Equal(t, http.StatusOK, resp.StatusCode, m)
		assert.Equal(t, []string{"team-local:./.", "team-local:./docs", "team-local:docs/readme.md"}, names(results(t, m)))
		assert.Equal(t, "folder", results(t, m)[0]["type"])
	})

	t.Run("properties with ';' and spaces", func(t *testing.T) {
		q := `items.find({"@note":"a;b c"}).include("repo","path","name","@note")`
		resp, m := aqlPost(t, f, f.AdminToken, q, "")
		require.Equal(t, http.StatusOK, resp.StatusCode, m)
		assert.Equal(t, []string{"generic-local:props/semi.txt", "secret-local:./hidden.bin"}, names(results(t, m)))
	})
}

func TestAQLPagingRange(t *testing.T) {
	f := startSearchFixture(t)
	q := `items.find({"repo":"generic-local"}).include("repo","path","name").sort({"$asc":["name"]}).offset(1).limit(2)`
	resp, m := aqlPost(t, f, f.AdminToken, q, "")
	require.Equal(t, http.StatusOK, resp.StatusCode, m)
	// names sorted: a.bin, alpha-copy.bin, semi.txt, x.bin, y.txt
	assert.Equal(t, []string{"generic-local:dup/alpha-copy.bin", "generic-local:props/semi.txt"}, names(results(t, m)))
	assert.Equal(t, map[string]any{"start_pos": float64(1), "end_pos": float64(3), "total": float64(2), "limit": float64(2)}, m["range"])
}

func TestAQLPermissionFiltering(t *testing.T) {
	f := startSearchFixture(t)
	q := `items.find({"name":{"$match":"*"}}).include("repo","path","name")`

	resp, m := aqlPost(t, f, f.reader, q, "")
	require.Equal(t, http.StatusOK, resp.StatusCode, m)
	for _, n := range names(results(t, m)) {
		assert.False(t, strings.HasPrefix(n, "secret-local:"), n)
	}
	assert.Len(t, results(t, m), 6) // 5 in generic-local + 1 in team-local; virtual "team" adds nothing

	// Paging counts only what the caller may see.
	resp, m = aqlPost(t, f, f.reader, `items.find({"name":{"$match":"*.bin"}}).include("repo","path","name").limit(10)`, "")
	require.Equal(t, http.StatusOK, resp.StatusCode, m)
	assert.Equal(t, float64(3), m["range"].(map[string]any)["total"])

	_, m = aqlPost(t, f, f.AdminToken, q, "")
	assert.Len(t, results(t, m), 7)
}

func TestAQLErrors(t *testing.T) {
	f := startSearchFixture(t)
	t.Run("syntax error", func(t *testing.T) {
		resp, body := call(t, http.MethodPost, f.URL+"/artifactory/api/search/aql", f.AdminToken,
			strings.NewReader(`items.find({"repo":"generic-local"}`), nil)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)
		m := decode(t, body)
		errs := m["errors"].([]any)
		require.Len(t, errs, 1)
		e := errs[0].(map[string]any)
		assert.Equal(t, float64(400), e["status"])
		assert.Contains(t, e["message"], "Failed to parse query: ")
		assert.Contains(t, e["message"], "it looks like there is syntax error near the following sub-query")
	})
	t.Run("other domains are refused with a reason", func(t *testing.T) {
		resp, m := aqlPost(t, f, f.AdminToken, `releases.find({"name":"x"})`, "")
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)
		msg := m["errors"].([]any)[0].(map[string]any)["message"].(string)
		assert.Contains(t, msg, `not "releases"`)
	})
	t.Run("property include with limit", func(t *testing.T) {
		resp, _ := aqlPost(t, f, f.AdminToken, `items.find().include("name","property").limit(1)`, "")
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	})
	t.Run("anonymous", func(t *testing.T) {
		resp, _ := call(t, http.MethodPost, f.URL+"/artifactory/api/search/aql", "", strings.NewReader(`items.find()`), nil)
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	})
	t.Run("GET is not allowed", func(t *testing.T) {
		resp, _ := call(t, http.MethodGet, f.URL+"/artifactory/api/search/aql", f.AdminToken, nil, nil)
		assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	})
}

// More literal shapes from jfrog-client-go's aqlquerybuilder.go.
func TestAQLMoreJCGShapes(t *testing.T) {
	f := startSearchFixture(t)
	const inc = `.include("name","repo","path","actual_md5","actual_sha1","sha256","size","type","modified","created")`
	cases := []struct {
		name, query string
		want        []string
	}{
		{"props part before the pattern",
			`items.find({"$and":[{"@env":"qa"}],"$or":[{"$and":[{"repo":"generic-local","path":{"$match":"*"},"name":{"$match":"*"}}]}]})` + inc,
			[]string{"generic-local:props/semi.txt", "generic-local:tools/x.bin"}},
		{"exclusion: two sibling $or keys",
			`items.find({"$or":[{"path":{"$nmatch":"tools"},"name":{"$nmatch":"*"}}],"$or":[{"$and":[{"repo":"generic-local","path":{"$match":"*"},"name":{"$match":"*"}}]}]})` + inc,
			[]string{"generic-local:./a.bin", "generic-local:dup/alpha-copy.bin", "generic-local:props/semi.txt"}},
		{"sort, offset, transitive, limit in JCG's order",
			`items.find({"repo":"generic-local"})` + inc + `.sort({"$desc":["created"]}).offset(1).transitive().limit(2)`,
			[]string{"generic-local:props/semi.txt", "generic-local:tools/x.bin"}},
		{"multi-line build-info lookup",
			"items.find({\n\t\t\t\"repo\": \"artifactory-build-info\",\n\t\t\t\"path\": {\n\t\t\t\t\"$match\": \"b\"\n\t\t\t},\n\t\t\t\"name\": {\n\t\t\t\t\"$match\": \"1-*.json\"\n\t\t\t}\n\t\t}).include(\"name\",\"repo\",\"path\",\"actual_sha1\",\"actual_md5\")",
			nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, m := aqlPost(t, f, f.AdminToken, c.query, "")
			require.Equal(t, http.StatusOK, resp.StatusCode, m)
			assert.Equal(t, c.want, names(results(t, m)))
		})
	}
}
