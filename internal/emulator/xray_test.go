package emulator_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/emulatortest"
)

func xpost(t *testing.T, url, tok, body string) (int, map[string]any) {
	t.Helper()
	resp, b := call(t, http.MethodPost, url, tok, strings.NewReader(body), map[string]string{"Content-Type": "application/json"})
	if strings.HasPrefix(strings.TrimSpace(string(b)), "[") {
		return resp.StatusCode, map[string]any{"list": decodeList(t, b)}
	}
	return resp.StatusCode, decode(t, b)
}

func decodeList(t *testing.T, b []byte) []any {
	var v []any
	require.NoError(t, json.Unmarshal(b, &v))
	return v
}

func TestXrayArtifactScanLifecycle(t *testing.T) {
	s := demo(t)
	put, _ := call(t, http.MethodPut, s.URL+"/artifactory/app-staging-local/release-app/1.0/release-app-1.0.tar.gz", s.AdminToken, strings.NewReader("v1"), nil)
	require.Equal(t, http.StatusCreated, put.StatusCode)
	status := func() string {
		code, body := xpost(t, s.URL+"/xray/api/v1/artifact/status", s.AdminToken, `{"repo":"app-staging-local","path":"release-app/1.0/release-app-1.0.tar.gz"}`)
		require.Equal(t, http.StatusOK, code)
		return body["overall"].(map[string]any)["status"].(string)
	}
	summary := `{"paths":["default/app-staging-local/release-app/1.0/release-app-1.0.tar.gz"]}`
	assert.Equal(t, "PENDING", status())
	_, body := xpost(t, s.URL+"/xray/api/v2/summary/artifact", s.AdminToken, summary)
	assert.Equal(t, "Artifact doesn't exist or not indexed/cached in Xray", body["errors"].([]any)[0].(map[string]any)["error"])

	s.Emu.AdvanceXrayClock(2 * time.Second)
	assert.Equal(t, "SCANNING", status())
	_, body = xpost(t, s.URL+"/xray/api/v2/summary/artifact", s.AdminToken, summary)
	assert.Empty(t, body["artifacts"].([]any)[0].(map[string]any)["issues"], "nothing found yet while scanning: the trap tools must not fall into")

	s.Emu.AdvanceXrayClock(3 * time.Second)
	assert.Equal(t, "DONE", status())
	_, body = xpost(t, s.URL+"/xray/api/v2/summary/artifact", s.AdminToken, summary)
	issue := body["artifacts"].([]any)[0].(map[string]any)["issues"].([]any)[0].(map[string]any)
	assert.Equal(t, "Critical", issue["severity"])
	assert.Equal(t, "CVE-2021-44228", issue["cves"].([]any)[0].(map[string]any)["cve"])
	assert.Equal(t, []any{"[2.15.0]"}, issue["components"].([]any)[0].(map[string]any)["fixed_versions"])
	_, body = xpost(t, s.URL+"/xray/api/v1/summary/artifact", s.AdminToken, summary)
	assert.NotContains(t, body["artifacts"].([]any)[0].(map[string]any)["issues"].([]any)[0], "components", "per-issue components are v2 only")

	// the Artifactory service id works as the path prefix too
	sid, idBody := call(t, http.MethodGet, s.URL+"/artifactory/api/system/service_id", s.AdminToken, nil, nil)
	require.Equal(t, http.StatusOK, sid.StatusCode)
	_, body = xpost(t, s.URL+"/xray/api/v2/summary/artifact", s.AdminToken, `{"paths":["`+string(idBody)+`/app-staging-local/release-app/1.0/release-app-1.0.tar.gz"]}`)
	assert.Len(t, body["artifacts"], 1)
	_, body = xpost(t, s.URL+"/xray/api/v2/summary/artifact", s.AdminToken, `{"paths":["other/app-staging-local/release-app/1.0/release-app-1.0.tar.gz"]}`)
	assert.Len(t, body["errors"], 1)
}

