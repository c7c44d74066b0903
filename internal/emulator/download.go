package emulator

import (
	"fmt"
	"html"
	"net/http"
	"strings"
)

// resolve finds path in repo key, following virtual repos through their
// members in order (Artifactory's resolution order). It returns copies so
// callers can use them after releasing the lock. Must be called with e.mu held.
func (e *Emulator) resolve(key, path string) (*repo, *item) {
	return e.resolveDepth(key, path, 0)
}

func (e *Emulator) resolveDepth(key, path string, depth int) (*repo, *item) {
	rp := e.repos[strings.ToLower(key)]
	if rp == nil || depth > 8 { // depth guards against virtual cycles
		return rp, nil
	}
	if rp.rclass() != "virtual" {
		if it := rp.items[path]; it != nil {
			cp := *it
			cp.props = copyProps(it.props)
			return rp, &cp
		}
		return rp, nil
	}
	for _, m := range rp.members() {
		if mr, it := e.resolveDepth(m, path, depth+1); it != nil {
			return mr, it
		}
	}
	return rp, nil
}

func (e *Emulator) handleDownload(w http.ResponseWriter, r *http.Request, p *principal, rest string) {
	rpath, err := parseRepoPath(rest)
	if err != nil {
		writeError(w, surfaceArtifactory, http.StatusBadRequest, err.Error())
		return
	}
	e.mu.RLock()
	asked := e.repos[strings.ToLower(rpath.repo)]
	owner, it := e.resolve(rpath.repo, rpath.path)
	var kids []*item
	if it != nil && it.folder {
		for _, c := range owner.children(it.path) {
			cp := *c
			kids = append(kids, &cp)
		}
	}
	e.mu.RUnlock()
	if asked == nil {
		writeError(w, surfaceArtifactory, http.StatusNotFound, "File not found.")
		return
	}
	if !p.can(actRead, asked.key) {
		writeError(w, surfaceArtifactory, http.StatusForbidden, fmt.Sprintf(
			"Not enough permissions to download artifact '%s:%s' (user '%s' needs READ permission).", asked.key, rpath.path, p.name()))
		return
	}
	if it == nil {
		writeError(w, surfaceArtifactory, http.StatusNotFound, "File not found.")
		return
	}
	if it.folder {
		writeListing(w, r, asked.key, it.path, kids)
		return
	}
	f, err := e.blobs.open(it.sums.SHA256)
	if err != nil {
		writeError(w, surfaceArtifactory, http.StatusInternalServerError, "Artifact content is missing from the blob store")
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("X-Checksum-Sha1", it.sums.SHA1)
	h.Set("X-Checksum-Sha256", it.sums.SHA256)
	h.Set("X-Checksum-Md5", it.sums.MD5)
	h.Set("Accept-Ranges", "bytes")
	h.Set("ETag", it.sums.SHA1) // Artifactory's ETag is the bare sha1
	h.Set("Content-Type", it.mimeType)
	h.Set("X-Artifactory-Filename", it.name())
	h.Set("Content-Disposition", contentDisposition(it.name()))
	// ServeContent handles HEAD, Range (206) and Last-Modified for us.
	http.ServeContent(w, r, it.name(), it.modified, f)
}

func contentDisposition(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, escapePath(name))
}

// writeListing renders the simple HTML index real servers return for a
// folder GET.
func writeListing(w http.ResponseWriter, r *http.Request, repoKey, path string, kids []*item) {
	title := repoKey + "/" + path
	if path != "" {
		title += "/"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html>\n<head><meta name=\"robots\" content=\"noindex\" />\n<title>Index of %s</title>\n</head>\n<body>\n<h1>Index of %s</h1>\n<pre>Name    Last modified      Size</pre><hr/>\n<pre>",
		html.EscapeString(title), html.EscapeString(title))
	if path != "" {
		b.WriteString("<a href=\"../\">../</a>\n")
	}
	for _, k := range kids {
		name, href, size := k.name(), escapePath(k.name()), fmt.Sprint(k.size)
		if k.folder {
			name, href, size = name+"/", href+"/", "-"
		}
		fmt.Fprintf(&b, "<a href=\"%s\">%s</a>    %s  %s\n", html.EscapeString(href),
			html.EscapeString(name), k.modified.UTC().Format("02-Jan-2006 15:04"), size)
	}
	b.WriteString("</pre>\n<hr/><address style=\"font-size:small;\">Artifactory Port 8081</address></body></html>")
	w.Header().Set("Content-Type", "text/html;charset=utf-8")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write([]byte(b.String()))
	}
}

// handleDeleteItem serves DELETE /<repo>/<path>: 204, recursive for folders.
func (e *Emulator) handleDeleteItem(w http.ResponseWriter, r *http.Request, p *principal, rest string) {
	rpath, err := parseRepoPath(rest)
	if err != nil {
		writeError(w, surfaceArtifactory, http.StatusBadRequest, err.Error())
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	owner, it := e.resolve(rpath.repo, rpath.path)
	if owner == nil || it == nil {
		writeError(w, surfaceArtifactory, http.StatusNotFound,
			fmt.Sprintf("Could not locate artifact '%s:%s' (Nothing to delete).", rpath.repo, rpath.path))
		return
	}
	if !p.can(actDelete, owner.key) {
		writeError(w, surfaceArtifactory, http.StatusForbidden, fmt.Sprintf(
			"Not enough permissions to delete/overwrite artifact '%s:%s' (user: '%s' needs DELETE permission).", owner.key, rpath.path, p.name()))
		return
	}
	owner.remove(it.path)
	for k := range e.lastDeploy {
		if rel, ok := strings.CutPrefix(k, owner.key+"/"); ok && isUnder(rel, it.path) {
			delete(e.lastDeploy, k)
		}
	}
	w.WriteHeader(http.StatusNoContent)
}
