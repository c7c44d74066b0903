package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Builds (reference §2.10). Build info lives where a real server keeps it:
// as JSON files in the build-info repository, "artifactory-build-info" or
// "<project>-build-info", at <name>/<number>-<startedMillis>.json with the
// name and number encoded the way JFrog's client looks them up
// (encodeForBuildInfoRepository). Everything else — runs, LATEST, AQL —
// is derived from those files, so a client resolving LATEST with AQL
// (JCG GetLatestBuildNumberFromArtifactory) sees what it would on a server.
//
// Permissions: reading a build needs read on its build-info repository,
// publishing needs write (deploy) there, and replacing a run with the
// same started time needs delete too, as for any artifact.

const (
	defaultBuildRepo = "artifactory-build-info"
	buildRepoSuffix  = "-build-info"
	// buildTimeLayout is build-info's "started" format: an offset without a
	// colon (build-info-go entities.TimeFormat).
	buildTimeLayout = "2006-01-02T15:04:05.000-0700"
	// maxBuildInfoBody bounds a publish body; real build infos with
	// thousands of artifacts are a few MiB.
	maxBuildInfoBody = 32 << 20
)

// buildRepoKey is the build-info repository of project ("" or "default":
// the platform's own), as JCG GetBuildInfoRepositoryByProject computes it.
func buildRepoKey(project string) string {
	if project == "" || project == "default" {
		return defaultBuildRepo
	}
	return project + buildRepoSuffix
}

// buildAQLSpecials are the characters JCG percent-encodes in build names
// and numbers when it queries the build-info repository.
var buildAQLSpecials = map[rune]string{
	'/': "%2F", '\\': "%5C", '|': "%7C", '*': "%2A", '?': "%3F", '\'': "%22", ':': "%3A", ';': "%3B", '%': "%25",
}

// encodeBuildSegment is how a build name or number is spelt in the
// build-info repository (JCG encodeForBuildInfoRepository): whitespace
// becomes a space, specials are percent-encoded, and a space next to an
// encoded slash is encoded too.
func encodeBuildSegment(v string) string {
	var b strings.Builder
	for _, c := range v {
		if unicode.IsSpace(c) {
			c = ' '
		}
		if enc, ok := buildAQLSpecials[c]; ok {
			b.WriteString(enc)
		} else {
			b.WriteRune(c)
		}
	}
	s := strings.ReplaceAll(b.String(), "%2F ", "%2F%20")
	return strings.ReplaceAll(s, " %2F", "%20%2F")
}

// buildRun is one stored build info.
type buildRun struct {
	repo        *repo
	path        string
	name        string
	number      string
	started     time.Time
	startedText string
	doc         map[string]any // the stored JSON
}

// parseStarted accepts build-info's format and RFC 3339.
func parseStarted(s string) (time.Time, error) {
	for _, layout := range []string{buildTimeLayout, time.RFC3339Nano, "2006-01-02T15:04:05.000Z0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid started time %q", s)
}

// readBuildDoc loads the JSON of a build-info file.
func (e *Emulator) readBuildDoc(it *item) (map[string]any, error) {
	f, err := e.blobs.open(it.sums.SHA256)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := json.NewDecoder(io.LimitReader(f, maxBuildInfoBody))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// buildRuns returns the runs stored in repo rp, newest started first; name
// "" means every build. Must be called with e.mu held.
func (e *Emulator) buildRuns(rp *repo, name string) []*buildRun {
	if rp == nil {
		return nil
	}
	var out []*buildRun
	for p, it := range rp.items {
		if it.folder || !strings.HasSuffix(p, ".json") {
			continue
		}
		if name != "" && parentPath(p) != encodeBuildSegment(name) {
			continue
		}
		doc, err := e.readBuildDoc(it)
		if err != nil {
			continue // not a build info; real servers would not have stored it
		}
		r := &buildRun{repo: rp, path: p, doc: doc}
		r.name, _ = doc["name"].(string)
		r.number, _ = doc["number"].(string)
		r.startedText, _ = doc["started"].(string)
		r.started, _ = parseStarted(r.startedText)
		if r.name == "" || (name != "" && r.name != name) {
			continue
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].started.Equal(out[j].started) {
			return out[i].started.After(out[j].started)
		}
		return out[i].path > out[j].path
	})
	return out
}

