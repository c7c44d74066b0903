package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// IgnoreCVE lets one CVE (or Xray issue id) through, for a stated reason.
type IgnoreCVE struct {
	CVE    string `json:"cve" jsonschema:"required"`
	Reason string `json:"reason" jsonschema:"required"`
}

// ReleaseGateIn is a gate to check: artifacts or a build, and the bar.
type ReleaseGateIn struct {
	Artifacts           []string    `json:"artifacts,omitempty" jsonschema:"description=repo/path of each"`
	BuildName           string      `json:"build_name,omitempty"`
	BuildNumber         string      `json:"build_number,omitempty"`
	Project             string      `json:"project,omitempty"`
	MaxSeverity         string      `json:"max_severity,omitempty" jsonschema:"enum=Low,enum=Medium,enum=High,enum=Critical,default=High"`
	IgnoreCVEs          []IgnoreCVE `json:"ignore_cves,omitempty"`
	RequireScanComplete *bool       `json:"require_scan_complete,omitempty" jsonschema:"default=true"`

	refs []client.ItemRef
}

// Validate wants artifacts or a build.
func (in *ReleaseGateIn) Validate() error {
	if (len(in.Artifacts) > 0) == (in.BuildName != "" || in.BuildNumber != "") {
		return Errorf(CodeInvalidArgument, "", "give artifacts, or build_name and build_number")
	}
	if (in.BuildName == "") != (in.BuildNumber == "") {
		return Errorf(CodeInvalidArgument, "", "build_name and build_number go together")
	}
	if len(in.Artifacts) > maxGateArtifacts {
		return Errorf(CodeInvalidArgument, "check them in several calls", "at most %d artifacts per call (got %d)", maxGateArtifacts, len(in.Artifacts))
	}
	for _, ic := range in.IgnoreCVEs {
		if strings.TrimSpace(ic.CVE) == "" || strings.TrimSpace(ic.Reason) == "" {
			return Errorf(CodeInvalidArgument, "", "each ignore_cves entry needs a cve and a reason")
		}
	}
	in.refs = nil
	for _, a := range in.Artifacts {
		repo, path, _ := strings.Cut(a, "/")
		p, err := itemPathOf(path, "give repo/path of a file, e.g. libs-release-local/app/1.0/app-1.0.jar")
		if err != nil {
			return err
		}
		in.refs = append(in.refs, client.ItemRef{Repo: repo, Path: p})
	}
	return nil
}

// maxGateArtifacts bounds one call's Xray requests.
const maxGateArtifacts = 20

// ReleaseGateResult is the gate's verdict. Blocking findings are one line
// each: "<subject>: XRAY-1 Critical CVE-… in <component> (fixed in …)".
type ReleaseGateResult struct {
	Pass     bool              `json:"pass"`
	Blocking []string          `json:"blocking"`
	Counts   map[string]int    `json:"counts,omitempty" jsonschema:"description=All findings by severity"`
	States   map[string]string `json:"states" jsonschema:"description=Subject -> scan state"`
	ScanTime string            `json:"scan_time,omitempty" jsonschema:"description=Latest scan end"`
	Ignored  []IgnoreCVE       `json:"ignored,omitempty" jsonschema:"description=ignore_cves that matched"`
	Hint     string            `json:"hint,omitempty"`
}

var checkReleaseGate = Define(Tool[ReleaseGateIn, ReleaseGateResult]{
	Name:        "check_release_gate",
	Title:       "Check release gate",
	Class:       guard.ClassRead,
	Annotations: ReadOnly,
	Description: "Do artifacts or a build pass: no Xray finding at or above max_severity but ignore_cves? An unfinished scan fails.",
	Docs:        "artifacts or a build against `max_severity`, with `ignore_cves` (reasons echoed when they match); an unfinished or missing scan never passes unless `require_scan_complete: false`. The guard runs the same evaluation before uploads, copies and moves into a policy's `release_gates`",
	Actions: func(in *ReleaseGateIn) []guard.Action {
		as := []guard.Action{guard.PlatformAction(guard.ClassRead)}
		if in.BuildName != "" {
			as = append(as, guard.BuildAction(guard.BuildRead, in.BuildName, in.Project))
		}
		for _, a := range in.refs {
			as = append(as, guard.Action{Class: guard.ClassRead, Repo: a.Repo, Path: a.Path})
		}
		return as
	},
	Handle: releaseGate,
	Summary: func(in *ReleaseGateIn, out *ReleaseGateResult) string {
		if out.Pass {
			return "release gate passed"
		}
		return fmt.Sprintf("release gate failed: %d blocking findings", len(out.Blocking))
	},
})

