package client

import (
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestArtifactoryPing(t *testing.T) {
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "OK")
	})
	require.NoError(t, newClient(t, srv.URL).Artifactory.Ping(t.Context()))
	assert.Equal(t, "/artifactory/api/system/ping", rec.last(t).Path)

	html, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "<html>login</html>") })
	err := newClient(t, html.URL).Artifactory.Ping(t.Context())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unexpected ping response")
}

func TestArtifactoryVersion(t *testing.T) {
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"version":"7.104.5 ","revision":"710405900","addons":["build","docker"],"license":"abc"}`)
	})
	v, err := newClient(t, srv.URL).Artifactory.Version(t.Context())
	require.NoError(t, err)
	assert.Equal(t, &ArtifactoryVersion{Version: "7.104.5", Revision: "710405900", Addons: []string{"build", "docker"}, License: "abc"}, v)
	got := rec.last(t)
	assert.Equal(t, "/artifactory/api/system/version", got.Path)
	assert.Equal(t, "application/json", got.Header.Get("Accept"))
}

func TestArtifactoryListRepositories(t *testing.T) {
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `[{"key":"libs","type":"LOCAL","description":"d","url":"http://h/artifactory/libs","packageType":"Maven"},
			{"key":"remote","type":"REMOTE","url":"http://h/artifactory/remote","packageType":"Generic"}]`)
	})
	c := newClient(t, srv.URL)
	repos, err := c.Artifactory.ListRepositories(t.Context(), ListRepositoriesOptions{Type: "LOCAL", PackageType: "maven", Project: "proj"})
	require.NoError(t, err)
	require.Len(t, repos, 2)
	assert.Equal(t, RepositorySummary{Key: "libs", Type: "LOCAL", Description: "d", URL: "http://h/artifactory/libs", PackageType: "Maven"}, repos[0])
	got := rec.last(t)
	assert.Equal(t, "/artifactory/api/repositories", got.Path)
	assert.Equal(t, "packageType=maven&project=proj&type=local", got.RawQuery)

	_, err = c.Artifactory.ListRepositories(t.Context(), ListRepositoriesOptions{})
	require.NoError(t, err)
	assert.Equal(t, "", rec.last(t).RawQuery)
}

func TestArtifactoryListRepositoriesEmpty(t *testing.T) {
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `[]`) })
	repos, err := newClient(t, srv.URL).Artifactory.ListRepositories(t.Context(), ListRepositoriesOptions{})
	require.NoError(t, err)
	assert.NotNil(t, repos)
	assert.Empty(t, repos)
}

func TestArtifactoryGetRepository(t *testing.T) {
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/artifactory/api/repositories/libs":
			writeJSON(w, 200, `{"key":"libs","rclass":"local","packageType":"maven","environments":[]}`)
		case "/artifactory/api/repositories/old-missing":
			writeJSON(w, 400, `{"errors":[{"status":400,"message":"Bad Request"}]}`)
		default:
			w.WriteHeader(http.StatusNotFound) // newer servers: 404, empty body
		}
	})
	c := newClient(t, srv.URL)
	cfg, err := c.Artifactory.GetRepository(t.Context(), "libs")
	require.NoError(t, err)
	assert.Equal(t, "local", cfg["rclass"])

	for _, key := range []string{"old-missing", "new-missing"} {
		_, err = c.Artifactory.GetRepository(t.Context(), key)
		assert.True(t, IsNotFound(err), "%s: %v", key, err)
	}

	_, _ = c.Artifactory.GetRepository(t.Context(), "a/b;c")
	assert.Equal(t, "/artifactory/api/repositories/a%2Fb%3Bc", rec.last(t).EscapedPath)

	_, err = c.Artifactory.GetRepository(t.Context(), " ")
	assert.Error(t, err)
}

func TestArtifactoryStorageItemFile(t *testing.T) {
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"uri":"http://h/artifactory/api/storage/libs/org/a.jar","downloadUri":"http://h/artifactory/libs/org/a.jar",
 "repo":"libs","path":"/org/a.jar","created":"2024-01-02T03:04:05.678Z","createdBy":"admin","lastModified":"2024-01-02T03:04:05.678Z",
 "modifiedBy":"admin","lastUpdated":"2024-01-02T03:04:05.678Z","size":"1024","mimeType":"application/java-archive",
 "checksums":{"sha1":"s1","md5":"m5","sha256":"s256"},"originalChecksums":{"sha1":"s1","md5":"m5","sha256":"s256"}}`)
	})
	item, err := newClient(t, srv.URL).Artifactory.StorageItem(t.Context(), "libs", "/org/a.jar")
	require.NoError(t, err)
	assert.Equal(t, "/artifactory/api/storage/libs/org/a.jar", rec.last(t).Path)
	assert.False(t, item.IsFolder())
	assert.Equal(t, "1024", item.Size)
	assert.Equal(t, "/org/a.jar", item.Path)
	assert.Equal(t, "admin", item.CreatedBy)
	assert.Equal(t, &Checksums{SHA1: "s1", MD5: "m5", SHA256: "s256"}, item.Checksums)
	assert.Equal(t, item.Checksums, item.OriginalChecksums)
}

