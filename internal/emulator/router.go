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

// serveArtifactory handles everything under /artifactory/.
func (e *Emulator) serveArtifactory(w http.ResponseWriter, r *http.Request, rest string) {
	switch rest {
	case "api/system/ping":
		writeText(w, http.StatusOK, "OK")
		return
	case "api/v1/system/readiness":
		writeJSON(w, http.StatusOK, map[string]string{"code": "OK"})
		return
	}
	p := e.requireAuth(w, r, surfaceArtifactory)
	if p == nil {
		return
	}
	switch {
	case rest == "api/system/version":
		writeJSON(w, http.StatusOK, map[string]any{
			"version": ArtifactoryVersion, "revision": artifactoryRevision,
			"addons":  []string{"build", "docker", "vagrant", "replication", "filestore", "plugins", "gems", "composer", "npm", "bower", "git-lfs", "nuget", "debian", "opkg", "rpm", "cocoapods", "conan", "vcs", "pypi", "release-bundle", "conda", "helm", "go", "cargo", "terraform"},
			"license": "Enterprise+ emulator",
		})
	case rest == "api/system/service_id":
		writeText(w, http.StatusOK, "jfrt@"+e.platformID)
	case rest == "api/v1/uploads/config":
		// Multipart uploads need S3 or GCP storage; the emulator stores
		// blobs on a filesystem, so it says no, as such a server does. JCG
		// asks before every upload above its split size (200 MiB) and
		// fails the upload on anything but 200.
		if r.Method != http.MethodGet {
			writeError(w, surfaceArtifactory, http.StatusMethodNotAllowed, "Method Not Allowed")
			return
		}
		writeJSON(w, http.StatusOK, map[string]bool{"supported": false})
	case rest == "api/repositories" || strings.HasPrefix(rest, "api/repositories/"):
		key, err := unescapeSegment(strings.Trim(strings.TrimPrefix(rest, "api/repositories"), "/"))
		if err != nil || strings.Contains(key, "/") {
			writeError(w, surfaceArtifactory, http.StatusBadRequest, "Invalid repository key")
			return
		}
		e.handleRepositories(w, r, p, key)
	case rest == "api/storage" || strings.HasPrefix(rest, "api/storage/"):
		e.handleStorage(w, r, p, strings.TrimPrefix(strings.TrimPrefix(rest, "api/storage"), "/"))
	case rest == "api/search/aql":
		e.handleAQL(w, r, p)
	case strings.HasPrefix(rest, "api/search/"):
		e.handleSearch(w, r, p, strings.TrimPrefix(rest, "api/search/"))
	case strings.HasPrefix(rest, "api/copy/"):
		e.handleCopyMove(w, r, p, false, strings.TrimPrefix(rest, "api/copy/"))
	case strings.HasPrefix(rest, "api/move/"):
		e.handleCopyMove(w, r, p, true, strings.TrimPrefix(rest, "api/move/"))
	case rest == "api/build" || strings.HasPrefix(rest, "api/build/"):
		e.handleBuilds(w, r, p, strings.TrimPrefix(strings.TrimPrefix(rest, "api/build"), "/"))
	case rest == "api" || strings.HasPrefix(rest, "api/"):
		writeError(w, surfaceArtifactory, http.StatusNotFound, "Not Found")
	case rest == "":
		writeError(w, surfaceArtifactory, http.StatusNotFound, "Not Found")
	default:
		e.handleRepoPath(w, r, p, rest)
	}
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
