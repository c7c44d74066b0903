package tools_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

func TestArtifactVulnerabilitiesThroughTheScan(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	const path = "release-app/1.0/release-app-1.0.tar.gz"
	deploy(t, h, "app-staging-local", path, "v1.0")
	args := map[string]any{"repo": "app-staging-local", "path": path}

	got := ok[tools.VulnsResult](t, h.call(t, "get_artifact_vulnerabilities", args))
	assert.Equal(t, "not_indexed", got.State)
	assert.Contains(t, got.Hint, "get_scan_status")
	assert.Empty(t, got.Items)

	h.emu.Emu.AdvanceXrayClock(2 * time.Second)
	got = ok[tools.VulnsResult](t, h.call(t, "get_artifact_vulnerabilities", args))
	assert.Equal(t, "scanning", got.State, "Xray's empty issue list while scanning is not reported as clean")
	assert.Empty(t, got.Items)

	h.emu.Emu.AdvanceXrayClock(3 * time.Second)
	got = ok[tools.VulnsResult](t, h.call(t, "get_artifact_vulnerabilities", args))
	assert.Equal(t, "done", got.State)
	require.Len(t, got.Items, 1)
	assert.Equal(t, tools.Vuln{ID: "XRAY-191800", Severity: "Critical", Summary: got.Items[0].Summary,
		CVEs: []string{"CVE-2021-44228 10.0"}, Component: "gav://org.apache.logging.log4j:log4j-core:2.14.1", Fixed: []string{"[2.15.0]"}}, got.Items[0])
	assert.Equal(t, map[string]int{"Critical": 1}, got.Counts)
	assert.Equal(t, []string{"Apache-2.0"}, got.Licenses)
	assert.NotEmpty(t, got.ScanTime)
}

func TestArtifactVulnerabilitiesFiltersAndStates(t *testing.T) {
	t.Run("min_severity and paging", func(t *testing.T) {
		h := newHarness(t, harnessOpts{})
		args := map[string]any{"repo": "app-staging-local", "path": "billing-service/1.5.0/billing-service-1.5.0.tar.gz", "min_severity": "Critical"}
		got := ok[tools.VulnsResult](t, h.call(t, "get_artifact_vulnerabilities", args))
		require.Len(t, got.Items, 1)
		assert.Equal(t, "Critical", got.Items[0].Severity)
		assert.Equal(t, map[string]int{"Critical": 1, "High": 1}, got.Counts, "counts are before the filter")
		delete(args, "min_severity")
		args["limit"] = 1
		got = ok[tools.VulnsResult](t, h.call(t, "get_artifact_vulnerabilities", args))
		assert.True(t, got.HasMore)
		assert.Equal(t, "Critical", got.Items[0].Severity, "most severe first")
	})
	t.Run("indexing off is a state, not an error", func(t *testing.T) {
		h := newHarness(t, harnessOpts{})
		got := ok[tools.VulnsResult](t, h.call(t, "get_artifact_vulnerabilities", map[string]any{"repo": "npm-local", "path": "@acme/ui-kit/-/ui-kit-2.3.0.tgz"}))
		assert.Equal(t, "indexing_off", got.State)
		assert.Contains(t, got.Hint, "indexing")
	})
	t.Run("by sha256", func(t *testing.T) {
		h := newHarness(t, harnessOpts{})
		info := ok[tools.ArtifactInfo](t, h.call(t, "get_artifact_info", map[string]any{"repo": "libs-release-local", "path": "com/acme/billing/1.4.0/billing-1.4.0.jar"}))
		got := ok[tools.VulnsResult](t, h.call(t, "get_artifact_vulnerabilities", map[string]any{"sha256": info.Checksums.SHA256}))
		assert.Equal(t, "libs-release-local", got.Repo)
		assert.Equal(t, "com/acme/billing/1.4.0/billing-1.4.0.jar", got.Path)
		assert.Equal(t, map[string]int{"High": 1}, got.Counts)
	})
	t.Run("a missing artifact is not_found", func(t *testing.T) {
		h := newHarness(t, harnessOpts{})
		e := failed(t, h.call(t, "get_artifact_vulnerabilities", map[string]any{"repo": "generic-local", "path": "nope.bin"}))
		assert.Equal(t, tools.CodeNotFound, e.Code)
	})
}

