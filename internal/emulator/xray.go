package emulator

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
)

// serveXray handles /xray/: system endpoints, summaries, scan status, build
// scans, component search and violations (reference §3).
func (e *Emulator) serveXray(w http.ResponseWriter, r *http.Request, rest string) {
	if rest == "api/v1/system/ping" {
		writeJSON(w, http.StatusOK, map[string]string{"status": "pong"})
		return
	}
	p := e.requireAuth(w, r, surfaceXray)
	if p == nil {
		return
	}
	post := r.Method == http.MethodPost
	switch {
	case rest == "api/v1/system/version" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]string{"xray_version": XrayVersion, "xray_revision": xrayRevision})
	case (rest == "api/v1/summary/artifact" || rest == "api/v2/summary/artifact") && post:
		e.handleArtifactSummary(w, r, p, rest == "api/v2/summary/artifact")
	case rest == "api/v1/artifact/status" && post:
		e.handleArtifactStatus(w, r, p)
	case (rest == "api/v1/summary/build" || rest == "api/v2/summary/build") && r.Method == http.MethodGet:
		e.handleBuildSummary(w, r, rest == "api/v2/summary/build")
	case rest == "api/v1/build/status" && post:
		e.handleBuildStatus(w, r)
	case rest == "api/v2/ci/build" && post:
		e.handleBuildScanTrigger(w, r)
	case rest == "api/v2/ci/build/scanResult" && post:
		e.handleBuildScanResult(w, r, nil)
	case strings.HasPrefix(rest, "api/v2/ci/build/") && r.Method == http.MethodGet:
		e.handleBuildScanResult(w, r, strings.Split(strings.TrimPrefix(rest, "api/v2/ci/build/"), "/"))
	case rest == "api/v1/component/searchByCves" && post:
		e.handleSearchByCVEs(w, r, p)
	case rest == "api/v1/violations" && post:
		e.handleViolations(w, r, p)
	default:
		writeError(w, surfaceXray, http.StatusNotFound, "Not Found")
	}
}

// maxXrayBody bounds request bodies; Xray's are small JSON documents.
const maxXrayBody = 1 << 20

// readXrayJSON decodes a request body into v, answering 400 in Xray's error
// shape when it cannot.
func readXrayJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxXrayBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, surfaceXray, http.StatusRequestEntityTooLarge, "Request body too large")
		return false
	case err != nil:
		writeError(w, surfaceXray, http.StatusBadRequest, "Failed to read request body")
		return false
	}
	if err := json.Unmarshal(body, v); err != nil {
		writeError(w, surfaceXray, http.StatusBadRequest, "Failed to parse request body: "+err.Error())
		return false
	}
	return true
}
