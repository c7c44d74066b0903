package emulator_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/emulatortest"
)

func TestStorageInfoAndList(t *testing.T) {
	s := demo(t)
	base := s.URL + "/artifactory/api/storage/"
	t.Run("file info size is a string", func(t *testing.T) {
		resp, body := call(t, http.MethodGet, base+"libs-release-local/com/acme/billing/1.4.0/billing-1.4.0.jar", s.AdminToken, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
		m := decode(t, body)
		assert.Equal(t, "16384", m["size"])
		assert.Equal(t, "/com/acme/billing/1.4.0/billing-1.4.0.jar", m["path"])
		assert.Equal(t, "application/java-archive", m["mimeType"])
		assert.Equal(t, "2025-01-10T10:00:00.000Z", m["created"])
		assert.Equal(t, "dev", m["createdBy"])
		assert.Len(t, m["checksums"], 3)
	})
	t.Run("folder info lists children", func(t *testing.T) {
		resp, body := call(t, http.MethodGet, base+"libs-release-local/com/acme/billing/1.4.0", s.AdminToken, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		m := decode(t, body)
		assert.Nil(t, m["size"])
		assert.Equal(t, []any{
			map[string]any{"uri": "/billing-1.4.0.jar", "folder": false},
			map[string]any{"uri": "/billing-1.4.0.pom", "folder": false},
		}, m["children"])
	})
	t.Run("repo root", func(t *testing.T) {
		resp, body := call(t, http.MethodGet, base+"generic-local", s.AdminToken, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, "/", decode(t, body)["path"])
	})
	t.Run("virtual repo shows members' children", func(t *testing.T) {
		resp, body := call(t, http.MethodGet, base+"libs-release/com/acme/billing", s.AdminToken, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Len(t, decode(t, body)["children"], 2) // 1.4.0 from releases, 1.5.0-SNAPSHOT from snapshots
	})
	t.Run("missing item", func(t *testing.T) {
		resp, body := call(t, http.MethodGet, base+"generic-local/nope", s.AdminToken, nil, nil)
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
		assert.JSONEq(t, `{"errors":[{"status":404,"message":"Unable to find item"}]}`, string(body))
	})
	t.Run("list size is a number", func(t *testing.T) {
		resp, body := call(t, http.MethodGet, base+"libs-release-local/com?list&deep=1&listFolders=1&mdTimestamps=1", s.AdminToken, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
		files := decode(t, body)["files"].([]any)
		byURI := map[string]map[string]any{}
		for _, f := range files {
			m := f.(map[string]any)
			byURI[m["uri"].(string)] = m
		}
		jar := byURI["/acme/billing/1.4.0/billing-1.4.0.jar"]
		require.NotNil(t, jar, string(body))
		assert.Equal(t, float64(16384), jar["size"])
		assert.NotEmpty(t, jar["sha1"])
		assert.NotEmpty(t, jar["sha2"])
		assert.NotNil(t, jar["mdTimestamps"])
		assert.Equal(t, float64(-1), byURI["/acme"]["size"])
		assert.Equal(t, true, byURI["/acme"]["folder"])
	})
	t.Run("list depth and flat", func(t *testing.T) {
		_, body := call(t, http.MethodGet, base+"libs-release-local/com?list&deep=1&depth=2&listFolders=1", s.AdminToken, nil, nil)
		assert.Len(t, decode(t, body)["files"], 2) // /acme, /acme/billing
		_, body = call(t, http.MethodGet, base+"libs-release-local/com?list=true", s.AdminToken, nil, nil)
		assert.Empty(t, decode(t, body)["files"]) // flat, folders excluded
	})
}

func TestReadPermission(t *testing.T) {
	seed, err := emulator.ParseSeed([]byte(`{
	  "repositories":[{"key":"open","rclass":"local"},{"key":"secret","rclass":"local"}],
	  "users":[{"name":"u","password":"p","permissions":[{"repos":["open"],"actions":["read"]}]}],
	  "artifacts":[{"repo":"secret","path":"a.txt","content":"s"},{"repo":"open","path":"b.txt","content":"o"}]}`))
	require.NoError(t, err)
	s := emulatortest.Start(t, seed)
	tok, err := s.Emu.MintToken("u")
	require.NoError(t, err)
	resp, _ := call(t, http.MethodGet, s.URL+"/artifactory/secret/a.txt", tok, nil, nil)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	resp, _ = call(t, http.MethodGet, s.URL+"/artifactory/api/storage/secret/a.txt", tok, nil, nil)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	resp, _ = call(t, http.MethodGet, s.URL+"/artifactory/api/repositories/secret", tok, nil, nil)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	resp, _ = call(t, http.MethodGet, s.URL+"/artifactory/open/b.txt", tok, nil, nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	_, body := call(t, http.MethodGet, s.URL+"/artifactory/api/repositories", tok, nil, nil)
	assert.JSONEq(t, `[{"key":"open","type":"LOCAL","url":"`+s.URL+`/artifactory/open","packageType":"Generic"}]`, string(body))
}

func TestDownloadHeadersAndRanges(t *testing.T) {
	s := demo(t)
	content := "0123456789abcdef"
	d := digest(content)
	resp, _ := call(t, http.MethodPut, s.URL+"/artifactory/generic-local/dl/file.txt", s.AdminToken, strings.NewReader(content), nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode)

	resp, body := call(t, http.MethodHead, s.URL+"/artifactory/generic-local/dl/file.txt", s.AdminToken, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Empty(t, body)
	assert.Equal(t, d.sha1, resp.Header.Get("X-Checksum-Sha1"))
	assert.Equal(t, d.sha256, resp.Header.Get("X-Checksum-Sha256"))
	assert.Equal(t, d.md5, resp.Header.Get("X-Checksum-Md5"))
	assert.Equal(t, "16", resp.Header.Get("Content-Length"))
	assert.Equal(t, "bytes", resp.Header.Get("Accept-Ranges"))
	assert.NotEmpty(t, resp.Header.Get("Last-Modified"))
	assert.Equal(t, d.sha1, resp.Header.Get("ETag"))
	assert.Contains(t, resp.Header.Get("Content-Disposition"), `filename="file.txt"`)

	resp, body = call(t, http.MethodGet, s.URL+"/artifactory/generic-local/dl/file.txt", s.AdminToken, nil, map[string]string{"Range": "bytes=4-7"})
	require.Equal(t, http.StatusPartialContent, resp.StatusCode)
	assert.Equal(t, "4567", string(body))
	assert.Equal(t, "bytes 4-7/16", resp.Header.Get("Content-Range"))

	resp, body = call(t, http.MethodGet, s.URL+"/artifactory/generic-local/dl/missing.txt", s.AdminToken, nil, nil)
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.JSONEq(t, `{"errors":[{"status":404,"message":"File not found."}]}`, string(body))

	resp, body = call(t, http.MethodGet, s.URL+"/artifactory/generic-local/dl/", s.AdminToken, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/html")
	assert.Contains(t, string(body), `<a href="file.txt">file.txt</a>`)

	// Through a virtual repo.
	resp, _ = call(t, http.MethodGet, s.URL+"/artifactory/libs-release/com/acme/billing/1.4.0/billing-1.4.0.pom", s.AdminToken, nil, nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestDeleteItem(t *testing.T) {
	s := demo(t)
	resp, _ := call(t, http.MethodDelete, s.URL+"/artifactory/libs-release-local/com/acme", s.AdminToken, nil, nil)
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	resp, _ = call(t, http.MethodGet, s.URL+"/artifactory/api/storage/libs-release-local/com/acme/billing/1.4.0/billing-1.4.0.jar", s.AdminToken, nil, nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	resp, _ = call(t, http.MethodDelete, s.URL+"/artifactory/libs-release-local/com/acme", s.AdminToken, nil, nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	reader, err := s.Emu.MintToken("reader")
	require.NoError(t, err)
	resp, _ = call(t, http.MethodDelete, s.URL+"/artifactory/generic-local/docs/README.txt", reader, nil, nil)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
}

// encodeProps encodes like a careful client: keys query-escaped, literal
// '\' ',' '|' '=' in values backslash-escaped then query-escaped (so ';'
// becomes %3B), values joined by ',' and props by ';'.
func encodeProps(keys []string, props map[string][]string) string {
	var parts []string
	esc := strings.NewReplacer(`\`, `\\`, `,`, `\,`, `|`, `\|`, `=`, `\=`)
	for _, k := range keys {
		var vals []string
		for _, v := range props[k] {
			vals = append(vals, url.QueryEscape(esc.Replace(v)))
		}
		parts = append(parts, url.QueryEscape(k)+"="+strings.Join(vals, ","))
	}
	return strings.Join(parts, ";")
}

func TestPropertiesRoundTrip(t *testing.T) {
	s := demo(t)
	item := s.URL + "/artifactory/api/storage/generic-local/docs/README.txt"
	props := map[string][]string{
		"semi":    {"a;b"},
		"eq":      {"x=y=z"},
		"comma":   {"1,2", "3"},
		"pipe":    {"p|q"},
		"back":    {`c:\dir\`},
		"space":   {"hello world  "},
		"unicode": {"héllo wörld ✓", "日本"},
		"empty":   {""},
	}
	keys := []string{"semi", "eq", "comma", "pipe", "back", "space", "unicode", "empty"}
	resp, body := call(t, http.MethodPut, item+"?properties="+encodeProps(keys, props)+"&recursive=0", s.AdminToken, nil, nil)
	require.Equal(t, http.StatusNoContent, resp.StatusCode, string(body))

	resp, body = call(t, http.MethodGet, item+"?properties", s.AdminToken, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	got := map[string][]string{}
	for k, v := range decode(t, body)["properties"].(map[string]any) {
		for _, x := range v.([]any) {
			got[k] = append(got[k], x.(string))
		}
	}
	assert.Equal(t, props, got)

	resp, body = call(t, http.MethodGet, item+"?properties=semi,comma", s.AdminToken, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Len(t, decode(t, body)["properties"], 2)
	assert.Equal(t, item, decode(t, body)["uri"])

	resp, _ = call(t, http.MethodDelete, item+"?properties="+strings.Join(keys, ",")+"&recursive=0", s.AdminToken, nil, nil)
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	resp, body = call(t, http.MethodGet, item+"?properties", s.AdminToken, nil, nil)
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Contains(t, string(body), "No properties could be found")
}

// JCG's ToEncodedString(true): leading ';', query-escaped keys and values,
// values joined by %2C, commas inside values sent as \, (%5C%2C).
func TestPropertiesJCGEncoding(t *testing.T) {
	s := demo(t)
	item := s.URL + "/artifactory/api/storage/generic-local/docs/README.txt"
	q := "properties=;build.name=my+build;os=linux%2Cwin%5C%2C10;%7Cpiped=1&recursive=0"
	resp, body := call(t, http.MethodPut, item+"?"+q, s.AdminToken, nil, nil)
	require.Equal(t, http.StatusNoContent, resp.StatusCode, string(body))
	_, body = call(t, http.MethodGet, item+"?properties", s.AdminToken, nil, nil)
	assert.JSONEq(t, `{"build.name":["my build"],"os":["linux","win,10"],"piped":["1"]}`,
		string(mustJSON(t, decode(t, body)["properties"])))
}

func TestPropertiesRecursiveAndPermissions(t *testing.T) {
	s := demo(t)
	folder := s.URL + "/artifactory/api/storage/libs-release-local/com/acme"
	resp, _ := call(t, http.MethodPut, folder+"?properties=team=billing&recursive=1", s.AdminToken, nil, nil)
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	_, body := call(t, http.MethodGet, folder+"/billing/1.4.0/billing-1.4.0.jar?properties=team", s.AdminToken, nil, nil)
	assert.Contains(t, string(body), `"billing"`)

	reader, err := s.Emu.MintToken("reader")
	require.NoError(t, err)
	resp, _ = call(t, http.MethodPut, folder+"?properties=x=1&recursive=0", reader, nil, nil)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	resp, body = call(t, http.MethodPut, folder+"?properties=bad%20key=1", s.AdminToken, nil, nil)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, string(body))
	resp, _ = call(t, http.MethodPut, s.URL+"/artifactory/api/storage/generic-local/missing?properties=a=1", s.AdminToken, nil, nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}
