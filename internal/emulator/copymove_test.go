package emulator_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cm POSTs api/<op>/<src>?<rawQuery> and returns status and messages.
func cm(t *testing.T, f *searchFixture, auth, op, src, rawQuery string) (int, []map[string]any) {
	t.Helper()
	resp, body := call(t, http.MethodPost, rawURL(t, f.URL, "/artifactory/api/"+op+"/"+src, rawQuery), auth, nil, nil)
	m := decode(t, body)
	list, ok := m["messages"].([]any)
	require.True(t, ok, "messages: %s", body)
	var out []map[string]any
	for _, x := range list {
		out = append(out, x.(map[string]any))
	}
	return resp.StatusCode, out
}

// exists GETs storage info for repo/path and reports 200 vs 404.
func exists(t *testing.T, f *searchFixture, repoPath string) bool {
	t.Helper()
	resp, body := call(t, http.MethodGet, f.URL+"/artifactory/api/storage/"+repoPath, f.AdminToken, nil, nil)
	require.Contains(t, []int{http.StatusOK, http.StatusNotFound}, resp.StatusCode, string(body))
	return resp.StatusCode == http.StatusOK
}

func content(t *testing.T, f *searchFixture, repoPath string) string {
	t.Helper()
	resp, body := call(t, http.MethodGet, f.URL+"/artifactory/"+repoPath, f.AdminToken, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, repoPath)
	return string(body)
}

func TestCopyFile(t *testing.T) {
	f := startSearchFixture(t)
	t.Run("to a new name, docs-style to", func(t *testing.T) {
		status, msgs := cm(t, f, f.AdminToken, "copy", "generic-local/a.bin", "to=/team-local/new/a2.bin")
		require.Equal(t, http.StatusOK, status, msgs)
		assert.Equal(t, []map[string]any{{"level": "INFO",
			"message": "copying generic-local:a.bin to team-local:new/a2.bin completed successfully, 1 artifacts and 0 folders were copied"}}, msgs)
		assert.Equal(t, "alpha", content(t, f, "team-local/new/a2.bin"))
		assert.True(t, exists(t, f, "generic-local/a.bin"), "copy keeps the source")
		resp, body := call(t, http.MethodGet, f.URL+"/artifactory/api/storage/team-local/new/a2.bin?properties", f.AdminToken, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, map[string]any{"env": []any{"prod"}}, decode(t, body)["properties"])
	})
	t.Run("into an existing folder, JCG-style to", func(t *testing.T) {
		// JCG: url.Values encoding, so '/' is %2F and there is no leading slash.
		status, msgs := cm(t, f, f.AdminToken, "copy", "generic-local/a.bin", url.Values{"to": {"team-local/docs"}}.Encode())
		require.Equal(t, http.StatusOK, status, msgs)
		assert.Equal(t, "copying generic-local:a.bin to team-local:docs/a.bin completed successfully, 1 artifacts and 0 folders were copied", msgs[0]["message"])
		assert.Equal(t, "alpha", content(t, f, "team-local/docs/a.bin"))
	})
	t.Run("through a virtual target lands in its default deployment repo", func(t *testing.T) {
		status, msgs := cm(t, f, f.AdminToken, "copy", "generic-local/tools/y.txt", "to=/team/v/y.txt")
		require.Equal(t, http.StatusOK, status, msgs)
		assert.Equal(t, "yankee", content(t, f, "team-local/v/y.txt"))
	})
	t.Run("identical content over an existing file needs no delete", func(t *testing.T) {
		status, msgs := cm(t, f, f.deployer, "copy", "generic-local/dup/alpha-copy.bin", "to=/team-local/new/a2.bin")
		assert.Equal(t, http.StatusOK, status, msgs)
	})
}

