package client

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const itemCreatedJSON = `{"repo":"generic-local","path":"/d/f.bin","created":"2025-04-06T09:13:04.174Z","createdBy":"admin",
 "downloadUri":"http://h/artifactory/generic-local/d/f.bin","mimeType":"application/octet-stream","size":"5",
 "checksums":{"sha1":"s1","md5":"m5","sha256":"s256"},"originalChecksums":{"sha256":"s256"},
 "uri":"http://h/artifactory/api/storage/generic-local/d/f.bin"}`

// onlyReader hides every interface but io.Reader, like a pipe or a network stream:
// net/http can neither size nor rewind it.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func TestDeployWire(t *testing.T) {
	var mu sync.Mutex
	var lengths []int64
	var encodings [][]string
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		lengths = append(lengths, r.ContentLength)
		encodings = append(encodings, r.TransferEncoding)
		mu.Unlock()
		writeJSON(w, http.StatusCreated, itemCreatedJSON)
	})
	last := func() (int64, []string) {
		mu.Lock()
		defer mu.Unlock()
		return lengths[len(lengths)-1], encodings[len(encodings)-1]
	}
	a := newClient(t, srv.URL).Artifactory

	res, err := a.Deploy(t.Context(), DeployRequest{
		Repo: "generic-local", Path: "d/f;1.bin", Body: onlyReader{strings.NewReader("hello")}, Size: 5,
		Checksums:  Checksums{SHA1: "s1", SHA256: "s256", MD5: "m5"},
		Properties: map[string][]string{"b": {"x"}, "a": {"1", "2"}},
	})
	require.NoError(t, err)
	assert.Equal(t, &DeployResult{
		Repo: "generic-local", Path: "/d/f.bin", Created: "2025-04-06T09:13:04.174Z", CreatedBy: "admin",
		DownloadURI: "http://h/artifactory/generic-local/d/f.bin", MimeType: "application/octet-stream", Size: "5",
		Checksums: Checksums{SHA1: "s1", MD5: "m5", SHA256: "s256"}, OriginalChecksums: Checksums{SHA256: "s256"},
		URI: "http://h/artifactory/api/storage/generic-local/d/f.bin",
	}, res)
	got := rec.last(t)
	assert.Equal(t, http.MethodPut, got.Method)
	assert.Equal(t, "/artifactory/generic-local/d/f%3B1.bin;a=1;a=2;b=x", got.EscapedPath)
	assert.Equal(t, "hello", got.Body)
	assert.Equal(t, "s1", got.Header.Get("X-Checksum-Sha1"))
	assert.Equal(t, "s256", got.Header.Get("X-Checksum-Sha256"))
	assert.Equal(t, "s256", got.Header.Get("X-Checksum"), "where JCG sends sha256")
	assert.Equal(t, "m5", got.Header.Get("X-Checksum-Md5"))
	assert.Empty(t, got.Header.Get("X-Checksum-Deploy"))
	cl, te := last()
	assert.Equal(t, int64(5), cl, "Size becomes Content-Length even for an opaque reader")
	assert.Empty(t, te, "not chunked")

	_, err = a.Deploy(t.Context(), DeployRequest{Repo: "generic-local", Path: "d/f.bin", ChecksumOnly: true, Checksums: Checksums{SHA256: "s256"}})
	require.NoError(t, err)
	got = rec.last(t)
	assert.Equal(t, "true", got.Header.Get("X-Checksum-Deploy"))
	assert.Empty(t, got.Body)
	assert.Empty(t, got.Header.Get("X-Checksum-Sha1"), "unset checksums are not sent")

	_, err = a.Deploy(t.Context(), DeployRequest{Repo: "generic-local", Path: "d/u.bin", Body: onlyReader{strings.NewReader("abc")}, Size: -1})
	require.NoError(t, err)
	_, te = last()
	assert.Equal(t, []string{"chunked"}, te, "unknown size streams chunked")
	assert.Equal(t, "abc", rec.last(t).Body)

	n := rec.count()
	for _, bad := range []DeployRequest{
		{Repo: "generic-local", Path: "", Body: strings.NewReader("x"), Size: 1},
		{Repo: "", Path: "a", Body: strings.NewReader("x"), Size: 1},
		{Repo: "generic-local", Path: "a", Size: 1},
		{Repo: "generic-local", Path: "a", ChecksumOnly: true},
	} {
		_, err := a.Deploy(t.Context(), bad)
		require.Error(t, err, "%+v", bad)
	}
	assert.Equal(t, n, rec.count())
}

