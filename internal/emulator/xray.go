package emulator

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
)

// xrayRoutes is the Xray REST API the emulator speaks. A known path with
// another method is not found, as on Xray.
var xrayRoutes = []route{
	{path: "api/v1/system/ping", public: true, serve: func(_ *Emulator, w http.ResponseWriter, _ *http.Request, _ *principal, _ string) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "pong"})
	}},
	{method: http.MethodGet, path: "api/v1/system/version", serve: func(_ *Emulator, w http.ResponseWriter, _ *http.Request, _ *principal, _ string) {
		writeJSON(w, http.StatusOK, map[string]string{"xray_version": XrayVersion, "xray_revision": xrayRevision})
	}},
	{method: http.MethodPost, path: "api/v1/summary/artifact", serve: func(e *Emulator, w http.ResponseWriter, r *http.Request, p *principal, _ string) {
		e.handleArtifactSummary(w, r, p, false)
	}},
	{method: http.MethodPost, path: "api/v2/summary/artifact", serve: func(e *Emulator, w http.ResponseWriter, r *http.Request, p *principal, _ string) {
		e.handleArtifactSummary(w, r, p, true)
	}},
	{method: http.MethodPost, path: "api/v1/artifact/status", serve: func(e *Emulator, w http.ResponseWriter, r *http.Request, p *principal, _ string) {
		e.handleArtifactStatus(w, r, p)
	}},
	{method: http.MethodGet, path: "api/v1/summary/build", serve: func(e *Emulator, w http.ResponseWriter, r *http.Request, _ *principal, _ string) {
		e.handleBuildSummary(w, r, false)
	}},
	{method: http.MethodGet, path: "api/v2/summary/build", serve: func(e *Emulator, w http.ResponseWriter, r *http.Request, _ *principal, _ string) {
		e.handleBuildSummary(w, r, true)
	}},
	{method: http.MethodPost, path: "api/v1/build/status", serve: func(e *Emulator, w http.ResponseWriter, r *http.Request, _ *principal, _ string) {
		e.handleBuildStatus(w, r)
	}},
	{method: http.MethodPost, path: "api/v2/ci/build", serve: func(e *Emulator, w http.ResponseWriter, r *http.Request, _ *principal, _ string) {
		e.handleBuildScanTrigger(w, r)
	}},
	{method: http.MethodPost, path: "api/v2/ci/build/scanResult", serve: func(e *Emulator, w http.ResponseWriter, r *http.Request, _ *principal, _ string) {
		e.handleBuildScanResult(w, r, nil)
	}},
	{method: http.MethodGet, path: "api/v2/ci/build/", prefix: true, serve: func(e *Emulator, w http.ResponseWriter, r *http.Request, _ *principal, rest string) {
		e.handleBuildScanResult(w, r, strings.Split(rest, "/"))
	}},
	{method: http.MethodPost, path: "api/v1/component/searchByCves", serve: func(e *Emulator, w http.ResponseWriter, r *http.Request, p *principal, _ string) {
		e.handleSearchByCVEs(w, r, p)
	}},
	{method: http.MethodPost, path: "api/v1/violations", serve: func(e *Emulator, w http.ResponseWriter, r *http.Request, p *principal, _ string) {
		e.handleViolations(w, r, p)
	}},
}

// serveXray handles everything under /xray/ by its route table.
func (e *Emulator) serveXray(w http.ResponseWriter, r *http.Request, rest string) {
	e.dispatch(xrayRoutes, surfaceXray, w, r, rest, func(w http.ResponseWriter, _ *http.Request, _ *principal, _ string) {
		writeError(w, surfaceXray, http.StatusNotFound, "Not Found")
	})
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
