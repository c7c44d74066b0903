package tools_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// uploadBuildFiles uploads files (name -> content) to app-staging-local
// under web/<number>/ with the build's properties and returns their sha256.
func uploadBuildFiles(t *testing.T, h *harness, number string, files map[string]string) map[string]string {
	t.Helper()
	sums := map[string]string{}
	for name, content := range files {
		res := ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{
			"repo": "app-staging-local", "path": "web/" + number + "/" + name, "content_text": content,
			"build_name": "web", "build_number": number,
		}))
		sums[name] = res.Checksums.SHA256
	}
	return sums
}

func publishCollected(t *testing.T, h *harness, number string, extra map[string]any) tools.PublishBuildResult {
	t.Helper()
	args := map[string]any{"name": "web", "number": number, "collect_repos": []string{"app-staging-local"}}
	for k, v := range extra {
		args[k] = v
	}
	return ok[tools.PublishBuildResult](t, h.call(t, "publish_build_info", args))
}

// adminRequest sends one request to the emulator's Artifactory as its
// admin, behind the server's back, and returns the status and body.
func adminRequest(t *testing.T, h *harness, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, h.emu.URL+"/artifactory/"+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+h.emu.AdminToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// emulatorState is everything an admin can see of the repositories and
// builds involved: files with checksums and properties, and the build info.
func emulatorState(t *testing.T, h *harness) string {
	t.Helper()
	_, items := adminRequest(t, h, http.MethodPost, "api/search/aql", `items.find({"type":"any"}).include("repo","path","name","sha256","modified","property")`)
	_, build := adminRequest(t, h, http.MethodGet, "api/build/web/2", "")
	return items + build
}

func TestBuildsEndToEnd(t *testing.T) {
	h := newHarness(t, harnessOpts{mode: guard.ModeWrite})
	uploadBuildFiles(t, h, "1", map[string]string{"app.bin": "app v1", "lib.bin": "lib", "readme.txt": "readme"})
	publishCollected(t, h, "1", map[string]any{"started": "2026-05-01T10:00:00Z", "vcs": map[string]any{"url": "https://git/web.git", "revision": "aaa"}})

	sums := uploadBuildFiles(t, h, "2", map[string]string{"app.bin": "app v2", "lib.bin": "lib", "readme.txt": "readme"})
	pub := publishCollected(t, h, "2", map[string]any{"started": "2026-05-02T10:00:00Z", "vcs": map[string]any{"url": "https://git/web.git", "revision": "bbb"}})
	assert.Equal(t, 3, pub.Artifacts)
	assert.Equal(t, 1, pub.Modules, "one folder, one module")
	assert.Contains(t, pub.URI, "/api/build/web/2")

	info := ok[tools.BuildInfoResult](t, h.call(t, "get_build_info", map[string]any{"name": "web", "number": "LATEST", "include": "artifacts"}))
	assert.Equal(t, "2", info.Number)
	require.NotNil(t, info.Files)
	require.Len(t, info.Files.Items, 3)
	for _, f := range info.Files.Items {
		assert.Equal(t, sums[f.Name], f.SHA256, f.Name)
		assert.Len(t, f.SHA256, 64)
	}

	promote := map[string]any{"name": "web", "number": "2", "source_repo": "app-staging-local", "target_repo": "app-prod-local", "status": "released"}
	before := emulatorState(t, h)
	dry := ok[tools.PromoteBuildResult](t, h.call(t, "promote_build", promote))
	assert.True(t, dry.DryRun, "dry_run defaults to true")
	assert.Equal(t, []string{"web/2/app.bin", "web/2/lib.bin", "web/2/readme.txt"}, dry.Items)
	assert.Equal(t, before, emulatorState(t, h), "a dry run changes nothing")

	promote["dry_run"] = false
	done := ok[tools.PromoteBuildResult](t, h.call(t, "promote_build", promote))
	assert.False(t, done.DryRun)
	ok[tools.ArtifactInfo](t, h.call(t, "get_artifact_info", map[string]any{"repo": "app-staging-local", "path": "web/2/app.bin"})) // copy is the default: the source stays
	for name, sum := range sums {
		got := ok[tools.ArtifactInfo](t, h.call(t, "get_artifact_info", map[string]any{"repo": "app-prod-local", "path": "web/2/" + name}))
		require.NotNil(t, got.Checksums)
		assert.Equal(t, sum, got.Checksums.SHA256, name)
		ok[tools.ArtifactInfo](t, h.call(t, "get_artifact_info", map[string]any{"repo": "app-staging-local", "path": "web/2/" + name}))
	}
	info = ok[tools.BuildInfoResult](t, h.call(t, "get_build_info", map[string]any{"name": "web", "number": "2"}))
	require.Len(t, info.Promotions, 1)
	assert.Equal(t, "released", info.Promotions[0].Status)
	assert.Equal(t, "app-prod-local", info.Promotions[0].Repository)
	assert.Nil(t, info.Files, "files are listed only when asked")

	diff := ok[tools.BuildDiff](t, h.call(t, "diff_builds", map[string]any{"name": "web", "from": "1"}))
	assert.Equal(t, "2", diff.To, "to defaults to LATEST")
	require.Len(t, diff.Changes, 1)
	assert.Equal(t, "artifact", diff.Changes[0].Type)
	assert.Equal(t, "changed", diff.Changes[0].Change)
	assert.Equal(t, "app.bin", diff.Changes[0].Key)
	assert.Equal(t, sums["app.bin"], diff.Changes[0].To)
	assert.Equal(t, 2, diff.Unchanged)
	assert.Equal(t, []tools.VCSRange{{URL: "https://git/web.git", From: "aaa", To: "bbb"}}, diff.VCS)

	runs := ok[tools.BuildList](t, h.call(t, "list_builds", map[string]any{"name": "web"}))
	require.Len(t, runs.Items, 2)
	assert.Equal(t, "2", runs.Items[0].Number, "newest first")
	builds := ok[tools.BuildList](t, h.call(t, "list_builds", map[string]any{}))
	require.Len(t, builds.Items, 3, "web and the demo seed's two builds")
	assert.Equal(t, "web", builds.Items[0].Name, "newest first")
}

func TestPublishBuildInfo(t *testing.T) {
	t.Run("secret-looking properties never reach JFrog and are named", func(t *testing.T) {
		h := newHarness(t, harnessOpts{mode: guard.ModeWrite})
		uploadBuildFiles(t, h, "1", map[string]string{"app.bin": "app"})
		res := publishCollected(t, h, "1", map[string]any{"properties": map[string]any{
			"buildInfo.env.API_TOKEN": "tok-123", "buildInfo.env.DB_Password": "hunter2", "buildInfo.env.aws_secret": "s3",
			"buildInfo.env.SSH_KEY": "k", "buildInfo.env.GH_AUTH": "a", "buildInfo.env.CREDENTIALS": "c", "buildInfo.env.STAGE": "ci",
		}})
		assert.Equal(t, []string{"buildInfo.env.API_TOKEN", "buildInfo.env.CREDENTIALS", "buildInfo.env.DB_Password",
			"buildInfo.env.GH_AUTH", "buildInfo.env.SSH_KEY", "buildInfo.env.aws_secret"}, res.DroppedProperties)
		bodies := h.emu.Emu.ReceivedBuildInfo()
		require.Len(t, bodies, 1)
		body := string(bodies[0])
		for _, secret := range []string{"tok-123", "hunter2", "API_TOKEN", "DB_Password", "aws_secret", "SSH_KEY", "GH_AUTH", "CREDENTIALS"} {
			assert.NotContains(t, body, secret)
		}
		assert.Contains(t, body, `"buildInfo.env.STAGE":"ci"`)
	})
	t.Run("checksums come from Artifactory, for explicit artifacts and dependencies", func(t *testing.T) {
		h := newHarness(t, harnessOpts{mode: guard.ModeWrite})
		sums := uploadBuildFiles(t, h, "1", map[string]string{"app.bin": "app", "dep.jar": "dep"})
		res := ok[tools.PublishBuildResult](t, h.call(t, "publish_build_info", map[string]any{"name": "svc", "number": "7", "modules": []any{
			map[string]any{"id": "svc", "artifacts": []string{"app-staging-local/web/1/app.bin"},
				"dependencies": map[string]any{"org:dep:1": sums["dep.jar"], "org:other:2": ""}},
		}}))
		assert.Equal(t, [3]int{1, 1, 2}, [3]int{res.Modules, res.Artifacts, res.Dependencies})
		var bi struct {
			Modules []struct {
				Artifacts    []map[string]any `json:"artifacts"`
				Dependencies []map[string]any `json:"dependencies"`
			} `json:"modules"`
		}
		require.NoError(t, json.Unmarshal(h.emu.Emu.ReceivedBuildInfo()[0], &bi))
		assert.Equal(t, sums["app.bin"], bi.Modules[0].Artifacts[0]["sha256"])
		assert.Len(t, bi.Modules[0].Artifacts[0]["sha1"], 40)
		assert.Equal(t, sums["dep.jar"], bi.Modules[0].Dependencies[0]["sha256"])
		assert.Len(t, bi.Modules[0].Dependencies[0]["md5"], 32)

		e := failed(t, h.call(t, "publish_build_info", map[string]any{"name": "svc", "number": "8", "modules": []any{
			map[string]any{"id": "svc", "dependencies": map[string]any{"x": strings.Repeat("0", 64)}}}}))
		assert.Equal(t, tools.CodeNotFound, e.Code)
		assert.Contains(t, e.Message, "dependency x")
	})
	t.Run("the same number again is a conflict; overwrite is two-phase", func(t *testing.T) {
		h := newHarness(t, harnessOpts{mode: guard.ModeWrite})
		uploadBuildFiles(t, h, "1", map[string]string{"app.bin": "app"})
		publishCollected(t, h, "1", nil)
		e := failed(t, h.call(t, "publish_build_info", map[string]any{"name": "web", "number": "1", "collect_repos": []string{"app-staging-local"}}))
		assert.Equal(t, tools.CodeConflict, e.Code)
		assert.Len(t, h.emu.Emu.ReceivedBuildInfo(), 1, "nothing was sent")

		args := map[string]any{"name": "web", "number": "1", "overwrite": true, "started": "2026-06-01T00:00:00Z", "collect_repos": []string{"app-staging-local"}}
		plan := ok[tools.PublishBuildResult](t, h.call(t, "publish_build_info", args))
		require.True(t, plan.ConfirmationRequired)
		assert.Contains(t, plan.Plan.Summary, "replace build web #1")
		assert.Len(t, h.emu.Emu.ReceivedBuildInfo(), 1, "a plan sends nothing")
		args["confirm_token"] = plan.Plan.ConfirmToken
		res := ok[tools.PublishBuildResult](t, h.call(t, "publish_build_info", args))
		assert.True(t, res.Replaced)
		runs := ok[tools.BuildList](t, h.call(t, "list_builds", map[string]any{"name": "web"}))
		require.Len(t, runs.Items, 1, "the old run is gone")
		assert.Equal(t, "2026-06-01T00:00:00.000+0000", runs.Items[0].Started)
	})
	t.Run("collect finds nothing without build properties", func(t *testing.T) {
		h := newHarness(t, harnessOpts{mode: guard.ModeWrite})
		e := failed(t, h.call(t, "publish_build_info", map[string]any{"name": "none", "number": "1", "collect_repos": []string{"app-staging-local"}}))
		assert.Equal(t, tools.CodeNotFound, e.Code)
		assert.Empty(t, h.emu.Emu.ReceivedBuildInfo())
	})
}

func TestPromoteBuildGuard(t *testing.T) {
	setup := func(t *testing.T, p guard.Policy) *harness {
		h := newHarness(t, harnessOpts{mode: guard.ModeWrite, rules: &p})
		uploadBuildFiles(t, h, "1", map[string]string{"app.bin": "app"})
		publishCollected(t, h, "1", nil)
		return h
	}
	deniedBeforeAnyRequest := func(t *testing.T, h *harness, args map[string]any, want string) {
		t.Helper()
		t0 := time.Now()
		e := failed(t, h.call(t, "promote_build", args))
		assert.Equal(t, tools.CodeGuardDenied, e.Code)
		assert.Contains(t, e.Message, want)
		assert.Empty(t, h.requestsSince(t0), "the guard decides before any request")
	}
	policy := func() guard.Policy {
		p := guard.DefaultPolicy(guard.ModeWrite)
		p.Promote = []guard.Rule{{Repo: "app-prod-local"}}
		p.Builds.Promote = []guard.NameRule{{Name: "web"}}
		return p
	}
	t.Run("target outside promote-to", func(t *testing.T) {
		h := setup(t, policy())
		deniedBeforeAnyRequest(t, h, map[string]any{"name": "web", "number": "1", "source_repo": "app-staging-local", "target_repo": "libs-release-local"},
			"promote libs-release-local is outside the policy")
	})
	t.Run("build outside builds.promote", func(t *testing.T) {
		p := policy()
		p.Builds.Promote = []guard.NameRule{{Name: "api-*"}}
		h := setup(t, p)
		deniedBeforeAnyRequest(t, h, map[string]any{"name": "web", "number": "1", "source_repo": "app-staging-local", "target_repo": "app-prod-local"},
			"promote of build web is outside the policy")
	})
	t.Run("a move needs delete on the source", func(t *testing.T) {
		p := policy()
		p.Delete = []guard.Rule{{Repo: "libs-*"}}
		h := setup(t, p)
		deniedBeforeAnyRequest(t, h, map[string]any{"name": "web", "number": "1", "source_repo": "app-staging-local", "target_repo": "app-prod-local", "copy": false},
			"delete app-staging-local is outside the policy")
	})
	t.Run("a gated target cannot be evaluated yet", func(t *testing.T) {
		p := policy()
		p.Gates = []guard.Gate{{Repos: []string{"*-prod-*"}, MinSeverity: "high"}}
		h := setup(t, p)
		deniedBeforeAnyRequest(t, h, map[string]any{"name": "web", "number": "1", "source_repo": "app-staging-local", "target_repo": "app-prod-local"},
			"cannot evaluate yet")
	})
}

func TestPromoteBuild(t *testing.T) {
	setup := func(t *testing.T) *harness {
		h := newHarness(t, harnessOpts{mode: guard.ModeWrite})
		uploadBuildFiles(t, h, "1", map[string]string{"app.bin": "app", "lib.bin": "lib"})
		publishCollected(t, h, "1", nil)
		return h
	}
	args := func() map[string]any {
		return map[string]any{"name": "web", "number": "1", "source_repo": "app-staging-local", "target_repo": "app-prod-local", "status": "released", "dry_run": false}
	}
	t.Run("answered as done while nothing moved is an error naming what is missing", func(t *testing.T) {
		h := setup(t)
		h.emu.Emu.Faults().Inject(emulator.PromotionMovesNothing(1))
		e := failed(t, h.call(t, "promote_build", args()))
		assert.Equal(t, tools.CodeInternal, e.Code)
		assert.Contains(t, e.Message, "2 of 2 files are not in app-prod-local: web/1/app.bin, web/1/lib.bin")
		assert.Contains(t, e.Message, `status "released" is not in the build's promotion history`)
	})
	t.Run("a move is two-phase and removes the source", func(t *testing.T) {
		h := setup(t)
		a := args()
		a["copy"] = false
		plan := ok[tools.PromoteBuildResult](t, h.call(t, "promote_build", a))
		require.True(t, plan.ConfirmationRequired)
		assert.Equal(t, []string{"web/1/app.bin", "web/1/lib.bin"}, plan.Plan.Changes)
		ok[tools.ArtifactInfo](t, h.call(t, "get_artifact_info", map[string]any{"repo": "app-staging-local", "path": "web/1/app.bin"}))
		a["confirm_token"] = plan.Plan.ConfirmToken
		done := ok[tools.PromoteBuildResult](t, h.call(t, "promote_build", a))
		assert.False(t, done.DryRun)
		e := failed(t, h.call(t, "get_artifact_info", map[string]any{"repo": "app-staging-local", "path": "web/1/app.bin"}))
		assert.Equal(t, tools.CodeNotFound, e.Code)
		ok[tools.ArtifactInfo](t, h.call(t, "get_artifact_info", map[string]any{"repo": "app-prod-local", "path": "web/1/app.bin"}))
	})
	t.Run("a move confirmed after its files changed does not run", func(t *testing.T) {
		h := setup(t)
		a := args()
		a["copy"] = false
		plan := ok[tools.PromoteBuildResult](t, h.call(t, "promote_build", a))
		require.True(t, plan.ConfirmationRequired)
		// Someone replaces lib.bin: what the plan listed is no longer there.
		status, _ := adminRequest(t, h, http.MethodPut, "app-staging-local/web/1/lib.bin", "lib changed")
		require.Equal(t, http.StatusCreated, status)
		a["confirm_token"] = plan.Plan.ConfirmToken
		res := h.call(t, "promote_build", a)
		require.True(t, res.IsError, "%s", text(res))
		ok[tools.ArtifactInfo](t, h.call(t, "get_artifact_info", map[string]any{"repo": "app-staging-local", "path": "web/1/app.bin"}))
	})
	t.Run("other content at the target is a conflict before anything moves", func(t *testing.T) {
		h := setup(t)
		ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "app-prod-local", "path": "web/1/app.bin", "content_text": "something else"}))
		e := failed(t, h.call(t, "promote_build", args()))
		assert.Equal(t, tools.CodeConflict, e.Code)
		assert.Contains(t, e.Message, "web/1/app.bin")
		for _, r := range h.emu.Emu.Requests() {
			assert.NotContains(t, r.Path, "/api/build/promote/", "no promotion was sent")
		}
	})
	t.Run("dependencies: the caveat is said, and a move of them is refused", func(t *testing.T) {
		h := setup(t)
		a := args()
		a["dry_run"], a["dependencies"] = true, true
		res := ok[tools.PromoteBuildResult](t, h.call(t, "promote_build", a))
		assert.Contains(t, res.Note, "regardless of source_repo")
		a["copy"] = false
		e := failed(t, h.call(t, "promote_build", a))
		assert.Equal(t, tools.CodeInvalidArgument, e.Code)
	})
	t.Run("a build artifact missing from source_repo is named", func(t *testing.T) {
		h := setup(t)
		a := args()
		a["source_repo"] = "generic-local"
		e := failed(t, h.call(t, "promote_build", a))
		assert.Equal(t, tools.CodeNotFound, e.Code)
		assert.Contains(t, e.Message, "app.bin")
	})
}

