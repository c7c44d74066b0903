package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// surface is one of the three products behind the platform URL; each has its
// own error body shape (reference §1.5), so every error goes through here.
type surface int

const (
	surfaceArtifactory surface = iota
	surfaceXray
	surfaceAccess
)

// writeError writes msg in the error shape of s.
func writeError(w http.ResponseWriter, s surface, status int, msg string) {
	switch s {
	case surfaceXray:
		writeJSON(w, status, map[string]string{"error": msg})
	case surfaceAccess:
		writeJSON(w, status, map[string]any{"errors": []map[string]string{{"code": accessCode(status), "message": msg}}})
	default:
		writeArtifactoryError(w, status, msg)
	}
}

// writeArtifactoryError mimics Artifactory's Jackson pretty printer byte for
// byte, because some clients and scripts compare or grep the raw body.
func writeArtifactoryError(w http.ResponseWriter, status int, msg string) {
	quoted, _ := json.Marshal(msg)
	body := fmt.Sprintf("{\n  \"errors\" : [ {\n    \"status\" : %d,\n    \"message\" : %s\n  } ]\n}", status, quoted)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// accessCode maps a status to Access's symbolic error codes.
func accessCode(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "BAD_REQUEST"
	case http.StatusUnauthorized:
		return "UNAUTHORIZED"
	case http.StatusForbidden:
		return "FORBIDDEN"
	case http.StatusNotFound:
		return "NOT_FOUND"
	case http.StatusConflict:
		return "CONFLICT"
	case http.StatusTooManyRequests:
		return "TOO_MANY_REQUESTS"
	}
	if status >= 500 {
		return "INTERNAL_SERVER_ERROR"
	}
	return strings.ToUpper(strings.ReplaceAll(http.StatusText(status), " ", "_"))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	writeJSONType(w, status, "application/json", v)
}

// writeJSONType writes v with a vendor content type (Artifactory uses
// application/vnd.org.jfrog.artifactory.*+json on many endpoints).
func writeJSONType(w http.ResponseWriter, status int, contentType string, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeText(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(text))
}
