package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Copy and move (reference §2.8):
//
//	POST api/copy/<srcRepo>/<srcPath>?to=<dst>[&dry=1][&suppressLayouts=0|1][&failFast=0|1]
//	POST api/move/...
//
// `to` is "/dstRepo/dstPath" in the docs and "dstRepo%2FdstPath" (no
// leading slash, url.Values-encoded) from JCG; both decode to the same
// thing. Semantics are a file system's: an existing target folder receives
// the source under its own name, anything else is a rename (overwriting a
// file of the same name). Folders go recursively with their properties;
// copies share the source's blob (content addressed), nothing is read.
//
// Status codes for failures are not documented (§6 gaps). Our choice:
// missing source 404, missing permission 403, unusable target 400 — all
// with the documented body shape {"messages":[{"level":"ERROR",...}]}.
// The whole request is validated before anything changes, so it is
// all-or-nothing; Artifactory works item by item and can stop half-way
// (failFast), which the emulator never needs to. suppressLayouts and
// failFast are therefore accepted and ignored.

// cmMessage is one entry of the copy/move response.
type cmMessage struct {
	Level   string `json:"level"`
	Message string `json:"message"`
}

// cmError is a refused copy/move.
type cmError struct {
	status int
	msg    string
}

func cmFail(status int, format string, a ...any) *cmError {
	return &cmError{status: status, msg: fmt.Sprintf(format, a...)}
}

// cmStep is one item to create at the target; from is a snapshot.
type cmStep struct {
	from item
	to   string
}

func writeMessages(w http.ResponseWriter, status int, level, msg string) {
	writeJSON(w, status, map[string][]cmMessage{"messages": {{Level: level, Message: msg}}})
}

func (e *Emulator) handleCopyMove(w http.ResponseWriter, r *http.Request, p *principal, move bool, rest string) {
	if r.Method != http.MethodPost {
		writeError(w, surfaceArtifactory, http.StatusMethodNotAllowed, "Method Not Allowed")
		return
	}
	src, err := parseRepoPath(rest)
	if err != nil || src.repo == "" {
		writeMessages(w, http.StatusBadRequest, "ERROR", "Invalid source path: "+rest)
		return
	}
	_, q, _ := rawQueryParams(r.URL.RawQuery)
	to, err := url.QueryUnescape(q["to"])
	if err != nil || strings.Trim(to, "/") == "" {
		writeMessages(w, http.StatusBadRequest, "ERROR", "The 'to' parameter must name a target: /<repo>[/<path>]") // [G] text
		return
	}
	// A trailing slash asks for "into this folder" even when it does not
	// exist yet (JCG creates the folder first, then sends "repo/dir/"). [G]
	intoFolder := strings.HasSuffix(to, "/")
	dstKey, dstRaw, _ := strings.Cut(strings.TrimPrefix(to, "/"), "/")
	dstPath, err := cleanRelPath(dstRaw)
	if err != nil {
		writeMessages(w, http.StatusBadRequest, "ERROR", err.Error())
		return
	}
	dry := q["dry"] == "1" || strings.EqualFold(q["dry"], "true")

	e.mu.Lock()
	msg, cerr := e.copyMove(p, move, src, dstKey, dstPath, intoFolder, dry)
	e.mu.Unlock()
	if cerr != nil {
		writeMessages(w, cerr.status, "ERROR", cerr.msg)
		return
	}
	writeMessages(w, http.StatusOK, "INFO", msg)
}

// cleanRelPath unescapes nothing (the caller already decoded `to`); it
// only rejects traversal and normalises slashes.
func cleanRelPath(s string) (string, error) {
	var segs []string
	for _, seg := range strings.Split(s, "/") {
		switch seg {
		case "":
			continue
		case ".", "..":
			return "", fmt.Errorf("invalid target path segment %q", seg)
		}
		segs = append(segs, seg)
	}
	return strings.Join(segs, "/"), nil
}

