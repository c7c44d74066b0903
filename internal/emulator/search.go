package emulator

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Search endpoints of reference §2.7: quick (artifact), property, checksum
// and pattern search. All four read RawQuery by hand because property
// values may contain ';', which net/url refuses (reference §1.8.1).

// Content types from the JFrog REST docs ("Produces:").
const (
	ctArtifactSearch = "application/vnd.org.jfrog.artifactory.search.ArtifactSearchResult+json"
	ctPropSearch     = "application/vnd.org.jfrog.artifactory.search.MetadataSearchResult+json"
	ctChecksumSearch = "application/vnd.org.jfrog.artifactory.search.ChecksumSearchResult+json"
	ctPatternSearch  = "application/vnd.org.jfrog.artifactory.search.PatternResultFileSet+json"
)

const msgWildcardOnly = "Search term containing only wildcards is not permitted"

// searchResult is one hit. Without X-Result-Detail only uri is present;
// "info" adds the storage file-info fields (size a string, as there) and
// "properties" the properties map (values always arrays).
type searchResult struct {
	URI               string              `json:"uri"`
	DownloadURI       string              `json:"downloadUri,omitempty"`
	Repo              string              `json:"repo,omitempty"`
	Path              string              `json:"path,omitempty"`
	Created           string              `json:"created,omitempty"`
	CreatedBy         string              `json:"createdBy,omitempty"`
	LastModified      string              `json:"lastModified,omitempty"`
	ModifiedBy        string              `json:"modifiedBy,omitempty"`
	LastUpdated       string              `json:"lastUpdated,omitempty"`
	Size              string              `json:"size,omitempty"`
	MimeType          string              `json:"mimeType,omitempty"`
	Checksums         *checksumJSON       `json:"checksums,omitempty"`
	OriginalChecksums *checksumJSON       `json:"originalChecksums,omitempty"`
	Properties        map[string][]string `json:"properties,omitempty"`
}

// searchHit is a matched item copied out from under the lock.
type searchHit struct {
	repo string
	it   item
}

func (e *Emulator) handleSearch(w http.ResponseWriter, r *http.Request, p *principal, kind string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeError(w, surfaceArtifactory, http.StatusMethodNotAllowed, "Method Not Allowed")
		return
	}
	switch kind {
	case "artifact":
		e.quickSearch(w, r, p)
	case "prop":
		e.propSearch(w, r, p)
	case "checksum":
		e.checksumSearch(w, r, p)
	case "pattern":
		e.patternSearch(w, r, p)
	default:
		writeError(w, surfaceArtifactory, http.StatusNotFound, "Not Found")
	}
}

// quickSearch serves GET api/search/artifact?name=&repos=. The docs call it
// a search "by part of file name" and their sample finds lib-ver.pom for
// name=lib, so a term without wildcards matches anywhere in the name; with
// '*'/'?' it must match the whole name. Case-sensitive, files only. [G]
func (e *Emulator) quickSearch(w http.ResponseWriter, r *http.Request, p *principal) {
	_, q, _ := rawQueryParams(r.URL.RawQuery)
	name, err := url.QueryUnescape(q["name"])
	if err != nil {
		writeError(w, surfaceArtifactory, http.StatusBadRequest, "Invalid name parameter")
		return
	}
	if name == "" {
		writeError(w, surfaceArtifactory, http.StatusBadRequest, "The 'name' parameter is required") // [G] text
		return
	}
	if strings.Trim(name, "*?") == "" {
		writeError(w, surfaceArtifactory, http.StatusBadRequest, msgWildcardOnly)
		return
	}
	pattern := name
	if !strings.ContainsAny(name, "*?") {
		pattern = "*" + name + "*"
	}
	hits := e.searchItems(p, q["repos"], func(it *item) bool {
		return !it.folder && globMatch(pattern, it.name())
	})
	writeSearchResults(w, r, ctArtifactSearch, hits)
}

// propCriterion is one key of a property search: the item must have key
// with any of values (globs); no values means any value (docs: "assume *").
type propCriterion struct {
	key    string
	values []string
}