func TestXrayIndexingOffAndErrors(t *testing.T) {
	s := demo(t)
	code, body := xpost(t, s.URL+"/xray/api/v1/artifact/status", s.AdminToken, `{"repo":"npm-local","path":"@acme/ui-kit/-/ui-kit-2.3.0.tgz"}`)
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "NOT_SCANNED", body["overall"].(map[string]any)["status"])
	code, body = xpost(t, s.URL+"/xray/api/v1/artifact/status", s.AdminToken, `{"repo":"npm-local"}`)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, body["error"], "required", "Xray's own error body")
	code, _ = xpost(t, s.URL+"/xray/api/v1/artifact/status", s.AdminToken, `{"repo":"npm-local","path":"nope"}`)
	assert.Equal(t, http.StatusNotFound, code)
}

func TestXrayBuildScanTriggerAndPoll(t *testing.T) {
	s := demo(t)
	req := `{"build_name":"billing-service","build_number":"43"}`
	code, _ := xpost(t, s.URL+"/xray/api/v2/ci/build/scanResult", s.AdminToken, req)
	assert.Equal(t, http.StatusNotFound, code, "never scanned")
	code, body := xpost(t, s.URL+"/xray/api/v2/ci/build", s.AdminToken, req)
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body["info"], "is in progress")
	code, _ = xpost(t, s.URL+"/xray/api/v2/ci/build/scanResult", s.AdminToken, req)
	assert.Equal(t, http.StatusAccepted, code)
	resp, _ := call(t, http.MethodGet, s.URL+"/xray/api/v2/ci/build/billing-service/43", s.AdminToken, nil, nil)
	assert.Equal(t, http.StatusAccepted, resp.StatusCode)
	s.Emu.AdvanceXrayClock(3 * time.Second)
	code, body = xpost(t, s.URL+"/xray/api/v2/ci/build/scanResult?include_vulnerabilities=true", s.AdminToken, req)
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "completed", body["status"])
	assert.Equal(t, true, body["fail_build"])
	assert.Len(t, body["vulnerabilities"], 2)
	assert.Equal(t, 1, s.Emu.BuildScanTriggers("billing-service", "43"))

	code, body = xpost(t, s.URL+"/xray/api/v2/ci/build", s.AdminToken, `{"build_name":"nope","build_number":"1"}`)
	assert.Equal(t, http.StatusNotFound, code)
	assert.Equal(t, "Build nope number 1 wasn't found in Artifactory", body["info"])

	resp, b := call(t, http.MethodGet, s.URL+"/xray/api/v2/summary/build?build_name=billing-service&build_number=41", s.AdminToken, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Len(t, decode(t, b)["issues"], 1)
}

func TestXraySearchByCVEAndViolations(t *testing.T) {
	s := demo(t)
	code, body := xpost(t, s.URL+"/xray/api/v1/component/searchByCves", s.AdminToken, `{"cves":["CVE-2021-44228"]}`)
	require.Equal(t, http.StatusOK, code)
	res := body["list"].([]any)[0].(map[string]any)
	assert.Equal(t, "CVE-2021-44228", res["cve_details"])
	c := res["components"].([]any)[0].(map[string]any)
	assert.Equal(t, "org.apache.logging.log4j:log4j-core", c["name"])
	assert.Equal(t, "2.14.1", c["version"])
	assert.Equal(t, "maven", c["package_type"])

	code, body = xpost(t, s.URL+"/xray/api/v1/violations", s.AdminToken, `{"filters":{"watch_name":"release-watch"},"pagination":{"limit":100}}`)
	require.Equal(t, http.StatusOK, code)
	// billing-service-1.5.0 (Critical + High) and two web-frontend tarballs (High)
	assert.EqualValues(t, 4, body["total_violations"])
	code, _ = xpost(t, s.URL+"/xray/api/v1/violations", s.AdminToken, `{"filters":{"watch_name":"nope"}}`)
	assert.Equal(t, http.StatusNotFound, code)
}