// findRun returns the newest run of name/number (or the one started at
// started when given). Must be called with e.mu held.
func (e *Emulator) findRun(key, name, number, started string) *buildRun {
	var want time.Time
	if started != "" {
		t, err := parseStarted(started)
		if err != nil {
			return nil
		}
		want = t
	}
	for _, r := range e.buildRuns(e.repos[strings.ToLower(key)], name) {
		if r.number == number && (started == "" || r.started.Equal(want)) {
			return r
		}
	}
	return nil
}

// buildRepoOf is the build-info repository a request is about: buildRepo=
// names it, else project= selects "<project>-build-info", else the
// platform's own.
func buildRepoOf(r *http.Request) string {
	q := r.URL.Query()
	if k := q.Get("buildRepo"); k != "" {
		return k
	}
	return buildRepoKey(q.Get("project"))
}

// handleBuilds serves api/build[/...]; rest is the escaped path below it.
func (e *Emulator) handleBuilds(w http.ResponseWriter, r *http.Request, p *principal, rest string) {
	key := buildRepoOf(r)
	if !strings.HasSuffix(key, buildRepoSuffix) {
		// Only build-info repositories hold builds; anything else would
		// store build JSON among artifacts.
		writeError(w, surfaceArtifactory, http.StatusBadRequest, fmt.Sprintf("'%s' is not a build-info repository", key)) // [G] text
		return
	}
	switch {
	case rest == "" && r.Method == http.MethodPut:
		e.publishBuild(w, r, p, key)
	case rest == "" && r.Method == http.MethodGet:
		e.listBuilds(w, r, p, key)
	case strings.HasPrefix(rest, "promote/") && r.Method == http.MethodPost:
		e.promoteBuild(w, r, p, key, strings.TrimPrefix(rest, "promote/"))
	case rest == "delete" && r.Method == http.MethodPost:
		e.deleteBuilds(w, r, p)
	case rest != "" && r.Method == http.MethodGet:
		segs := strings.Split(rest, "/")
		for i, s := range segs {
			u, err := url.PathUnescape(s)
			if err != nil {
				writeError(w, surfaceArtifactory, http.StatusBadRequest, "Invalid build path")
				return
			}
			segs[i] = u
		}
		if len(segs) == 1 {
			e.listBuildRuns(w, r, p, key, segs[0])
			return
		}
		// A name may hold slashes (JCG joins it into the path unescaped);
		// the number is the last segment.
		e.getBuild(w, r, p, key, strings.Join(segs[:len(segs)-1], "/"), segs[len(segs)-1])
	default:
		writeError(w, surfaceArtifactory, http.StatusMethodNotAllowed, "Method Not Allowed")
	}
}

