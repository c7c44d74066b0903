package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// SeedXray is the "xray" section of a seed: Xray's vulnerability database
// and what it knows about artifacts and builds. Artifacts are matched to
// components by sha256 (any copy of the same content, wherever it is
// deployed, has the same findings), by repo+path, or by a file-name glob, so
// an artifact deployed after start-up gets findings too.
type SeedXray struct {
	// Scan is how long a newly deployed artifact stays PENDING, then
	// SCANNING, on the Xray clock (defaults 2 s and 3 s). Build scans take
	// Scan.BuildSeconds (default 3 s).
	Scan            *SeedXrayScan       `json:"scan,omitempty"`
	Components      []SeedComponent     `json:"components,omitempty"`
	Vulnerabilities []SeedVulnerability `json:"vulnerabilities,omitempty"`
	Artifacts       []SeedXrayArtifact  `json:"artifacts,omitempty"`
	Builds          []SeedXrayBuild     `json:"builds,omitempty"`
	Watches         []SeedWatch         `json:"watches,omitempty"`
}

// SeedXrayScan sets scan durations in seconds on the Xray clock.
type SeedXrayScan struct {
	PendingSeconds  *float64 `json:"pending_seconds,omitempty"`
	ScanningSeconds *float64 `json:"scanning_seconds,omitempty"`
	BuildSeconds    *float64 `json:"build_seconds,omitempty"`
}

// SeedComponent is a package Xray knows, by component id
// (gav://g:a:v, npm://name:v, generic://sha256:<hex>/name, ...).
type SeedComponent struct {
	ID       string   `json:"id"`
	Licenses []string `json:"licenses,omitempty"`
}

// SeedVulnerability is one Xray issue: its CVEs and the component versions
// it affects, each with the versions that fix it.
type SeedVulnerability struct {
	IssueID    string             `json:"issue_id"`
	Summary    string             `json:"summary,omitempty"`
	Severity   string             `json:"severity"` // Critical, High, Medium, Low, Unknown
	CVEs       []SeedCVE          `json:"cves,omitempty"`
	Components []SeedAffectedComp `json:"components"`
	Created    string             `json:"created,omitempty"`
}

// SeedCVE is a CVE with CVSS strings in Xray's "<score>/<vector>" form.
type SeedCVE struct {
	CVE    string   `json:"cve"`
	CVSSv2 string   `json:"cvss_v2,omitempty"`
	CVSSv3 string   `json:"cvss_v3,omitempty"`
	CWE    []string `json:"cwe,omitempty"`
}

// SeedAffectedComp is a component id an issue affects and its fixed versions.
type SeedAffectedComp struct {
	ID            string   `json:"id"`
	FixedVersions []string `json:"fixed_versions,omitempty"`
}

// SeedXrayArtifact says which components an artifact contains. Exactly one
// of SHA256, Repo+Path or Name (a glob on the file name) selects it.
type SeedXrayArtifact struct {
	SHA256     string   `json:"sha256,omitempty"`
	Repo       string   `json:"repo,omitempty"`
	Path       string   `json:"path,omitempty"`
	Name       string   `json:"name,omitempty"`
	Components []string `json:"components"`
	// Scan "failed" makes Xray's scan of it fail.
	Scan string `json:"scan,omitempty"`
}

// SeedXrayBuild is a build Xray can scan: the components of its artifacts
// and dependencies. Scanned means a scan finished before start-up.
type SeedXrayBuild struct {
	Name       string   `json:"name"`
	Number     string   `json:"number"`
	Project    string   `json:"project,omitempty"`
	Components []string `json:"components,omitempty"`
	// Artifacts are repo/path of the files it produced; their components
	// count as the build's.
	Artifacts []string `json:"artifacts,omitempty"`
	Scanned   bool     `json:"scanned,omitempty"`
}