// propSearch serves GET api/search/prop?k=v1,v2&k2=...&repos=. Keys are
// ANDed, a key's comma-separated values ORed. Values are decoded like
// api/storage properties ('+' is a space, %2C or ',' separate values, a
// backslash escapes) and may contain a raw or encoded ';'. Folders with
// matching properties are returned too. [G]
func (e *Emulator) propSearch(w http.ResponseWriter, r *http.Request, p *principal) {
	var crit []propCriterion
	byKey := map[string]int{}
	repos := ""
	for _, part := range strings.Split(r.URL.RawQuery, "&") {
		if part == "" {
			continue
		}
		rk, rv, _ := strings.Cut(part, "=")
		key, err := url.QueryUnescape(rk)
		if err != nil || key == "" {
			writeError(w, surfaceArtifactory, http.StatusBadRequest, "Invalid property search parameter: "+part)
			return
		}
		if key == "repos" { // a filter, never a property name
			repos = rv
			continue
		}
		var values []string
		if rv != "" {
			cs, err := decodeChars(rv)
			if err != nil {
				writeError(w, surfaceArtifactory, http.StatusBadRequest, "Invalid property search parameter: "+part)
				return
			}
			values = splitValues(cs)
		}
		i, seen := byKey[key]
		if !seen {
			i = len(crit)
			byKey[key] = i
			crit = append(crit, propCriterion{key: key})
		}
		switch {
		case values == nil || (seen && crit[i].values == nil):
			crit[i].values = nil // any value wins over specific ones
		default:
			crit[i].values = append(crit[i].values, values...)
		}
	}
	if len(crit) == 0 {
		writeError(w, surfaceArtifactory, http.StatusBadRequest, "No properties were given to search by") // [G] text
		return
	}
	hits := e.searchItems(p, repos, func(it *item) bool {
		for _, c := range crit {
			have, ok := it.props[c.key]
			if !ok || !anyGlob(c.values, have) {
				return false
			}
		}
		return true
	})
	writeSearchResults(w, r, ctPropSearch, hits)
}

// anyGlob reports whether any of have matches any of patterns; no patterns
// means "any value".
func anyGlob(patterns, have []string) bool {
	if len(patterns) == 0 {
		return true
	}
	for _, pat := range patterns {
		for _, h := range have {
			if globMatch(pat, h) {
				return true
			}
		}
	}
	return false
}

// checksumSearch serves GET api/search/checksum?sha256=|sha1=|md5=&repos=.
// Several checksums given must all match. Files only.
func (e *Emulator) checksumSearch(w http.ResponseWriter, r *http.Request, p *principal) {
	_, q, _ := rawQueryParams(r.URL.RawQuery)
	var want checksums
	for _, f := range []struct {
		name string
		dst  *string
	}{{"sha256", &want.SHA256}, {"sha1", &want.SHA1}, {"md5", &want.MD5}} {
		v, err := url.QueryUnescape(q[f.name])
		if err != nil {
			writeError(w, surfaceArtifactory, http.StatusBadRequest, "Invalid "+f.name+" parameter")
			return
		}
		*f.dst = strings.ToLower(strings.TrimSpace(v))
	}
	if want.SHA256 == "" && want.SHA1 == "" && want.MD5 == "" {
		writeError(w, surfaceArtifactory, http.StatusBadRequest, "A sha256, sha1 or md5 parameter is required") // [G] text
		return
	}
	hits := e.searchItems(p, q["repos"], func(it *item) bool {
		return !it.folder &&
			(want.SHA256 == "" || want.SHA256 == it.sums.SHA256) &&
			(want.SHA1 == "" || want.SHA1 == it.sums.SHA1) &&
			(want.MD5 == "" || want.MD5 == it.sums.MD5)
	})
	writeSearchResults(w, r, ctChecksumSearch, hits)
}

// patternSearch serves GET api/search/pattern?pattern=<repo>:<ant pattern>.
// '*' and '?' match within one path segment; "**" is refused, as the docs
// say it is not supported. Files only, paths relative to the repo.
func (e *Emulator) patternSearch(w http.ResponseWriter, r *http.Request, p *principal) {
	_, q, _ := rawQueryParams(r.URL.RawQuery)
	full, err := url.QueryUnescape(q["pattern"])
	repoKey, pat, ok := strings.Cut(full, ":")
	if err != nil || !ok || repoKey == "" {
		writeError(w, surfaceArtifactory, http.StatusBadRequest, "The pattern must look like <repo-key>:<path pattern>") // [G] text
		return
	}
	pat = strings.Trim(pat, "/")
	segs := strings.Split(pat, "/")
	for _, s := range segs {
		if strings.Contains(s, "**") {
			writeError(w, surfaceArtifactory, http.StatusBadRequest, "Pattern '**' is not supported") // [G] text
			return
		}
	}
	e.mu.RLock()
	asked := e.repos[strings.ToLower(repoKey)]
	e.mu.RUnlock()
	if asked == nil {
		writeError(w, surfaceArtifactory, http.StatusNotFound, "Repository '"+repoKey+"' not found") // [G]
		return
	}
	if !p.can(actRead, asked.key) {
		writeError(w, surfaceArtifactory, http.StatusForbidden, "Not enough permissions to read '"+asked.key+"'") // [G]
		return
	}
	hits := e.searchItems(p, url.QueryEscape(asked.key), func(it *item) bool {
		if it.folder || pat == "" {
			return false
		}
		parts := strings.Split(it.path, "/")
		if len(parts) != len(segs) {
			return false
		}
		for i := range parts {
			if !globMatch(segs[i], parts[i]) {
				return false
			}
		}
		return true
	})
	files := []string{}
	seen := map[string]bool{}
	for _, h := range hits {
		if !seen[h.it.path] { // a virtual repo's members may hold the same path
			seen[h.it.path] = true
			files = append(files, h.it.path)
		}
	}
	sort.Strings(files)
	writeJSONType(w, http.StatusOK, ctPatternSearch, map[string]any{
		"repositoryUri": artifactoryBase(r) + "/" + asked.key,
		"sourcePattern": asked.key + ":" + pat,
		"files":         files,
	})
}

