package tools_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

func gatedHarness(t *testing.T, ignore ...guard.IgnoredCVE) *harness {
	p := guard.DefaultPolicy(guard.ModeWrite)
	p.Gates = []guard.Gate{{Repos: []string{"*-prod-*"}, MinSeverity: "High", IgnoreCVEs: ignore}}
	return newHarness(t, harnessOpts{rules: &p})
}

// copyRequests are the copy and move requests the emulator received since t0.
func copyRequests(h *harness, t0 time.Time) []string {
	var out []string
	for _, r := range h.requestsSince(t0) {
		if strings.HasPrefix(r.Path, "/artifactory/api/copy/") || strings.HasPrefix(r.Path, "/artifactory/api/move/") ||
			(r.Method == "PUT" && strings.HasPrefix(r.Path, "/artifactory/app-prod-local/")) {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

func copyArgs(from, to string) map[string]any {
	return map[string]any{"from_repo": "app-staging-local", "from_path": from, "to_repo": "app-prod-local", "to_path": to, "dry_run": false}
}

func TestGatedCopyNeedsAPassingScan(t *testing.T) {
	t.Run("a critical finding is refused with the finding, nothing sent", func(t *testing.T) {
		h := gatedHarness(t)
		deploy(t, h, "app-staging-local", "release-app/1.0/release-app-1.0.tar.gz", "v1.0")
		h.emu.Emu.AdvanceXrayClock(5 * time.Second)
		t0 := time.Now()
		e := failed(t, h.call(t, "copy_artifacts", copyArgs("release-app/1.0/release-app-1.0.tar.gz", "release-app/1.0/release-app-1.0.tar.gz")))
		assert.Equal(t, tools.CodeGuardDenied, e.Code)
		assert.Contains(t, e.Message, "release gate on app-prod-local (block_at High)")
		assert.Contains(t, e.Message, "XRAY-191800 Critical CVE-2021-44228 10.0 in gav://org.apache.logging.log4j:log4j-core:2.14.1 (fixed in [2.15.0])")
		assert.Empty(t, copyRequests(h, t0))
	})
	t.Run("a scan still running is refused", func(t *testing.T) {
		h := gatedHarness(t)
		deploy(t, h, "app-staging-local", "release-app/1.1/release-app-1.1.tar.gz", "v1.1")
		h.emu.Emu.AdvanceXrayClock(2 * time.Second)
		t0 := time.Now()
		e := failed(t, h.call(t, "copy_artifacts", copyArgs("release-app/1.1/release-app-1.1.tar.gz", "release-app/1.1/release-app-1.1.tar.gz")))
		assert.Contains(t, e.Message, "Xray scan is scanning")
		assert.Empty(t, copyRequests(h, t0))
	})
	t.Run("Xray down is refused with upstream_unavailable, nothing copied", func(t *testing.T) {
		h := gatedHarness(t)
		deploy(t, h, "app-staging-local", "release-app/1.1/release-app-1.1.tar.gz", "v1.1")
		h.emu.Emu.AdvanceXrayClock(5 * time.Second)
		h.emu.Emu.Faults().Inject(emulator.FaultRule{PathPrefix: "/xray/", Status: 503})
		t0 := time.Now()
		e := failed(t, h.call(t, "copy_artifacts", copyArgs("release-app/1.1/release-app-1.1.tar.gz", "release-app/1.1/release-app-1.1.tar.gz")))
		assert.Equal(t, tools.CodeUpstreamUnavailable, e.Code, "Xray's failure, not the policy's refusal")
		assert.True(t, e.Retryable)
		assert.Contains(t, e.Message, "release gate on app-prod-local (block_at High): upstream_unavailable: Xray could not evaluate")
		assert.Empty(t, copyRequests(h, t0))
		h.emu.Emu.Faults().Clear()
		ok[tools.TransferResult](t, h.call(t, "copy_artifacts", copyArgs("release-app/1.1/release-app-1.1.tar.gz", "release-app/1.1/release-app-1.1.tar.gz")))
	})
	t.Run("the fixed version passes; moves are gated the same way", func(t *testing.T) {
		h := gatedHarness(t)
		deploy(t, h, "app-staging-local", "release-app/1.1/release-app-1.1.tar.gz", "v1.1")
		h.emu.Emu.AdvanceXrayClock(5 * time.Second)
		got := ok[tools.TransferResult](t, h.call(t, "copy_artifacts", copyArgs("release-app/1.1/release-app-1.1.tar.gz", "release-app/1.1/release-app-1.1.tar.gz")))
		assert.True(t, got.Done)
		e := failed(t, h.call(t, "move_artifacts", copyArgs("billing-service/1.5.0/billing-service-1.5.0.tar.gz", "billing-service/1.5.0/billing-service-1.5.0.tar.gz")))
		assert.Contains(t, e.Message, "XRAY-191800")
	})
	t.Run("policy ignore_cves lets a finding through", func(t *testing.T) {
		h := gatedHarness(t, guard.IgnoredCVE{CVE: "CVE-2021-44228", Reason: "JNDI lookups disabled by configuration"})
		deploy(t, h, "app-staging-local", "release-app/1.0/release-app-1.0.tar.gz", "v1.0")
		h.emu.Emu.AdvanceXrayClock(5 * time.Second)
		ok[tools.TransferResult](t, h.call(t, "copy_artifacts", copyArgs("release-app/1.0/release-app-1.0.tar.gz", "release-app/1.0/release-app-1.0.tar.gz")))
	})
	t.Run("uploads into a gated repository", func(t *testing.T) {
		h := gatedHarness(t)
		t0 := time.Now()
		e := failed(t, h.call(t, "upload_artifact", map[string]any{"repo": "app-prod-local", "path": "x/new.txt", "content_text": "never seen by Xray"}))
		assert.Contains(t, e.Message, "not_indexed")
		local := failed(t, h.call(t, "upload_artifact", map[string]any{"repo": "app-prod-local", "path": "x/new.bin", "local_path": "/nonexistent/f"}))
		assert.Equal(t, tools.CodeGuardDenied, local.Code)
		assert.Empty(t, copyRequests(h, t0))
		// Content Xray already scanned clean elsewhere may enter.
		deploy(t, h, "app-staging-local", "release-app/1.1/release-app-1.1.tar.gz", "v1.1")
		h.emu.Emu.AdvanceXrayClock(5 * time.Second)
		ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "app-prod-local", "path": "release-app/1.1/release-app-1.1.tar.gz", "content_text": "v1.1"}))
	})
	t.Run("ungated repositories are not evaluated", func(t *testing.T) {
		h := gatedHarness(t)
		h.emu.Emu.Faults().Inject(emulator.FaultRule{PathPrefix: "/xray/", Status: 503})
		deploy(t, h, "generic-local", "free/a.txt", "a")
	})
}

