package client

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// NotIndexedMessage is Xray's errors[] text for an artifact it has no
// results for: not deployed, not indexed yet, or in a repository Xray does
// not index (reference §3.2).
const NotIndexedMessage = "Artifact doesn't exist or not indexed/cached in Xray"

// SummaryCVE is one CVE of an issue; CVSS strings are "<score>/<vector>".
type SummaryCVE struct {
	CVE    string   `json:"cve"`
	CVSSv2 string   `json:"cvss_v2,omitempty"`
	CVSSv3 string   `json:"cvss_v3,omitempty"`
	CWE    []string `json:"cwe,omitempty"`
}

// SummaryComponent is an impacted component of an issue (v2 only).
type SummaryComponent struct {
	ComponentID   string   `json:"component_id"`
	FixedVersions []string `json:"fixed_versions"`
}

// SummaryIssue is one issue of an artifact or build summary.
type SummaryIssue struct {
	IssueID     string             `json:"issue_id"`
	Summary     string             `json:"summary"`
	Description string             `json:"description"`
	IssueType   string             `json:"issue_type"`
	Severity    string             `json:"severity"`
	Provider    string             `json:"provider"`
	CVEs        []SummaryCVE       `json:"cves"`
	Created     string             `json:"created"`
	ImpactPath  []string           `json:"impact_path"`
	Components  []SummaryComponent `json:"components"`
}

// SummaryLicense is a license found in an artifact or build.
type SummaryLicense struct {
	Name       string   `json:"name"`
	FullName   string   `json:"full_name"`
	Components []string `json:"components"`
}

// SummaryGeneral identifies a summarised artifact.
type SummaryGeneral struct {
	ComponentID string `json:"component_id"`
	Name        string `json:"name"`
	Path        string `json:"path"`
	PkgType     string `json:"pkg_type"`
	SHA256      string `json:"sha256"`
}

// ArtifactSummary is one artifact of POST api/v2/summary/artifact.
type ArtifactSummary struct {
	General  SummaryGeneral   `json:"general"`
	Issues   []SummaryIssue   `json:"issues"`
	Licenses []SummaryLicense `json:"licenses"`
}

// SummaryError is an errors[] entry: Xray answers 200 and lists what it has
// no results for here.
type SummaryError struct {
	Identifier string `json:"identifier"`
	Error      string `json:"error"`
}

// ArtifactSummaries is the answer of an artifact summary.
type ArtifactSummaries struct {
	Artifacts []ArtifactSummary `json:"artifacts"`
	Errors    []SummaryError    `json:"errors"`
}

// BuildRef names a build; Project is the project key or "".
type BuildRef struct {
	Name, Number, Project string
}

// XrayBuildSummary is the answer of GET api/v2/summary/build.
type XrayBuildSummary struct {
	Issues   []SummaryIssue   `json:"issues"`
	Licenses []SummaryLicense `json:"licenses"`
	Errors   []SummaryError   `json:"errors"`
}

// ArtifactoryID returns the id Xray knows this Artifactory by, from GET
// api/system/service_id (e.g. "jfrt@01abc..."). Xray paths start with it.
func (x *Xray) ArtifactoryID(ctx context.Context) (string, error) {
	req := Request{Surface: SurfaceArtifactory, Method: http.MethodGet, Path: "api/system/service_id", Header: http.Header{"Accept": {"text/plain"}}}
	resp, err := x.c.do(ctx, req)
	if err != nil {
		return "", err
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if err != nil {
		return "", fmt.Errorf("%s: %w", describe(req), err)
	}
	id := strings.TrimSpace(string(b))
	if id == "" || strings.ContainsAny(id, "/<{ ") {
		return "", fmt.Errorf("%s: unexpected service id %q: %w", describe(req), truncate(id, 80), ErrNotJSON)
	}
	return id, nil
}

// ArtifactSummary calls POST api/v2/summary/artifact for files by repo and
// path (prefixed with the Artifactory id, discovered once per call) or, when
// items is empty, by sha256 or sha1.
func (x *Xray) ArtifactSummary(ctx context.Context, items []ItemRef, checksums []string) (*ArtifactSummaries, error) {
	body := struct {
		Checksums []string `json:"checksums,omitempty"`
		Paths     []string `json:"paths,omitempty"`
	}{Checksums: checksums}
	if len(items) > 0 {
		id, err := x.ArtifactoryID(ctx)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			body.Paths = append(body.Paths, id+"/"+it.Repo+"/"+strings.TrimLeft(it.Path, "/"))
		}
	}
	var out ArtifactSummaries
	if err := x.postJSON(ctx, "api/v2/summary/artifact", nil, body, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// BuildSummary calls GET api/v2/summary/build.
func (x *Xray) BuildSummary(ctx context.Context, b BuildRef) (*XrayBuildSummary, error) {
	q := url.Values{"build_name": {b.Name}, "build_number": {b.Number}}
	if b.Project != "" {
		q.Set("projectKey", b.Project)
	}
	var out XrayBuildSummary
	req := Request{Surface: SurfaceXray, Method: http.MethodGet, Path: "api/v2/summary/build", Query: q}
	if err := x.c.doJSON(ctx, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// postJSON POSTs in as JSON and decodes the answer into out. Every Xray POST
// here reads or is safe to repeat (a trigger repeated during a scan starts
// no second one), so they are retried like GETs.
func (x *Xray) postJSON(ctx context.Context, path string, q url.Values, in, out any) error {
	b, err := jsonBody(in)
	if err != nil {
		return err
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	req := Request{Surface: SurfaceXray, Method: http.MethodPost, Path: path, Query: q, Header: h, Body: b, Idempotent: true}
	return x.c.doJSON(ctx, req, out)
}
