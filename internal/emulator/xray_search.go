package emulator

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// matchAny reports whether s matches one of the globs ('*' and '?').
func matchAny(globs []string, s string) bool {
	for _, g := range globs {
		if globMatch(g, s) {
			return true
		}
	}
	return false
}

// handleSearchByCVEs serves POST api/v1/component/searchByCves (reference
// §3.6). It needs the Manage Reports role, which the emulator grants admins.
func (e *Emulator) handleSearchByCVEs(w http.ResponseWriter, r *http.Request, p *principal) {
	if !p.isAdmin() {
		writeError(w, surfaceXray, http.StatusForbidden, "User is not permitted to search components (Manage Reports role required)")
		return
	}
	var req struct {
		CVEs []string `json:"cves"`
	}
	if !readXrayJSON(w, r, &req) {
		return
	}
	if len(req.CVEs) == 0 {
		writeError(w, surfaceXray, http.StatusBadRequest, "cves is required")
		return
	}
	type comp struct {
		Name        string `json:"name"`
		PackageType string `json:"package_type"`
		Version     string `json:"version"`
		Link        string `json:"link"`
	}
	type result struct {
		CVE        string `json:"cve_details"`
		Components []comp `json:"components"`
	}
	db := e.xdb
	db.mu.Lock()
	defer db.mu.Unlock()
	out := []result{}
	for _, cve := range req.CVEs {
		res := result{CVE: cve, Components: []comp{}}
		seen := map[string]bool{}
		for _, v := range db.vulns {
			if !hasCVE(v, cve) {
				continue
			}
			for _, c := range v.Components {
				if seen[c.ID] {
					continue
				}
				seen[c.ID] = true
				pt, name, ver, _ := splitComponentID(c.ID)
				res.Components = append(res.Components, comp{Name: name, PackageType: pt, Version: ver,
					Link: xrayUIBase(r) + "/ui/component/" + strings.ReplaceAll(c.ID, "://", "/")})
			}
		}
		out = append(out, res)
	}
	writeJSON(w, http.StatusOK, out)
}

func hasCVE(v SeedVulnerability, cve string) bool {
	for _, c := range v.CVEs {
		if strings.EqualFold(c.CVE, cve) {
			return true
		}
	}
	return false
}

type violationsReq struct {
	Filters struct {
		WatchName   string `json:"watch_name"`
		MinSeverity string `json:"min_severity"`
		CVEID       string `json:"cve_id"`
		IssueID     string `json:"issue_id"`
		Resources   struct {
			Artifacts []struct {
				Repo string `json:"repo"`
				Path string `json:"path"`
			} `json:"artifacts"`
		} `json:"resources"`
	} `json:"filters"`
	Pagination struct {
		Limit  int `json:"limit"`
		Offset int `json:"offset"`
	} `json:"pagination"`
}

type violation struct {
	ViolationID        string           `json:"violation_id"`
	IssueID            string           `json:"issue_id"`
	Type               string           `json:"type"`
	WatchName          string           `json:"watch_name"`
	Severity           string           `json:"severity"`
	Created            string           `json:"created"`
	Description        string           `json:"description"`
	Summary            string           `json:"summary"`
	Provider           string           `json:"provider"`
	InfectedComponents []string         `json:"infected_components"`
	InfectedVersions   []string         `json:"infected_versions"`
	ImpactArtifacts    []string         `json:"impact_artifacts"`
	MatchedPolicies    []map[string]any `json:"matched_policies"`
	Properties         []summaryCVE     `json:"properties"`
	FixVersions        []string         `json:"fix_versions"`
}

