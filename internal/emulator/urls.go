package emulator

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// artifactoryBase is the Artifactory URL as the client reached it, so URIs
// in responses point back at the emulator (httptest port, proxy, etc.).
func artifactoryBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p != "" {
		scheme = p
	}
	return scheme + "://" + r.Host + "/artifactory"
}

// escapePath escapes each segment of a repo-relative path for use in a URL.
func escapePath(p string) string {
	if p == "" {
		return ""
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = strings.ReplaceAll(url.PathEscape(s), ";", "%3B")
	}
	return strings.Join(segs, "/")
}

// timeLayout is Artifactory's ISO-8601 with milliseconds (yyyy-MM-dd'T'HH:mm:ss.SSSXXX).
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}