func TestArtifactoryStorageItemFolder(t *testing.T) {
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/artifactory/api/storage/libs/empty" {
			writeJSON(w, 200, `{"uri":"u","repo":"libs","path":"/empty","created":"c","children":[]}`)
			return
		}
		writeJSON(w, 200, `{"uri":"u","repo":"libs","path":"/","created":"c","children":[{"uri":"/sub","folder":true},{"uri":"/file.txt","folder":false}]}`)
	})
	c := newClient(t, srv.URL)
	item, err := c.Artifactory.StorageItem(t.Context(), "libs", "")
	require.NoError(t, err)
	assert.Equal(t, "/artifactory/api/storage/libs", rec.last(t).Path)
	assert.True(t, item.IsFolder())
	assert.Equal(t, []StorageChild{{URI: "/sub", Folder: true}, {URI: "/file.txt"}}, item.Children)

	item, err = c.Artifactory.StorageItem(t.Context(), "libs", "empty/")
	require.NoError(t, err)
	assert.True(t, item.IsFolder())
}

func TestArtifactoryStorageItemMissing(t *testing.T) {
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 404, `{"errors":[{"status":404,"message":"Unable to find item"}]}`)
	})
	_, err := newClient(t, srv.URL).Artifactory.StorageItem(t.Context(), "libs", "nope")
	assert.True(t, IsNotFound(err))
	assert.Contains(t, err.Error(), "Unable to find item")

	_, err = newClient(t, srv.URL).Artifactory.StorageItem(t.Context(), "", "x")
	assert.Error(t, err)
}

func TestArtifactoryItemProperties(t *testing.T) {
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/artifactory/api/storage/libs/with.jar":
			writeJSON(w, 200, `{"properties":{"build.name":["app"],"qa":["a","b"]},"uri":"http://h/artifactory/api/storage/libs/with.jar"}`)
		case "/artifactory/api/storage/libs/without.jar":
			writeJSON(w, 404, `{"errors":[{"status":404,"message":"No properties could be found."}]}`)
		default:
			writeJSON(w, 404, `{"errors":[{"status":404,"message":"Unable to find item"}]}`)
		}
	})
	c := newClient(t, srv.URL)
	props, err := c.Artifactory.ItemProperties(t.Context(), "libs", "with.jar")
	require.NoError(t, err)
	assert.Equal(t, map[string][]string{"build.name": {"app"}, "qa": {"a", "b"}}, props)
	assert.Equal(t, "/artifactory/api/storage/libs/with.jar?properties", rec.last(t).RequestURI)

	props, err = c.Artifactory.ItemProperties(t.Context(), "libs", "without.jar")
	require.NoError(t, err)
	assert.NotNil(t, props)
	assert.Empty(t, props)

	_, err = c.Artifactory.ItemProperties(t.Context(), "libs", "missing.jar")
	assert.True(t, IsNotFound(err))
}
