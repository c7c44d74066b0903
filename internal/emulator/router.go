package emulator

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"strings"
)

// ServeHTTP routes /artifactory, /xray and /access requests.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := e.now()
	escaped := r.URL.EscapedPath()
	var rec *statusRecorder
	logRequest := func(status int) {
		e.record(RecordedRequest{Method: r.Method, Path: escaped, RawQuery: r.URL.RawQuery, Status: status, Time: start})
		if !rec.counted {
			e.faults.countPerformed(r.Method, status)
		}
	}
	// Logged (and counted) when the status is set, before any byte of the
	// answer leaves: a client that has the answer can rely on Requests() and
	// Faults().Performed showing it, even if it stops reading a long body
	// and the handler returns much later.
	rec = &statusRecorder{ResponseWriter: w, onStatus: logRequest}
	defer func() {
		if rec.status == 0 { // no answer: a connection reset by a fault
			logRequest(0)
		}
		// Headers are never logged: they carry tokens and passwords.
		e.log.Debug("emulator request", "method", r.Method, "path", escaped, "status", rec.status, "duration", e.now().Sub(start))
	}()
	// Clients concatenate base URLs and paths, so "//" happens (reference §1.1).
	clean := collapseSlashes(escaped)
	surf, rest := splitSurface(clean)
	if rule, ok := e.faults.match(r, clean); ok {
		if e.applyFault(rec, r, rule, surf) {
			return
		}
	}
	e.route(rec, r, surf, rest)
}

// route dispatches without fault handling; TruncateBody faults reuse it.
func (e *Emulator) route(w http.ResponseWriter, r *http.Request, surf surface, rest string) {
	switch surf {
	case surfaceXray:
		e.serveXray(w, r, rest)
	case surfaceAccess:
		e.serveAccess(w, r, rest)
	default:
		if rest == "\x00" { // not under any known surface
			writeArtifactoryError(w, http.StatusNotFound, "Not Found")
			return
		}
		e.setArtifactoryHeaders(w)
		e.serveArtifactory(w, r, rest)
	}
}

// splitSurface returns the surface and the escaped path below its prefix,
// without a leading slash. rest is "\x00" for paths outside every surface.
func splitSurface(p string) (surface, string) {
	for _, s := range []struct {
		prefix string
		surf   surface
	}{{"/artifactory", surfaceArtifactory}, {"/xray", surfaceXray}, {"/access", surfaceAccess}} {
		if p == s.prefix || strings.HasPrefix(p, s.prefix+"/") {
			return s.surf, strings.TrimPrefix(strings.TrimPrefix(p, s.prefix), "/")
		}
	}
	return surfaceArtifactory, "\x00"
}

func collapseSlashes(p string) string {
	if !strings.Contains(p, "//") {
		return p
	}
	var b strings.Builder
	prev := byte(0)
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && prev == '/' {
			continue
		}
		prev = p[i]
		b.WriteByte(p[i])
	}
	return b.String()
}

func (e *Emulator) setArtifactoryHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("X-JFrog-Version", "Artifactory/"+ArtifactoryVersion+" "+artifactoryRevision)
	h.Set("X-Artifactory-Id", e.platformID)
	h.Set("X-Artifactory-Node-Id", "emulator")
	h.Set("X-Request-Id", randomHex(16))
}

// route is one line of a surface's route table: requests whose path (after
// the surface prefix) is path, or starts with path when prefix is set, and
// whose method is method ("" for any), are served by serve with the rest of
// the path after path. Routes are tried in order; the first match serves.
// public routes are answered without credentials (pings), as on real
// servers.
type route struct {
	method string
	path   string
	prefix bool
	public bool
	serve  func(e *Emulator, w http.ResponseWriter, r *http.Request, p *principal, rest string)
}

// dispatch serves a request from a route table; notFound answers what no
// route matches, in the surface's own error shape.
func (e *Emulator) dispatch(routes []route, surf surface, w http.ResponseWriter, r *http.Request, path string, notFound func(w http.ResponseWriter, r *http.Request, p *principal, path string)) {
	for _, rt := range routes {
		rest, ok := rt.match(r.Method, path)
		if !ok {
			continue
		}
		var p *principal
		if !rt.public {
			if p = e.requireAuth(w, r, surf); p == nil {
				return
			}
		}
		rt.serve(e, w, r, p, rest)
		return
	}
	// What no route serves needs credentials too: an unknown path tells
	// an anonymous caller nothing.
	p := e.requireAuth(w, r, surf)
	if p == nil {
		return
	}
	notFound(w, r, p, path)
}

func (rt route) match(method, path string) (string, bool) {
	if rt.method != "" && rt.method != method {
		return "", false
	}
	if rt.prefix {
		rest, ok := strings.CutPrefix(path, rt.path)
		return rest, ok
	}
	return "", path == rt.path
}

