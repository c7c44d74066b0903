package client

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAQLWire(t *testing.T) {
	var calls atomic.Int32
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			writeJSON(w, http.StatusTooManyRequests, `{"errors":[{"status":429,"message":"rate limited"}]}`)
			return
		}
		writeJSON(w, 200, `{"results":[{"repo":"libs","name":"a.jar","size":11},{"repo":"libs","name":"b.jar"}],
			"range":{"start_pos":0,"end_pos":2,"total":2,"limit":50,"notification":"trimmed"}}`)
	})
	query := `items.find({"name":{"$match":"*.jar"}}).limit(50)`
	res, err := newClient(t, srv.URL).Artifactory.AQL(t.Context(), query)
	require.NoError(t, err)
	require.Len(t, res.Results, 2)
	assert.JSONEq(t, `{"repo":"libs","name":"a.jar","size":11}`, string(res.Results[0]))
	require.NotNil(t, res.Range.Limit)
	assert.Equal(t, AQLRange{StartPos: 0, EndPos: 2, Total: 2, Limit: res.Range.Limit, Notification: "trimmed"}, res.Range)
	assert.Equal(t, int64(50), *res.Range.Limit)

	all := rec.all()
	require.Len(t, all, 2, "a find() is a read, so a 429 is retried")
	for _, got := range all {
		assert.Equal(t, http.MethodPost, got.Method)
		assert.Equal(t, "/artifactory/api/search/aql", got.Path)
		assert.Equal(t, "text/plain", got.Header.Get("Content-Type"))
		assert.Equal(t, query, got.Body, "the query is sent raw")
	}

	_, err = newClient(t, srv.URL).Artifactory.AQL(t.Context(), "  ")
	require.Error(t, err)
}

func TestAQLResponseCap(t *testing.T) {
	big := `{"results":[` + strings.Repeat(`{"name":"xxxxxxxxxxxxxxxx"},`, 100) + `{}],"range":{"total":101}}`
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, big) })

	c := newClient(t, srv.URL, func(c *Config) { c.MaxAQLResponseBytes = 1000 })
	_, err := c.Artifactory.AQL(t.Context(), "items.find()")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "larger than 1000 bytes")
	assert.ErrorIs(t, err, ErrResponseTooLarge)

	c = newClient(t, srv.URL, func(c *Config) { c.MaxAQLResponseBytes = int64(len(big)) })
	res, err := c.Artifactory.AQL(t.Context(), "items.find()")
	require.NoError(t, err, "a body of exactly the cap fits")
	assert.Len(t, res.Results, 101)
	assert.Nil(t, res.Range.Limit)

	assert.Equal(t, int64(DefaultMaxAQLResponseBytes), newClient(t, srv.URL).core.maxAQL)
}

func TestCopyMoveWire(t *testing.T) {
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "fail") {
			writeJSON(w, http.StatusServiceUnavailable, `{"messages":[{"level":"INFO","message":"trying"},{"level":"ERROR","message":"The repository has denied...."}]}`)
			return
		}
		writeJSON(w, 200, `{"messages":[{"level":"INFO","message":"copying libs:a.jar to other:a.jar completed successfully"}]}`)
	})
	a := newClient(t, srv.URL).Artifactory

	res, err := a.Copy(t.Context(), ItemRef{"libs", "org/a b;1.jar"}, ItemRef{"other", "/x/./y & z.jar"}, true)
	require.NoError(t, err)
	assert.Equal(t, []Message{{Level: "INFO", Message: "copying libs:a.jar to other:a.jar completed successfully"}}, res.Messages)
	assert.Empty(t, res.Errors())
	got := rec.last(t)
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "/artifactory/api/copy/libs/org/a%20b%3B1.jar", got.EscapedPath)
	assert.Equal(t, "dry=1&to=%2Fother%2Fx%2Fy+%26+z.jar", got.RawQuery)

	_, err = a.Move(t.Context(), ItemRef{"libs", "dir"}, ItemRef{"other", ""}, false)
	require.NoError(t, err)
	got = rec.last(t)
	assert.Equal(t, "/artifactory/api/move/libs/dir", got.EscapedPath)
	assert.Equal(t, "dry=0&to=%2Fother", got.RawQuery)

	n := rec.count()
	_, err = a.Move(t.Context(), ItemRef{"libs", "fail"}, ItemRef{"other", "x"}, false)
	api, ok := AsAPIError(err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, "The repository has denied....", api.Message, "ERROR messages[] become the error text")
	assert.Equal(t, n+1, rec.count(), "a POST is never retried, even on 503")

	for _, dst := range []ItemRef{{"", "x"}, {"a/b", "x"}, {"other", "x/../../y"}} {
		_, err = a.Copy(t.Context(), ItemRef{"libs", "a"}, dst, false)
		require.Error(t, err, "%+v", dst)
	}
	_, err = a.Copy(t.Context(), ItemRef{"", "a"}, ItemRef{"other", "x"}, false)
	require.Error(t, err)
	assert.Equal(t, n+1, rec.count())
}

