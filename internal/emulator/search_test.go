package emulator_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// searchURIs GETs a search endpoint (rawQuery sent verbatim) and returns
// the result uris.
func searchURIs(t *testing.T, f *searchFixture, auth, endpoint, rawQuery string, hdr map[string]string) (int, []string, []map[string]any) {
	t.Helper()
	resp, body := call(t, http.MethodGet, rawURL(t, f.URL, "/artifactory/api/search/"+endpoint, rawQuery), auth, nil, hdr)
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, nil, []map[string]any{decode(t, body)}
	}
	rs := results(t, decode(t, body))
	var uris []string
	for _, r := range rs {
		uris = append(uris, r["uri"].(string))
	}
	return resp.StatusCode, uris, rs
}

func TestQuickSearch(t *testing.T) {
	f := startSearchFixture(t)
	st := f.URL + "/artifactory/api/storage/"

	status, uris, _ := searchURIs(t, f, f.AdminToken, "artifact", "name=alpha", nil)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, []string{st + "generic-local/dup/alpha-copy.bin"}, uris) // part of the name

	_, uris, _ = searchURIs(t, f, f.AdminToken, "artifact", "name=*.bin", nil)
	assert.Equal(t, []string{st + "generic-local/a.bin", st + "generic-local/dup/alpha-copy.bin",
		st + "generic-local/tools/x.bin", st + "secret-local/hidden.bin"}, uris)

	_, uris, _ = searchURIs(t, f, f.AdminToken, "artifact", "name=?.bin&repos=secret-local,team", nil)
	assert.Empty(t, uris)
	_, uris, _ = searchURIs(t, f, f.AdminToken, "artifact", "name=*.bin&repos=secret-local,team", nil)
	assert.Equal(t, []string{st + "secret-local/hidden.bin"}, uris)
	_, uris, _ = searchURIs(t, f, f.AdminToken, "artifact", "name=readme&repos=team", nil) // virtual: its members
	assert.Equal(t, []string{st + "team-local/docs/readme.md"}, uris)

	_, uris, _ = searchURIs(t, f, f.reader, "artifact", "name=*.bin", nil)
	assert.Len(t, uris, 3, "reader cannot read secret-local")

	status, _, errBody := searchURIs(t, f, f.AdminToken, "artifact", "name=*", nil)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "Search term containing only wildcards is not permitted",
		errBody[0]["errors"].([]any)[0].(map[string]any)["message"])

	t.Run("result detail", func(t *testing.T) {
		_, _, rs := searchURIs(t, f, f.AdminToken, "artifact", "name=a.bin", map[string]string{"X-Result-Detail": "info, properties"})
		require.Len(t, rs, 1)
		r := rs[0]
		assert.Equal(t, "5", r["size"]) // a string, as in storage info
		assert.Equal(t, "/a.bin", r["path"])
		assert.Equal(t, "generic-local", r["repo"])
		assert.Equal(t, f.URL+"/artifactory/generic-local/a.bin", r["downloadUri"])
		assert.NotEmpty(t, r["checksums"])
		assert.Equal(t, map[string]any{"env": []any{"prod"}}, r["properties"])

		_, _, rs = searchURIs(t, f, f.AdminToken, "artifact", "name=a.bin", map[string]string{"X-Result-Detail": "properties"})
		assert.NotContains(t, rs[0], "size")
		assert.Contains(t, rs[0], "properties")
		_, _, rs = searchURIs(t, f, f.AdminToken, "artifact", "name=a.bin", nil)
		assert.Equal(t, []string{"uri"}, keys(rs[0]))
	})
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestPropertySearch(t *testing.T) {
	f := startSearchFixture(t)
	st := f.URL + "/artifactory/api/storage/"
	cases := []struct {
		name, query string
		want        []string
	}{
		{"value", "env=prod", []string{"generic-local/a.bin", "generic-local/props/semi.txt"}},
		{"values are ORed", "env=prod,qa", []string{"generic-local/a.bin", "generic-local/props/semi.txt", "generic-local/tools/x.bin"}},
		{"keys are ANDed", "env=qa&tool=x", []string{"generic-local/tools/x.bin"}},
		{"key without value is any value", "tool", []string{"generic-local/tools/x.bin"}},
		{"key with empty value is any value", "tool=", []string{"generic-local/tools/x.bin"}},
		{"raw ';' and '+' space", "note=a;b+c", []string{"generic-local/props/semi.txt", "secret-local/hidden.bin"}},
		{"encoded ';' and space", "note=a%3Bb%20c", []string{"generic-local/props/semi.txt", "secret-local/hidden.bin"}},
		{"wildcard value", "note=a*c", []string{"generic-local/props/semi.txt", "secret-local/hidden.bin"}},
		{"repos filter is not a property", "note=a%3Bb%20c&repos=secret-local", []string{"secret-local/hidden.bin"}},
		{"no match", "env=dev", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, uris, _ := searchURIs(t, f, f.AdminToken, "prop", c.query, nil)
			require.Equal(t, http.StatusOK, status)
			var want []string
			for _, w := range c.want {
				want = append(want, st+w)
			}
			assert.Equal(t, want, uris)
		})
	}
	t.Run("permissions", func(t *testing.T) {
		_, uris, _ := searchURIs(t, f, f.reader, "prop", "note=a;b+c", nil)
		assert.Equal(t, []string{st + "generic-local/props/semi.txt"}, uris)
	})
	t.Run("properties detail", func(t *testing.T) {
		_, _, rs := searchURIs(t, f, f.AdminToken, "prop", "note=a;b+c&repos=generic-local", map[string]string{"X-Result-Detail": "properties"})
		require.Len(t, rs, 1)
		assert.Equal(t, map[string]any{"note": []any{"a;b c"}, "env": []any{"prod", "qa"}}, rs[0]["properties"])
	})
	t.Run("no properties", func(t *testing.T) {
		status, _, _ := searchURIs(t, f, f.AdminToken, "prop", "repos=generic-local", nil)
		assert.Equal(t, http.StatusBadRequest, status)
	})
}

