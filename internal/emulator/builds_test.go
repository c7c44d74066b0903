package emulator_test

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/emulatortest"
)

// buildFixture: staging-local holds app.bin and lib.jar of build "app" #1
// (with build.name/build.number), release-local is empty. Users: ci (read
// all, write everywhere, no delete), viewer (read the repositories but not
// the build-info repository).
type buildFixture struct {
	*emulatortest.Server
	ci, viewer string
}

func startBuildFixture(t *testing.T) *buildFixture {
	t.Helper()
	bp := map[string][]string{"build.name": {"app"}, "build.number": {"1"}}
	s := emulatortest.Start(t, &emulator.Seed{
		Repositories: []map[string]any{
			{"key": "staging-local", "rclass": "local", "packageType": "generic"},
			{"key": "release-local", "rclass": "local", "packageType": "generic"},
		},
		Users: []emulator.SeedUser{
			{Name: "ci", Password: "c", Permissions: []emulator.SeedPermission{{Repos: []string{"*"}, Actions: []string{"read", "write"}}}},
			{Name: "viewer", Password: "v", Permissions: []emulator.SeedPermission{{Repos: []string{"*-local"}, Actions: []string{"read"}}}},
		},
		Artifacts: []emulator.SeedArtifact{
			{Repo: "staging-local", Path: "app/1/app.bin", Content: "app", Properties: bp},
			{Repo: "staging-local", Path: "app/1/lib.jar", Content: "lib", Properties: bp},
		},
	})
	f := &buildFixture{Server: s}
	var err error
	f.ci, err = s.Emu.MintToken("ci")
	require.NoError(t, err)
	f.viewer, err = s.Emu.MintToken("viewer")
	require.NoError(t, err)
	return f
}

func fileSums(content string) map[string]any {
	s1, s5 := sha1.Sum([]byte(content)), md5.Sum([]byte(content))
	return map[string]any{"sha1": hex.EncodeToString(s1[:]), "md5": hex.EncodeToString(s5[:])}
}

func buildJSON(number, started string, artifacts map[string]string) map[string]any {
	var arts []any
	for name, content := range artifacts {
		a := fileSums(content)
		a["name"] = name
		arts = append(arts, a)
	}
	return map[string]any{"version": "1.0.1", "name": "app", "number": number, "started": started,
		"properties": map[string]any{"buildInfo.env.STAGE": "ci"},
		"modules":    []any{map[string]any{"id": "app", "type": "generic", "artifacts": arts}}}
}

func (f *buildFixture) publish(t *testing.T, auth string, doc map[string]any) (int, []byte) {
	t.Helper()
	resp, body := call(t, http.MethodPut, f.URL+"/artifactory/api/build", auth, bytes.NewReader(mustJSON(t, doc)),
		map[string]string{"Content-Type": "application/vnd.org.jfrog.artifactory+json"})
	return resp.StatusCode, body
}

func (f *buildFixture) promote(t *testing.T, auth, path string, req map[string]any) (int, []map[string]any) {
	t.Helper()
	resp, body := call(t, http.MethodPost, f.URL+"/artifactory/api/build/promote/"+path, auth, bytes.NewReader(mustJSON(t, req)), nil)
	m := decode(t, body)
	list, ok := m["messages"].([]any)
	require.True(t, ok, "messages: %s", body)
	out := []map[string]any{}
	for _, x := range list {
		out = append(out, x.(map[string]any))
	}
	return resp.StatusCode, out
}

func messageTexts(msgs []map[string]any) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m["level"].(string)+": "+m["message"].(string))
	}
	return out
}

const started1 = "2026-05-01T10:00:00.000+0200"

