package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Scan states of api/v1/artifact/status and api/v1/build/status.
const (
	ScanNotSupported = "NOT_SUPPORTED"
	ScanNotScanned   = "NOT_SCANNED"
	ScanPending      = "PENDING"
	ScanScanning     = "SCANNING"
	ScanDone         = "DONE"
	ScanPartial      = "PARTIAL"
	ScanFailed       = "FAILED"
)

// ScanState is one status and when it was reached (RFC 3339, may be "").
type ScanState struct {
	Status string `json:"status"`
	Time   string `json:"time"`
}

// ScanStatus is the answer of the status endpoints (reference §3.5).
type ScanStatus struct {
	Overall ScanState `json:"overall"`
	Details struct {
		SCA        ScanState `json:"sca"`
		Violations ScanState `json:"violations"`
	} `json:"details"`
}

// ArtifactStatus calls POST api/v1/artifact/status.
func (x *Xray) ArtifactStatus(ctx context.Context, repo, path string) (*ScanStatus, error) {
	var out ScanStatus
	body := map[string]string{"repo": repo, "path": strings.TrimLeft(path, "/")}
	if err := x.postJSON(ctx, "api/v1/artifact/status", nil, body, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// BuildStatus calls POST api/v1/build/status.
func (x *Xray) BuildStatus(ctx context.Context, b BuildRef) (*ScanStatus, error) {
	var out ScanStatus
	body := map[string]string{"name": b.Name, "number": b.Number}
	if b.Project != "" {
		body["project"] = b.Project
	}
	if err := x.postJSON(ctx, "api/v1/build/status", nil, body, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ScanCVE is a CVE in build-scan results (score and vector apart).
type ScanCVE struct {
	CVE          string `json:"cve"`
	CVSSv2Score  string `json:"cvss_v2_score"`
	CVSSv3Score  string `json:"cvss_v3_score"`
	CVSSv3Vector string `json:"cvss_v3_vector"`
}

// ScanComponent is an impacted component in build-scan results.
type ScanComponent struct {
	PackageName    string   `json:"package_name"`
	PackageVersion string   `json:"package_version"`
	PackageType    string   `json:"package_type"`
	FixedVersions  []string `json:"fixed_versions"`
}

// ScanIssue is a vulnerability or violation of a build scan; Components is
// keyed by component id.
type ScanIssue struct {
	IssueID    string                   `json:"issue_id"`
	Summary    string                   `json:"summary"`
	Severity   string                   `json:"severity"`
	Type       string                   `json:"type"`
	WatchName  string                   `json:"watch_name"`
	FailBuild  bool                     `json:"fail_build"`
	CVEs       []ScanCVE                `json:"cves"`
	Components map[string]ScanComponent `json:"components"`
}

// BuildScanResult is the answer of the build-scan poll once it is done.
type BuildScanResult struct {
	BuildName       string      `json:"build_name"`
	BuildNumber     string      `json:"build_number"`
	Status          string      `json:"status"`
	MoreDetailsURL  string      `json:"more_details_url"`
	FailBuild       bool        `json:"fail_build"`
	Violations      []ScanIssue `json:"violations"`
	Vulnerabilities []ScanIssue `json:"vulnerabilities"`
	Info            string      `json:"info"`
}

type buildScanBody struct {
	BuildName   string `json:"build_name"`
	BuildNumber string `json:"build_number"`
	Project     string `json:"project,omitempty"`
	Rescan      bool   `json:"rescan,omitempty"`
}

// TriggerBuildScan calls POST api/v2/ci/build and returns Xray's info text.
// A build Artifactory does not have is a 404 APIError ("... wasn't found in
// Artifactory").
func (x *Xray) TriggerBuildScan(ctx context.Context, b BuildRef, rescan bool) (string, error) {
	var out struct {
		Info string `json:"info"`
	}
	if err := x.postJSON(ctx, "api/v2/ci/build", xrayProjectQuery(b, nil), buildScanBody{b.Name, b.Number, b.Project, rescan}, &out); err != nil {
		return "", err
	}
	return out.Info, nil
}

// BuildScanPoller polls one build's scan results with the endpoint the Xray
// version calls for (POST scanResult from 3.77.0, else GET). Poll returns
// nil, nil while Xray answers 202 (still scanning); a build never scanned is
// a 404 APIError.
type BuildScanPoller struct {
	x     *Xray
	b     BuildRef
	post  bool
	query url.Values
}

// NewBuildScanPoller reads the Xray version once to choose the endpoint.
func (x *Xray) NewBuildScanPoller(ctx context.Context, b BuildRef, includeVulnerabilities bool) (*BuildScanPoller, error) {
	v, err := x.Version(ctx)
	if err != nil {
		return nil, err
	}
	var q url.Values
	if includeVulnerabilities {
		q = url.Values{"include_vulnerabilities": {"true"}}
	}
	return &BuildScanPoller{x: x, b: b, post: versionAtLeast(v.XrayVersion, 3, 77, 0), query: xrayProjectQuery(b, q)}, nil
}

// Poll asks once.
func (p *BuildScanPoller) Poll(ctx context.Context) (*BuildScanResult, error) {
	var req Request
	if p.post {
		req = Request{Surface: SurfaceXray, Method: http.MethodPost, Path: "api/v2/ci/build/scanResult", Query: p.query, Idempotent: true}
	} else {
		req = Request{Surface: SurfaceXray, Method: http.MethodGet, Path: "api/v2/ci/build/" + EscapePath(p.b.Name, p.b.Number), Query: p.query}
	}
	if p.post {
		b, err := jsonBody(buildScanBody{BuildName: p.b.Name, BuildNumber: p.b.Number, Project: p.b.Project})
		if err != nil {
			return nil, err
		}
		req.Header, req.Body = http.Header{"Content-Type": {"application/json"}}, b
	}
	resp, err := p.x.c.do(ctx, req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusAccepted {
		_ = resp.Body.Close()
		return nil, nil
	}
	var out BuildScanResult
	if err := decodeJSONBody(req, resp, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func xrayProjectQuery(b BuildRef, q url.Values) url.Values {
	if b.Project == "" {
		return q
	}
	if q == nil {
		q = url.Values{}
	}
	q.Set("projectKey", b.Project)
	return q
}

// versionAtLeast compares a dotted version with major.minor.patch; an
// unparsable version counts as old, which picks the endpoint every Xray has.
func versionAtLeast(v string, want ...int) bool {
	parts := strings.Split(v, ".")
	for i, w := range want {
		if i >= len(parts) {
			return w == 0
		}
		n, err := strconv.Atoi(parts[i])
		if err != nil {
			return false
		}
		if n != w {
			return n > w
		}
	}
	return true
}

func jsonBody(v any) (*bytes.Reader, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("client: encode request: %w", err)
	}
	return bytes.NewReader(b), nil
}

// decodeJSONBody decodes and closes a 2xx answer. An empty 200 is an error,
// as in JCG ("server-side timeout during authentication").
func decodeJSONBody(req Request, resp *http.Response, out any) error {
	defer func() { _ = resp.Body.Close() }()
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxXrayAnswer)).Decode(out); err != nil {
		return fmt.Errorf("%s: %w (Content-Type %q): %w", describe(req), ErrNotJSON, resp.Header.Get("Content-Type"), err)
	}
	return nil
}

// maxXrayAnswer bounds a build-scan answer read into memory.
const maxXrayAnswer = 32 << 20