func TestMoveCopyResultErrors(t *testing.T) {
	r := MoveCopyResult{Messages: []Message{{"INFO", "a"}, {"error", "b"}, {"ERROR", "c"}}}
	assert.Equal(t, []string{"b", "c"}, r.Errors())
}

func TestDeleteItemWire(t *testing.T) {
	var calls atomic.Int32
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/gone"):
			writeJSON(w, http.StatusNotFound, `{"errors":[{"status":404,"message":"Could not locate artifact"}]}`)
		case strings.HasSuffix(r.URL.Path, "/lost-answer") && calls.Add(1) == 1:
			// The proxy timed out but the server went on to delete the item.
			writeJSON(w, http.StatusGatewayTimeout, `{"errors":[{"status":504,"message":"timeout"}]}`)
		case strings.HasSuffix(r.URL.Path, "/lost-answer"):
			writeJSON(w, http.StatusNotFound, `{"errors":[{"status":404,"message":"Could not locate artifact"}]}`)
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	})
	a := newClient(t, srv.URL).Artifactory

	require.NoError(t, a.DeleteItem(t.Context(), "libs", "org/a;b.jar"))
	got := rec.last(t)
	assert.Equal(t, http.MethodDelete, got.Method)
	assert.Equal(t, "/artifactory/libs/org/a%3Bb.jar", got.EscapedPath)

	err := a.DeleteItem(t.Context(), "libs", "gone")
	assert.True(t, IsNotFound(err), "a first-attempt 404 is reported: %v", err)

	require.NoError(t, a.DeleteItem(t.Context(), "libs", "lost-answer"), "a 404 after a retry means an earlier attempt deleted it")

	n := rec.count()
	for _, p := range []string{"", "/", "./", " / ", "//"} {
		require.Error(t, a.DeleteItem(t.Context(), "libs", p), "%q", p)
	}
	assert.Equal(t, n, rec.count(), "the repository root is never addressed")
}

func TestFileListWire(t *testing.T) {
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"uri":"http://h/artifactory/api/storage/libs/org","created":"2025-01-01T00:00:00.000Z","files":[
			{"uri":"/a.jar","size":1024,"lastModified":"2025-01-02T00:00:00.000Z","folder":false,"sha1":"s1","sha2":"s2","mdTimestamps":{"properties":"t"}},
			{"uri":"/sub","size":-1,"lastModified":"2025-01-03T00:00:00.000Z","folder":true},
			{"uri":"/s.jar","size":"77","lastModified":"x","folder":false}]}`)
	})
	a := newClient(t, srv.URL).Artifactory

	fl, err := a.FileList(t.Context(), "libs", "org", FileListOptions{Deep: true, Depth: 3, ListFolders: true, MdTimestamps: true})
	require.NoError(t, err)
	got := rec.last(t)
	assert.Equal(t, "/artifactory/api/storage/libs/org", got.EscapedPath)
	assert.Equal(t, "list&deep=1&depth=3&listFolders=1&mdTimestamps=1", got.RawQuery)
	assert.Equal(t, "http://h/artifactory/api/storage/libs/org", fl.URI)
	require.Len(t, fl.Files, 3)
	assert.Equal(t, FileListEntry{URI: "/a.jar", Size: 1024, LastModified: "2025-01-02T00:00:00.000Z", SHA1: "s1", SHA2: "s2",
		MdTimestamps: map[string]string{"properties": "t"}}, fl.Files[0])
	assert.Equal(t, FileListEntry{URI: "/sub", Size: -1, LastModified: "2025-01-03T00:00:00.000Z", Folder: true}, fl.Files[1])
	assert.Equal(t, int64(77), fl.Files[2].Size, "a numeric string is accepted too")

	_, err = a.FileList(t.Context(), "libs", "", FileListOptions{Depth: 2})
	require.NoError(t, err)
	assert.Equal(t, "list", rec.last(t).RawQuery, "depth only applies to a deep listing")
	assert.Equal(t, "/artifactory/api/storage/libs", rec.last(t).EscapedPath)
}

func TestErrorBodyMessages(t *testing.T) {
	for body, want := range map[string]string{
		`{"messages":[{"level":"ERROR","message":"denied"}]}`:                                                             "denied",
		`{"messages":[{"level":"WARN","message":"w1"},{"level":"INFO","message":"i"}]}`:                                   "w1; i",
		`{"messages":[{"level":"error","message":"e1"},{"level":"ERROR","message":"e2"},{"level":"INFO","message":"i"}]}`: "e1; e2",
		`{"errors":[{"status":400,"message":"first"}],"messages":[{"level":"ERROR","message":"x"}]}`:                      "first",
	} {
		_, msg := parseErrorBody([]byte(body))
		assert.Equal(t, want, msg, fmt.Sprint(body))
	}
}
