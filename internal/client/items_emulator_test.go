package client_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/emulatortest"
)

// put deploys small text files.
func put(t *testing.T, c *client.Client, repo string, paths ...string) {
	t.Helper()
	for _, p := range paths {
		_, err := c.Artifactory.Deploy(t.Context(), client.DeployRequest{Repo: repo, Path: p, Body: bytes.NewReader([]byte(p)), Size: int64(len(p))})
		require.NoError(t, err)
	}
}

func TestDeleteItemAgainstEmulator(t *testing.T) {
	_, c := startEmu(t)
	ctx := t.Context()
	put(t, c, "generic-local", "del/a.txt", "del/sub/b.txt")

	require.NoError(t, c.Artifactory.DeleteItem(ctx, "generic-local", "del/a.txt"))
	err := c.Artifactory.DeleteItem(ctx, "generic-local", "del/a.txt")
	assert.True(t, client.IsNotFound(err), "%v", err)

	require.NoError(t, c.Artifactory.DeleteItem(ctx, "generic-local", "del"), "folders go recursively")
	_, err = c.Artifactory.StorageItem(ctx, "generic-local", "del/sub/b.txt")
	assert.True(t, client.IsNotFound(err))
}

func TestDeleteItemRefusesRepositoryRoot(t *testing.T) {
	emu, c := startEmu(t)
	emu.Emu.ResetRequests()
	for _, p := range []string{"", "/", ".", "//./", " "} {
		err := c.Artifactory.DeleteItem(t.Context(), "generic-local", p)
		require.Error(t, err, "%q", p)
	}
	assertNoRequests(t, emu)
	root, err := c.Artifactory.StorageItem(t.Context(), "generic-local", "")
	require.NoError(t, err)
	assert.NotEmpty(t, root.Children, "the repository content is untouched")
}

func assertNoRequests(t *testing.T, emu *emulatortest.Server) {
	t.Helper()
	assert.Empty(t, emu.Emu.Requests(), "refused before any request")
}

func TestFileListAgainstEmulator(t *testing.T) {
	_, c := startEmu(t)
	ctx := t.Context()
	put(t, c, "generic-local", "ls/a.txt", "ls/sub/b.txt", "ls/sub/deeper/c.txt")

	flat, err := c.Artifactory.FileList(ctx, "generic-local", "ls", client.FileListOptions{})
	require.NoError(t, err)
	require.Len(t, flat.Files, 1)
	assert.Equal(t, "/a.txt", flat.Files[0].URI)
	assert.Equal(t, int64(len("ls/a.txt")), flat.Files[0].Size)
	assert.Len(t, flat.Files[0].SHA2, 64)
	assert.NotEmpty(t, flat.URI)

	deep, err := c.Artifactory.FileList(ctx, "generic-local", "ls", client.FileListOptions{Deep: true, ListFolders: true})
	require.NoError(t, err)
	var uris []string
	for _, f := range deep.Files {
		uris = append(uris, f.URI)
		if f.Folder {
			assert.Equal(t, int64(-1), f.Size)
		}
	}
	assert.ElementsMatch(t, []string{"/a.txt", "/sub", "/sub/b.txt", "/sub/deeper", "/sub/deeper/c.txt"}, uris)

	shallow, err := c.Artifactory.FileList(ctx, "generic-local", "ls", client.FileListOptions{Deep: true, Depth: 2})
	require.NoError(t, err)
	uris = nil
	for _, f := range shallow.Files {
		uris = append(uris, f.URI)
	}
	assert.ElementsMatch(t, []string{"/a.txt", "/sub/b.txt"}, uris)

	for max, want := range map[int]struct {
		n         int
		truncated bool
	}{2: {2, true}, 3: {3, false}, 10: {3, false}} {
		capped, err := c.Artifactory.FileList(ctx, "generic-local", "ls", client.FileListOptions{Deep: true, MaxFiles: max})
		require.NoError(t, err)
		assert.Len(t, capped.Files, want.n, "MaxFiles %d", max)
		assert.Equal(t, want.truncated, capped.Truncated, "MaxFiles %d", max)
		assert.NotEmpty(t, capped.URI, "the fields around the list are read too")
	}

	_, err = c.Artifactory.FileList(ctx, "generic-local", "ls/a.txt", client.FileListOptions{})
	assert.Equal(t, http.StatusBadRequest, client.StatusCode(err), "%v", err)
}