func TestCopyFolderRecursive(t *testing.T) {
	f := startSearchFixture(t)
	status, msgs := cm(t, f, f.AdminToken, "copy", "generic-local/tools", "to=/team-local/")
	require.Equal(t, http.StatusOK, status, msgs)
	assert.Equal(t, "copying generic-local:tools to team-local:tools completed successfully, 2 artifacts and 1 folders were copied", msgs[0]["message"])
	assert.Equal(t, "x-ray", content(t, f, "team-local/tools/x.bin"))
	assert.Equal(t, "yankee", content(t, f, "team-local/tools/y.txt"))
	resp, body := call(t, http.MethodGet, f.URL+"/artifactory/api/storage/team-local/tools/x.bin?properties=tool", f.AdminToken, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, map[string]any{"tool": []any{"x"}}, decode(t, body)["properties"])

	// AQL sees the copies.
	_, m := aqlPost(t, f, f.AdminToken, `items.find({"repo":"team-local","path":"tools"}).include("name")`, "")
	assert.Len(t, results(t, m), 2)

	t.Run("rename a folder", func(t *testing.T) {
		status, msgs := cm(t, f, f.AdminToken, "copy", "generic-local/tools", "to=/generic-local/tools-2")
		require.Equal(t, http.StatusOK, status, msgs)
		assert.Equal(t, "x-ray", content(t, f, "generic-local/tools-2/x.bin"))
	})
	t.Run("into itself is refused", func(t *testing.T) {
		status, msgs := cm(t, f, f.AdminToken, "copy", "generic-local/tools", "to=/generic-local/tools/sub")
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Equal(t, "ERROR", msgs[0]["level"])
	})
}

func TestCopyDryRunChangesNothing(t *testing.T) {
	f := startSearchFixture(t)
	status, msgs := cm(t, f, f.AdminToken, "copy", "generic-local/tools", "to=team-local%2Fdry&dry=1")
	require.Equal(t, http.StatusOK, status, msgs)
	assert.Equal(t, "copying generic-local:tools to team-local:dry completed successfully, 2 artifacts and 1 folders were copied", msgs[0]["message"])
	assert.False(t, exists(t, f, "team-local/dry"))

	status, msgs = cm(t, f, f.AdminToken, "move", "generic-local/a.bin", "to=team-local%2Fdry.bin&dry=1")
	require.Equal(t, http.StatusOK, status, msgs)
	assert.True(t, exists(t, f, "generic-local/a.bin"))
	assert.False(t, exists(t, f, "team-local/dry.bin"))

	// A dry run still reports what would fail.
	status, _ = cm(t, f, f.deployer, "copy", "generic-local/a.bin", "to=/generic-local/b.bin&dry=1")
	assert.Equal(t, http.StatusForbidden, status)
}

func TestMove(t *testing.T) {
	f := startSearchFixture(t)
	status, msgs := cm(t, f, f.mover, "move", "generic-local/props", "to=/team-local/moved&suppressLayouts=1&failFast=1")
	require.Equal(t, http.StatusOK, status, msgs)
	assert.Equal(t, "moving generic-local:props to team-local:moved completed successfully, 1 artifacts and 1 folders were moved", msgs[0]["message"])
	assert.False(t, exists(t, f, "generic-local/props"), "move deletes the source")
	assert.Equal(t, "semi", content(t, f, "team-local/moved/semi.txt"))
	resp, body := call(t, http.MethodGet, f.URL+"/artifactory/api/storage/team-local/moved/semi.txt", f.AdminToken, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "2025-01-04T00:00:00.000Z", decode(t, body)["created"], "a move keeps the creation time")

	t.Run("file into the repo root", func(t *testing.T) {
		status, msgs := cm(t, f, f.mover, "move", "generic-local/tools/x.bin", url.Values{"to": {"generic-local/"}}.Encode())
		require.Equal(t, http.StatusOK, status, msgs)
		assert.Equal(t, "x-ray", content(t, f, "generic-local/x.bin"))
		assert.False(t, exists(t, f, "generic-local/tools/x.bin"))
		assert.True(t, exists(t, f, "generic-local/tools/y.txt"))
	})
	t.Run("only from local repos", func(t *testing.T) {
		status, _ := cm(t, f, f.AdminToken, "move", "team/docs/readme.md", "to=/generic-local/readme.md")
		assert.Equal(t, http.StatusBadRequest, status)
	})
}

