package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// noFailBuildPolicy is Xray's 200 info when no watch with a fail-build rule
// covers the build; the scan still runs (reference §3.4). JCG matches it.
const noFailBuildPolicy = "No Xray “Fail build in case of a violation” policy rule has been defined on this build. " +
	"The Xray scan will run in parallel to the deployment of the build and will not obstruct the build. " +
	"To review the Xray scan results, see the Xray Violations tab in the UI."

type buildScanReq struct {
	BuildName   string `json:"build_name"`
	BuildNumber string `json:"build_number"`
	Project     string `json:"project"`
	Rescan      bool   `json:"rescan"`
}

func notInArtifactory(name, number string) map[string]string {
	return map[string]string{"info": fmt.Sprintf("Build %s number %s wasn't found in Artifactory", name, number)}
}

// handleBuildScanTrigger serves POST api/v2/ci/build. A trigger while a scan
// of the build runs does not start another one (unless rescan); every
// trigger is counted for tests.
func (e *Emulator) handleBuildScanTrigger(w http.ResponseWriter, r *http.Request) {
	var req buildScanReq
	if !readXrayJSON(w, r, &req) {
		return
	}
	if req.BuildName == "" || req.BuildNumber == "" {
		writeError(w, surfaceXray, http.StatusBadRequest, "build_name and build_number are required")
		return
	}
	project := firstNonEmpty(req.Project, r.URL.Query().Get("projectKey"))
	e.mu.RLock()
	defer e.mu.RUnlock()
	db := e.xdb
	db.mu.Lock()
	defer db.mu.Unlock()
	db.triggers[buildKey(req.BuildName, req.BuildNumber, project)]++
	b := e.buildOf(req.BuildName, req.BuildNumber, project)
	if b == nil {
		writeJSON(w, http.StatusNotFound, notInArtifactory(req.BuildName, req.BuildNumber))
		return
	}
	if state, _ := e.buildState(b); state != xrayScanning || req.Rescan {
		b.started = e.xnow()
	}
	if !db.failBuildWatched(b.seed.Name) {
		writeJSON(w, http.StatusOK, map[string]string{"info": noFailBuildPolicy})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"info": fmt.Sprintf("Scan of build name '%s', build number '%s' is in progress", req.BuildName, req.BuildNumber)})
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// handleBuildScanResult serves both poll endpoints: POST
// api/v2/ci/build/scanResult (Xray ≥ 3.77) with the trigger's body, and GET
// api/v2/ci/build/<name>/<number>. 202 while scanning, 200 when done.
func (e *Emulator) handleBuildScanResult(w http.ResponseWriter, r *http.Request, segs []string) {
	var req buildScanReq
	if segs == nil {
		if !readXrayJSON(w, r, &req) {
			return
		}
	} else {
		if len(segs) != 2 {
			writeError(w, surfaceXray, http.StatusNotFound, "Not Found")
			return
		}
		var err1, err2 error
		req.BuildName, err1 = url.PathUnescape(segs[0])
		req.BuildNumber, err2 = url.PathUnescape(segs[1])
		if err1 != nil || err2 != nil {
			writeError(w, surfaceXray, http.StatusBadRequest, "Invalid build name or number")
			return
		}
	}
	if req.BuildName == "" || req.BuildNumber == "" {
		writeError(w, surfaceXray, http.StatusBadRequest, "build_name and build_number are required")
		return
	}
	q := r.URL.Query()
	project := firstNonEmpty(req.Project, q.Get("projectKey"))
	e.mu.RLock()
	defer e.mu.RUnlock()
	db := e.xdb
	db.mu.Lock()
	defer db.mu.Unlock()
	b := e.buildOf(req.BuildName, req.BuildNumber, project)
	if b == nil {
		writeJSON(w, http.StatusNotFound, notInArtifactory(req.BuildName, req.BuildNumber))
		return
	}
	switch state, _ := e.buildState(b); state {
	case "":
		writeError(w, surfaceXray, http.StatusNotFound, fmt.Sprintf("No scan was found for build name '%s', build number '%s'", req.BuildName, req.BuildNumber))
		return
	case xrayScanning:
		writeJSON(w, http.StatusAccepted, map[string]string{"info": "Build scan is in progress"})
		return
	}
	issues := db.issuesFor(b.components)
	violations := db.buildViolations(b, issues)
	fail := false
	for _, v := range violations {
		fail = fail || v.FailBuild
	}
	resp := map[string]any{
		"build_name": req.BuildName, "build_number": req.BuildNumber, "status": "completed",
		"more_details_url": fmt.Sprintf("%s/ui/builds/%s/%s/1/xrayData?buildRepo=artifactory-build-info", xrayUIBase(r), url.PathEscape(req.BuildName), url.PathEscape(req.BuildNumber)),
		"fail_build":       fail, "violations": violations, "info": "",
	}
	if q.Get("include_vulnerabilities") == "true" {
		vulns := make([]scanVuln, 0, len(issues))
		for _, is := range issues {
			vulns = append(vulns, newScanVuln(is, b))
		}
		resp["vulnerabilities"] = vulns
	}
	writeJSON(w, http.StatusOK, resp)
}

func xrayUIBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/xray"
}

type scanCVE struct {
	CVE          string `json:"cve"`
	CVSSv2Score  string `json:"cvss_v2_score,omitempty"`
	CVSSv2Vector string `json:"cvss_v2_vector,omitempty"`
	CVSSv3Score  string `json:"cvss_v3_score,omitempty"`
	CVSSv3Vector string `json:"cvss_v3_vector,omitempty"`
}