// searchItems returns the items matching match in the repositories the
// caller may read, sorted by repo then path. reposRaw is the still-escaped
// repos= value: a comma list that narrows the search; unknown or unreadable
// keys are skipped silently (real servers filter by permission the same
// way; their answer for an unknown key is unverified [G]). A virtual repo
// stands for its members, each checked for read on its own.
func (e *Emulator) searchItems(p *principal, reposRaw string, match func(*item) bool) []searchHit {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var scope []*repo
	if reposRaw == "" {
		for _, rp := range e.repos {
			scope = append(scope, rp)
		}
	} else {
		dec, _ := url.QueryUnescape(reposRaw)
		for _, k := range strings.Split(dec, ",") {
			scope = append(scope, e.physicalRepos(strings.TrimSpace(k), 0)...)
		}
	}
	seen := map[string]bool{}
	var hits []searchHit
	for _, rp := range scope {
		if seen[rp.key] || rp.rclass() == "virtual" || !p.can(actRead, rp.key) {
			continue
		}
		seen[rp.key] = true
		for _, it := range rp.items {
			if match(it) {
				cp := *it
				cp.props = copyProps(it.props)
				hits = append(hits, searchHit{repo: rp.key, it: cp})
			}
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].repo != hits[j].repo {
			return hits[i].repo < hits[j].repo
		}
		return hits[i].it.path < hits[j].it.path
	})
	return hits
}

// physicalRepos expands key to the repos that hold items: itself, or a
// virtual repo's members (recursively). Must be called with e.mu held.
func (e *Emulator) physicalRepos(key string, depth int) []*repo {
	rp := e.repos[strings.ToLower(key)]
	if rp == nil || depth > 8 {
		return nil
	}
	if rp.rclass() != "virtual" {
		return []*repo{rp}
	}
	var out []*repo
	for _, m := range rp.members() {
		out = append(out, e.physicalRepos(m, depth+1)...)
	}
	return out
}

// writeSearchResults renders {"results":[...]} honouring X-Result-Detail
// ("info", "properties" or "info, properties").
func writeSearchResults(w http.ResponseWriter, r *http.Request, contentType string, hits []searchHit) {
	var info, props bool
	for _, d := range strings.Split(r.Header.Get("X-Result-Detail"), ",") {
		switch strings.ToLower(strings.TrimSpace(d)) {
		case "info":
			info = true
		case "properties":
			props = true
		}
	}
	base := artifactoryBase(r)
	results := make([]searchResult, 0, len(hits))
	for _, h := range hits {
		it := h.it
		res := searchResult{URI: strings.TrimSuffix(base+"/api/storage/"+h.repo+"/"+escapePath(it.path), "/")}
		if info {
			res.Repo, res.Path = h.repo, "/"+it.path
			res.Created, res.CreatedBy = fmtTime(it.created), it.createdBy
			res.LastModified, res.ModifiedBy, res.LastUpdated = fmtTime(it.modified), it.modifiedBy, fmtTime(it.updated)
			if !it.folder {
				res.DownloadURI = base + "/" + h.repo + "/" + escapePath(it.path)
				res.Size, res.MimeType = strconv.FormatInt(it.size, 10), it.mimeType
				res.Checksums, res.OriginalChecksums = sumsJSON(it.sums), sumsJSON(it.orig)
			}
		}
		if props && len(it.props) > 0 {
			res.Properties = it.props
		}
		results = append(results, res)
	}
	writeJSONType(w, http.StatusOK, contentType, map[string]any{"results": results})
}

// globMatch matches s against a pattern where '*' is any run of characters
// (including none) and '?' exactly one character; everything else is
// literal. Unlike path.Match, '[' and '\' are not special, because search
// terms and property values are plain text.
func globMatch(pattern, s string) bool {
	pr, sr := []rune(pattern), []rune(s)
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(sr) {
		switch {
		case pi < len(pr) && (pr[pi] == '?' || pr[pi] == sr[si]):
			pi++
			si++
		case pi < len(pr) && pr[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(pr) && pr[pi] == '*' {
		pi++
	}
	return pi == len(pr)
}
