package client

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEncodeProperties(t *testing.T) {
	cases := []struct {
		name  string
		props map[string][]string
		want  string
	}{
		{"empty", nil, ""},
		{"sorted keys, raw separators", map[string][]string{"b": {"2"}, "a": {"1", "x"}}, "a=1,x;b=2"},
		{"syntax characters are backslash-escaped", map[string][]string{"k": {`a,b`, `c|d`, `e=f`, `g\h`}},
			`k=a%5C%2Cb,c%5C%7Cd,e%5C%3Df,g%5C%5Ch`},
		{"semicolon is percent-encoded, not backslashed", map[string][]string{"k": {"a;b"}}, "k=a%3Bb"},
		{"space, plus, ampersand, percent", map[string][]string{"k": {"a b+c&d%e"}}, "k=a%20b%2Bc%26d%25e"},
		{"non-ASCII is UTF-8 percent-encoded", map[string][]string{"k": {"é", "漢字"}}, "k=%C3%A9,%E6%BC%A2%E5%AD%97"},
		{"no values is one empty value", map[string][]string{"k": {}}, "k="},
		{"empty value", map[string][]string{"k": {""}, "j": {"", "x"}}, "j=,x;k="},
		{"key escaped like values", map[string][]string{"a b=c": {"v"}}, "a%20b%5C%3Dc=v"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, EncodeProperties(tc.props))
		})
	}
}

func TestEncodeMatrixParams(t *testing.T) {
	assert.Equal(t, "", encodeMatrixParams(nil))
	assert.Equal(t, ";a=1;b=x%3By;b=p%5C%2Cq;b=%5C%5C;c=",
		encodeMatrixParams(map[string][]string{"b": {"x;y", "p,q", `\`}, "a": {"1"}, "c": nil}))
	assert.Equal(t, ";k=a%20b%7Cc%3Dd%C3%A9", encodeMatrixParams(map[string][]string{"k": {"a b|c=dé"}}))
}

func TestSetAndDeletePropertiesWire(t *testing.T) {
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	a := newClient(t, srv.URL).Artifactory

	require.NoError(t, a.SetProperties(t.Context(), "libs", "org/a b;c.jar", map[string][]string{"os": {"win", "linux"}, "qa": {"done;ok"}}, true))
	got := rec.last(t)
	assert.Equal(t, http.MethodPut, got.Method)
	assert.Equal(t, "/artifactory/api/storage/libs/org/a%20b%3Bc.jar", got.EscapedPath)
	assert.Equal(t, "properties=os=win,linux;qa=done%3Bok&recursive=1", got.RawQuery)

	require.NoError(t, a.SetProperties(t.Context(), "libs", "", map[string][]string{"k": {"v"}}, false))
	assert.Equal(t, "/artifactory/api/storage/libs", rec.last(t).EscapedPath)
	assert.Equal(t, "properties=k=v&recursive=0", rec.last(t).RawQuery)

	require.NoError(t, a.DeleteProperties(t.Context(), "libs", "x", []string{"os", "build.name"}, false))
	got = rec.last(t)
	assert.Equal(t, http.MethodDelete, got.Method)
	assert.Equal(t, "properties=os,build.name&recursive=0", got.RawQuery)

	n := rec.count()
	require.Error(t, a.SetProperties(t.Context(), "libs", "x", nil, false))
	require.Error(t, a.SetProperties(t.Context(), "libs", "x", map[string][]string{" ": {"v"}}, false))
	require.Error(t, a.DeleteProperties(t.Context(), "libs", "x", nil, false))
	require.Error(t, a.DeleteProperties(t.Context(), "libs", "x", []string{""}, false))
	require.Error(t, a.SetProperties(t.Context(), "", "x", map[string][]string{"k": {"v"}}, false))
	assert.Equal(t, n, rec.count(), "invalid calls send nothing")
}