func releaseGate(ctx context.Context, d *Deps, in *ReleaseGateIn, _ *guard.Decision) (*ReleaseGateResult, error) {
	var subjects []guard.GateSubject
	for _, a := range in.refs {
		subjects = append(subjects, guard.GateSubject{Repo: a.Repo, Path: a.Path})
	}
	if in.BuildName != "" {
		subjects = append(subjects, guard.GateSubject{Build: &guard.BuildSubject{Name: in.BuildName, Number: in.BuildNumber, Project: in.Project}})
	}
	blockAt := canonSeverity(in.MaxSeverity)
	if blockAt == "" {
		blockAt = "High"
	}
	ignore := make([]guard.IgnoredCVE, len(in.IgnoreCVEs))
	for i, ic := range in.IgnoreCVEs {
		ignore[i] = guard.IgnoredCVE{CVE: ic.CVE, Reason: ic.Reason}
	}
	complete := in.RequireScanComplete == nil || *in.RequireScanComplete
	out := &ReleaseGateResult{Pass: true, Blocking: []string{}, Counts: map[string]int{}, States: map[string]string{}}
	matched := map[string]int{}
	for _, s := range subjects {
		ev, err := evaluateSubject(ctx, d, s, blockAt, ignore)
		if err != nil {
			return nil, err
		}
		out.States[s.String()] = ev.state
		out.ScanTime = max(out.ScanTime, ev.scanTime)
		if ev.state != stateDone && complete {
			out.Pass = false
			out.Hint = s.String() + ": " + stateHints[ev.state]
		}
		for _, v := range ev.all {
			out.Counts[v.Severity]++
		}
		for _, v := range ev.blocking {
			out.Blocking = append(out.Blocking, s.String()+": "+findingLine(v))
		}
		for k, n := range ev.ignored {
			matched[k] += n
		}
	}
	if len(out.Blocking) > 0 {
		out.Pass = false
		out.Hint = "deploy a version with the fixed versions listed, or ignore a CVE with a reason if it does not apply"
	}
	for _, ic := range in.IgnoreCVEs {
		if matched[strings.ToUpper(ic.CVE)] > 0 {
			out.Ignored = append(out.Ignored, ic)
		}
	}
	return out, nil
}

// subjectEval is one subject judged against a bar.
type subjectEval struct {
	state, scanTime string
	all, blocking   []Vuln
	ignored         map[string]int // upper-cased ignore entry -> findings it let through
}

