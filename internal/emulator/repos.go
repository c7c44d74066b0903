package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
)

// repo is one repository: its config exactly as GET api/repositories/<key>
// returns it, plus its item tree.
type repo struct {
	key   string
	cfg   map[string]any
	items map[string]*item
}

func (rp *repo) str(k string) string {
	s, _ := rp.cfg[k].(string)
	return s
}

func (rp *repo) rclass() string      { return rp.str("rclass") }
func (rp *repo) packageType() string { return rp.str("packageType") }

// members returns a virtual repo's aggregated repository keys in order.
func (rp *repo) members() []string {
	var out []string
	if list, ok := rp.cfg["repositories"].([]any); ok {
		for _, v := range list {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// packageTypes maps the lower-case config value to the display name the list
// endpoint returns (reference §2.11: `type` UPPER, packageType display name).
var packageTypes = map[string]string{
	"alpine": "Alpine", "ansible": "Ansible", "bower": "Bower", "cargo": "Cargo", "chef": "Chef",
	"cocoapods": "CocoaPods", "composer": "Composer", "conan": "Conan", "conda": "Conda", "cran": "CRAN",
	"debian": "Debian", "docker": "Docker", "gems": "Gems", "generic": "Generic", "gitlfs": "GitLfs",
	"go": "Go", "gradle": "Gradle", "helm": "Helm", "helmoci": "HelmOCI", "huggingfaceml": "HuggingFaceML",
	"ivy": "Ivy", "maven": "Maven", "npm": "Npm", "nuget": "NuGet", "oci": "OCI", "opkg": "Opkg",
	"p2": "P2", "pub": "Pub", "puppet": "Puppet", "pypi": "PyPI", "rpm": "RPM", "sbt": "SBT",
	"swift": "Swift", "terraform": "Terraform", "vagrant": "Vagrant", "vcs": "VCS", "yum": "YUM",
}

var rclasses = map[string]bool{"local": true, "remote": true, "virtual": true, "federated": true}

// Repository keys: Artifactory allows letters, digits, '-', '_', '.', must
// not start with a dot or dash, at most 64 characters.
var repoKeyRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$`)

// reservedKeys would collide with Artifactory's own URL space.
var reservedKeys = map[string]bool{"api": true, "ui": true, "list": true, "webapp": true, "repo": true, "favicon.ico": true}

// layoutFor picks the repoLayoutRef Artifactory assigns by default.
func layoutFor(pt string) string {
	switch pt {
	case "maven", "gradle":
		return "maven-2-default"
	case "ivy":
		return "ivy-default"
	case "sbt":
		return "sbt-default"
	case "npm":
		return "npm-default"
	case "nuget":
		return "nuget-default"
	case "go":
		return "go-default"
	case "bower":
		return "bower-default"
	case "composer":
		return "composer-default"
	case "conan":
		return "conan-default"
	case "puppet":
		return "puppet-default"
	case "vcs":
		return "vcs-default"
	}
	return "simple-default"
}

// applyDefaults fills the fields a real GET returns even when the create
// request omitted them (reference §2.11).
func applyDefaults(cfg map[string]any) {
	set := func(k string, v any) {
		if _, ok := cfg[k]; !ok {
			cfg[k] = v
		}
	}
	pt, _ := cfg["packageType"].(string)
	set("description", "")
	set("notes", "")
	set("includesPattern", "**/*")
	set("excludesPattern", "")
	set("repoLayoutRef", layoutFor(pt))
	set("projectKey", "")
	set("environments", []any{})
	set("xrayIndex", false)
	set("blackedOut", false)
	set("propertySets", []any{})
	set("priorityResolution", false)
	set("cdnRedirect", false)
	set("downloadRedirect", false)
	switch cfg["rclass"] {
	case "local", "federated":
		set("archiveBrowsingEnabled", false)
		set("checksumPolicyType", "client-checksums")
		set("handleReleases", true)
		set("handleSnapshots", true)
		set("maxUniqueSnapshots", 0)
		set("snapshotVersionBehavior", "unique")
		set("suppressPomConsistencyChecks", pt != "maven")
		set("calculateYumMetadata", false)
		if cfg["rclass"] == "federated" {
			set("members", []any{})
		}
	case "remote":
		set("username", "")
		set("password", "")
		set("proxy", "")
		set("hardFail", false)
		set("offline", false)
		set("storeArtifactsLocally", true)
		set("socketTimeoutMillis", 15000)
		set("retrievalCachePeriodSecs", 7200)
		set("missedRetrievalCachePeriodSecs", 1800)
		set("unusedArtifactsCleanupPeriodHours", 0)
		set("assumedOfflinePeriodSecs", 300)
		set("shareConfiguration", false)
		set("synchronizeProperties", false)
		set("blockMismatchingMimeTypes", true)
		set("bypassHeadRequests", false)
		set("handleReleases", true)
		set("handleSnapshots", true)
		set("archiveBrowsingEnabled", false)
		set("queryParams", "")
		set("contentSynchronisation", map[string]any{"enabled": false,
			"statistics": map[string]any{"enabled": false}, "properties": map[string]any{"enabled": false}, "source": map[string]any{"originAbsenceDetection": false}})
	case "virtual":
		set("repositories", []any{})
		set("artifactoryRequestsCanRetrieveRemoteArtifacts", false)
		set("virtualRetrievalCachePeriodSecs", 7200)
	}
}

// decodeConfig parses a repository config body keeping numbers intact.
func decodeConfig(r io.Reader) (map[string]any, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var cfg map[string]any
	if err := dec.Decode(&cfg); err != nil {
		return nil, fmt.Errorf("Failed to parse repository configuration: %v", err)
	}
	if cfg == nil {
		return nil, fmt.Errorf("Failed to parse repository configuration: empty body")
	}
	return cfg, nil
}

// createRepo validates cfg and stores it under key. Must be called with e.mu held.
// Errors are 400 messages for the client.
func (e *Emulator) createRepo(key string, cfg map[string]any) error {
	if k, ok := cfg["key"].(string); ok && k != "" && k != key {
		return fmt.Errorf("Repository key in the URL ('%s') does not match the key in the body ('%s')", key, k)
	}
	if !repoKeyRE.MatchString(key) || reservedKeys[strings.ToLower(key)] {
		return fmt.Errorf("Invalid repository key '%s': must be at most 64 characters of letters, digits, '-', '_' and '.', not starting with '.' or '-'", key)
	}
	if e.repos[strings.ToLower(key)] != nil {
		return fmt.Errorf("Case insensitive repository key already exists")
	}
	cfg["key"] = key
	rc, _ := cfg["rclass"].(string)
	rc = strings.ToLower(rc)
	if !rclasses[rc] {
		return fmt.Errorf("Invalid repository class '%v': must be one of local, remote, virtual, federated", cfg["rclass"])
	}
	cfg["rclass"] = rc
	pt, _ := cfg["packageType"].(string)
	if pt == "" {
		pt = "generic" // what Artifactory assumes when packageType is omitted
	}
	pt = strings.ToLower(pt)
	if _, ok := packageTypes[pt]; !ok {
		return fmt.Errorf("Invalid package type '%s'", pt)
	}
	cfg["packageType"] = pt
	switch rc {
	case "remote":
		if u, _ := cfg["url"].(string); u == "" {
			return fmt.Errorf("Remote repository '%s' requires a url", key)
		}
	case "virtual":
		if err := e.checkVirtual(key, cfg); err != nil {
			return err
		}
	}
	applyDefaults(cfg)
	rp := &repo{key: key, cfg: cfg, items: map[string]*item{}}
	now := e.now()
	rp.items[""] = &item{path: "", folder: true, created: now, createdBy: AdminUsername, modified: now, modifiedBy: AdminUsername, updated: now, props: map[string][]string{}}
	e.repos[strings.ToLower(key)] = rp
	return nil
}

// checkVirtual validates a virtual repo's members and default deployment repo.
func (e *Emulator) checkVirtual(key string, cfg map[string]any) error {
	members := map[string]bool{}
	if list, ok := cfg["repositories"]; ok && list != nil {
		arr, ok := list.([]any)
		if !ok {
			return fmt.Errorf("'repositories' must be a list of repository keys")
		}
		for _, m := range arr {
			s, _ := m.(string)
			if e.repos[strings.ToLower(s)] == nil {
				return fmt.Errorf("Repository '%v' referenced by virtual repository '%s' does not exist", m, key)
			}
			members[strings.ToLower(s)] = true
		}
	}
	if d, _ := cfg["defaultDeploymentRepo"].(string); d != "" {
		target := e.repos[strings.ToLower(d)]
		if target == nil || !members[strings.ToLower(d)] || target.rclass() != "local" && target.rclass() != "federated" {
			return fmt.Errorf("Default deployment repository '%s' must be a local repository included in '%s'", d, key)
		}
	}
	return nil
}

// handleRepositories serves api/repositories[/<key>].
func (e *Emulator) handleRepositories(w http.ResponseWriter, r *http.Request, p *principal, key string) {
	if key == "" {
		if r.Method != http.MethodGet {
			writeError(w, surfaceArtifactory, http.StatusMethodNotAllowed, "Method Not Allowed")
			return
		}
		e.listRepos(w, r, p)
		return
	}
	switch r.Method {
	case http.MethodGet:
		e.mu.RLock()
		rp := e.repos[strings.ToLower(key)]
		var body []byte
		if rp != nil {
			body, _ = json.MarshalIndent(rp.cfg, "", "  ")
		}
		e.mu.RUnlock()
		if rp == nil {
			// 404 rather than the historical 400: we advertise a current 7.x
			// version and current servers answer 404 (reference §2.11 gaps;
			// terraform-provider-artifactory #1140). A JSON body is added for
			// debuggability even though real 404s here may be empty.
			writeError(w, surfaceArtifactory, http.StatusNotFound, fmt.Sprintf("Repository '%s' not found", key))
			return
		}
		if !p.can(actRead, rp.key) {
			writeError(w, surfaceArtifactory, http.StatusForbidden, fmt.Sprintf("You do not have read permission on repository '%s'", rp.key))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	case http.MethodPut, http.MethodPost, http.MethodDelete:
		if !p.isAdmin() {
			writeError(w, surfaceArtifactory, http.StatusForbidden, "Only an admin user can manage repositories")
			return
		}
		switch r.Method {
		case http.MethodPut:
			e.createRepoHandler(w, r, key)
		case http.MethodPost:
			e.updateRepoHandler(w, r, key)
		default:
			e.deleteRepoHandler(w, key)
		}
	default:
		writeError(w, surfaceArtifactory, http.StatusMethodNotAllowed, "Method Not Allowed")
	}
}

type repoListEntry struct {
	Key         string `json:"key"`
	Type        string `json:"type"`
	Description string `json:"description,omitempty"`
	URL         string `json:"url"`
	PackageType string `json:"packageType"`
}

func (e *Emulator) listRepos(w http.ResponseWriter, r *http.Request, p *principal) {
	q := r.URL.Query()
	wantType := strings.ToLower(q.Get("type"))
	wantPT := strings.ToLower(q.Get("packageType"))
	wantProject := q.Get("project")
	base := artifactoryBase(r)
	e.mu.RLock()
	out := []repoListEntry{}
	for _, rp := range e.repos {
		if !p.can(actRead, rp.key) {
			continue
		}
		if wantType != "" && rp.rclass() != wantType {
			continue
		}
		if wantPT != "" && rp.packageType() != wantPT {
			continue
		}
		if wantProject != "" && rp.str("projectKey") != wantProject {
			continue
		}
		out = append(out, repoListEntry{
			Key: rp.key, Type: strings.ToUpper(rp.rclass()), Description: rp.str("description"),
			URL: base + "/" + rp.key, PackageType: packageTypes[rp.packageType()],
		})
	}
	e.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Key) < strings.ToLower(out[j].Key) })
	writeJSON(w, http.StatusOK, out)
}

func (e *Emulator) createRepoHandler(w http.ResponseWriter, r *http.Request, key string) {
	cfg, err := decodeConfig(r.Body)
	if err != nil {
		writeError(w, surfaceArtifactory, http.StatusBadRequest, err.Error())
		return
	}
	e.mu.Lock()
	err = e.createRepo(key, cfg)
	e.mu.Unlock()
	if err != nil {
		writeError(w, surfaceArtifactory, http.StatusBadRequest, err.Error())
		return
	}
	writeText(w, http.StatusOK, fmt.Sprintf("Successfully created repository '%s'", key))
}

// immutableFields cannot change on update, as in Artifactory.
var immutableFields = []string{"key", "rclass", "packageType"}

func (e *Emulator) updateRepoHandler(w http.ResponseWriter, r *http.Request, key string) {
	patch, err := decodeConfig(r.Body)
	if err != nil {
		writeError(w, surfaceArtifactory, http.StatusBadRequest, err.Error())
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	rp := e.repos[strings.ToLower(key)]
	if rp == nil {
		writeError(w, surfaceArtifactory, http.StatusNotFound, fmt.Sprintf("Repository '%s' not found", key))
		return
	}
	for _, f := range immutableFields {
		if v, ok := patch[f]; ok && !strings.EqualFold(fmt.Sprint(v), fmt.Sprint(rp.cfg[f])) {
			writeError(w, surfaceArtifactory, http.StatusBadRequest, fmt.Sprintf("Field '%s' of repository '%s' cannot be changed", f, rp.key))
			return
		}
		delete(patch, f)
	}
	merged := make(map[string]any, len(rp.cfg))
	for k, v := range rp.cfg {
		merged[k] = v
	}
	for k, v := range patch {
		merged[k] = v
	}
	if rp.rclass() == "virtual" {
		if err := e.checkVirtual(rp.key, merged); err != nil {
			writeError(w, surfaceArtifactory, http.StatusBadRequest, err.Error())
			return
		}
	}
	rp.cfg = merged
	writeText(w, http.StatusOK, fmt.Sprintf("Repository %s update successfully.", rp.key))
}

func (e *Emulator) deleteRepoHandler(w http.ResponseWriter, key string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	rp := e.repos[strings.ToLower(key)]
	if rp == nil {
		writeError(w, surfaceArtifactory, http.StatusNotFound, fmt.Sprintf("Repository '%s' not found", key))
		return
	}
	delete(e.repos, strings.ToLower(key))
	prefix := rp.key + "/"
	for k := range e.lastDeploy {
		if strings.HasPrefix(k, prefix) {
			delete(e.lastDeploy, k)
		}
	}
	// Drop the repo from virtual repos that aggregated it, as Artifactory does.
	for _, v := range e.repos {
		if v.rclass() != "virtual" {
			continue
		}
		var keep []any
		for _, m := range v.members() {
			if !strings.EqualFold(m, rp.key) {
				keep = append(keep, m)
			}
		}
		if keep == nil {
			keep = []any{}
		}
		v.cfg["repositories"] = keep
		if d := v.str("defaultDeploymentRepo"); strings.EqualFold(d, rp.key) {
			delete(v.cfg, "defaultDeploymentRepo")
		}
	}
	writeText(w, http.StatusOK, fmt.Sprintf("Repository '%s' and all its content have been removed successfully.", rp.key))
}

// cloneConfig deep-copies a config via JSON so seed data is never aliased.
func cloneConfig(in map[string]any) (map[string]any, error) {
	b, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	return decodeConfig(bytes.NewReader(b))
}