func TestGetScanStatusWaitsWithProgress(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	log := &progressLog{events: map[string][]map[string]any{}}
	h.mcp.OnNotification(log.handle)
	const path = "release-app/1.0/release-app-1.0.tar.gz"
	deploy(t, h, "app-staging-local", path, "v1.0")
	args := map[string]any{"repo": "app-staging-local", "path": path}
	got := ok[tools.ScanStatusResult](t, h.call(t, "get_scan_status", args))
	assert.Equal(t, "not_indexed", got.State)

	// Xray's clock runs 4x faster than the wall clock while the call waits.
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		tk := time.NewTicker(100 * time.Millisecond)
		defer tk.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tk.C:
				h.emu.Emu.AdvanceXrayClock(400 * time.Millisecond)
			}
		}
	}()
	args["wait_seconds"] = 30
	res, err := h.mcp.CallTool(t.Context(), mcp.CallToolRequest{Params: mcp.CallToolParams{Name: "get_scan_status", Arguments: args,
		Meta: &mcp.Meta{ProgressToken: mcp.ProgressToken("scan")}}})
	require.NoError(t, err)
	got = ok[tools.ScanStatusResult](t, res)
	assert.Equal(t, "done", got.State)
	assert.True(t, got.Waited)
	evs := log.of("scan")
	assert.GreaterOrEqual(t, len(evs), 2, "progress while waiting")
	if len(evs) > 0 {
		assert.Contains(t, evs[0]["message"], "app-staging-local/"+path)
	}
}

func TestGetScanStatusWaitEndsScanning(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	deploy(t, h, "app-staging-local", "release-app/1.0/release-app-1.0.tar.gz", "v1.0")
	got := ok[tools.ScanStatusResult](t, h.call(t, "get_scan_status", map[string]any{"repo": "app-staging-local", "path": "release-app/1.0/release-app-1.0.tar.gz", "wait_seconds": 1}))
	assert.Equal(t, "not_indexed", got.State, "the wait ended first")
	assert.NotEmpty(t, got.Hint)
}

// A cancelled wait returns at once: the handler ends within a second of the
// cancellation, whatever wait_seconds said.
func TestGetScanStatusCancelledWaitReturns(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	deploy(t, h, "app-staging-local", "release-app/1.0/release-app-1.0.tar.gz", "v1.0")
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = h.mcp.CallTool(ctx, mcp.CallToolRequest{Params: mcp.CallToolParams{Name: "get_scan_status",
			Arguments: map[string]any{"repo": "app-staging-local", "path": "release-app/1.0/release-app-1.0.tar.gz", "wait_seconds": 600}}})
	}()
	require.Eventually(t, func() bool {
		n := 0
		for _, r := range h.emu.Emu.Requests() {
			if r.Path == "/xray/api/v1/artifact/status" {
				n++
			}
		}
		return n >= 2 // the first look and one poll: the call is waiting
	}, 5*time.Second, 5*time.Millisecond)
	cancel()
	deadline := time.Now().Add(time.Second)
	select {
	case <-done:
	case <-time.After(time.Until(deadline)):
		t.Fatal("the call did not return within 1 s of its cancellation")
	}
	require.Eventually(t, func() bool {
		return strings.Contains(h.logs.String(), `"msg":"tool call","tool":"get_scan_status"`)
	}, time.Until(deadline)+10*time.Millisecond, 5*time.Millisecond, "the handler itself ended within 1 s")
}

