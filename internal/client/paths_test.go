package client

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEscapePath(t *testing.T) {
	cases := []struct {
		in   []string
		want string
	}{
		{[]string{"libs-release", "org/acme/app-1.0.jar"}, "libs-release/org/acme/app-1.0.jar"},
		{[]string{"libs", "a;b=c/x.jar"}, "libs/a%3Bb=c/x.jar"},
		{[]string{"libs", "my folder/file name.txt"}, "libs/my%20folder/file%20name.txt"},
		{[]string{"libs", "файл/日本.txt"}, "libs/%D1%84%D0%B0%D0%B9%D0%BB/%E6%97%A5%E6%9C%AC.txt"},
		{[]string{"/libs/", "//a//b/"}, "libs/a/b"},
		{[]string{"libs", "a?b#c%d"}, "libs/a%3Fb%23c%25d"},
		{[]string{"libs", "a+b,c&d"}, "libs/a+b%2Cc&d"},
		{[]string{"libs", "./a/../../api/security"}, "libs/a/%2E%2E/%2E%2E/api/security"},
		{[]string{"libs", ""}, "libs"},
		{nil, ""},
	}
	for _, tc := range cases {
		got := EscapePath(tc.in...)
		assert.Equal(t, tc.want, got, "%q", tc.in)
		// Whatever we produce must decode back to the cleaned input.
		_, err := url.PathUnescape(got)
		assert.NoError(t, err)
	}
}

// TestEscapedPathReachesServer checks that the escaping survives net/url and
// net/http: the server must see %3B, not a matrix-parameter ';'.
func TestEscapedPathReachesServer(t *testing.T) {
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{}`) })
	c := newClient(t, srv.URL)
	_, err := c.Artifactory.StorageItem(t.Context(), "libs", "dir;x=1/my file ü.txt")
	require.NoError(t, err)
	got := rec.last(t)
	assert.Equal(t, "/artifactory/api/storage/libs/dir%3Bx=1/my%20file%20%C3%BC.txt", got.EscapedPath)
	assert.Equal(t, "/artifactory/api/storage/libs/dir;x=1/my file ü.txt", got.Path)
}

func TestRawQueryVerbatim(t *testing.T) {
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	c := newClient(t, srv.URL)
	raw := "properties=os=win%2Clinux;qa=done&recursive=1"
	resp, err := c.Do(t.Context(), Request{Surface: SurfaceArtifactory, Method: http.MethodPut, Path: "api/storage/libs/a", RawQuery: raw})
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, raw, rec.last(t).RawQuery)

	resp, err = c.Do(t.Context(), Request{Surface: SurfaceArtifactory, Path: "/api/x", RawQuery: "list", Query: url.Values{"deep": {"1"}}})
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, "/artifactory/api/x?list&deep=1", rec.last(t).RequestURI)
}
