package emulator

import (
	"fmt"
	"strings"
)

// pchar is one byte of a percent-decoded query value. enc records that it
// arrived as %XX, lit that it was backslash-escaped; together they decide
// whether a ';' '|' '=' ',' is syntax or data.
type pchar struct {
	c   byte
	enc bool
	lit bool
}

// decodeChars percent-decodes s ('+' is a space, as url.QueryEscape writes
// it) and resolves backslash escapes, keeping per-byte provenance.
func decodeChars(s string) ([]pchar, error) {
	var raw []pchar
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return nil, fmt.Errorf("invalid escape in %q", s)
			}
			raw = append(raw, pchar{c: unhex(s[i+1])<<4 | unhex(s[i+2]), enc: true})
			i += 2
		case '+':
			raw = append(raw, pchar{c: ' '})
		default:
			raw = append(raw, pchar{c: c})
		}
	}
	out := raw[:0]
	for i := 0; i < len(raw); i++ {
		if raw[i].c == '\\' && i+1 < len(raw) {
			i++
			out = append(out, pchar{c: raw[i].c, enc: raw[i].enc, lit: true})
			continue
		}
		out = append(out, raw[i])
	}
	return out, nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

func pstring(cs []pchar) string {
	b := make([]byte, len(cs))
	for i, c := range cs {
		b[i] = c.c
	}
	return string(b)
}

// splitValues splits a decoded value on unescaped commas (raw or %2C).
func splitValues(cs []pchar) []string {
	var out []string
	start := 0
	for i, c := range cs {
		if c.c == ',' && !c.lit {
			out = append(out, pstring(cs[start:i]))
			start = i + 1
		}
	}
	return append(out, pstring(cs[start:]))
}

// propEntry is one key=values pair in the order the client sent it.
type propEntry struct {
	key    string
	values []string
}

// parsePropsParam parses the raw (still escaped) value of `properties=` for
// PUT api/storage (reference §1.8.1, §2.5). It must run on RawQuery because
// net/url drops any pair containing ';'.
//
// Syntax: props separated by a raw ';' or by '|' (raw or %7C); the first '='
// (raw or %3D) splits key from value; ',' (raw or %2C) separates values;
// a backslash (raw or %5C) makes the next character data. An encoded %3B is
// data, not a separator: that is the only way for a client to put ';' inside
// a value without a backslash, and JCG always sends the separator raw.
func parsePropsParam(raw string) ([]propEntry, error) {
	cs, err := decodeChars(raw)
	if err != nil {
		return nil, err
	}
	var out []propEntry
	start := 0
	flush := func(seg []pchar) error {
		if len(seg) == 0 {
			return nil // JCG's ToEncodedString starts with ';'
		}
		eq := -1
		for i, c := range seg {
			if c.c == '=' && !c.lit {
				eq = i
				break
			}
		}
		var key string
		values := []string{""}
		if eq < 0 {
			key = pstring(seg)
		} else {
			key = pstring(seg[:eq])
			values = splitValues(seg[eq+1:])
		}
		if err := validatePropKey(key); err != nil {
			return err
		}
		out = append(out, propEntry{key: key, values: values})
		return nil
	}
	for i, c := range cs {
		if c.lit {
			continue
		}
		if (c.c == ';' && !c.enc) || c.c == '|' {
			if err := flush(cs[start:i]); err != nil {
				return nil, err
			}
			start = i + 1
		}
	}
	if err := flush(cs[start:]); err != nil {
		return nil, err
	}
	return out, nil
}

// parsePropKeys parses `properties=k1,k2` for GET filters and DELETE: JCG
// query-escapes each key and joins them with a raw ','.
func parsePropKeys(raw string) ([]string, error) {
	if raw == "" {
		return nil, nil
	}
	cs, err := decodeChars(raw)
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, k := range splitValues(cs) {
		if k != "" {
			keys = append(keys, k)
		}
	}
	return keys, nil
}

// forbiddenKeyChars are rejected in property keys (JFrog docs, set item properties).
const forbiddenKeyChars = ")(}{][*+^$\\/~`!@#%&<>;=, ±§"

func validatePropKey(k string) error {
	if k == "" {
		return fmt.Errorf("Property key cannot be empty")
	}
	if strings.ContainsAny(k, forbiddenKeyChars) {
		return fmt.Errorf("Invalid property key '%s': keys cannot contain %s or spaces", k, strings.TrimSpace(strings.ReplaceAll(forbiddenKeyChars, " ", "")))
	}
	return nil
}

// rawQueryParams splits RawQuery by '&' only, leaving values escaped. It
// replaces url.ParseQuery, which rejects ';' (Go ≥ 1.17).
func rawQueryParams(rawQuery string) (keys []string, values map[string]string, present map[string]bool) {
	values, present = map[string]string{}, map[string]bool{}
	for _, part := range strings.Split(rawQuery, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if _, seen := present[k]; !seen {
			keys = append(keys, k)
			values[k] = v
		}
		present[k] = true
	}
	return keys, values, present
}