// handleViolations serves POST api/v1/violations for the artifacts in the
// repositories a watch covers whose scan is done (reference §3.8).
func (e *Emulator) handleViolations(w http.ResponseWriter, r *http.Request, p *principal) {
	var req violationsReq
	if !readXrayJSON(w, r, &req) {
		return
	}
	f := req.Filters
	if f.MinSeverity != "" && severityRank(f.MinSeverity) < 0 {
		writeError(w, surfaceXray, http.StatusBadRequest, "Invalid min_severity: "+f.MinSeverity)
		return
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	db := e.xdb
	db.mu.Lock()
	defer db.mu.Unlock()
	var watches []SeedWatch
	for _, wt := range db.watches {
		if f.WatchName == "" || wt.Name == f.WatchName {
			watches = append(watches, wt)
		}
	}
	if f.WatchName != "" && len(watches) == 0 {
		writeError(w, surfaceXray, http.StatusNotFound, fmt.Sprintf("Watch %s not found", f.WatchName))
		return
	}
	want := map[string]bool{}
	for _, a := range f.Resources.Artifacts {
		want[strings.ToLower(a.Repo)+"/"+strings.Trim(a.Path, "/")] = true
	}
	all := []violation{}
	keys := make([]string, 0, len(e.repos))
	for k := range e.repos {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, wt := range watches {
		for _, k := range keys {
			rp := e.repos[k]
			if !matchAny(wt.Repos, rp.key) || !p.can(actRead, rp.key) {
				continue
			}
			paths := make([]string, 0, len(rp.items))
			for ip := range rp.items {
				paths = append(paths, ip)
			}
			sort.Strings(paths)
			for _, ip := range paths {
				it := rp.items[ip]
				if it.folder || (len(want) > 0 && !want[k+"/"+ip]) {
					continue
				}
				c := db.contentOf(it)
				if state, _ := e.artifactState(rp, it); c == nil || state != xrayDone {
					continue
				}
				all = append(all, db.violationsOf(wt, f.MinSeverity, f.CVEID, f.IssueID, c, "default/"+rp.key+"/"+ip)...)
			}
		}
	}
	total := len(all)
	page := all
	if off := req.Pagination.Offset; off > 0 {
		page = page[min(off, len(page)):]
	}
	if l := req.Pagination.Limit; l > 0 && l < len(page) {
		page = page[:l]
	}
	writeJSON(w, http.StatusOK, map[string]any{"total_violations": total, "violations": page})
}

func (db *xrayDB) violationsOf(wt SeedWatch, minSev, cve, issueID string, c *xrayContent, ident string) []violation {
	floor := max(severityRank(firstNonEmpty(wt.MinSeverity, "Low")), severityRank(firstNonEmpty(minSev, "Unknown")))
	var out []violation
	for _, is := range db.issuesFor(c.components) {
		if severityRank(is.v.Severity) < floor || (cve != "" && !hasCVE(is.v, cve)) || (issueID != "" && is.v.IssueID != issueID) {
			continue
		}
		v := violation{ViolationID: fmt.Sprintf("%x", []byte(wt.Name+ident+is.v.IssueID))[:32], IssueID: is.v.IssueID, Type: "Security",
			WatchName: wt.Name, Severity: is.v.Severity, Created: firstNonEmpty(is.v.Created, "2021-12-10T00:00:00.000Z"),
			Description: is.v.Summary, Summary: is.v.Summary, Provider: "JFrog", ImpactArtifacts: []string{ident},
			MatchedPolicies: []map[string]any{{"policy": wt.Name + "-policy", "rule": "min-severity", "is_blocking": wt.FailBuild, "is_build_failed": wt.FailBuild}},
			Properties:      []summaryCVE{}, FixVersions: []string{}}
		for _, ac := range is.comps {
			_, _, ver, _ := splitComponentID(ac.ID)
			v.InfectedComponents = append(v.InfectedComponents, ac.ID)
			v.InfectedVersions = append(v.InfectedVersions, ver)
			v.FixVersions = append(v.FixVersions, ac.FixedVersions...)
		}
		for _, c := range is.v.CVEs {
			v.Properties = append(v.Properties, summaryCVE(c))
		}
		out = append(out, v)
	}
	return out
}