func TestChecksumSearch(t *testing.T) {
	f := startSearchFixture(t)
	st := f.URL + "/artifactory/api/storage/"
	sum := sha256.Sum256([]byte("alpha"))
	sha := hex.EncodeToString(sum[:])

	_, uris, _ := searchURIs(t, f, f.AdminToken, "checksum", "sha256="+sha, nil)
	assert.Equal(t, []string{st + "generic-local/a.bin", st + "generic-local/dup/alpha-copy.bin", st + "secret-local/hidden.bin"}, uris)
	_, uris, _ = searchURIs(t, f, f.reader, "checksum", "sha256="+sha, nil)
	assert.Len(t, uris, 2)
	_, uris, _ = searchURIs(t, f, f.AdminToken, "checksum", "sha256="+sha+"&repos=secret-local", nil)
	assert.Equal(t, []string{st + "secret-local/hidden.bin"}, uris)

	// sha1/md5 of the same content, read back from the info detail.
	_, _, rs := searchURIs(t, f, f.AdminToken, "checksum", "sha256="+sha+"&repos=secret-local", map[string]string{"X-Result-Detail": "info"})
	sums := rs[0]["checksums"].(map[string]any)
	_, uris, _ = searchURIs(t, f, f.AdminToken, "checksum", "sha1="+sums["sha1"].(string), nil)
	assert.Len(t, uris, 3)
	_, uris, _ = searchURIs(t, f, f.AdminToken, "checksum", "md5="+sums["md5"].(string)+"&repos=generic-local", nil)
	assert.Len(t, uris, 2)
	_, uris, _ = searchURIs(t, f, f.AdminToken, "checksum", "sha256="+sha[:63]+"0", nil)
	assert.Empty(t, uris)

	status, _, _ := searchURIs(t, f, f.AdminToken, "checksum", "repos=generic-local", nil)
	assert.Equal(t, http.StatusBadRequest, status)
}

func TestPatternSearch(t *testing.T) {
	f := startSearchFixture(t)
	get := func(auth, rawQuery string) (int, map[string]any) {
		resp, body := call(t, http.MethodGet, rawURL(t, f.URL, "/artifactory/api/search/pattern", rawQuery), auth, nil, nil)
		return resp.StatusCode, decode(t, body)
	}
	status, m := get(f.AdminToken, "pattern=generic-local:tools/*.bin")
	require.Equal(t, http.StatusOK, status, m)
	assert.Equal(t, map[string]any{
		"repositoryUri": f.URL + "/artifactory/generic-local",
		"sourcePattern": "generic-local:tools/*.bin",
		"files":         []any{"tools/x.bin"},
	}, m)

	_, m = get(f.AdminToken, "pattern=generic-local%3A*%2F%3F.*")
	assert.Equal(t, []any{"tools/x.bin", "tools/y.txt"}, m["files"])
	_, m = get(f.AdminToken, "pattern=generic-local:*")
	assert.Equal(t, []any{"a.bin"}, m["files"], "'*' stays within one segment")
	_, m = get(f.AdminToken, "pattern=team:docs/*") // virtual: members' files
	assert.Equal(t, []any{"docs/readme.md"}, m["files"])

	status, _ = get(f.AdminToken, "pattern=generic-local:**/*.bin")
	assert.Equal(t, http.StatusBadRequest, status)
	status, _ = get(f.AdminToken, "pattern=tools/*.bin")
	assert.Equal(t, http.StatusBadRequest, status)
	status, _ = get(f.AdminToken, "pattern=nope-local:*")
	assert.Equal(t, http.StatusNotFound, status)
	status, _ = get(f.reader, "pattern=secret-local:*")
	assert.Equal(t, http.StatusForbidden, status)
	resp, _ := call(t, http.MethodGet, f.URL+"/artifactory/api/search/pattern?pattern=generic-local:*", "", nil, nil)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}

func TestUnknownSearchIs404(t *testing.T) {
	f := startSearchFixture(t)
	resp, _ := call(t, http.MethodGet, f.URL+"/artifactory/api/search/nope", f.AdminToken, nil, nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}