// The AQL, copy and move tests follow the reference wire format (§2.6, §2.8); they
// need the emulator routes for api/search/aql, api/copy and api/move.
func TestAQLAgainstEmulator(t *testing.T) {
	_, c := startEmu(t)
	ctx := t.Context()
	put(t, c, "generic-local", "aql/one.txt", "aql/two.txt")

	res, err := c.Artifactory.AQL(ctx, `items.find({"repo":"generic-local","path":"aql"}).include("name","repo","path","size").sort({"$asc":["name"]}).limit(10)`)
	require.NoError(t, err)
	require.Len(t, res.Results, 2)
	var first struct {
		Name string `json:"name"`
		Size int64  `json:"size"`
	}
	require.NoError(t, json.Unmarshal(res.Results[0], &first))
	assert.Equal(t, "one.txt", first.Name)
	assert.Equal(t, int64(len("aql/one.txt")), first.Size, "size is a number in AQL")
	assert.Equal(t, int64(2), res.Range.Total)
	require.NotNil(t, res.Range.Limit)
	assert.Equal(t, int64(10), *res.Range.Limit)

	res, err = c.Artifactory.AQL(ctx, `items.find({"repo":"generic-local","name":"nothing-matches"})`)
	require.NoError(t, err)
	assert.Empty(t, res.Results)
	assert.NotNil(t, res.Results)
	assert.Nil(t, res.Range.Limit, "range.limit only with .limit()")

	_, err = c.Artifactory.AQL(ctx, `items.find({"repo":`)
	require.Equal(t, http.StatusBadRequest, client.StatusCode(err), "%v", err)
	api, _ := client.AsAPIError(err)
	assert.NotEqual(t, "Bad Request", api.Message, "the server's own message is kept")
}

func TestCopyMoveAgainstEmulator(t *testing.T) {
	_, c := startEmu(t)
	ctx := t.Context()
	put(t, c, "generic-local", "cm/a b;1.txt")
	src := client.ItemRef{Repo: "generic-local", Path: "cm/a b;1.txt"}

	dry, err := c.Artifactory.Copy(ctx, src, client.ItemRef{Repo: "app-staging-local", Path: "copied/a b;1.txt"}, true)
	require.NoError(t, err)
	require.NotEmpty(t, dry.Messages)
	assert.Empty(t, dry.Errors())
	_, err = c.Artifactory.StorageItem(ctx, "app-staging-local", "copied/a b;1.txt")
	assert.True(t, client.IsNotFound(err), "a dry run changes nothing")

	res, err := c.Artifactory.Copy(ctx, src, client.ItemRef{Repo: "app-staging-local", Path: "copied/a b;1.txt"}, false)
	require.NoError(t, err)
	assert.Empty(t, res.Errors())
	_, err = c.Artifactory.StorageItem(ctx, "app-staging-local", "copied/a b;1.txt")
	require.NoError(t, err)
	_, err = c.Artifactory.StorageItem(ctx, "generic-local", "cm/a b;1.txt")
	require.NoError(t, err, "copy keeps the source")

	_, err = c.Artifactory.Move(ctx, src, client.ItemRef{Repo: "app-prod-local", Path: "moved/x.txt"}, true)
	require.NoError(t, err)
	_, err = c.Artifactory.StorageItem(ctx, "generic-local", "cm/a b;1.txt")
	require.NoError(t, err, "a dry move keeps the source")

	_, err = c.Artifactory.Move(ctx, src, client.ItemRef{Repo: "app-prod-local", Path: "moved/x.txt"}, false)
	require.NoError(t, err)
	_, err = c.Artifactory.StorageItem(ctx, "app-prod-local", "moved/x.txt")
	require.NoError(t, err)
	_, err = c.Artifactory.StorageItem(ctx, "generic-local", "cm/a b;1.txt")
	assert.True(t, client.IsNotFound(err), "move removes the source")

	_, err = c.Artifactory.Copy(ctx, client.ItemRef{Repo: "generic-local", Path: "cm/missing"}, client.ItemRef{Repo: "app-prod-local", Path: "x"}, false)
	require.Error(t, err)
	api, ok := client.AsAPIError(err)
	require.True(t, ok, "%v", err)
	assert.NotEqual(t, http.StatusText(api.Status), api.Message, "the messages[] text is carried: %v", err)
}