func TestCopyMoveErrors(t *testing.T) {
	f := startSearchFixture(t)
	cases := []struct {
		name, auth, op, src, query string
		status                     int
	}{
		{"missing source", f.AdminToken, "copy", "generic-local/nope.bin", "to=/team-local/nope.bin", http.StatusNotFound},
		{"missing source repo", f.AdminToken, "copy", "nope-local/a.bin", "to=/team-local/a.bin", http.StatusNotFound},
		{"no write on target", f.deployer, "copy", "generic-local/a.bin", "to=/generic-local/b.bin", http.StatusForbidden},
		{"no read on source", f.reader, "copy", "secret-local/hidden.bin", "to=/team-local/h.bin", http.StatusForbidden},
		{"move needs delete on source", f.deployer, "move", "team-local/docs/readme.md", "to=/team-local/readme.md", http.StatusForbidden},
		{"overwrite different content needs delete on target", f.deployer, "copy", "generic-local/a.bin", "to=/team-local/docs/readme.md", http.StatusForbidden},
		{"target repo missing", f.AdminToken, "copy", "generic-local/a.bin", "to=/nope-local/a.bin", http.StatusBadRequest},
		{"target is remote", f.AdminToken, "copy", "generic-local/a.bin", "to=/proxy-remote/a.bin", http.StatusBadRequest},
		{"file in the way", f.AdminToken, "copy", "generic-local/tools/y.txt", "to=/generic-local/a.bin/y.txt", http.StatusBadRequest},
		{"folder over a file", f.AdminToken, "copy", "generic-local/tools", "to=/generic-local/a.bin", http.StatusBadRequest},
		{"no to", f.AdminToken, "copy", "generic-local/a.bin", "dry=1", http.StatusBadRequest},
		{"onto itself", f.AdminToken, "copy", "generic-local/a.bin", "to=/generic-local/a.bin", http.StatusBadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, msgs := cm(t, f, c.auth, c.op, c.src, c.query)
			assert.Equal(t, c.status, status, msgs)
			require.Len(t, msgs, 1)
			assert.Equal(t, "ERROR", msgs[0]["level"])
			assert.NotEmpty(t, msgs[0]["message"])
		})
	}
	// Nothing above changed anything.
	assert.False(t, exists(t, f, "team-local/a.bin"))
	assert.True(t, exists(t, f, "team-local/docs/readme.md"))
	assert.Equal(t, "# team", content(t, f, "team-local/docs/readme.md"))

	resp, _ := call(t, http.MethodPost, f.URL+"/artifactory/api/copy/generic-local/a.bin?to=/team-local/a.bin", "", nil, nil)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	resp, _ = call(t, http.MethodGet, f.URL+"/artifactory/api/copy/generic-local/a.bin?to=/team-local/a.bin", f.AdminToken, nil, nil)
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}

func TestCopyResetsDeployBodyBytes(t *testing.T) {
	f := startSearchFixture(t)
	resp, body := call(t, http.MethodPut, f.URL+"/artifactory/team-local/up.bin", f.AdminToken, strings.NewReader("uploaded"), nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(body))
	require.EqualValues(t, 8, f.Emu.DeployBodyBytes("team-local", "up.bin"))

	status, msgs := cm(t, f, f.AdminToken, "copy", "generic-local/a.bin", "to=/team-local/up.bin")
	require.Equal(t, http.StatusOK, status, msgs)
	assert.Zero(t, f.Emu.DeployBodyBytes("team-local", "up.bin"), "a copy sends no body")
	assert.Equal(t, "alpha", content(t, f, "team-local/up.bin"))

	status, msgs = cm(t, f, f.AdminToken, "move", "team-local/up.bin", "to=/team-local/moved.bin")
	require.Equal(t, http.StatusOK, status, msgs)
	assert.Zero(t, f.Emu.DeployBodyBytes("team-local", "moved.bin"))
}

func TestCopyWholeRepo(t *testing.T) {
	f := startSearchFixture(t)
	// A repo root has no name: its contents merge into the target folder.
	status, msgs := cm(t, f, f.AdminToken, "copy", "generic-local", "to=/team-local/all")
	require.Equal(t, http.StatusOK, status, msgs)
	assert.Equal(t, "copying generic-local: to team-local:all completed successfully, 5 artifacts and 3 folders were copied", msgs[0]["message"])
	assert.Equal(t, "alpha", content(t, f, "team-local/all/a.bin"))
	assert.Equal(t, "x-ray", content(t, f, "team-local/all/tools/x.bin"))

	// ...but never over a file.
	status, _ = cm(t, f, f.AdminToken, "copy", "generic-local", "to=/team-local/all/a.bin")
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "alpha", content(t, f, "team-local/all/a.bin"))
}