func TestScanBuildTriggersOnceAcrossInstances(t *testing.T) {
	h1 := newHarness(t, harnessOpts{})
	h2 := newHarness(t, harnessOpts{emu: h1.emu}) // another server instance, same JFrog
	args := map[string]any{"build_name": "billing-service", "build_number": "43"}

	first := ok[tools.ScanBuildResult](t, h1.call(t, "scan_build", args))
	assert.True(t, first.Triggered)
	assert.Equal(t, "scanning", first.State)
	assert.Contains(t, first.Hint, "will not start another")

	again := ok[tools.ScanBuildResult](t, h2.call(t, "scan_build", args))
	assert.False(t, again.Triggered, "the other instance sees Xray's running scan")
	assert.Equal(t, "scanning", again.State)
	ok[tools.ScanBuildResult](t, h1.call(t, "scan_build", args))
	assert.Equal(t, 1, h1.emu.Emu.BuildScanTriggers("billing-service", "43"))

	h1.emu.Emu.AdvanceXrayClock(3 * time.Second)
	done := ok[tools.ScanBuildResult](t, h2.call(t, "scan_build", args))
	assert.Equal(t, "done", done.State)
	assert.False(t, done.Triggered, "results are read, not rescanned")
	assert.True(t, done.FailBuild)
	assert.Equal(t, map[string]int{"Critical": 1, "High": 1}, done.Vulnerabilities)
	assert.Equal(t, map[string]int{"Critical": 1, "High": 1}, done.Violations)
	assert.Equal(t, "Critical", done.Top[0].Severity)
	assert.Contains(t, done.DetailsURL, "/xray/ui/builds/billing-service/43/")
	assert.Equal(t, 1, h1.emu.Emu.BuildScanTriggers("billing-service", "43"))

	re := ok[tools.ScanBuildResult](t, h1.call(t, "scan_build", map[string]any{"build_name": "billing-service", "build_number": "43", "rescan": true}))
	assert.True(t, re.Triggered)
	assert.Equal(t, 2, h1.emu.Emu.BuildScanTriggers("billing-service", "43"))
}

func TestScanBuildWaitsAndUnknownBuild(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
				h.emu.Emu.AdvanceXrayClock(time.Second)
			}
		}
	}()
	got := ok[tools.ScanBuildResult](t, h.call(t, "scan_build", map[string]any{"build_name": "web-frontend", "build_number": "8", "wait_seconds": 20}))
	assert.Equal(t, "done", got.State)
	assert.True(t, got.Triggered)
	assert.Equal(t, map[string]int{"High": 1}, got.Vulnerabilities)

	e := failed(t, h.call(t, "scan_build", map[string]any{"build_name": "nope", "build_number": "1"}))
	assert.Equal(t, tools.CodeNotFound, e.Code)
	assert.Contains(t, e.Message, "wasn't found in Artifactory")
}

// The policy's limits.scan_wait caps wait_seconds.
func TestScanWaitIsCappedByPolicy(t *testing.T) {
	p := guard.DefaultPolicy(guard.ModeWrite)
	p.Limits.ScanWait = 500 * time.Millisecond
	h := newHarness(t, harnessOpts{rules: &p})
	deploy(t, h, "app-staging-local", "release-app/1.0/release-app-1.0.tar.gz", "v1.0")
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	res, err := h.mcp.CallTool(ctx, mcp.CallToolRequest{Params: mcp.CallToolParams{Name: "get_scan_status",
		Arguments: map[string]any{"repo": "app-staging-local", "path": "release-app/1.0/release-app-1.0.tar.gz", "wait_seconds": 600}}})
	require.NoError(t, err, "the call ended long before wait_seconds")
	got := ok[tools.ScanStatusResult](t, res)
	assert.Equal(t, "not_indexed", got.State)
	assert.True(t, got.Waited)
}

func TestGetScanStatusOfABuild(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	args := map[string]any{"build_name": "billing-service", "build_number": "43"}
	got := ok[tools.ScanStatusResult](t, h.call(t, "get_scan_status", args))
	assert.Equal(t, "not_indexed", got.State)
	assert.Contains(t, got.Hint, "scan_build")
	ok[tools.ScanBuildResult](t, h.call(t, "scan_build", args))
	got = ok[tools.ScanStatusResult](t, h.call(t, "get_scan_status", args))
	assert.Equal(t, "scanning", got.State)
	h.emu.Emu.AdvanceXrayClock(3 * time.Second)
	got = ok[tools.ScanStatusResult](t, h.call(t, "get_scan_status", args))
	assert.Equal(t, "done", got.State)
	assert.NotEmpty(t, got.Time)
}
