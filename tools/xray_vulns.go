package tools

import (
	"context"
	"slices"
	"strings"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// VulnsIn names one artifact by repo and path, or by sha256.
type VulnsIn struct {
	Repo        string `json:"repo,omitempty"`
	Path        string `json:"path,omitempty"`
	SHA256      string `json:"sha256,omitempty" jsonschema:"description=Instead of repo+path"`
	MinSeverity string `json:"min_severity,omitempty" jsonschema:"enum=Low,enum=Medium,enum=High,enum=Critical"`
	Limit       int    `json:"limit,omitempty" jsonschema:"default=50"`
	Offset      int    `json:"offset,omitempty"`
}

// Validate wants exactly one way of naming the artifact.
func (in *VulnsIn) Validate() error {
	if err := checkPage(in.Offset, in.Limit, 200); err != nil {
		return err
	}
	byPath := in.Repo != "" || in.Path != ""
	if byPath == (in.SHA256 != "") {
		return Errorf(CodeInvalidArgument, "", "give repo and path, or sha256")
	}
	if in.SHA256 != "" {
		if f, err := checksumField(in.SHA256); err != nil || f != "sha256" {
			return Errorf(CodeInvalidArgument, "", "sha256 must be 64 hex digits")
		}
		in.SHA256 = strings.ToLower(in.SHA256)
		return nil
	}
	p, err := fileOf(in.Repo, in.Path)
	in.Path = p
	return err
}

// Vuln is one Xray issue on one impacted component, compact. CVEs are
// "CVE-2021-44228 10.0": the id and its CVSS v3 score (v2 without a v3).
type Vuln struct {
	ID        string   `json:"id"`
	Severity  string   `json:"severity"`
	Summary   string   `json:"summary,omitempty"`
	CVEs      []string `json:"cves,omitempty"`
	Component string   `json:"component,omitempty"`
	Fixed     []string `json:"fixed,omitempty"`
}

// VulnsResult is what Xray knows about one artifact.
type VulnsResult struct {
	List[Vuln]
	Repo     string         `json:"repo"`
	Path     string         `json:"path"`
	State    string         `json:"state"`
	ScanTime string         `json:"scan_time,omitempty"`
	Counts   map[string]int `json:"counts,omitempty"`
	Licenses []string       `json:"licenses,omitempty"`
}

var getArtifactVulnerabilities = Define(Tool[VulnsIn, VulnsResult]{
	Name:        "get_artifact_vulnerabilities",
	Title:       "Artifact vulnerabilities",
	Class:       guard.ClassRead,
	Annotations: ReadOnly,
	Description: "Xray findings for one artifact: CVEs, CVSS, component, fixed versions, licenses; else its scan state with a hint.",
	Docs:        "by repo+path or sha256: counts by severity, issues with CVEs (CVSS), impacted component and fixed versions, licenses; `min_severity`, paged. `not_indexed`, `indexing_off` and `scanning` are states with hints, not errors",
	Actions: func(in *VulnsIn) []guard.Action {
		if in.SHA256 != "" {
			// Where the content lives is decided when Xray has said it.
			return []guard.Action{guard.PlatformAction(guard.ClassRead)}
		}
		return []guard.Action{{Class: guard.ClassRead, Repo: in.Repo, Path: in.Path}}
	},
	ErrorHints: ErrorHints{CodeNotFound: "no such artifact: check repo and path with get_artifact_info"},
	Handle:     artifactVulnerabilities,
	Summary: func(in *VulnsIn, out *VulnsResult) string {
		return "Xray " + out.State + " for " + out.Repo + "/" + out.Path
	},
})

func artifactVulnerabilities(ctx context.Context, d *Deps, in *VulnsIn, _ *guard.Decision) (*VulnsResult, error) {
	out := &VulnsResult{Repo: in.Repo, Path: in.Path, List: List[Vuln]{Items: []Vuln{}}}
	if in.SHA256 != "" {
		s, err := d.Client.Xray.ArtifactSummary(ctx, nil, []string{in.SHA256})
		if err != nil {
			return nil, err
		}
		if len(s.Artifacts) == 0 {
			out.State, out.Hint = stateNotIndexed, "Xray knows no artifact with this sha256 yet; "+stateHints[stateNotIndexed]
			return out, nil
		}
		out.Repo, out.Path = stripBinMgr(s.Artifacts[0].General.Path)
		// Where the content lives is itself something the policy may hide.
		if _, err := guardReads(ctx, d, "get_artifact_vulnerabilities", guard.Action{Class: guard.ClassRead, Repo: out.Repo, Path: out.Path}); err != nil {
			return nil, err
		}
	}
	scan, err := scanOfArtifact(ctx, d, out.Repo, out.Path)
	if err != nil {
		return nil, err
	}
	out.State, out.ScanTime = scan.State, scan.Time
	if scan.State != stateDone {
		out.Hint = stateHints[scan.State]
		return out, nil
	}
	s, err := d.Client.Xray.ArtifactSummary(ctx, []client.ItemRef{{Repo: out.Repo, Path: out.Path}}, nil)
	if err != nil {
		return nil, err
	}
	if len(s.Artifacts) == 0 {
		out.State, out.Hint = stateNotIndexed, stateHints[stateNotIndexed]
		return out, nil
	}
	a := s.Artifacts[0]
	all, counts := compactIssues(a.Issues)
	out.Counts = counts
	for _, l := range a.Licenses {
		out.Licenses = append(out.Licenses, l.Name)
	}
	var kept []Vuln
	for _, v := range all {
		if severityRank(v.Severity) >= severityRank(in.MinSeverity) {
			kept = append(kept, v)
		}
	}
	limit := in.Limit
	if limit == 0 {
		limit = 50
	}
	out.List = Paginate(kept, in.Offset, limit)
	return out, nil
}

// compactIssues flattens Xray issues into one Vuln per impacted component,
// most severe first, and counts issues by severity.
func compactIssues(issues []client.SummaryIssue) ([]Vuln, map[string]int) {
	counts := map[string]int{}
	var out []Vuln
	for _, is := range issues {
		sev := canonSeverity(is.Severity)
		counts[sev]++
		base := Vuln{ID: is.IssueID, Severity: sev, Summary: is.Summary}
		for _, c := range is.CVEs {
			score := c.CVSSv3
			if score == "" {
				score = c.CVSSv2
			}
			score, _, _ = strings.Cut(score, "/")
			base.CVEs = append(base.CVEs, strings.TrimSpace(c.CVE+" "+score))
		}
		if len(is.Components) == 0 {
			out = append(out, base)
			continue
		}
		for _, c := range is.Components {
			v := base
			v.Component, v.Fixed = c.ComponentID, c.FixedVersions
			out = append(out, v)
		}
	}
	sortBySeverity(out)
	return out, counts
}

// sortBySeverity puts the most severe first, keeping Xray's order within a
// severity.
func sortBySeverity(vs []Vuln) {
	slices.SortStableFunc(vs, func(a, b Vuln) int { return severityRank(b.Severity) - severityRank(a.Severity) })
}

// guardReads asks the guard about reads a handler learns of only from an
// upstream answer (where a checksum lives, what AQL to run); the decision
// holds the scoped query. The tool never decides itself.
func guardReads(ctx context.Context, d *Deps, tool string, as ...guard.Action) (*guard.Decision, error) {
	return d.Guard.Check(ctx, guard.Call{Caller: CallerFrom(ctx), Tool: tool, Toolset: "xray", Class: guard.ClassRead, Actions: as, Repos: d.repos()})
}