// copyMove validates, plans and (unless dry) applies one request. It
// returns the success message. Must be called with e.mu held for writing.
func (e *Emulator) copyMove(p *principal, move bool, src repoPath, dstKey, dstPath string, intoFolder, dry bool) (string, *cmError) {
	verb, done := "copying", "copied"
	if move {
		verb, done = "moving", "moved"
	}
	asked := e.repos[strings.ToLower(src.repo)]
	if asked == nil {
		return "", cmFail(http.StatusNotFound, "Repository '%s' does not exist", src.repo) // [G] text
	}
	if move && asked.rclass() != "local" && asked.rclass() != "federated" {
		// Docs: move is supported from local repositories only.
		return "", cmFail(http.StatusBadRequest, "Move is supported only from local repositories; '%s' is %s", asked.key, asked.rclass())
	}
	owner, found := e.resolve(src.repo, src.path)
	if !p.can(actRead, asked.key) || (owner != nil && !p.can(actRead, owner.key)) {
		return "", cmFail(http.StatusForbidden, "User '%s' is not permitted to read '%s:%s'", p.name(), asked.key, src.path) // [G] text
	}
	if found == nil {
		return "", cmFail(http.StatusNotFound, "Could not find source item '%s:%s'", asked.key, src.path) // [G] text
	}
	dst, cerr := e.copyTarget(dstKey)
	if cerr != nil {
		return "", cerr
	}
	if !p.can(actWrite, dst.key) {
		return "", cmFail(http.StatusForbidden, "User '%s' is not permitted to deploy into '%s'", p.name(), dst.key) // [G] text
	}
	if move && !p.can(actDelete, owner.key) {
		return "", cmFail(http.StatusForbidden, "User '%s' is not permitted to delete '%s:%s' (needed to move it)", p.name(), owner.key, found.path) // [G] text
	}

	// Where the source lands: under an existing folder, else renamed. A
	// repository root has no name, so its contents merge into the target.
	destRoot := dstPath
	if existing := dst.items[dstPath]; found.path != "" && ((existing != nil && existing.folder) || (existing == nil && intoFolder)) {
		destRoot = joinPath(dstPath, found.name())
	}
	if dst == owner && (isUnder(destRoot, found.path) || isUnder(found.path, destRoot)) {
		return "", cmFail(http.StatusBadRequest, "Cannot %s '%s:%s' to '%s:%s': source and target overlap", cmInfinitive(move), owner.key, found.path, dst.key, destRoot)
	}
	// A file may sit where the copy needs a folder: above the target, or at
	// the target itself when a folder (or a whole repo) is copied.
	inTheWay := parentPath(destRoot)
	if found.folder {
		inTheWay = destRoot
	}
	if f := fileInTheWay(dst, inTheWay); f != "" {
		return "", cmFail(http.StatusBadRequest, "Cannot %s to '%s:%s': '%s' is a file", cmInfinitive(move), dst.key, destRoot, f)
	}

	var steps []cmStep
	files, folders := 0, 0
	for _, it := range owner.subtree(found.path) {
		if it.path == "" {
			continue // the repo root itself is never copied, only its contents
		}
		tp := joinPath(destRoot, strings.TrimPrefix(strings.TrimPrefix(it.path, found.path), "/"))
		ex := dst.items[tp]
		switch {
		case it.folder && ex != nil && !ex.folder:
			return "", cmFail(http.StatusBadRequest, "Cannot %s folder '%s:%s' over file '%s:%s'", cmInfinitive(move), owner.key, it.path, dst.key, tp)
		case !it.folder && ex != nil && ex.folder:
			return "", cmFail(http.StatusBadRequest, "Cannot %s file '%s:%s' over folder '%s:%s'", cmInfinitive(move), owner.key, it.path, dst.key, tp)
		case !it.folder && ex != nil && ex.sums.SHA256 != it.sums.SHA256 && !p.can(actDelete, dst.key):
			// Same rule as deploy: overwriting different content needs delete.
			return "", cmFail(http.StatusForbidden, "Not enough permissions to delete/overwrite artifact '%s:%s' (user: '%s' needs DELETE permission).", dst.key, tp, p.name())
		}
		if it.folder {
			folders++
		} else {
			files++
		}
		cp := *it
		cp.props = copyProps(it.props)
		steps = append(steps, cmStep{from: cp, to: tp})
	}
	// The dry-run message is a guess [G]: real servers answer 200 with the
	// same shape; we reuse the success text so callers can read the counts.
	msg := fmt.Sprintf("%s %s:%s to %s:%s completed successfully, %d artifacts and %d folders were %s",
		verb, owner.key, found.path, dst.key, destRoot, files, folders, done)
	if dry {
		return msg, nil
	}
	e.applyCopyMove(p, move, owner, dst, found.path, steps)
	return msg, nil
}

func cmInfinitive(move bool) string {
	if move {
		return "move"
	}
	return "copy"
}

// copyTarget resolves the target repository: local (or federated), or a
// virtual repo's default deployment repo. Must be called with e.mu held.
func (e *Emulator) copyTarget(key string) (*repo, *cmError) {
	rp := e.repos[strings.ToLower(key)]
	if rp == nil {
		return nil, cmFail(http.StatusBadRequest, "Target repository '%s' does not exist", key) // [G] text
	}
	switch rp.rclass() {
	case "remote":
		return nil, cmFail(http.StatusBadRequest, "Cannot copy or move into remote repository '%s'", rp.key)
	case "virtual":
		d := e.repos[strings.ToLower(rp.str("defaultDeploymentRepo"))]
		if d == nil {
			return nil, cmFail(http.StatusBadRequest, "Virtual repository '%s' has no default deployment repository", rp.key)
		}
		return d, nil
	}
	return rp, nil
}

// applyCopyMove writes the planned items. Copies are new items (created
// now, by the caller); moved items keep their creation and modification
// data, only "updated" changes. [G] Must be called with e.mu held.
func (e *Emulator) applyCopyMove(p *principal, move bool, owner, dst *repo, srcRoot string, steps []cmStep) {
	now := e.now()
	for _, s := range steps {
		if s.from.folder {
			existed := dst.items[s.to] != nil
			dst.ensureFolders(s.to+"/x", p.name(), now) // creates s.to and its parents
			f := dst.items[s.to]
			if move && !existed {
				f.created, f.createdBy, f.modified, f.modifiedBy = s.from.created, s.from.createdBy, s.from.modified, s.from.modifiedBy
			}
			for k, v := range s.from.props {
				f.props[k] = v
			}
			if len(s.from.props) > 0 {
				f.propsMod, f.updated = now, now
			}
			continue
		}
		dst.ensureFolders(s.to, p.name(), now)
		it := s.from
		it.path, it.mimeType, it.updated = s.to, mimeTypeFor(s.to), now
		if !move {
			it.created, it.createdBy, it.modified, it.modifiedBy, it.propsMod = now, p.name(), now, p.name(), now
		}
		dst.items[s.to] = &it
		// No body was deployed to s.to: DeployBodyBytes must not report
		// an earlier upload that this copy replaced.
		delete(e.lastDeploy, dst.key+"/"+s.to)
	}
	if !move {
		return
	}
	owner.remove(srcRoot)
	for k := range e.lastDeploy {
		if rel, ok := strings.CutPrefix(k, owner.key+"/"); ok && isUnder(rel, srcRoot) {
			delete(e.lastDeploy, k)
		}
	}
}

func joinPath(dir, name string) string {
	switch {
	case dir == "":
		return name
	case name == "":
		return dir
	}
	return dir + "/" + name
}
