package client

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// EncodeProperties renders props as the value of Artifactory's `properties=` query
// parameter (reference §2.5): keys sorted, properties separated by a raw ';', key and
// values by '=', values by ','. Every key and value is first backslash-escaped where
// it contains one of Artifactory's syntax characters (\ , | =) and then
// percent-encoded, so ';', '&', '+', spaces and non-ASCII text travel as data.
//
// A ';' inside a value is sent as %3B, never as \; — JFrog documents "%5C;" as a
// *value separator*, and %3B is how JCG sends it (url.QueryEscape). A key with no
// values is sent as "key=" (one empty value).
func EncodeProperties(props map[string][]string) string {
	var b strings.Builder
	for i, k := range sortedKeys(props) {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(escapePropToken(k))
		b.WriteByte('=')
		for j, v := range props[k] {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(escapePropToken(v))
		}
	}
	return b.String()
}

// encodeMatrixParams renders props as deploy matrix parameters ";k=v1;k=v2" (reference
// §2.2). Multiple values repeat the key, as JCG does for target properties. Only '\'
// and ',' are backslash-escaped in values: in a matrix parameter ';' (sent as %3B) and
// '=' after the first are not syntax, and a key is read without backslash handling.
func encodeMatrixParams(props map[string][]string) string {
	var b strings.Builder
	for _, k := range sortedKeys(props) {
		vs := props[k]
		if len(vs) == 0 {
			vs = []string{""}
		}
		for _, v := range vs {
			b.WriteByte(';')
			b.WriteString(percentEncode(k))
			b.WriteByte('=')
			b.WriteString(percentEncode(backslashEscape(v, `\,`)))
		}
	}
	return b.String()
}

// encodePropertyKeys renders keys for `properties=k1,k2` (delete, GET filter): each
// escaped like EncodeProperties and joined by ','.
func encodePropertyKeys(keys []string) string {
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, escapePropToken(k))
	}
	return strings.Join(parts, ",")
}

// escapePropToken escapes one key or value of a `properties=` parameter.
func escapePropToken(s string) string {
	return percentEncode(backslashEscape(s, `\,|=`))
}

// backslashEscape puts a '\' before every byte of s that is in special.
func backslashEscape(s, special string) string {
	if !strings.ContainsAny(s, special) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(special, s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// percentEncode escapes everything but RFC 3986 unreserved characters. A space becomes
// %20 rather than '+', which path-style decoders (matrix parameters) keep as '+'.
func percentEncode(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// recursiveFlag renders the recursive= value. JCG always sends it explicitly because
// the server default (recursive for folders) is easy to trip over.
func recursiveFlag(recursive bool) string {
	if recursive {
		return "recursive=1"
	}
	return "recursive=0"
}

// SetProperties calls PUT api/storage/<repo>/<path>?properties=...&recursive=0|1 and
// expects 204. The values of each given key replace the item's current values; other
// keys are kept. An empty path means the repository itself; recursive on a folder (or
// the repository) applies the properties to everything beneath it.
func (a *Artifactory) SetProperties(ctx context.Context, repo, path string, props map[string][]string, recursive bool) error {
	if len(props) == 0 {
		return errors.New("client: no properties to set")
	}
	for k := range props {
		if strings.TrimSpace(k) == "" {
			return errors.New("client: property key is empty")
		}
	}
	return a.changeProperties(ctx, http.MethodPut, repo, path, EncodeProperties(props), recursive)
}

// DeleteProperties calls DELETE api/storage/<repo>/<path>?properties=k1,k2&recursive=0|1
// and expects 204. Deleting a key the item does not have is not an error.
func (a *Artifactory) DeleteProperties(ctx context.Context, repo, path string, keys []string, recursive bool) error {
	if len(keys) == 0 {
		return errors.New("client: no property keys to delete")
	}
	if slices.ContainsFunc(keys, func(k string) bool { return strings.TrimSpace(k) == "" }) {
		return errors.New("client: property key is empty")
	}
	return a.changeProperties(ctx, http.MethodDelete, repo, path, encodePropertyKeys(keys), recursive)
}

// changeProperties sends a set or delete. The query is built by hand (Request.RawQuery)
// because url.Values would escape the ';' separators that Artifactory needs raw.
func (a *Artifactory) changeProperties(ctx context.Context, method, repo, path, encoded string, recursive bool) error {
	p, err := storagePath(repo, path)
	if err != nil {
		return err
	}
	req := Request{
		Surface: SurfaceArtifactory, Method: method, Path: p,
		RawQuery: "properties=" + encoded + "&" + recursiveFlag(recursive),
	}
	return a.c.doJSON(ctx, req, nil)
}