func TestCheckReleaseGate(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	deploy(t, h, "app-staging-local", "release-app/1.0/release-app-1.0.tar.gz", "v1.0")
	deploy(t, h, "app-staging-local", "release-app/1.1/release-app-1.1.tar.gz", "v1.1")
	vuln, fixed := "app-staging-local/release-app/1.0/release-app-1.0.tar.gz", "app-staging-local/release-app/1.1/release-app-1.1.tar.gz"

	pending := ok[tools.ReleaseGateResult](t, h.call(t, "check_release_gate", map[string]any{"artifacts": []string{fixed}}))
	assert.False(t, pending.Pass, "an unfinished scan never passes")
	assert.Equal(t, map[string]string{fixed: "not_indexed"}, pending.States)
	lax := ok[tools.ReleaseGateResult](t, h.call(t, "check_release_gate", map[string]any{"artifacts": []string{fixed}, "require_scan_complete": false}))
	assert.True(t, lax.Pass)

	h.emu.Emu.AdvanceXrayClock(5 * time.Second)
	got := ok[tools.ReleaseGateResult](t, h.call(t, "check_release_gate", map[string]any{"artifacts": []string{vuln, fixed}, "max_severity": "Critical"}))
	assert.False(t, got.Pass)
	assert.Equal(t, []string{vuln + ": XRAY-191800 Critical CVE-2021-44228 10.0 in gav://org.apache.logging.log4j:log4j-core:2.14.1 (fixed in [2.15.0])"}, got.Blocking)
	assert.Equal(t, map[string]int{"Critical": 1}, got.Counts)
	assert.NotEmpty(t, got.ScanTime)

	ign := map[string]any{"artifacts": []string{vuln}, "ignore_cves": []map[string]any{{"cve": "CVE-2021-44228", "reason": "not reachable"}, {"cve": "CVE-2000-0001", "reason": "unused"}}}
	got = ok[tools.ReleaseGateResult](t, h.call(t, "check_release_gate", ign))
	assert.True(t, got.Pass)
	assert.Equal(t, []tools.IgnoreCVE{{CVE: "CVE-2021-44228", Reason: "not reachable"}}, got.Ignored, "matched ignores are echoed with their reasons")

	build := ok[tools.ReleaseGateResult](t, h.call(t, "check_release_gate", map[string]any{"build_name": "billing-service", "build_number": "41"}))
	assert.False(t, build.Pass)
	require.Len(t, build.Blocking, 1)
	assert.Contains(t, build.Blocking[0], "build billing-service/41: XRAY-85013 High")
	unscanned := ok[tools.ReleaseGateResult](t, h.call(t, "check_release_gate", map[string]any{"build_name": "billing-service", "build_number": "43"}))
	assert.False(t, unscanned.Pass)
	assert.Equal(t, "not_indexed", unscanned.States["build billing-service/43"])
}