func TestBuildPublishGetList(t *testing.T) {
	t.Run("publish is 204 and stores JSON where LATEST lookups find it", func(t *testing.T) {
		f := startBuildFixture(t)
		status, body := f.publish(t, f.ci, buildJSON("1", started1, map[string]string{"app.bin": "app"}))
		require.Equal(t, http.StatusNoContent, status, string(body))
		// 2026-05-01T08:00:00Z in milliseconds.
		assert.True(t, exists(t, &searchFixture{Server: f.Server}, "artifactory-build-info/app/1-1777622400000.json"))

		resp, body := call(t, http.MethodGet, f.URL+"/artifactory/api/build/app/1", f.ci, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
		m := decode(t, body)
		assert.Equal(t, f.URL+"/artifactory/api/build/app/1", m["uri"])
		assert.Equal(t, started1, m["buildInfo"].(map[string]any)["started"])
	})
	t.Run("runs are buildsNumbers, newest first; list has lastStarted", func(t *testing.T) {
		f := startBuildFixture(t)
		for _, n := range []struct{ num, started string }{{"1", started1}, {"2", "2026-05-02T10:00:00.000+0200"}} {
			status, body := f.publish(t, f.ci, buildJSON(n.num, n.started, nil))
			require.Equal(t, http.StatusNoContent, status, string(body))
		}
		resp, body := call(t, http.MethodGet, f.URL+"/artifactory/api/build/app", f.ci, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
		assert.Equal(t, []any{
			map[string]any{"uri": "/2", "started": "2026-05-02T10:00:00.000+0200"},
			map[string]any{"uri": "/1", "started": started1},
		}, decode(t, body)["buildsNumbers"])
		resp, body = call(t, http.MethodGet, f.URL+"/artifactory/api/build", f.ci, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, []any{map[string]any{"uri": "/app", "lastStarted": "2026-05-02T10:00:00.000+0200"}}, decode(t, body)["builds"])
	})
	t.Run("missing builds are 404", func(t *testing.T) {
		f := startBuildFixture(t)
		resp, _ := call(t, http.MethodGet, f.URL+"/artifactory/api/build/app/9", f.ci, nil, nil)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
		resp, _ = call(t, http.MethodGet, f.URL+"/artifactory/api/build/nothing", f.ci, nil, nil)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	})
	t.Run("no build permissions: 403 on get and publish, nothing listed", func(t *testing.T) {
		f := startBuildFixture(t)
		status, _ := f.publish(t, f.ci, buildJSON("1", started1, nil))
		require.Equal(t, http.StatusNoContent, status)
		resp, _ := call(t, http.MethodGet, f.URL+"/artifactory/api/build/app/1", f.viewer, nil, nil)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		status, _ = f.publish(t, f.viewer, buildJSON("2", started1, nil))
		assert.Equal(t, http.StatusForbidden, status)
		resp, body := call(t, http.MethodGet, f.URL+"/artifactory/api/build", f.viewer, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Empty(t, decode(t, body)["builds"])
		resp, _ = call(t, http.MethodPost, f.URL+"/artifactory/api/build/promote/app/1", f.viewer, strings.NewReader(`{"targetRepo":"release-local"}`), nil)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	})
	t.Run("replacing a run needs delete; the body is kept as received", func(t *testing.T) {
		f := startBuildFixture(t)
		doc := buildJSON("1", started1, nil)
		status, _ := f.publish(t, f.ci, doc)
		require.Equal(t, http.StatusNoContent, status)
		status, body := f.publish(t, f.ci, doc)
		assert.Equal(t, http.StatusForbidden, status, string(body))
		status, _ = f.publish(t, f.AdminToken, doc)
		assert.Equal(t, http.StatusNoContent, status)
		got := f.Emu.ReceivedBuildInfo()
		require.Len(t, got, 3)
		assert.JSONEq(t, string(mustJSON(t, doc)), string(got[0]))
	})
	t.Run("a project's builds live in <project>-build-info, which must exist", func(t *testing.T) {
		f := startBuildFixture(t)
		resp, _ := call(t, http.MethodPut, f.URL+"/artifactory/api/build?project=proj", f.AdminToken, bytes.NewReader(mustJSON(t, buildJSON("1", started1, nil))), nil)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
		resp, _ = call(t, http.MethodPut, f.URL+"/artifactory/api/repositories/proj-build-info", f.AdminToken,
			strings.NewReader(`{"rclass":"local","packageType":"generic"}`), map[string]string{"Content-Type": "application/json"})
		require.Equal(t, http.StatusOK, resp.StatusCode)
		resp, _ = call(t, http.MethodPut, f.URL+"/artifactory/api/build?project=proj", f.AdminToken, bytes.NewReader(mustJSON(t, buildJSON("1", started1, nil))), nil)
		require.Equal(t, http.StatusNoContent, resp.StatusCode)
		resp, _ = call(t, http.MethodGet, f.URL+"/artifactory/api/build/app/1?project=proj", f.AdminToken, nil, nil)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		resp, _ = call(t, http.MethodGet, f.URL+"/artifactory/api/build/app/1?buildRepo=proj-build-info", f.AdminToken, nil, nil)
		assert.Equal(t, http.StatusOK, resp.StatusCode, "buildRepo names the repository itself")
		resp, _ = call(t, http.MethodGet, f.URL+"/artifactory/api/build/app/1", f.AdminToken, nil, nil)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, "not in the default build-info repository")
	})
}

func TestBuildPromotion(t *testing.T) {
	published := func(t *testing.T) *buildFixture {
		f := startBuildFixture(t)
		status, body := f.publish(t, f.AdminToken, buildJSON("1", started1, map[string]string{"app.bin": "app", "lib.jar": "lib"}))
		require.Equal(t, http.StatusNoContent, status, string(body))
		return f
	}
	sf := func(f *buildFixture) *searchFixture { return &searchFixture{Server: f.Server} }
	statuses := func(t *testing.T, f *buildFixture) []any {
		resp, body := call(t, http.MethodGet, f.URL+"/artifactory/api/build/app/1", f.AdminToken, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		s, _ := decode(t, body)["buildInfo"].(map[string]any)["statuses"].([]any)
		return s
	}
	t.Run("dry run changes nothing and says why no status was recorded", func(t *testing.T) {
		f := published(t)
		code, msgs := f.promote(t, f.AdminToken, "app/1", map[string]any{"status": "released", "targetRepo": "release-local", "copy": true, "dryRun": true, "failFast": true})
		require.Equal(t, http.StatusOK, code, msgs)
		assert.Contains(t, messageTexts(msgs), "INFO: Skipping promotion status update: running in dry run mode.")
		assert.False(t, exists(t, sf(f), "release-local/app/1/app.bin"))
		assert.Empty(t, statuses(t, f))
	})
	t.Run("copy records the status without ciUser or timestamp", func(t *testing.T) {
		f := published(t)
		code, msgs := f.promote(t, f.AdminToken, "app/1", map[string]any{"status": "released", "comment": "qa ok", "targetRepo": "release-local",
			"sourceRepo": "staging-local", "copy": true, "failFast": true, "properties": map[string][]string{"stage": {"prod"}}})
		require.Equal(t, http.StatusOK, code, msgs)
		assert.True(t, exists(t, sf(f), "release-local/app/1/app.bin"))
		assert.True(t, exists(t, sf(f), "staging-local/app/1/app.bin"))
		resp, body := call(t, http.MethodGet, f.URL+"/artifactory/api/storage/release-local/app/1/lib.jar?properties", f.AdminToken, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, []any{"prod"}, decode(t, body)["properties"].(map[string]any)["stage"])
		st := statuses(t, f)
		require.Len(t, st, 1)
		got := st[0].(map[string]any)
		assert.Equal(t, "released", got["status"])
		assert.Equal(t, "qa ok", got["comment"])
		assert.Equal(t, "release-local", got["repository"])
		assert.Equal(t, "admin", got["user"])
		assert.NotEmpty(t, got["timestamp"])
	})
	t.Run("the default is a move", func(t *testing.T) {
		f := published(t)
		code, msgs := f.promote(t, f.AdminToken, "app/1", map[string]any{"targetRepo": "release-local"})
		require.Equal(t, http.StatusOK, code, msgs)
		assert.Contains(t, messageTexts(msgs), "INFO: Skipping promotion status update: no status received.")
		assert.True(t, exists(t, sf(f), "release-local/app/1/app.bin"))
		assert.False(t, exists(t, sf(f), "staging-local/app/1/app.bin"))
	})
	t.Run("a move without delete permission fails with Artifactory's messages", func(t *testing.T) {
		f := published(t)
		code, msgs := f.promote(t, f.ci, "app/1", map[string]any{"status": "released", "targetRepo": "release-local", "failFast": true})
		assert.Equal(t, http.StatusBadRequest, code)
		texts := messageTexts(msgs)
		require.NotEmpty(t, texts)
		assert.True(t, strings.HasPrefix(texts[0], "ERROR: "), texts)
		assert.Contains(t, texts, "INFO: Skipping promotion status update: item promotion was completed with errors and warnings.")
		assert.Empty(t, statuses(t, f))
	})
	t.Run("a missing artifact aborts a failFast promotion before anything moves", func(t *testing.T) {
		f := startBuildFixture(t)
		status, _ := f.publish(t, f.AdminToken, buildJSON("1", started1, map[string]string{"app.bin": "app", "gone.bin": "never uploaded"}))
		require.Equal(t, http.StatusNoContent, status)
		code, msgs := f.promote(t, f.AdminToken, "app/1", map[string]any{"targetRepo": "release-local", "copy": true})
		assert.Equal(t, http.StatusBadRequest, code)
		assert.Equal(t, []string{"ERROR: Unable to find artifact 'gone.bin' of build 'app' #1",
			"ERROR: Unable to find artifacts of build 'app' #1: aborting promotion."}, messageTexts(msgs))
		assert.False(t, exists(t, sf(f), "release-local/app/1/app.bin"))
	})
	t.Run("no target only changes the status", func(t *testing.T) {
		f := published(t)
		code, msgs := f.promote(t, f.AdminToken, "app/1", map[string]any{"status": "rolled-back"})
		require.Equal(t, http.StatusOK, code, msgs)
		assert.Equal(t, []string{"INFO: Skipping build item relocation: no target repository selected."}, messageTexts(msgs))
		assert.Len(t, statuses(t, f), 1)
	})
	t.Run("unknown build or target", func(t *testing.T) {
		f := published(t)
		resp, body := call(t, http.MethodPost, f.URL+"/artifactory/api/build/promote/app/7", f.AdminToken, strings.NewReader(`{"targetRepo":"release-local"}`), nil)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
		assert.Contains(t, string(body), "Unable to find build 'app' #7.")
		resp, body = call(t, http.MethodPost, f.URL+"/artifactory/api/build/promote/app/1", f.AdminToken, strings.NewReader(`{"targetRepo":"nope"}`), nil)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
		assert.Contains(t, string(body), "Cannot find target repository by the key 'nope'.")
	})
	t.Run("fault: answered as done, nothing moved", func(t *testing.T) {
		f := published(t)
		f.Emu.Faults().Inject(emulator.PromotionMovesNothing(1))
		code, msgs := f.promote(t, f.AdminToken, "app/1", map[string]any{"status": "released", "targetRepo": "release-local", "copy": true})
		assert.Equal(t, http.StatusOK, code)
		assert.Empty(t, msgs)
		assert.False(t, exists(t, sf(f), "release-local/app/1/app.bin"))
		assert.Empty(t, statuses(t, f))
	})
}

func TestBuildsAQL(t *testing.T) {
	// Each subtest gets its own platform with runs 1 and 2 of "app".
	twoRuns := func(t *testing.T) *buildFixture {
		f := startBuildFixture(t)
		for _, n := range []struct{ num, started string }{{"1", started1}, {"2", "2026-05-02T10:00:00.000+0200"}} {
			status, _ := f.publish(t, f.ci, buildJSON(n.num, n.started, nil))
			require.Equal(t, http.StatusNoContent, status)
		}
		return f
	}
	aql := func(t *testing.T, f *buildFixture, auth, q string) (int, map[string]any) {
		resp, body := call(t, http.MethodPost, f.URL+"/artifactory/api/search/aql", auth, strings.NewReader(q), nil)
		if resp.StatusCode != http.StatusOK {
			return resp.StatusCode, nil
		}
		return resp.StatusCode, decode(t, body)
	}
	t.Run("name, number and started", func(t *testing.T) {
		f := twoRuns(t)
		code, m := aql(t, f, f.ci, `builds.find({"name":"app","started":{"$gt":"2026-05-01T12:00:00.000Z"}})`)
		require.Equal(t, http.StatusOK, code)
		res := m["results"].([]any)
		require.Len(t, res, 1)
		row := res[0].(map[string]any)
		assert.Equal(t, "2", row["build.number"])
		assert.Equal(t, "artifactory-build-info", row["build.repo"])
		assert.Equal(t, "2026-05-02T08:00:00.000Z", row["build.started"])
		assert.Equal(t, "ci", row["build.created_by"])
	})
	t.Run("build properties, sort and limit", func(t *testing.T) {
		f := twoRuns(t)
		code, m := aql(t, f, f.ci, `builds.find({"@buildInfo.env.STAGE":"ci"}).sort({"$desc":["number"]}).limit(1)`)
		require.Equal(t, http.StatusOK, code)
		res := m["results"].([]any)
		require.Len(t, res, 1)
		assert.Equal(t, "2", res[0].(map[string]any)["build.number"])
	})
	t.Run("LATEST as JCG resolves it", func(t *testing.T) {
		f := twoRuns(t)
		code, m := aql(t, f, f.ci, `items.find({"type": "file","repo": "artifactory-build-info","path": {"$match": "app"}}).sort({"$desc":["created"]}).limit(1)`)
		require.Equal(t, http.StatusOK, code)
		res := m["results"].([]any)
		require.Len(t, res, 1)
		assert.True(t, strings.HasPrefix(res[0].(map[string]any)["name"].(string), "2-"))
	})
	t.Run("builds the caller cannot read are not there", func(t *testing.T) {
		f := twoRuns(t)
		code, m := aql(t, f, f.viewer, `builds.find({"name":"app"})`)
		require.Equal(t, http.StatusOK, code)
		assert.Empty(t, m["results"])
	})
}

func TestSeededBuilds(t *testing.T) {
	s := demo(t)
	resp, body := call(t, http.MethodGet, s.URL+"/artifactory/api/build", s.AdminToken, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, []any{
		map[string]any{"uri": "/billing-service", "lastStarted": "2025-03-01T08:30:00.000+0000"},
		map[string]any{"uri": "/web-frontend", "lastStarted": "2025-03-05T10:00:00.000+0000"},
	}, decode(t, body)["builds"])
	resp, body = call(t, http.MethodGet, s.URL+"/artifactory/api/build/web-frontend/8", s.AdminToken, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	mods := decode(t, body)["buildInfo"].(map[string]any)["modules"].([]any)
	require.Len(t, mods, 1)
	arts := mods[0].(map[string]any)["artifacts"].([]any)
	require.Len(t, arts, 1, "the seeded file with build.name web-frontend and build.number 8")
	a := arts[0].(map[string]any)
	assert.Equal(t, "web-frontend/1.3.0/web-frontend-1.3.0.tar.gz", a["path"])
	assert.Len(t, a["sha256"], 64)

	_, err := emulator.ParseSeed([]byte(`{"builds":[{"name":"x","number":"1","started":"yesterday"}]}`))
	require.NoError(t, err, "the section is checked when applied")
	_, err = emulator.New(emulator.Options{DataDir: t.TempDir(), Seed: &emulator.Seed{Builds: []byte(`[{"name":"x","number":"1","started":"yesterday"}]`)}})
	assert.ErrorContains(t, err, "valid started")
}
