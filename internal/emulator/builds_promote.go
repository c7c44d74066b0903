package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// Build promotion (reference §2.10), after Artifactory's own
// BuildPromotionHelper/BaseBuildPromoter:
//
//   - no targetRepo: "Skipping build item relocation", only the status changes;
//   - the target must be a local repository (404 otherwise);
//   - artifacts (default on) are found by checksum (sha1 and md5 as the
//     build info lists them) in sourceRepo when given; dependencies are
//     found by checksum anywhere, whatever sourceRepo says (jfrog-cli #3219);
//   - a build item that cannot be found is an ERROR; with failFast (the
//     default) the promotion stops there;
//   - items are copied or moved (copy defaults to false) to the same path
//     in the target with the permissions and messages of api/copy|move;
//   - properties are added to the promoted items unless dry run;
//   - the status is recorded only when given, not dry, and free of errors
//     and warnings, each case with Artifactory's "Skipping promotion status
//     update: ..." message;
//   - ciUser and timestamp are optional (JCG sends neither).
//
// The answer is {"messages":[{"level","message"}]}: 200, or 400 when any
// message is an ERROR (a server's dry-run failure answers 400, seen in
// jfrog/project-examples #202).

// promotionRequest is the PromotionRequest JSON. Pointers tell absent from false.
type promotionRequest struct {
	Status       string              `json:"status"`
	Comment      string              `json:"comment"`
	CIUser       string              `json:"ciUser"`
	Timestamp    string              `json:"timestamp"`
	DryRun       *bool               `json:"dryRun"`
	SourceRepo   string              `json:"sourceRepo"`
	TargetRepo   string              `json:"targetRepo"`
	Copy         *bool               `json:"copy"`
	Artifacts    *bool               `json:"artifacts"`
	Dependencies *bool               `json:"dependencies"`
	Scopes       []string            `json:"scopes"`
	Properties   map[string][]string `json:"properties"`
	FailFast     *bool               `json:"failFast"`
}

func flag(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}

// promotion accumulates Artifactory's status messages.
type promotion struct {
	msgs     []cmMessage
	errors   bool
	warnings bool
}

func (pr *promotion) info(format string, a ...any) {
	pr.msgs = append(pr.msgs, cmMessage{Level: "INFO", Message: fmt.Sprintf(format, a...)})
}

func (pr *promotion) warn(format string, a ...any) {
	pr.warnings = true
	pr.msgs = append(pr.msgs, cmMessage{Level: "WARNING", Message: fmt.Sprintf(format, a...)})
}

func (pr *promotion) error(format string, a ...any) {
	pr.errors = true
	pr.msgs = append(pr.msgs, cmMessage{Level: "ERROR", Message: fmt.Sprintf(format, a...)})
}

// buildFile is one artifact or dependency of a stored build info.
type buildFile struct {
	label     string // artifact name or dependency id, for messages
	artifact  bool
	sha1, md5 string
	scopes    []string
}

func buildFiles(doc map[string]any) []buildFile {
	var out []buildFile
	mods, _ := doc["modules"].([]any)
	for _, m := range mods {
		mod, _ := m.(map[string]any)
		for _, kind := range []string{"artifacts", "dependencies"} {
			list, _ := mod[kind].([]any)
			for _, x := range list {
				f, _ := x.(map[string]any)
				bf := buildFile{artifact: kind == "artifacts"}
				bf.sha1, _ = f["sha1"].(string)
				bf.md5, _ = f["md5"].(string)
				if bf.artifact {
					bf.label, _ = f["name"].(string)
				} else {
					bf.label, _ = f["id"].(string)
					if sc, ok := f["scopes"].([]any); ok {
						for _, s := range sc {
							if str, ok := s.(string); ok {
								bf.scopes = append(bf.scopes, str)
							}
						}
					}
				}
				out = append(out, bf)
			}
		}
	}
	return out
}

// located is a stored item of a build.
type located struct {
	repo *repo
	item *item
}

func (l located) key() string { return l.repo.key + ":" + l.item.path }