// SeedWatch watches repositories and builds for issues at or above
// MinSeverity; violations are the issues it finds.
type SeedWatch struct {
	Name        string   `json:"name"`
	Repos       []string `json:"repos,omitempty"`
	Builds      []string `json:"builds,omitempty"`
	MinSeverity string   `json:"min_severity,omitempty"`
	FailBuild   bool     `json:"fail_build,omitempty"`
}

var severities = []string{"Unknown", "Low", "Medium", "High", "Critical"}

func severityRank(s string) int { return slices.Index(severities, s) }

func parseSeedXray(raw json.RawMessage) (*SeedXray, error) {
	if len(raw) == 0 {
		return &SeedXray{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var s SeedXray
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("parse seed xray: %w", err)
	}
	comps := map[string]bool{}
	for _, c := range s.Components {
		if _, _, _, err := splitComponentID(c.ID); err != nil {
			return nil, fmt.Errorf("parse seed xray: component %q: %w", c.ID, err)
		}
		comps[c.ID] = true
	}
	known := func(where, id string) error {
		if !comps[id] {
			return fmt.Errorf("parse seed xray: %s names component %q, which is not in components", where, id)
		}
		return nil
	}
	for _, v := range s.Vulnerabilities {
		if v.IssueID == "" || severityRank(v.Severity) < 0 {
			return nil, fmt.Errorf("parse seed xray: vulnerability %q needs issue_id and a severity of %s", v.IssueID, strings.Join(severities, ", "))
		}
		for _, c := range v.Components {
			if err := known("vulnerability "+v.IssueID, c.ID); err != nil {
				return nil, err
			}
		}
	}
	for i, a := range s.Artifacts {
		n := 0
		for _, given := range []bool{a.SHA256 != "", a.Repo != "" || a.Path != "", a.Name != ""} {
			if given {
				n++
			}
		}
		if n != 1 || (a.Repo == "") != (a.Path == "") {
			return nil, fmt.Errorf("parse seed xray: artifact %d: give sha256, repo and path, or name", i)
		}
		for _, c := range a.Components {
			if err := known(fmt.Sprintf("artifact %d", i), c); err != nil {
				return nil, err
			}
		}
	}
	for _, b := range s.Builds {
		if b.Name == "" || b.Number == "" {
			return nil, errors.New("parse seed xray: a build needs name and number")
		}
		for _, c := range b.Components {
			if err := known("build "+b.Name, c); err != nil {
				return nil, err
			}
		}
	}
	for _, w := range s.Watches {
		if w.Name == "" {
			return nil, errors.New("parse seed xray: a watch needs a name")
		}
		if w.MinSeverity != "" && severityRank(w.MinSeverity) < 0 {
			return nil, fmt.Errorf("parse seed xray: watch %q: unknown min_severity %q", w.Name, w.MinSeverity)
		}
	}
	return &s, nil
}

// splitComponentID splits "gav://g:a:v" into package type "maven", name
// "g:a" and version "v". Generic ids have no version after the name.
func splitComponentID(id string) (pkgType, name, version string, err error) {
	scheme, rest, ok := strings.Cut(id, "://")
	if !ok || rest == "" {
		return "", "", "", errors.New("want <type>://<name>:<version>")
	}
	types := map[string]string{"gav": "maven", "npm": "npm", "pypi": "pypi", "go": "go", "docker": "docker",
		"generic": "generic", "nuget": "nuget", "rpm": "rpm", "deb": "debian", "alpine": "alpine", "build": "build"}
	pkgType, ok = types[scheme]
	if !ok {
		return "", "", "", fmt.Errorf("unknown component type %q", scheme)
	}
	if scheme == "generic" {
		return pkgType, rest, "", nil
	}
	i := strings.LastIndexByte(rest, ':')
	if i <= 0 || i == len(rest)-1 {
		return "", "", "", errors.New("want <type>://<name>:<version>")
	}
	return pkgType, rest[:i], rest[i+1:], nil
}