// A write through a virtual repository lands in its default deployment
// repository, and that repository's gate decides.
func TestGateBehindAVirtualRepository(t *testing.T) {
	p := guard.DefaultPolicy(guard.ModeWrite)
	p.Gates = []guard.Gate{{Repos: []string{"libs-release-local"}, MinSeverity: "High"}}
	h := newHarness(t, harnessOpts{rules: &p})
	deploy(t, h, "app-staging-local", "release-app/1.0/release-app-1.0.tar.gz", "v1.0")
	h.emu.Emu.AdvanceXrayClock(5 * time.Second)
	t0 := time.Now()
	e := failed(t, h.call(t, "copy_artifacts", map[string]any{"from_repo": "app-staging-local", "from_path": "release-app/1.0/release-app-1.0.tar.gz",
		"to_repo": "libs-release", "to_path": "com/acme/release-app-1.0.tar.gz", "dry_run": false}))
	assert.Equal(t, tools.CodeGuardDenied, e.Code)
	assert.Contains(t, e.Message, "release gate on libs-release-local")
	assert.Contains(t, e.Message, "CVE-2021-44228")
	for _, r := range h.requestsSince(t0) {
		assert.NotContains(t, r.Path, "/api/copy/")
	}
}

// A promotion into a gated repository is judged on Xray's scan of the build:
// refused with the finding for the vulnerable build, allowed once the fixed
// build is scanned clean.
func TestGatedPromotion(t *testing.T) {
	h := gatedHarness(t)
	publish := func(number, path, content string) {
		ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "app-staging-local", "path": path, "content_text": content,
			"build_name": "release-app", "build_number": number}))
		ok[tools.PublishBuildResult](t, h.call(t, "publish_build_info", map[string]any{"name": "release-app", "number": number, "collect_repos": []string{"app-staging-local"}}))
		ok[tools.ScanBuildResult](t, h.call(t, "scan_build", map[string]any{"build_name": "release-app", "build_number": number}))
	}
	promote := map[string]any{"name": "release-app", "number": "1", "source_repo": "app-staging-local", "target_repo": "app-prod-local", "dry_run": false}
	publish("1", "release-app/1.0/release-app-1.0.tar.gz", "v1.0")
	h.emu.Emu.AdvanceXrayClock(5 * time.Second)
	t0 := time.Now()
	e := failed(t, h.call(t, "promote_build", promote))
	assert.Equal(t, tools.CodeGuardDenied, e.Code)
	assert.Contains(t, e.Message, "build release-app/1 does not pass: XRAY-191800 Critical CVE-2021-44228")
	for _, r := range h.requestsSince(t0) {
		assert.False(t, strings.HasPrefix(r.Path, "/artifactory/api/build/promote"), "nothing promoted")
	}

	publish("2", "release-app/1.1/release-app-1.1.tar.gz", "v1.1")
	h.emu.Emu.AdvanceXrayClock(5 * time.Second)
	promote["number"] = "2"
	got := ok[tools.PromoteBuildResult](t, h.call(t, "promote_build", promote))
	assert.Equal(t, []string{"release-app/1.1/release-app-1.1.tar.gz"}, got.Items)
}