// locateBuildFile finds the stored file for bf: in sourceRepo when given
// (artifacts only), else any local repository but the build-info ones and
// the target. Items carrying this build's build.name/build.number win,
// then this build's name, then any; ties go to the lowest repo:path.
// Must be called with e.mu held.
func (e *Emulator) locateBuildFile(bf buildFile, name, number, sourceRepo, target string) (located, bool) {
	if bf.sha1 == "" {
		return located{}, false
	}
	var best located
	bestRank := -1
	for _, rp := range e.repos {
		if rp.rclass() != "local" && rp.rclass() != "federated" {
			continue
		}
		if strings.HasSuffix(rp.key, buildRepoSuffix) || strings.EqualFold(rp.key, target) {
			continue
		}
		if bf.artifact && sourceRepo != "" && !strings.EqualFold(rp.key, sourceRepo) {
			continue
		}
		for _, it := range rp.items {
			if it.folder || it.sums.SHA1 != bf.sha1 || (bf.md5 != "" && it.sums.MD5 != bf.md5) {
				continue
			}
			rank := 0
			if hasProp(it, "build.name", name) {
				rank = 1
				if hasProp(it, "build.number", number) {
					rank = 2
				}
			}
			cand := located{rp, it}
			if rank > bestRank || (rank == bestRank && cand.key() < best.key()) {
				best, bestRank = cand, rank
			}
		}
	}
	return best, bestRank >= 0
}

func hasProp(it *item, k, v string) bool {
	for _, x := range it.props[k] {
		if x == v {
			return true
		}
	}
	return false
}

// promoteBuild serves POST api/build/promote/<name>/<number>. JCG
// query-escapes both segments (BuildUrlWithEscapingSlash), so '+' is a
// space here. [G] for names holding a literal '+'.
func (e *Emulator) promoteBuild(w http.ResponseWriter, r *http.Request, p *principal, key, rest string) {
	nameEsc, numberEsc, ok := cutLast(rest, "/")
	name, err1 := url.QueryUnescape(nameEsc)
	number, err2 := url.QueryUnescape(numberEsc)
	if !ok || err1 != nil || err2 != nil || name == "" || number == "" {
		writeError(w, surfaceArtifactory, http.StatusBadRequest, "Build name and number are required in the path: api/build/promote/<name>/<number>") // [G] text
		return
	}
	var req promotionRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	if err := dec.Decode(&req); err != nil {
		writeError(w, surfaceArtifactory, http.StatusBadRequest, "Invalid promotion request: "+err.Error()) // [G] text
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if !p.can(actRead, key) {
		writeError(w, surfaceArtifactory, http.StatusForbidden, fmt.Sprintf("User %s is not permitted to promote build '%s'", p.name(), name)) // [G] text
		return
	}
	run := e.findRun(key, name, number, "")
	if run == nil {
		writeError(w, surfaceArtifactory, http.StatusNotFound, fmt.Sprintf("Unable to find build '%s' #%s.", name, number))
		return
	}
	dry, failFast := flag(req.DryRun, false), flag(req.FailFast, true)
	pr := &promotion{}
	var promoted []located
	if strings.TrimSpace(req.TargetRepo) == "" {
		pr.info("Skipping build item relocation: no target repository selected.")
	} else {
		target := e.repos[strings.ToLower(req.TargetRepo)]
		if target == nil || (target.rclass() != "local" && target.rclass() != "federated") {
			writeError(w, surfaceArtifactory, http.StatusNotFound, fmt.Sprintf("Cannot find target repository by the key '%s'.", req.TargetRepo))
			return
		}
		items, abort := e.collectBuildItems(pr, run, req, target.key, failFast)
		if abort {
			writeMessagesList(w, http.StatusBadRequest, pr.msgs)
			return
		}
		promoted = e.relocate(pr, p, items, target, !flag(req.Copy, false), dry, failFast)
	}
	if (!pr.errors && !pr.warnings) || !failFast {
		e.tagPromoted(pr, p, promoted, req.Properties, dry, failFast)
	}
	e.recordPromotionStatus(pr, p, run, req, dry)
	status := http.StatusOK
	if pr.errors {
		status = http.StatusBadRequest
	}
	writeMessagesList(w, status, pr.msgs)
}

func cutLast(s, sep string) (string, string, bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return "", "", false
	}
	return s[:i], s[i+len(sep):], true
}

func writeMessagesList(w http.ResponseWriter, status int, msgs []cmMessage) {
	if msgs == nil {
		msgs = []cmMessage{}
	}
	writeJSON(w, status, map[string][]cmMessage{"messages": msgs})
}

