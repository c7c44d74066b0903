package emulator

import (
	"net/http"
	"sort"
	"strings"
	"time"
)

// notIndexedMsg is the exact text Xray puts in errors[] for an artifact it
// has no results for (reference §3.2).
const notIndexedMsg = "Artifact doesn't exist or not indexed/cached in Xray"

type summaryGeneral struct {
	ComponentID string `json:"component_id"`
	Name        string `json:"name"`
	Path        string `json:"path"`
	PkgType     string `json:"pkg_type"`
	SHA256      string `json:"sha256"`
}

type summaryCVE struct {
	CVE    string   `json:"cve"`
	CVSSv2 string   `json:"cvss_v2,omitempty"`
	CVSSv3 string   `json:"cvss_v3,omitempty"`
	CWE    []string `json:"cwe,omitempty"`
}

type summaryComponent struct {
	ComponentID   string   `json:"component_id"`
	FixedVersions []string `json:"fixed_versions"`
}

type summaryIssue struct {
	IssueID       string             `json:"issue_id"`
	Summary       string             `json:"summary"`
	Description   string             `json:"description"`
	IssueType     string             `json:"issue_type"`
	Severity      string             `json:"severity"`
	Provider      string             `json:"provider"`
	CVEs          []summaryCVE       `json:"cves"`
	Created       string             `json:"created"`
	ImpactPath    []string           `json:"impact_path"`
	Components    []summaryComponent `json:"components,omitempty"` // v2 only
	PhysicalPaths []string           `json:"component_physical_paths"`
}

type summaryLicense struct {
	Name        string   `json:"name"`
	FullName    string   `json:"full_name"`
	MoreInfoURL []string `json:"more_info_url"`
	Components  []string `json:"components"`
}

type summaryArtifact struct {
	General  summaryGeneral   `json:"general"`
	Issues   []summaryIssue   `json:"issues"`
	Licenses []summaryLicense `json:"licenses"`
}

type summaryError struct {
	Identifier string `json:"identifier"`
	Error      string `json:"error"`
}

// xrayLocated is an item found by path or checksum, and how it was named.
type xrayLocated struct {
	rp    *repo
	it    *item
	ident string // "default/<repo>/<path>" as Xray names it
}