// evaluateSubject reads Xray's scan state and, once done, its findings, and
// sorts them into blocking and ignored. check_release_gate and the guard's
// gate enforcement both use it.
func evaluateSubject(ctx context.Context, d *Deps, s guard.GateSubject, blockAt string, ignore []guard.IgnoredCVE) (*subjectEval, error) {
	ev := &subjectEval{ignored: map[string]int{}}
	var issues []client.SummaryIssue
	switch {
	case s.Build != nil:
		ref := client.BuildRef{Name: s.Build.Name, Number: s.Build.Number, Project: s.Build.Project}
		st, err := d.Client.Xray.BuildStatus(ctx, ref)
		if client.IsNotFound(err) {
			ev.state = stateNotIndexed
			return ev, nil
		}
		if err != nil {
			return nil, err
		}
		ev.state, ev.scanTime = buildState(st.Overall.Status), st.Overall.Time
		if ev.state != stateDone {
			return ev, nil
		}
		sum, err := d.Client.Xray.BuildSummary(ctx, ref)
		if err != nil {
			return nil, err
		}
		if len(sum.Errors) > 0 {
			ev.state = stateNotIndexed
			return ev, nil
		}
		issues = sum.Issues
	default:
		repo, path := s.Repo, s.Path
		if repo == "" {
			sum, err := d.Client.Xray.ArtifactSummary(ctx, nil, []string{s.SHA256})
			if err != nil {
				return nil, err
			}
			if len(sum.Artifacts) == 0 {
				ev.state = stateNotIndexed
				return ev, nil
			}
			repo, path = stripBinMgr(sum.Artifacts[0].General.Path)
		}
		scan, err := scanOfArtifact(ctx, d, repo, path)
		if client.IsNotFound(err) {
			ev.state = stateNotIndexed
			return ev, nil
		}
		if err != nil {
			return nil, err
		}
		ev.state, ev.scanTime = scan.State, scan.Time
		if ev.state != stateDone {
			return ev, nil
		}
		sum, err := d.Client.Xray.ArtifactSummary(ctx, []client.ItemRef{{Repo: repo, Path: path}}, nil)
		if err != nil {
			return nil, err
		}
		if len(sum.Artifacts) == 0 {
			ev.state = stateNotIndexed
			return ev, nil
		}
		issues = sum.Artifacts[0].Issues
	}
	ev.all, _ = compactIssues(issues)
	ignored := map[string]bool{}
	for _, ic := range ignore {
		ignored[strings.ToUpper(ic.CVE)] = true
	}
	for _, v := range ev.all {
		if severityRank(v.Severity) < severityRank(blockAt) {
			continue
		}
		if keys := ignoredBy(v, ignored); len(keys) > 0 {
			for _, k := range keys {
				ev.ignored[k]++
			}
			continue
		}
		ev.blocking = append(ev.blocking, v)
	}
	return ev, nil
}

// findingLine is a finding in one line: "XRAY-1 Critical CVE-… 10.0 in
// gav://… (fixed in [2.15.0])".
func findingLine(b Vuln) string {
	line := b.ID + " " + b.Severity
	for _, c := range b.CVEs {
		line += " " + c
	}
	if b.Component != "" {
		line += " in " + b.Component
	}
	if len(b.Fixed) > 0 {
		line += " (fixed in " + strings.Join(b.Fixed, ", ") + ")"
	}
	return line
}

// ignoredBy returns the ignore entries that let v through: its issue id, or
// every one of its CVEs (an issue with one CVE not ignored still blocks).
func ignoredBy(v Vuln, ignored map[string]bool) []string {
	if ignored[strings.ToUpper(v.ID)] {
		return []string{strings.ToUpper(v.ID)}
	}
	if len(v.CVEs) == 0 {
		return nil
	}
	var keys []string
	for _, c := range v.CVEs {
		id, _, _ := strings.Cut(strings.ToUpper(c), " ")
		if !ignored[id] {
			return nil
		}
		keys = append(keys, id)
	}
	return keys
}

// xrayGates is the guard's GateEvaluator: the same Xray client and
// evaluation as check_release_gate, with require_scan_complete always on.
type xrayGates struct{ d *Deps }

// EvaluateGate implements guard.GateEvaluator.
func (g xrayGates) EvaluateGate(ctx context.Context, req guard.GateRequest) (*guard.GateVerdict, error) {
	ev, err := evaluateSubject(ctx, g.d, req.Subject, req.BlockAt, req.Ignore)
	if err != nil {
		return nil, err
	}
	v := &guard.GateVerdict{Pass: ev.state == stateDone && len(ev.blocking) == 0}
	for _, b := range ev.blocking {
		v.Blocking = append(v.Blocking, findingLine(b))
	}
	if ev.state != stateDone {
		v.Reason = "Xray scan is " + ev.state + ": " + stateHints[ev.state]
	}
	return v, nil
}

// gateEvaluator is what the guard evaluates release gates with; nil (no
// client) makes every gated action refused.
func (d *Deps) gateEvaluator() guard.GateEvaluator {
	if d.Client == nil {
		return nil
	}
	return xrayGates{d: d}
}
