package client

import (
	"net/url"
	"strings"
)

// EscapePath joins segments (typically a repository key and an item path) into an
// escaped relative path suitable for Request.Path.
//
// Each "/"-separated part is escaped with url.PathEscape and any ';' becomes %3B,
// because Artifactory reads a raw ';' in a path as the start of matrix parameters
// (reference §1.8.2). Empty parts are dropped, so leading, trailing and duplicate
// slashes disappear. "." parts are dropped and ".." parts are sent as %2E%2E, so a
// path supplied by a model can never climb out of the endpoint it was meant for
// (e.g. "api/storage/repo/../../api/security/users").
func EscapePath(segments ...string) string {
	var parts []string
	for _, seg := range segments {
		for _, p := range strings.Split(seg, "/") {
			switch p {
			case "", ".":
				continue
			case "..":
				parts = append(parts, "%2E%2E")
			default:
				parts = append(parts, escapeSegment(p))
			}
		}
	}
	return strings.Join(parts, "/")
}

// escapeSegment escapes one path segment, including '/', so that a value such as a
// repository key or build name cannot add path levels.
func escapeSegment(s string) string {
	switch s {
	case ".":
		return "%2E"
	case "..":
		return "%2E%2E"
	}
	// url.PathEscape already encodes ';' today; the replace keeps the guarantee
	// explicit should that ever change.
	return strings.ReplaceAll(url.PathEscape(s), ";", "%3B")
}

// joinURL appends an escaped relative path to a base URL that has no trailing slash.
func joinURL(base, path string) string {
	return base + "/" + strings.TrimLeft(path, "/")
}