func TestBuildsPolicy(t *testing.T) {
	setup := func(t *testing.T) *harness {
		p := guard.DefaultPolicy(guard.ModeWrite)
		p.Read = []guard.Rule{{Repo: "app-staging-local"}}
		p.Builds.Read = []guard.NameRule{{Name: "web"}}
		p.Builds.Write = []guard.NameRule{{Name: "web"}}
		h := newHarness(t, harnessOpts{mode: guard.ModeWrite, rules: &p})
		uploadBuildFiles(t, h, "1", map[string]string{"app.bin": "app"})
		publishCollected(t, h, "1", nil)
		// A build the policy hides, published behind the server's back.
		status, _ := adminRequest(t, h, http.MethodPut, "api/build", `{"name":"other","number":"1","started":"2026-05-01T10:00:00.000+0000"}`)
		require.Equal(t, http.StatusNoContent, status)
		return h
	}
	t.Run("list_builds shows only readable builds", func(t *testing.T) {
		h := setup(t)
		list := ok[tools.BuildList](t, h.call(t, "list_builds", map[string]any{}))
		require.Len(t, list.Items, 1, "not other, nor the demo seed's builds")
		assert.Equal(t, "web", list.Items[0].Name)
	})
	for _, tc := range []struct {
		name, tool string
		args       map[string]any
		want       string
	}{
		{"get a build outside builds.read", "get_build_info", map[string]any{"name": "other", "number": "1"}, "read of build other is outside the policy"},
		{"diff a build outside builds.read", "diff_builds", map[string]any{"name": "other", "from": "1"}, "read of build other"},
		{"runs of a build outside builds.read", "list_builds", map[string]any{"name": "other"}, "read of build other"},
		{"publish a build outside builds.publish", "publish_build_info", map[string]any{"name": "other", "number": "2", "collect_repos": []string{"app-staging-local"}}, "write of build other is outside the policy"},
		{"publish an artifact the policy cannot read", "publish_build_info", map[string]any{"name": "web", "number": "2", "modules": []any{map[string]any{"id": "m", "artifacts": []string{"libs-release-local/a.jar"}}}}, "read libs-release-local/a.jar is outside the policy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := setup(t)
			t0 := time.Now()
			e := failed(t, h.call(t, tc.tool, tc.args))
			assert.Equal(t, tools.CodeGuardDenied, e.Code)
			assert.Contains(t, e.Message, tc.want)
			assert.Empty(t, h.requestsSince(t0))
		})
	}
	t.Run("collect from an unreadable repository finds nothing there", func(t *testing.T) {
		h := setup(t)
		ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "app-staging-local", "path": "web/2/app.bin", "content_text": "x", "build_name": "web", "build_number": "2"}))
		e := failed(t, h.call(t, "publish_build_info", map[string]any{"name": "web", "number": "2", "collect_repos": []string{"libs-release-local"}}))
		assert.Equal(t, tools.CodeNotFound, e.Code, "the query is narrowed to what the policy reads")
	})
}