// publishBuild stores a build info (PUT api/build). 204 on success.
func (e *Emulator) publishBuild(w http.ResponseWriter, r *http.Request, p *principal, key string) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBuildInfoBody+1))
	if err != nil {
		writeError(w, surfaceArtifactory, http.StatusBadRequest, "Failed to read the build info: "+err.Error())
		return
	}
	if len(body) > maxBuildInfoBody {
		writeError(w, surfaceArtifactory, http.StatusRequestEntityTooLarge, "Build info is too large")
		return
	}
	e.recordBuildBody(body)
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		writeError(w, surfaceArtifactory, http.StatusBadRequest, "Invalid build info: "+err.Error()) // [G] text
		return
	}
	name, _ := doc["name"].(string)
	number, _ := doc["number"].(string)
	started, _ := doc["started"].(string)
	if strings.TrimSpace(name) == "" || strings.TrimSpace(number) == "" {
		writeError(w, surfaceArtifactory, http.StatusBadRequest, "Build name and number are required") // [G] text
		return
	}
	st, err := parseStarted(started)
	if err != nil {
		writeError(w, surfaceArtifactory, http.StatusBadRequest, "Build started time is missing or invalid: '"+started+"'") // [G] text
		return
	}
	delete(doc, "statuses") // promotion history is the server's, never the client's
	stored, err := json.Marshal(doc)
	if err != nil {
		writeError(w, surfaceArtifactory, http.StatusInternalServerError, err.Error())
		return
	}
	path := encodeBuildSegment(name) + "/" + encodeBuildSegment(number) + "-" + strconv.FormatInt(st.UnixMilli(), 10) + ".json"

	e.mu.Lock()
	defer e.mu.Unlock()
	rp, status, msg := e.ensureBuildRepo(key)
	if rp == nil {
		writeError(w, surfaceArtifactory, status, msg)
		return
	}
	if !p.can(actWrite, rp.key) {
		writeError(w, surfaceArtifactory, http.StatusForbidden, fmt.Sprintf("User %s is not permitted to deploy build info of '%s'", p.name(), name)) // [G] text
		return
	}
	if old := rp.items[path]; old != nil && !p.can(actDelete, rp.key) {
		writeError(w, surfaceArtifactory, http.StatusForbidden, fmt.Sprintf(
			"Not enough permissions to delete/overwrite artifact '%s:%s' (user: '%s' needs DELETE permission).", rp.key, path, p.name()))
		return
	}
	it, err := e.storeBuildDoc(p, rp, path, stored)
	if err != nil {
		writeError(w, surfaceArtifactory, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("X-Checksum-Sha256", it.sums.SHA256)
	w.WriteHeader(http.StatusNoContent)
}

// ensureBuildRepo returns the build-info repository key, creating it on
// first use as Artifactory does. A project's build-info repository exists
// only with the project, so it is never created for an unknown one. Must
// be called with e.mu held.
func (e *Emulator) ensureBuildRepo(key string) (*repo, int, string) {
	if rp := e.repos[strings.ToLower(key)]; rp != nil {
		return rp, 0, ""
	}
	if key != defaultBuildRepo {
		return nil, http.StatusNotFound, fmt.Sprintf("Build info repository '%s' not found", key) // [G] text
	}
	if err := e.createRepo(key, map[string]any{"key": key, "rclass": "local", "packageType": "generic", "description": "Build Info repository"}); err != nil {
		return nil, http.StatusInternalServerError, err.Error()
	}
	return e.repos[strings.ToLower(key)], 0, ""
}

// storeBuildDoc writes JSON as the file at path. Must be called with e.mu held.
func (e *Emulator) storeBuildDoc(p *principal, rp *repo, path string, data []byte) (*item, error) {
	pb, err := e.blobs.write(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	if err := pb.commit(); err != nil {
		return nil, err
	}
	now := e.now()
	rp.ensureFolders(path, p.name(), now)
	it := &item{path: path, size: pb.size, sums: pb.sums, orig: pb.sums, mimeType: "application/json",
		created: now, createdBy: p.name(), modified: now, modifiedBy: p.name(), updated: now, propsMod: now,
		props: map[string][]string{}}
	if old := rp.items[path]; old != nil {
		it.created, it.createdBy = old.created, old.createdBy
	}
	rp.items[path] = it
	return it, nil
}

// getBuild serves GET api/build/<name>/<number>[?started=].
func (e *Emulator) getBuild(w http.ResponseWriter, r *http.Request, p *principal, key, name, number string) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if !p.can(actRead, key) {
		writeError(w, surfaceArtifactory, http.StatusForbidden, fmt.Sprintf("User %s is not permitted to read build info of '%s'", p.name(), name)) // [G] text
		return
	}
	run := e.findRun(key, name, number, r.URL.Query().Get("started"))
	if run == nil {
		writeError(w, surfaceArtifactory, http.StatusNotFound, fmt.Sprintf("No build was found for build name: %s, build number: %s", name, number)) // [G] text
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"uri":       artifactoryBase(r) + "/api/build/" + url.PathEscape(name) + "/" + url.PathEscape(number),
		"buildInfo": run.doc,
	})
}

