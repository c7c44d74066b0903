package tools_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// seedSearchData uploads a small, known tree so assertions do not depend on
// the demo data.
func seedSearchData(t *testing.T, h *harness) {
	t.Helper()
	for _, f := range []struct {
		path, text string
		props      map[string]any
	}{
		{"search/a/app-1.0.jar", "one", map[string]any{"release": "1.0", "team": "core"}},
		{"search/a/app-1.1.jar", "two", map[string]any{"release": "1.1", "team": "core"}},
		{"search/b/lib-2.0.jar", "three", map[string]any{"release": "2.0", "team": "web; ui"}},
		{"search/b/notes.txt", "four", nil},
	} {
		args := map[string]any{"repo": "generic-local", "path": f.path, "content_text": f.text}
		if f.props != nil {
			args["properties"] = f.props
		}
		ok[tools.UploadResult](t, h.call(t, "upload_artifact", args))
	}
}

func TestSearchArtifacts(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	seedSearchData(t, h)
	search := func(args map[string]any) tools.SearchResult {
		t.Helper()
		return ok[tools.SearchResult](t, h.call(t, "search_artifacts", args))
	}
	names := func(r tools.SearchResult) []string {
		var out []string
		for _, it := range r.Items {
			out = append(out, it.Name)
		}
		return out
	}

	t.Run("name wildcard in one repository", func(t *testing.T) {
		r := search(map[string]any{"repos": []string{"generic-local"}, "name": "*.jar", "path": "search/*", "sort": "name"})
		assert.Equal(t, []string{"app-1.0.jar", "app-1.1.jar", "lib-2.0.jar"}, names(r))
		assert.Contains(t, r.AQL, `"name":{"$match":"*.jar"}`)
		assert.Equal(t, "search/a", r.Items[0].Path)
		assert.Equal(t, int64(3), r.Items[0].Size)
		assert.Len(t, r.Items[0].SHA256, 64)
		assert.Nil(t, r.Items[0].Properties, "properties only when asked")
	})

	t.Run("by property, with properties returned", func(t *testing.T) {
		r := search(map[string]any{"properties": map[string]string{"team": "web; ui"}, "include_properties": true})
		require.Equal(t, []string{"lib-2.0.jar"}, names(r))
		assert.Equal(t, []string{"2.0"}, r.Items[0].Properties["release"])
		assert.Equal(t, []string{"web; ui"}, r.Items[0].Properties["team"])
	})

	t.Run("by checksum", func(t *testing.T) {
		all := search(map[string]any{"name": "app-1.1.jar"})
		require.Len(t, all.Items, 1)
		r := search(map[string]any{"checksum": strings.ToUpper(all.Items[0].SHA256)})
		assert.Equal(t, []string{"app-1.1.jar"}, names(r))
	})

	t.Run("paging", func(t *testing.T) {
		first := search(map[string]any{"path": "search/*", "sort": "name", "limit": 2})
		require.Len(t, first.Items, 2)
		require.True(t, first.HasMore)
		second := search(map[string]any{"path": "search/*", "sort": "name", "limit": 2, "offset": *first.NextOffset})
		assert.Equal(t, []string{"lib-2.0.jar", "notes.txt"}, names(second))
		assert.False(t, second.HasMore)
	})

	t.Run("time window", func(t *testing.T) {
		r := search(map[string]any{"path": "search/*", "created_after": "2000-01-01T00:00:00Z"})
		assert.Len(t, r.Items, 4)
		r = search(map[string]any{"path": "search/*", "created_before": "2000-01-01T00:00:00Z"})
		assert.Empty(t, r.Items)
	})

	t.Run("bad input", func(t *testing.T) {
		for name, args := range map[string]map[string]any{
			"checksum length": {"checksum": "abc"},
			"checksum hex":    {"checksum": strings.Repeat("z", 64)},
			"date":            {"created_after": "yesterday"},
			"repo wildcard":   {"repos": []string{"libs-*"}},
		} {
			e := failed(t, h.call(t, "search_artifacts", args))
			assert.Equal(t, tools.CodeInvalidArgument, e.Code, name)
		}
	})
}