// handleArtifactSummary serves POST api/v{1,2}/summary/artifact. Paths win
// over checksums when both are given, as in Xray. Results come only for
// artifacts whose scan is at least under way; the rest are errors[] entries
// with a 200. During SCANNING the issues found so far are none: a client
// must read the scan status before trusting an empty list.
func (e *Emulator) handleArtifactSummary(w http.ResponseWriter, r *http.Request, p *principal, v2 bool) {
	var req struct {
		Checksums []string `json:"checksums"`
		Paths     []string `json:"paths"`
	}
	if !readXrayJSON(w, r, &req) {
		return
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	e.xdb.mu.Lock()
	defer e.xdb.mu.Unlock()
	resp := struct {
		Artifacts []summaryArtifact `json:"artifacts"`
		Errors    []summaryError    `json:"errors,omitempty"`
	}{Artifacts: []summaryArtifact{}}
	var found []xrayLocated
	if len(req.Paths) > 0 {
		for _, ps := range req.Paths {
			if l, ok := e.locatePath(ps, p); ok {
				found = append(found, l)
			} else {
				resp.Errors = append(resp.Errors, summaryError{Identifier: ps, Error: notIndexedMsg})
			}
		}
	} else {
		for _, sum := range req.Checksums {
			l, ok := e.locateChecksum(sum, p)
			if !ok {
				resp.Errors = append(resp.Errors, summaryError{Identifier: sum, Error: notIndexedMsg})
				continue
			}
			found = append(found, l)
		}
	}
	for _, l := range found {
		state, _ := e.artifactState(l.rp, l.it)
		if state == xrayNotScanned || state == xrayPending {
			resp.Errors = append(resp.Errors, summaryError{Identifier: l.ident, Error: notIndexedMsg})
			continue
		}
		resp.Artifacts = append(resp.Artifacts, e.summarize(l, state, v2))
	}
	writeJSON(w, http.StatusOK, resp)
}

// locatePath resolves "<bin-mgr-id>/<repo>/<path>". The id is "default" or
// this platform's Artifactory service id (jfrt@...).
func (e *Emulator) locatePath(ps string, p *principal) (xrayLocated, bool) {
	parts := strings.SplitN(strings.TrimPrefix(ps, "/"), "/", 3)
	if len(parts) != 3 || (parts[0] != "default" && parts[0] != "jfrt@"+e.platformID) {
		return xrayLocated{}, false
	}
	rp := e.repos[strings.ToLower(parts[1])]
	if rp == nil || !p.can(actRead, rp.key) {
		return xrayLocated{}, false
	}
	it := rp.items[strings.Trim(parts[2], "/")]
	if it == nil || it.folder {
		return xrayLocated{}, false
	}
	return xrayLocated{rp: rp, it: it, ident: parts[0] + "/" + rp.key + "/" + it.path}, true
}

// locateChecksum finds the first readable file with that sha256 or sha1,
// by repository key and path order so answers are stable.
func (e *Emulator) locateChecksum(sum string, p *principal) (xrayLocated, bool) {
	sum = strings.ToLower(sum)
	keys := make([]string, 0, len(e.repos))
	for k := range e.repos {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		rp := e.repos[k]
		if !p.can(actRead, rp.key) {
			continue
		}
		paths := make([]string, 0)
		for ip, it := range rp.items {
			if !it.folder && (it.sums.SHA256 == sum || it.sums.SHA1 == sum) {
				paths = append(paths, ip)
			}
		}
		if len(paths) > 0 {
			sort.Strings(paths)
			it := rp.items[paths[0]]
			return xrayLocated{rp: rp, it: it, ident: "default/" + rp.key + "/" + it.path}, true
		}
	}
	return xrayLocated{}, false
}

// summarize builds one artifact's summary. Must be called with both locks held.
func (e *Emulator) summarize(l xrayLocated, state string, v2 bool) summaryArtifact {
	pkg := packageTypes[l.rp.packageType()]
	a := summaryArtifact{
		General:  summaryGeneral{ComponentID: l.it.name(), Name: l.it.name(), Path: l.ident, PkgType: pkg, SHA256: l.it.sums.SHA256},
		Issues:   []summaryIssue{},
		Licenses: []summaryLicense{},
	}
	c := e.xdb.contentOf(l.it)
	if state != xrayDone || c == nil {
		return a
	}
	a.Issues = e.xdb.summaryIssues(c.components, l.ident, v2)
	a.Licenses = e.xdb.summaryLicenses(c.components)
	return a
}

func (db *xrayDB) summaryIssues(comps []string, ident string, v2 bool) []summaryIssue {
	out := []summaryIssue{}
	for _, is := range db.issuesFor(comps) {
		si := summaryIssue{IssueID: is.v.IssueID, Summary: is.v.Summary, Description: is.v.Summary, IssueType: "security",
			Severity: is.v.Severity, Provider: "JFrog", CVEs: []summaryCVE{}, Created: is.v.Created}
		if si.Created == "" {
			si.Created = "2021-12-10T00:00:00.000Z"
		}
		for _, c := range is.v.CVEs {
			si.CVEs = append(si.CVEs, summaryCVE(c))
		}
		for _, c := range is.comps {
			si.ImpactPath = append(si.ImpactPath, ident+"/"+c.ID)
			si.PhysicalPaths = append(si.PhysicalPaths, c.ID)
			if v2 {
				si.Components = append(si.Components, summaryComponent{ComponentID: c.ID, FixedVersions: nonNil(c.FixedVersions)})
			}
		}
		out = append(out, si)
	}
	return out
}

func (db *xrayDB) summaryLicenses(comps []string) []summaryLicense {
	byName := map[string]*summaryLicense{}
	var order []string
	for _, id := range comps {
		lics := db.comps[id].Licenses
		if len(lics) == 0 {
			lics = []string{"Unknown"}
		}
		for _, n := range lics {
			l := byName[n]
			if l == nil {
				full := n
				if n == "Unknown" {
					full = "Unknown license"
				}
				l = &summaryLicense{Name: n, FullName: full, MoreInfoURL: []string{"https://spdx.org/licenses/" + n + ".html"}}
				byName[n] = l
				order = append(order, n)
			}
			l.Components = append(l.Components, id)
		}
	}
	out := []summaryLicense{}
	for _, n := range order {
		out = append(out, *byName[n])
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

type scanStatus struct {
	Status string `json:"status"`
	Time   string `json:"time,omitempty"`
}

type exposureStatus struct {
	scanStatus
	Categories map[string]scanStatus `json:"categories"`
}

type statusDetails struct {
	SCA                scanStatus     `json:"sca"`
	ContextualAnalysis scanStatus     `json:"contextual_analysis"`
	Exposures          exposureStatus `json:"exposures"`
	Violations         scanStatus     `json:"violations"`
}

type statusResponse struct {
	Overall scanStatus    `json:"overall"`
	Details statusDetails `json:"details"`
}

func newStatus(state string, at time.Time) statusResponse {
	s := scanStatus{Status: state}
	if !at.IsZero() {
		s.Time = at.UTC().Format(time.RFC3339)
	}
	ns := scanStatus{Status: "NOT_SUPPORTED"}
	cats := map[string]scanStatus{"iac": ns, "secrets": ns, "services": ns, "applications": ns}
	return statusResponse{Overall: s, Details: statusDetails{SCA: s, ContextualAnalysis: ns,
		Exposures: exposureStatus{scanStatus: ns, Categories: cats}, Violations: s}}
}

// handleArtifactStatus serves POST api/v1/artifact/status (reference §3.5).
func (e *Emulator) handleArtifactStatus(w http.ResponseWriter, r *http.Request, p *principal) {
	var req struct {
		Repo string `json:"repo"`
		Path string `json:"path"`
	}
	if !readXrayJSON(w, r, &req) {
		return
	}
	if req.Repo == "" || req.Path == "" {
		writeError(w, surfaceXray, http.StatusBadRequest, "repo and path are required")
		return
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	rp := e.repos[strings.ToLower(req.Repo)]
	if rp != nil && !p.can(actRead, rp.key) {
		writeError(w, surfaceXray, http.StatusForbidden, "User doesn't have permission to read the artifact")
		return
	}
	var it *item
	if rp != nil {
		it = rp.items[strings.Trim(req.Path, "/")]
	}
	if it == nil || it.folder {
		writeError(w, surfaceXray, http.StatusNotFound, "Artifact not found")
		return
	}
	e.xdb.mu.Lock()
	state, at := e.artifactState(rp, it)
	e.xdb.mu.Unlock()
	writeJSON(w, http.StatusOK, newStatus(state, at))
}
