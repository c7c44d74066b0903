package tools

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// ScanBuildIn names a build to scan.
type ScanBuildIn struct {
	BuildName   string `json:"build_name" jsonschema:"required,minLength=1"`
	BuildNumber string `json:"build_number" jsonschema:"required,minLength=1"`
	Project     string `json:"project,omitempty"`
	Rescan      bool   `json:"rescan,omitempty"`
	WaitSeconds int    `json:"wait_seconds,omitempty" jsonschema:"minimum=0,maximum=600"`
}

// ScanBuildResult is a build scan: running, or its outcome.
type ScanBuildResult struct {
	State     string `json:"state" jsonschema:"enum=done,enum=scanning,enum=failed"`
	Triggered bool   `json:"triggered" jsonschema:"description=This call started the scan"`
	FailBuild bool   `json:"fail_build,omitempty"`
	// Violations and Vulnerabilities count by severity.
	Violations      map[string]int `json:"violations,omitempty"`
	Vulnerabilities map[string]int `json:"vulnerabilities,omitempty"`
	Top             []Vuln         `json:"top,omitempty" jsonschema:"description=Up to 10 most severe"`
	DetailsURL      string         `json:"details_url,omitempty"`
	Hint            string         `json:"hint,omitempty"`
}

var scanBuild = Define(Tool[ScanBuildIn, ScanBuildResult]{
	Name:  "scan_build",
	Title: "Scan build with Xray",
	Class: guard.ClassRead,
	// Not read-only: it starts a scan in Xray (nothing in Artifactory changes).
	// Idempotent: a call during a running scan joins it.
	Annotations: Annotations{ReadOnly: no, Destructive: no, Idempotent: yes, OpenWorld: yes},
	Description: "Scan a build with Xray or join the running scan; wait_seconds waits for the outcome. Existing results are returned unless rescan.",
	Docs:        "starts Xray's build scan or joins the running one (Xray's own answer says which, so two server instances start one scan); existing results are read, not rescanned, unless `rescan`; fail_build, violations and vulnerabilities by severity",
	Actions: func(in *ScanBuildIn) []guard.Action {
		return []guard.Action{guard.BuildAction(guard.BuildRead, in.BuildName, in.Project)}
	},
	ErrorHints: ErrorHints{CodeNotFound: "Artifactory has no such build: publish it first, or check name and number"},
	Handle:     scanBuildHandle,
	Summary: func(in *ScanBuildIn, out *ScanBuildResult) string {
		return "build scan of " + in.BuildName + "/" + in.BuildNumber + ": " + out.State
	},
})

// scanBuildHandle asks Xray first and triggers only when Xray has no scan of
// the build (or rescan is asked while none runs). The in-flight state is
// Xray's own 202, so two calls on two server instances also start one scan.
func scanBuildHandle(ctx context.Context, d *Deps, in *ScanBuildIn, _ *guard.Decision) (*ScanBuildResult, error) {
	ref := client.BuildRef{Name: in.BuildName, Number: in.BuildNumber, Project: in.Project}
	build := in.BuildName + "/" + in.BuildNumber
	out := &ScanBuildResult{State: stateScanning}
	p, err := d.Client.Xray.NewBuildScanPoller(ctx, ref, true)
	if err != nil {
		return nil, err
	}
	res, err := p.Poll(ctx)
	neverScanned := client.IsNotFound(err)
	if err != nil && !neverScanned {
		return nil, err
	}
	running := err == nil && res == nil
	if neverScanned || (in.Rescan && !running) {
		if _, err := d.Client.Xray.TriggerBuildScan(ctx, ref, in.Rescan); err != nil {
			return nil, err
		}
		out.Triggered = true
		res = nil
	}
	if res == nil && in.WaitSeconds > 0 {
		_, err := waitFor(ctx, d, in.WaitSeconds, "build scan of "+build, func(ctx context.Context) (string, error) {
			r, err := p.Poll(ctx)
			if err != nil || r == nil {
				return stateScanning, err
			}
			res = r
			return stateDone, nil
		})
		if err != nil {
			return nil, err
		}
	}
	if res == nil {
		out.Hint = "the scan is running; call scan_build again (it will not start another) or get_scan_status with wait_seconds"
		return out, nil
	}
	out.State = stateDone
	if res.Status == "failed" {
		out.State, out.Hint = stateFailed, stateHints[stateFailed]
	}
	out.FailBuild, out.DetailsURL = res.FailBuild, res.MoreDetailsURL
	out.Violations = countSeverities(res.Violations)
	out.Vulnerabilities = countSeverities(res.Vulnerabilities)
	var top []Vuln
	for _, v := range res.Vulnerabilities {
		top = append(top, scanVuln(v)...)
	}
	sortBySeverity(top)
	out.Top = top[:min(len(top), 10)]
	return out, nil
}

func countSeverities(is []client.ScanIssue) map[string]int {
	if len(is) == 0 {
		return nil
	}
	m := map[string]int{}
	for _, v := range is {
		m[canonSeverity(v.Severity)]++
	}
	return m
}

// scanVuln is one Vuln per impacted component of a build-scan issue.
func scanVuln(v client.ScanIssue) []Vuln {
	base := Vuln{ID: v.IssueID, Severity: canonSeverity(v.Severity), Summary: v.Summary}
	for _, c := range v.CVEs {
		base.CVEs = append(base.CVEs, strings.TrimSpace(c.CVE+" "+c.CVSSv3Score))
	}
	var out []Vuln
	for _, id := range slices.Sorted(maps.Keys(v.Components)) {
		c := v.Components[id]
		x := base
		x.Component, x.Fixed = id, c.FixedVersions
		out = append(out, x)
	}
	if len(out) == 0 {
		out = append(out, base)
	}
	return out
}
