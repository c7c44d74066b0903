package guard

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// GateSubject is what an action brings into its target repository, for the
// release gate to judge: an artifact already in Artifactory (copy, move), a
// checksum (upload of known content) or a build (promotion). A gated action
// without one is refused: the gate cannot tell what would enter.
type GateSubject struct {
	Repo, Path string
	SHA256     string
	Build      *BuildSubject
}

// BuildSubject names a build.
type BuildSubject struct{ Name, Number, Project string }

func (s *GateSubject) String() string {
	switch {
	case s.Build != nil:
		return "build " + s.Build.Name + "/" + s.Build.Number
	case s.Repo != "":
		return joinRepoPath(s.Repo, s.Path)
	}
	return "sha256 " + s.SHA256
}

// IgnoredCVE is a finding a gate lets through, and why.
type IgnoredCVE struct {
	CVE    string `json:"cve"`
	Reason string `json:"reason"`
}

// GateRequest asks whether Subject may enter a gated repository.
type GateRequest struct {
	Subject GateSubject
	// BlockAt is the lowest severity that blocks (Xray's spelling).
	BlockAt string
	Ignore  []IgnoredCVE
}

// GateVerdict is the evaluator's answer. Pass is true only for a finished
// scan without blocking findings.
type GateVerdict struct {
	Pass bool
	// Blocking are the findings that fail the gate, one line each
	// ("XRAY-1 Critical CVE-2021-44228 in gav://...").
	Blocking []string
	// Reason says why a subject without blocking findings still does not
	// pass (scan not finished, not indexed, indexing off).
	Reason string
}

// GateEvaluator evaluates release gates through Xray. The tools provide one
// backed by the same Xray client the xray tools use; the guard only calls it.
type GateEvaluator interface {
	EvaluateGate(ctx context.Context, req GateRequest) (*GateVerdict, error)
}

// gateFor returns the gate of a target, if any: the strictest block_at of
// every gate that covers repo and path (both normalised), with all their
// ignored CVEs.
func (g *Guard) gateFor(repo, p string) (*Gate, bool) {
	var out *Gate
	for _, gt := range g.policy.Gates {
		if !slices.ContainsFunc(gt.Repos, func(r string) bool { return gateCovers(r, repo, p) }) {
			continue
		}
		gt.MinSeverity = canonSeverity(gt.MinSeverity)
		if out == nil {
			c := gt
			c.IgnoreCVEs = slices.Clone(gt.IgnoreCVEs)
			out = &c
			continue
		}
		if slices.Index(Severities, gt.MinSeverity) < slices.Index(Severities, out.MinSeverity) {
			out.MinSeverity = gt.MinSeverity
		}
		out.IgnoreCVEs = append(out.IgnoreCVEs, gt.IgnoreCVEs...)
	}
	return out, out != nil
}

// canonSeverity spells a gate's severity as Xray does; one it does not know
// becomes the lowest, so such a gate blocks everything rather than nothing.
func canonSeverity(s string) string {
	for _, v := range Severities {
		if strings.EqualFold(v, s) {
			return v
		}
	}
	return Severities[0]
}

// gateCovers reports whether a gate's "repo-glob[/path-prefix]" reaches
// what a write to repo/p brings in: p inside the prefix, or a folder that
// contains it (copying a folder above the prefix brings items into it). A
// rule that does not parse covers everything: a gate never fails open.
func gateCovers(rule, repo, p string) bool {
	r, err := ParseRule(rule)
	if err != nil {
		return true
	}
	if !globMatch(r.Repo, repo) {
		return false
	}
	return r.PathPrefix == "" || p == "" || p == r.PathPrefix ||
		strings.HasPrefix(p, r.PathPrefix+"/") || strings.HasPrefix(r.PathPrefix, p+"/")
}

// checkGates evaluates the release gate of every write or promotion into a
// gated repository. Nothing here fails open: no subject, no evaluator, an
// evaluator error or an unfinished scan all refuse.
//
// actions are as decided: a write through a virtual repository is judged on
// the repository it lands in (On), and on the virtual key too.
func (g *Guard) checkGates(ctx context.Context, ev GateEvaluator, actions []Action) *Denied {
	judged := map[string]bool{} // a promotion writes and promotes into one target: judge it once
	for _, a := range actions {
		if (a.Class != ClassWrite && a.Class != ClassPromote) || a.Repo == "" || a.Local != "" || a.ResourceKind() != KindRepoPath {
			continue
		}
		if a.Gate != nil {
			k := a.Repo + "\x00" + a.Path + "\x00" + a.Gate.String()
			if judged[k] {
				continue
			}
			judged[k] = true
		}
		gate, ok := g.gateFor(a.Repo, a.Path)
		target := a.Repo
		if a.On != "" {
			if on, hit := g.gateFor(a.On, a.Path); hit && (!ok || slices.Index(Severities, on.MinSeverity) < slices.Index(Severities, gate.MinSeverity)) {
				gate, ok, target = on, true, a.On
			}
		}
		if !ok {
			continue
		}
		where := fmt.Sprintf("release gate on %s (block_at %s)", target, gate.MinSeverity)
		if a.Gate == nil {
			return &Denied{
				Reason: where + ": this call does not say what it brings in, so the gate cannot be evaluated",
				Hint:   "put the artifact in a repository without a gate first (for example a staging repository), let Xray scan it, then copy or promote it here",
			}
		}
		if ev == nil {
			return &Denied{Reason: where + ": upstream_unavailable: no Xray is configured to evaluate it, so nothing may enter",
				Hint: "configure Xray (JFROG_XRAY_URL) or ask the operator to change the policy"}
		}
		v, err := ev.EvaluateGate(ctx, GateRequest{Subject: *a.Gate, BlockAt: gate.MinSeverity, Ignore: gate.IgnoreCVEs})
		if err != nil {
			// Cause: the agent is told Xray failed (retry later), not that the
			// policy forbids the action; either way nothing is sent.
			return &Denied{Reason: fmt.Sprintf("%s: upstream_unavailable: Xray could not evaluate %s", where, a.Gate),
				Hint: "retry when Xray answers again; a gate never lets anything through unevaluated", Cause: err}
		}
		if v.Pass {
			continue
		}
		reason := where + ": " + a.Gate.String() + " does not pass"
		switch {
		case len(v.Blocking) > 0:
			reason += ": " + strings.Join(v.Blocking, "; ")
		case v.Reason != "":
			reason += ": " + v.Reason
		}
		return &Denied{Reason: reason, Details: map[string]any{"blocking": v.Blocking, "subject": a.Gate.String()},
			Hint: "check_release_gate shows the findings; deploy a version with the fixes, or wait for the scan (get_scan_status) and call again"}
	}
	return nil
}

// CanReadBuild reports whether the policy lets the server read build name
// in project ("" the default project), for results that name builds they
// learned of from artifacts.
func (g *Guard) CanReadBuild(project, name string) bool {
	a := BuildAction(BuildRead, name, project)
	return g.mode.allows(ClassRead) && name != "" && g.decideKind("", &a) == nil
}