// listBuilds serves GET api/build: every build name with its last start.
func (e *Emulator) listBuilds(w http.ResponseWriter, r *http.Request, p *principal, key string) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	type entry struct {
		URI         string `json:"uri"`
		LastStarted string `json:"lastStarted"`
	}
	out := []entry{}
	if p.can(actRead, key) {
		seen := map[string]bool{}
		for _, run := range e.buildRuns(e.repos[strings.ToLower(key)], "") {
			if !seen[run.name] { // runs are newest first
				seen[run.name] = true
				out = append(out, entry{URI: "/" + url.PathEscape(run.name), LastStarted: run.startedText})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].URI < out[j].URI })
	writeJSON(w, http.StatusOK, map[string]any{"uri": artifactoryBase(r) + "/api/build", "builds": out})
}

// listBuildRuns serves GET api/build/<name>: its runs, key "buildsNumbers" (sic).
func (e *Emulator) listBuildRuns(w http.ResponseWriter, r *http.Request, p *principal, key, name string) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var runs []*buildRun
	if p.can(actRead, key) {
		runs = e.buildRuns(e.repos[strings.ToLower(key)], name)
	}
	if len(runs) == 0 {
		writeError(w, surfaceArtifactory, http.StatusNotFound, "No build was found for build name: "+name) // [G] text
		return
	}
	type entry struct {
		URI     string `json:"uri"`
		Started string `json:"started"`
	}
	out := make([]entry, 0, len(runs))
	for _, run := range runs {
		out = append(out, entry{URI: "/" + url.PathEscape(run.number), Started: run.startedText})
	}
	writeJSON(w, http.StatusOK, map[string]any{"uri": artifactoryBase(r) + "/api/build/" + url.PathEscape(name), "buildsNumbers": out})
}

// deleteBuilds serves POST api/build/delete (JCG DeleteBuildInfoBody).
// Artifacts are never deleted: deleteArtifacts is refused rather than
// ignored, so no caller believes it happened.
func (e *Emulator) deleteBuilds(w http.ResponseWriter, r *http.Request, p *principal) {
	var req struct {
		BuildName       string   `json:"buildName"`
		BuildNumbers    []string `json:"buildNumbers"`
		Project         string   `json:"project"`
		DeleteArtifacts bool     `json:"deleteArtifacts"`
		DeleteAll       bool     `json:"deleteAll"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil || req.BuildName == "" {
		writeError(w, surfaceArtifactory, http.StatusBadRequest, "Invalid build delete request") // [G] text
		return
	}
	if req.DeleteArtifacts {
		writeError(w, surfaceArtifactory, http.StatusBadRequest, "The emulator does not delete build artifacts")
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	rp := e.repos[strings.ToLower(buildRepoKey(req.Project))]
	if !p.can(actDelete, buildRepoKey(req.Project)) {
		writeError(w, surfaceArtifactory, http.StatusForbidden, fmt.Sprintf("User %s is not permitted to delete build '%s'", p.name(), req.BuildName)) // [G] text
		return
	}
	want := map[string]bool{}
	for _, n := range req.BuildNumbers {
		want[n] = true
	}
	for _, run := range e.buildRuns(rp, req.BuildName) {
		if req.DeleteAll || want[run.number] {
			rp.remove(run.path)
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

// recordBuildBody keeps what a publish sent, byte for byte, so tests can
// check what reached the server (for instance that no secret did).
func (e *Emulator) recordBuildBody(b []byte) {
	e.reqMu.Lock()
	defer e.reqMu.Unlock()
	e.buildBodies = append(e.buildBodies, append([]byte(nil), b...))
}

// ReceivedBuildInfo returns the bodies of every build-info publish the
// emulator received, in order, exactly as sent.
func (e *Emulator) ReceivedBuildInfo() [][]byte {
	e.reqMu.Lock()
	defer e.reqMu.Unlock()
	return append([][]byte(nil), e.buildBodies...)
}
