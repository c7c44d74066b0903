package emulator

import "net/http"

// serveXray handles /xray/. Later steps add scans, summaries, watches and
// policies here; this step covers the system endpoints and auth behaviour.
func (e *Emulator) serveXray(w http.ResponseWriter, r *http.Request, rest string) {
	if rest == "api/v1/system/ping" {
		writeJSON(w, http.StatusOK, map[string]string{"status": "pong"})
		return
	}
	if e.requireAuth(w, r, surfaceXray) == nil {
		return
	}
	switch rest {
	case "api/v1/system/version":
		writeJSON(w, http.StatusOK, map[string]string{"xray_version": XrayVersion, "xray_revision": xrayRevision})
	default:
		writeError(w, surfaceXray, http.StatusNotFound, "Not Found")
	}
}