func TestControlHandlerDrivesTheXrayClock(t *testing.T) {
	emu, err := emulator.New(emulator.Options{DataDir: t.TempDir(), Seed: emulator.DemoSeed()})
	require.NoError(t, err)
	t.Cleanup(func() { _ = emu.Close() })
	ts := httptest.NewServer(emu.WithControl())
	t.Cleanup(ts.Close)
	tok := emu.AdminToken()
	put, _ := call(t, http.MethodPut, ts.URL+"/artifactory/app-staging-local/release-app/1.1/release-app-1.1.tar.gz", tok, strings.NewReader("v"), nil)
	require.Equal(t, http.StatusCreated, put.StatusCode)
	resp, _ := call(t, http.MethodPost, ts.URL+"/_emulator/xray/advance?seconds=5", "", nil, nil)
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	_, body := xpost(t, ts.URL+"/xray/api/v1/artifact/status", tok, `{"repo":"app-staging-local","path":"release-app/1.1/release-app-1.1.tar.gz"}`)
	assert.Equal(t, "DONE", body["overall"].(map[string]any)["status"])
	resp, _ = call(t, http.MethodPost, ts.URL+"/_emulator/xray/advance?seconds=-1", "", nil, nil)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	resp, b := call(t, http.MethodGet, ts.URL+"/_emulator/requests", "", nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var log []map[string]any
	require.NoError(t, json.Unmarshal(b, &log))
	assert.Equal(t, "/xray/api/v1/artifact/status", log[len(log)-1]["path"])
	resp, _ = call(t, http.MethodPost, ts.URL+"/_emulator/xray/advance?seconds=1", "", nil, nil)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	plain := httptest.NewServer(emu)
	t.Cleanup(plain.Close)
	resp, _ = call(t, http.MethodPost, plain.URL+"/_emulator/xray/advance?seconds=1", "", nil, nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "not part of the emulator's JFrog URL space")
}

// A build published to Artifactory as build info is one Xray can scan: its
// modules' files bring their components.
func TestXrayScansPublishedBuildInfo(t *testing.T) {
	seed := emulator.DemoSeed()
	sum := sha256.Sum256([]byte("v1.0"))
	info := `{"name":"release-app","number":"7","started":"2025-01-01T00:00:00.000+0000","modules":[{"id":"app","artifacts":[{"name":"release-app-1.0.tar.gz","sha256":"` + hex.EncodeToString(sum[:]) + `"}]}]}`
	seed.Repositories = append(seed.Repositories, map[string]any{"key": "artifactory-build-info", "rclass": "local", "packageType": "generic"})
	seed.Artifacts = append(seed.Artifacts,
		emulator.SeedArtifact{Repo: "app-staging-local", Path: "release-app/1.0/release-app-1.0.tar.gz", Content: "v1.0", Created: "2025-01-01T00:00:00Z"},
		emulator.SeedArtifact{Repo: "artifactory-build-info", Path: "release-app/7-1735689600000.json", Content: info, Created: "2025-01-01T00:00:00Z"})
	s := emulatortest.Start(t, seed)
	req := `{"build_name":"release-app","build_number":"7"}`
	code, _ := xpost(t, s.URL+"/xray/api/v2/ci/build/scanResult", s.AdminToken, req)
	assert.Equal(t, http.StatusNotFound, code, "published, never scanned")
	code, _ = xpost(t, s.URL+"/xray/api/v2/ci/build", s.AdminToken, req)
	require.Equal(t, http.StatusOK, code)
	s.Emu.AdvanceXrayClock(3 * time.Second)
	code, body := xpost(t, s.URL+"/xray/api/v2/ci/build/scanResult?include_vulnerabilities=true", s.AdminToken, req)
	require.Equal(t, http.StatusOK, code)
	require.Len(t, body["vulnerabilities"], 1)
	assert.Equal(t, "XRAY-191800", body["vulnerabilities"].([]any)[0].(map[string]any)["issue_id"])
	code, _ = xpost(t, s.URL+"/xray/api/v2/ci/build", s.AdminToken, `{"build_name":"release-app","build_number":"8"}`)
	assert.Equal(t, http.StatusNotFound, code, "no such build info")
}