func TestRunAQL(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	seedSearchData(t, h)
	run := func(args map[string]any) tools.AQLResult {
		t.Helper()
		return ok[tools.AQLResult](t, h.call(t, "run_aql", args))
	}
	records := func(r tools.AQLResult) []map[string]any { return aqlRecords(t, r) }
	const find = `items.find({"repo":"generic-local","path":{"$match":"search/*"}})`

	t.Run("rows are objects and a limit is added", func(t *testing.T) {
		r := run(map[string]any{"query": find + `.include("name","size").sort({"$asc":["name"]})`, "limit": 3})
		require.Len(t, r.Items, 3)
		assert.True(t, r.HasMore)
		assert.Equal(t, 3, *r.NextOffset)
		assert.Contains(t, r.AQL, ".limit(3)")
		assert.Equal(t, []string{"name", "size"}, r.Columns)
		assert.Nil(t, r.Common)
		assert.Equal(t, []any{"app-1.0.jar", float64(3)}, r.Items[0], "size is a number, parsed once")
		rows := records(r)
		assert.Equal(t, "app-1.0.jar", rows[0]["name"])
		assert.Equal(t, float64(3), rows[0]["size"])
		assert.Equal(t, []string{"added .limit(3)"}, r.Notes)
		require.NotNil(t, r.Range.Limit)
		assert.Equal(t, int64(3), *r.Range.Limit)
	})

	t.Run("a larger limit is lowered", func(t *testing.T) {
		r := run(map[string]any{"query": find + `.limit(5000)`})
		assert.Len(t, r.Items, 4)
		assert.False(t, r.HasMore)
		assert.Contains(t, r.AQL, ".limit(100)")
		assert.Contains(t, r.Notes[0], "lowered .limit(5000) to 100")
	})

	t.Run("jfrog-client-go's own query shape", func(t *testing.T) {
		q := `items.find({"$or":[{"$and":[{"repo":"generic-local","path":{"$match":"search/a"},"name":{"$match":"*.jar"}}]}]}).include("name","repo","path","actual_md5","actual_sha1","sha256","size","type","modified","created","property")`
		r := run(map[string]any{"query": q})
		require.Len(t, r.Items, 2)
		rows := records(r)
		assert.Equal(t, "generic-local", r.Common["repo"])
		assert.Equal(t, map[string]any{"release": []any{"1.0"}, "team": []any{"core"}}, rows[0]["properties"], "properties as key -> values")
		assert.Contains(t, r.Notes[0], "allows no .limit()")
		assert.NotContains(t, r.AQL, ".limit(")
	})

	t.Run("syntax error carries Artifactory's message", func(t *testing.T) {
		e := failed(t, h.call(t, "run_aql", map[string]any{"query": `items.find({"repo":"generic-local"}`}))
		assert.Equal(t, tools.CodeInvalidArgument, e.Code)
		assert.Contains(t, e.Message, "Failed to parse query")
	})

	t.Run("other domains are refused", func(t *testing.T) {
		e := failed(t, h.call(t, "run_aql", map[string]any{"query": `builds.find({"name":"x"})`}))
		assert.Equal(t, tools.CodeInvalidArgument, e.Code)
		assert.Contains(t, e.Message, "items domain")
	})
}

// aqlRecords rebuilds the row objects of a run_aql table.
func aqlRecords(t *testing.T, r tools.AQLResult) []map[string]any {
	t.Helper()
	out := make([]map[string]any, len(r.Items))
	for i, row := range r.Items {
		require.Len(t, row, len(r.Columns))
		rec := map[string]any{}
		for k, v := range r.Common {
			rec[k] = v
		}
		for j, c := range r.Columns {
			rec[c] = row[j]
		}
		out[i] = rec
	}
	return out
}

// An empty result says why when the cause can be known: a misspelt
// repository, a name with folders in it, an exact path where a wildcard was
// probably meant.
func TestEmptySearchExplainsItself(t *testing.T) {
	cases := map[string]struct {
		args map[string]any
		want []string
	}{
		"name with a folder": {map[string]any{"repos": []any{"generic-local"}, "name": "search/a/app-1.0.jar"},
			[]string{`name "search/a/app-1.0.jar" contains '/'`, "put the folders in path"}},
		"exact path": {map[string]any{"repos": []any{"generic-local"}, "path": "search", "name": "*.jar"},
			[]string{`path "search" matches that one folder exactly`, `use path "search/*"`}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{})
			seedSearchData(t, h)
			res := ok[tools.SearchResult](t, h.call(t, "search_artifacts", c.args))
			require.Empty(t, res.Items)
			for _, w := range c.want {
				assert.Contains(t, res.Hint, w)
			}
		})
	}
	t.Run("a result with rows has no such hint", func(t *testing.T) {
		h := newHarness(t, harnessOpts{})
		seedSearchData(t, h)
		res := ok[tools.SearchResult](t, h.call(t, "search_artifacts", map[string]any{"repos": []any{"generic-local"}, "path": "search/*", "name": "*.jar"}))
		assert.NotEmpty(t, res.Items)
		assert.Empty(t, res.Hint)
	})
	// A repository key is looked up before the call is decided, so a
	// misspelt one is refused with that reason instead of an empty result.
	t.Run("misspelt repository", func(t *testing.T) {
		h := newHarness(t, harnessOpts{})
		e := failed(t, h.call(t, "search_artifacts", map[string]any{"repos": []any{"generc-local"}, "name": "*.jar"}))
		assert.Equal(t, tools.CodeNotFound, e.Code)
		assert.Contains(t, e.Message, "repository generc-local does not exist")
		assert.Contains(t, e.Hint, "list_repositories")
	})
	t.Run("without list_repositories the hint does not name it", func(t *testing.T) {
		h := newHarness(t, harnessOpts{toolsets: []string{"artifacts"}})
		e := failed(t, h.call(t, "search_artifacts", map[string]any{"repos": []any{"generc-local"}}))
		assert.Contains(t, e.Message, "repository generc-local does not exist")
		assert.NotContains(t, e.Hint, "list_repositories")
	})
}

func TestEmptyAQLNamesAMissingRepository(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	res := ok[tools.AQLResult](t, h.call(t, "run_aql", map[string]any{"query": `items.find({"repo":"libs-relase-local"})`}))
	assert.Empty(t, res.Items)
	assert.Contains(t, res.Hint, `repository "libs-relase-local" does not exist`)
	assert.Contains(t, res.Hint, `did you mean "libs-release-local"?`)
}