// artifactoryRoutes is the Artifactory REST API the emulator speaks; every
// other path is a repository path (deploy, download, delete).
var artifactoryRoutes = []route{
	{path: "api/system/ping", public: true, serve: func(_ *Emulator, w http.ResponseWriter, _ *http.Request, _ *principal, _ string) {
		writeText(w, http.StatusOK, "OK")
	}},
	{path: "api/v1/system/readiness", public: true, serve: func(_ *Emulator, w http.ResponseWriter, _ *http.Request, _ *principal, _ string) {
		writeJSON(w, http.StatusOK, map[string]string{"code": "OK"})
	}},
	{path: "api/system/version", serve: func(_ *Emulator, w http.ResponseWriter, _ *http.Request, _ *principal, _ string) {
		writeJSON(w, http.StatusOK, map[string]any{
			"version": ArtifactoryVersion, "revision": artifactoryRevision,
			"addons":  []string{"build", "docker", "vagrant", "replication", "filestore", "plugins", "gems", "composer", "npm", "bower", "git-lfs", "nuget", "debian", "opkg", "rpm", "cocoapods", "conan", "vcs", "pypi", "release-bundle", "conda", "helm", "go", "cargo", "terraform"},
			"license": "Enterprise+ emulator",
		})
	}},
	{path: "api/system/service_id", serve: func(e *Emulator, w http.ResponseWriter, _ *http.Request, _ *principal, _ string) {
		writeText(w, http.StatusOK, "jfrt@"+e.platformID)
	}},
	// Multipart uploads need S3 or GCP storage; the emulator stores blobs on
	// a filesystem, so it says no, as such a server does. JCG asks before
	// every upload above its split size (200 MiB) and fails the upload on
	// anything but 200.
	{path: "api/v1/uploads/config", serve: func(_ *Emulator, w http.ResponseWriter, r *http.Request, _ *principal, _ string) {
		if r.Method != http.MethodGet {
			writeError(w, surfaceArtifactory, http.StatusMethodNotAllowed, "Method Not Allowed")
			return
		}
		writeJSON(w, http.StatusOK, map[string]bool{"supported": false})
	}},
	{path: "api/repositories", serve: serveRepositories},
	{path: "api/repositories/", prefix: true, serve: serveRepositories},
	{path: "api/storage", serve: serveStorage},
	{path: "api/storage/", prefix: true, serve: serveStorage},
	{path: "api/search/aql", serve: func(e *Emulator, w http.ResponseWriter, r *http.Request, p *principal, _ string) {
		e.handleAQL(w, r, p)
	}},
	{path: "api/search/", prefix: true, serve: func(e *Emulator, w http.ResponseWriter, r *http.Request, p *principal, rest string) {
		e.handleSearch(w, r, p, rest)
	}},
	{path: "api/copy/", prefix: true, serve: func(e *Emulator, w http.ResponseWriter, r *http.Request, p *principal, rest string) {
		e.handleCopyMove(w, r, p, false, rest)
	}},
	{path: "api/move/", prefix: true, serve: func(e *Emulator, w http.ResponseWriter, r *http.Request, p *principal, rest string) {
		e.handleCopyMove(w, r, p, true, rest)
	}},
	{path: "api/build", serve: serveBuilds},
	{path: "api/build/", prefix: true, serve: serveBuilds},
	// Any other API path, and the bare base URL, are not repository paths.
	{path: "api", serve: artifactoryNotFound},
	{path: "api/", prefix: true, serve: artifactoryNotFound},
	{path: "", serve: artifactoryNotFound},
}

func serveRepositories(e *Emulator, w http.ResponseWriter, r *http.Request, p *principal, rest string) {
	key, err := unescapeSegment(strings.Trim(rest, "/"))
	if err != nil || strings.Contains(key, "/") {
		writeError(w, surfaceArtifactory, http.StatusBadRequest, "Invalid repository key")
		return
	}
	e.handleRepositories(w, r, p, key)
}

func serveStorage(e *Emulator, w http.ResponseWriter, r *http.Request, p *principal, rest string) {
	e.handleStorage(w, r, p, rest)
}

func serveBuilds(e *Emulator, w http.ResponseWriter, r *http.Request, p *principal, rest string) {
	e.handleBuilds(w, r, p, rest)
}

func artifactoryNotFound(_ *Emulator, w http.ResponseWriter, _ *http.Request, _ *principal, _ string) {
	writeError(w, surfaceArtifactory, http.StatusNotFound, "Not Found")
}

// serveArtifactory handles everything under /artifactory/: the API by its
// route table, anything else as a repository path.
func (e *Emulator) serveArtifactory(w http.ResponseWriter, r *http.Request, rest string) {
	e.dispatch(artifactoryRoutes, surfaceArtifactory, w, r, rest, e.handleRepoPath)
}

// handleRepoPath serves /<repo>/<path> for deploy, download and delete.
func (e *Emulator) handleRepoPath(w http.ResponseWriter, r *http.Request, p *principal, rest string) {
	switch r.Method {
	case http.MethodPut:
		e.handleDeploy(w, r, p, rest)
	case http.MethodGet, http.MethodHead:
		e.handleDownload(w, r, p, rest)
	case http.MethodDelete:
		e.handleDeleteItem(w, r, p, rest)
	default:
		writeError(w, surfaceArtifactory, http.StatusMethodNotAllowed, "Method Not Allowed")
	}
}

// statusRecorder remembers the status for the request log. It forwards
// Flush/Hijack so fault injection and streaming keep working.
type statusRecorder struct {
	http.ResponseWriter
	status   int
	onStatus func(int) // called once, when the status is set
	// counted: a fault that did the work before answering has counted it
	// for Faults().Performed already.
	counted bool
}

func (s *statusRecorder) setStatus(code int) {
	if s.status == 0 {
		s.status = code
		if s.onStatus != nil {
			s.onStatus(code)
		}
	}
}

func (s *statusRecorder) WriteHeader(code int) {
	s.setStatus(code)
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.setStatus(http.StatusOK)
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := s.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("hijack not supported")
	}
	return h.Hijack()
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