// collectBuildItems finds the build's artifacts and (when asked)
// dependencies. abort is true when a missing artifact stops a failFast
// promotion before anything changed. Must be called with e.mu held.
func (e *Emulator) collectBuildItems(pr *promotion, run *buildRun, req promotionRequest, target string, failFast bool) ([]located, bool) {
	var out []located
	seen := map[string]bool{}
	add := func(l located) {
		if !seen[l.key()] {
			seen[l.key()] = true
			out = append(out, l)
		}
	}
	files := buildFiles(run.doc)
	if flag(req.Artifacts, true) {
		missing := false
		for _, bf := range files {
			if !bf.artifact {
				continue
			}
			l, ok := e.locateBuildFile(bf, run.name, run.number, req.SourceRepo, target)
			if !ok {
				pr.error("Unable to find artifact '%s' of build '%s' #%s", bf.label, run.name, run.number)
				missing = true
				continue
			}
			add(l)
		}
		if missing && failFast {
			pr.error("Unable to find artifacts of build '%s' #%s: aborting promotion.", run.name, run.number)
			return nil, true
		}
	}
	if flag(req.Dependencies, false) {
		for _, bf := range files {
			if bf.artifact || !scopeWanted(bf.scopes, req.Scopes) {
				continue
			}
			l, ok := e.locateBuildFile(bf, run.name, run.number, "", target)
			if !ok {
				pr.error("Unable to find dependency '%s' of build '%s' #%s", bf.label, run.name, run.number)
				continue
			}
			add(l)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	return out, false
}

func scopeWanted(have, want []string) bool {
	if len(want) == 0 {
		return true
	}
	for _, h := range have {
		for _, w := range want {
			if h == w {
				return true
			}
		}
	}
	return false
}

// relocate copies or moves items to the same paths in target and returns
// where they are afterwards (or would be, on a dry run). Must be called
// with e.mu held.
func (e *Emulator) relocate(pr *promotion, p *principal, items []located, target *repo, move, dry, failFast bool) []located {
	var out []located
	for _, l := range items {
		path := l.item.path
		msg, cerr := e.copyMove(p, move, repoPath{repo: l.repo.key, path: path}, target.key, path, false, dry)
		if cerr != nil {
			pr.error("%s", cerr.msg)
			if failFast {
				return out
			}
			continue
		}
		pr.info("%s", msg)
		if dry {
			out = append(out, l)
		} else if it := target.items[path]; it != nil {
			out = append(out, located{target, it})
		}
	}
	return out
}

// tagPromoted adds the promotion's properties. Must be called with e.mu held.
func (e *Emulator) tagPromoted(pr *promotion, p *principal, items []located, props map[string][]string, dry, failFast bool) {
	if len(props) == 0 {
		return
	}
	for k := range props {
		if err := validatePropKey(k); err != nil {
			pr.error("%s", err.Error())
			return
		}
	}
	now := e.now()
	for _, l := range items {
		if !p.can(actAnnotate, l.repo.key) && !p.can(actWrite, l.repo.key) {
			pr.warn("User doesn't have permissions to annotate '%s'", l.key())
			if failFast {
				return
			}
			continue
		}
		if dry {
			continue
		}
		for k, v := range props {
			l.item.props[k] = append([]string(nil), v...)
		}
		l.item.propsMod, l.item.updated = now, now
	}
}

// recordPromotionStatus appends the status to the build info, or says why
// not. Must be called with e.mu held.
func (e *Emulator) recordPromotionStatus(pr *promotion, p *principal, run *buildRun, req promotionRequest, dry bool) {
	if pr.errors || pr.warnings {
		pr.info("Skipping promotion status update: item promotion was completed with errors and warnings.")
		return
	}
	if strings.TrimSpace(req.Status) == "" {
		pr.info("Skipping promotion status update: no status received.")
		return
	}
	ts := e.now().Format(buildTimeLayout)
	if req.Timestamp != "" {
		if _, err := parseStarted(req.Timestamp); err != nil {
			pr.error("Skipping promotion status update: invalid\\unparsable timestamp %s.", req.Timestamp)
			return
		}
		ts = req.Timestamp
	}
	if dry {
		pr.info("Skipping promotion status update: running in dry run mode.")
		return
	}
	st := map[string]any{"status": req.Status, "repository": req.TargetRepo, "timestamp": ts, "user": p.name()}
	if req.Comment != "" {
		st["comment"] = req.Comment
	}
	if req.CIUser != "" {
		st["ciUser"] = req.CIUser
	}
	statuses, _ := run.doc["statuses"].([]any)
	run.doc["statuses"] = append(statuses, st)
	data, err := json.Marshal(run.doc)
	if err != nil {
		pr.error("Failed to record the promotion status: %v", err)
		return
	}
	if _, err := e.storeBuildDoc(p, run.repo, run.path, data); err != nil {
		pr.error("Failed to record the promotion status: %v", err)
	}
}

// PromotionMovesNothing is a fault: the next times promotions (0: all) are
// answered 200 with no messages, as a server that reports success without
// relocating anything (jfrog-cli #1313), and nothing changes.
func PromotionMovesNothing(times int) FaultRule {
	return FaultRule{Method: http.MethodPost, PathPrefix: "/artifactory/api/build/promote/", Status: http.StatusOK,
		Body: `{"messages":[]}`, Times: times}
}