type scanComponent struct {
	PackageName    string                `json:"package_name"`
	PackageVersion string                `json:"package_version"`
	PackageType    string                `json:"package_type"`
	FixedVersions  []string              `json:"fixed_versions"`
	ImpactPaths    [][]map[string]string `json:"impact_paths"`
}

type scanVuln struct {
	CVEs       []scanCVE                `json:"cves"`
	Summary    string                   `json:"summary"`
	Severity   string                   `json:"severity"`
	IssueID    string                   `json:"issue_id"`
	References []string                 `json:"references"`
	Provider   string                   `json:"provider"`
	Components map[string]scanComponent `json:"components"`
}

type scanViolation struct {
	scanVuln
	Type      string           `json:"type"`
	WatchName string           `json:"watch_name"`
	FailBuild bool             `json:"fail_build"`
	Policies  []map[string]any `json:"policies"`
}

// splitCVSS turns "7.5/CVSS:3.1/AV:N/..." into score and vector.
func splitCVSS(s string) (string, string) {
	score, vector, _ := strings.Cut(s, "/")
	return score, vector
}

func newScanVuln(is xrayIssue, b *xrayBuild) scanVuln {
	v := scanVuln{Summary: is.v.Summary, Severity: is.v.Severity, IssueID: is.v.IssueID, References: []string{}, Provider: "JFrog",
		CVEs: []scanCVE{}, Components: map[string]scanComponent{}}
	for _, c := range is.v.CVEs {
		sc := scanCVE{CVE: c.CVE}
		sc.CVSSv2Score, sc.CVSSv2Vector = splitCVSS(c.CVSSv2)
		sc.CVSSv3Score, sc.CVSSv3Vector = splitCVSS(c.CVSSv3)
		v.CVEs = append(v.CVEs, sc)
	}
	for _, c := range is.comps {
		pt, name, ver, _ := splitComponentID(c.ID)
		v.Components[c.ID] = scanComponent{PackageName: name, PackageVersion: ver, PackageType: pt, FixedVersions: nonNil(c.FixedVersions),
			ImpactPaths: [][]map[string]string{{{"component_id": "build://" + b.seed.Name + ":" + b.seed.Number}, {"component_id": c.ID}}}}
	}
	return v
}

// buildViolations are the issues at or above the severity of each watch
// that covers the build.
func (db *xrayDB) buildViolations(b *xrayBuild, issues []xrayIssue) []scanViolation {
	out := []scanViolation{}
	for _, wt := range db.watches {
		if !matchAny(wt.Builds, b.seed.Name) {
			continue
		}
		for _, is := range issues {
			if severityRank(is.v.Severity) < severityRank(firstNonEmpty(wt.MinSeverity, "Low")) {
				continue
			}
			out = append(out, scanViolation{scanVuln: newScanVuln(is, b), Type: "security", WatchName: wt.Name, FailBuild: wt.FailBuild,
				Policies: []map[string]any{{"policy": wt.Name + "-policy", "rule": "min-severity", "is_blocking": wt.FailBuild}}})
		}
	}
	return out
}

func (db *xrayDB) failBuildWatched(build string) bool {
	for _, wt := range db.watches {
		if wt.FailBuild && matchAny(wt.Builds, build) {
			return true
		}
	}
	return false
}

// handleBuildSummary serves GET api/v{1,2}/summary/build. A build without a
// finished scan is an errors[] entry with a 200, as for artifacts.
func (e *Emulator) handleBuildSummary(w http.ResponseWriter, r *http.Request, v2 bool) {
	q := r.URL.Query()
	name, number, project := q.Get("build_name"), q.Get("build_number"), q.Get("projectKey")
	if name == "" || number == "" {
		writeError(w, surfaceXray, http.StatusBadRequest, "build_name and build_number are required")
		return
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	db := e.xdb
	db.mu.Lock()
	defer db.mu.Unlock()
	ident := name + "/" + number
	resp := map[string]any{"build": map[string]string{"name": name, "number": number, "project": project},
		"issues": []summaryIssue{}, "licenses": []summaryLicense{}}
	b := e.buildOf(name, number, project)
	state := ""
	if b != nil {
		state, _ = e.buildState(b)
	}
	if state != xrayDone {
		resp["errors"] = []summaryError{{Identifier: ident, Error: "Build doesn't exist or not indexed/cached in Xray"}}
		writeJSON(w, http.StatusOK, resp)
		return
	}
	resp["issues"] = db.summaryIssues(b.components, "default/artifactory-build-info/"+name+"/"+number, v2)
	resp["licenses"] = db.summaryLicenses(b.components)
	writeJSON(w, http.StatusOK, resp)
}

// handleBuildStatus serves POST api/v1/build/status (reference §3.5).
func (e *Emulator) handleBuildStatus(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name    string `json:"name"`
		Number  string `json:"number"`
		Project string `json:"project"`
	}
	if !readXrayJSON(w, r, &req) {
		return
	}
	if req.Name == "" || req.Number == "" {
		writeError(w, surfaceXray, http.StatusBadRequest, "name and number are required")
		return
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	db := e.xdb
	db.mu.Lock()
	defer db.mu.Unlock()
	b := e.buildOf(req.Name, req.Number, req.Project)
	if b == nil {
		writeError(w, surfaceXray, http.StatusNotFound, "Build not found")
		return
	}
	state, at := e.buildState(b)
	if state == "" {
		state = xrayNotScanned
	}
	writeJSON(w, http.StatusOK, newStatus(state, at))
}