func TestDeployRetriesOnlyWithGetBody(t *testing.T) {
	var calls atomic.Int32
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 { // the first call of each deploy below fails
			writeJSON(w, http.StatusServiceUnavailable, `{"errors":[{"status":503,"message":"busy"}]}`)
			return
		}
		writeJSON(w, http.StatusCreated, itemCreatedJSON)
	})
	a := newClient(t, srv.URL).Artifactory

	_, err := a.Deploy(t.Context(), DeployRequest{Repo: "r", Path: "f", Body: onlyReader{strings.NewReader("hello")}, Size: 5})
	assert.Equal(t, http.StatusServiceUnavailable, StatusCode(err), "a stream cannot be replayed")
	assert.Equal(t, 1, rec.count())

	opened := 0
	_, err = a.Deploy(t.Context(), DeployRequest{Repo: "r", Path: "f", Size: 5, GetBody: func() (io.ReadCloser, error) {
		opened++
		return io.NopCloser(bytes.NewReader([]byte("hello"))), nil
	}})
	require.NoError(t, err)
	assert.Equal(t, 2, opened)
	all := rec.all()
	require.Len(t, all, 3)
	assert.Equal(t, "hello", all[1].Body)
	assert.Equal(t, "hello", all[2].Body, "the retry sends the whole file again")
}

func TestDownloadAndHeadWire(t *testing.T) {
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/folder") {
			w.Header().Set("Content-Type", "text/html;charset=utf-8")
			_, _ = io.WriteString(w, "<html>Index of</html>")
			return
		}
		w.Header().Set("Content-Type", "application/java-archive")
		w.Header().Set("X-Checksum-Sha1", "ABC")
		w.Header().Set("X-Checksum-Sha256", "def")
		w.Header().Set("X-Checksum-Md5", "123")
		w.Header().Set("Last-Modified", "Sun, 06 Apr 2025 09:13:04 GMT")
		w.Header().Set("Content-Length", "7")
		if r.Method == http.MethodGet {
			_, _ = io.WriteString(w, "content")
		}
	})
	a := newClient(t, srv.URL).Artifactory

	dl, err := a.Download(t.Context(), "libs", "org/a b.jar")
	require.NoError(t, err)
	body, _ := io.ReadAll(dl.Body)
	require.NoError(t, dl.Body.Close())
	assert.Equal(t, "content", string(body))
	assert.Equal(t, int64(7), dl.Size)
	assert.Equal(t, Checksums{SHA1: "abc", SHA256: "def", MD5: "123"}, dl.Checksums)
	assert.Equal(t, "application/java-archive", dl.ContentType)
	got := rec.last(t)
	assert.Equal(t, "/artifactory/libs/org/a%20b.jar", got.EscapedPath)
	assert.Equal(t, "identity", got.Header.Get("Accept-Encoding"), "no transparent gunzip")

	h, err := a.Head(t.Context(), "libs", "org/a b.jar")
	require.NoError(t, err)
	assert.Equal(t, http.MethodHead, rec.last(t).Method)
	assert.Equal(t, int64(7), h.Size)
	assert.Equal(t, "abc", h.Checksums.SHA1)
	assert.Equal(t, 2025, h.LastModified.Year())
	assert.False(t, h.Folder)

	_, err = a.Download(t.Context(), "libs", "folder")
	require.ErrorIs(t, err, ErrIsFolder)
	h, err = a.Head(t.Context(), "libs", "folder")
	require.NoError(t, err)
	assert.True(t, h.Folder)
}

func TestDownloadRedirectedHTMLIsNotAFolder(t *testing.T) {
	store, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, "<html>an artifact that is a web page</html>")
	})
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, store.URL+"/signed", http.StatusFound)
	})
	dl, err := newClient(t, srv.URL).Artifactory.Download(t.Context(), "site", "index.html")
	require.NoError(t, err)
	body, _ := io.ReadAll(dl.Body)
	_ = dl.Body.Close()
	assert.Contains(t, string(body), "web page")
}

func TestDeployErrorDoesNotLeakSecretProperties(t *testing.T) {
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusForbidden, `{"errors":[{"status":403,"message":"no"}]}`)
	})
	_, err := newClient(t, srv.URL).Artifactory.Deploy(t.Context(), DeployRequest{
		Repo: "r", Path: "f", Body: strings.NewReader("x"), Size: 1,
		Properties: map[string][]string{"deploy.token": {"s3cret"}, "os": {"linux"}},
	})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cret")
	assert.Contains(t, err.Error(), "r/f;deploy.token=REDACTED;os=linux")
	assert.Contains(t, rec.last(t).EscapedPath, "deploy.token=s3cret", "the server still gets the value")
}
