package emulator

import (
	"fmt"
	"net/url"
	"strings"
)

// repoPath is a parsed /<repo>/<path>[;matrix] request path.
type repoPath struct {
	repo   string              // as the client spelled it
	path   string              // unescaped, no leading or trailing slash; "" is the repo root
	folder bool                // the path ended with '/'
	matrix map[string][]string // matrix params (deploy properties)
}

// parseRepoPath splits the *escaped* path on the first raw ';' before
// unescaping: a raw ';' starts matrix params while '%3B' is a literal
// semicolon in a file name (JCG BuildUrl encodes those; reference §1.8.2).
func parseRepoPath(escaped string) (repoPath, error) {
	var rp repoPath
	pathPart, params, hasParams := strings.Cut(escaped, ";")
	if hasParams {
		m, err := parseMatrix(params)
		if err != nil {
			return rp, err
		}
		rp.matrix = m
	}
	pathPart = strings.TrimPrefix(pathPart, "/")
	rp.folder = strings.HasSuffix(pathPart, "/")
	repoSeg, rest, _ := strings.Cut(pathPart, "/")
	var err error
	if rp.repo, err = unescapeSegment(repoSeg); err != nil {
		return rp, err
	}
	if rp.path, err = unescapePath(strings.Trim(rest, "/")); err != nil {
		return rp, err
	}
	if rp.path == "" {
		rp.folder = true
	}
	return rp, nil
}

func unescapeSegment(s string) (string, error) {
	u, err := url.PathUnescape(s)
	if err != nil {
		return "", fmt.Errorf("invalid path escaping %q", s)
	}
	return u, nil
}

// unescapePath unescapes a multi-segment path and rejects traversal.
func unescapePath(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	segs := strings.Split(s, "/")
	for i, seg := range segs {
		u, err := unescapeSegment(seg)
		if err != nil {
			return "", err
		}
		if u == "." || u == ".." {
			return "", fmt.Errorf("invalid path segment %q", u)
		}
		segs[i] = u
	}
	out := strings.Join(segs, "/")
	// "%2F" inside a segment became '/': normalise so the tree stays consistent.
	for strings.Contains(out, "//") {
		out = strings.ReplaceAll(out, "//", "/")
	}
	return strings.Trim(out, "/"), nil
}

// parseMatrix parses "k1=v1;k2=v2a,v2b" (the part after the first raw ';').
// Keys and values are query-escaped by JCG ('+' is a space). Values split
// on ',' (raw or %2C) unless backslash-escaped; repeated keys accumulate,
// which is how JCG sends multi-valued target props (reference §2.2).
func parseMatrix(s string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, part := range strings.Split(s, ";") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return nil, fmt.Errorf("invalid matrix parameter %q", part)
		}
		chars, err := decodeChars(v)
		if err != nil {
			return nil, fmt.Errorf("invalid matrix parameter %q", part)
		}
		if key == "" {
			continue
		}
		out[key] = append(out[key], splitValues(chars)...)
	}
	return out, nil
}
