package client

import (
	"errors"
	"net/url"
	"strings"
)

// sensitiveKeyParts are substrings of query-parameter names whose values are
// replaced before anything is logged or returned in an error.
var sensitiveKeyParts = []string{"pass", "token", "secret", "apikey", "api_key", "auth", "signature", "credential"}

const redacted = "REDACTED"

// redactQuery returns rawQuery with the values of sensitive parameters replaced. It
// splits on both '&' and ';' because Artifactory property queries use ';'.
func redactQuery(rawQuery string) string {
	if rawQuery == "" {
		return ""
	}
	var b strings.Builder
	start := 0
	for i := 0; i <= len(rawQuery); i++ {
		if i < len(rawQuery) && rawQuery[i] != '&' && rawQuery[i] != ';' {
			continue
		}
		b.WriteString(redactPair(rawQuery[start:i]))
		if i < len(rawQuery) {
			b.WriteByte(rawQuery[i])
		}
		start = i + 1
	}
	return b.String()
}

// redactPair redacts one key=value pair when its key looks sensitive. The
// value of "properties" (set properties: properties=k=v;k2=v2) is itself
// key=value pairs, and the first of them shares this pair: its key is
// judged too.
func redactPair(pair string) string {
	key, value, hasValue := strings.Cut(pair, "=")
	if !hasValue {
		return pair
	}
	if sensitiveKey(key) {
		return key + "=" + redacted
	}
	if inner, _, ok := strings.Cut(value, "="); ok && strings.EqualFold(unescaped(key), "properties") && sensitiveKey(inner) {
		return key + "=" + inner + "=" + redacted
	}
	return pair
}

// sensitiveKey reports a parameter or property name whose value must not
// be logged.
func sensitiveKey(key string) bool {
	k := strings.ToLower(unescaped(key))
	for _, part := range sensitiveKeyParts {
		if strings.Contains(k, part) {
			return true
		}
	}
	return false
}

func unescaped(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// redactMatrix redacts sensitive matrix parameters (";key=value" after the first raw
// ';' of a path), which is how deploy attaches properties. A ';' inside a name is
// always sent as %3B, so the first raw one starts the parameters.
func redactMatrix(path string) string {
	before, params, ok := strings.Cut(path, ";")
	if !ok {
		return path
	}
	return before + ";" + redactQuery(params)
}

// logPath renders path plus redacted query for log lines.
func logPath(path, rawQuery string) string {
	if rawQuery == "" {
		return path
	}
	return path + "?" + redactQuery(rawQuery)
}

// redactURLError strips the query from the URL inside a *url.Error, which net/http
// embeds in its transport errors and which would otherwise carry any secret query
// parameter into logs and tool results.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			u.RawQuery = redactQuery(u.RawQuery)
			u.User = nil
			ue.URL = u.String()
		}
	}
	return err
}
