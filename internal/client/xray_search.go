package client

import (
	"context"
	"net/url"
)

// CVEComponent is a component version Xray lists for a CVE.
type CVEComponent struct {
	Name        string `json:"name"`
	PackageType string `json:"package_type"`
	Version     string `json:"version"`
	Link        string `json:"link"`
}

// CVEComponents is one CVE's entry in POST api/v1/component/searchByCves.
type CVEComponents struct {
	CVE        string         `json:"cve_details"`
	Components []CVEComponent `json:"components"`
}

// SearchByCVEs calls POST api/v1/component/searchByCves (needs the Manage
// Reports role in Xray).
func (x *Xray) SearchByCVEs(ctx context.Context, cves []string) ([]CVEComponents, error) {
	var out []CVEComponents
	if err := x.postJSON(ctx, "api/v1/component/searchByCves", nil, map[string][]string{"cves": cves}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// ViolationsQuery filters POST api/v1/violations.
type ViolationsQuery struct {
	WatchName   string
	MinSeverity string
	CVE         string
	Artifacts   []ItemRef
	Limit       int
	Offset      int
	Project     string
}

// Violation is one violation (reference §3.8), the fields tools use.
type Violation struct {
	ViolationID        string       `json:"violation_id"`
	IssueID            string       `json:"issue_id"`
	Type               string       `json:"type"`
	WatchName          string       `json:"watch_name"`
	Severity           string       `json:"severity"`
	Created            string       `json:"created"`
	Summary            string       `json:"summary"`
	InfectedComponents []string     `json:"infected_components"`
	ImpactArtifacts    []string     `json:"impact_artifacts"`
	Properties         []SummaryCVE `json:"properties"`
	FixVersions        []string     `json:"fix_versions"`
}

// Violations is the answer of POST api/v1/violations.
type Violations struct {
	Total      int         `json:"total_violations"`
	Violations []Violation `json:"violations"`
}

// Violations calls POST api/v1/violations.
func (x *Xray) Violations(ctx context.Context, vq ViolationsQuery) (*Violations, error) {
	type art struct {
		Repo string `json:"repo"`
		Path string `json:"path"`
	}
	filters := map[string]any{"include_details": true}
	for k, v := range map[string]string{"watch_name": vq.WatchName, "min_severity": vq.MinSeverity, "cve_id": vq.CVE} {
		if v != "" {
			filters[k] = v
		}
	}
	if len(vq.Artifacts) > 0 {
		arts := make([]art, len(vq.Artifacts))
		for i, a := range vq.Artifacts {
			arts[i] = art(a)
		}
		filters["resources"] = map[string]any{"artifacts": arts}
	}
	limit := vq.Limit
	if limit <= 0 {
		limit = 100
	}
	body := map[string]any{"filters": filters,
		"pagination": map[string]any{"limit": limit, "offset": vq.Offset, "order_by": "created", "direction": "asc"}}
	var q url.Values
	if vq.Project != "" {
		q = url.Values{"projectKey": {vq.Project}}
	}
	var out Violations
	if err := x.postJSON(ctx, "api/v1/violations", q, body, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
