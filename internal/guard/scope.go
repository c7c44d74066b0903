package guard

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// repoKey is what Artifactory accepts as a repository key. Anything else
// (spaces, slashes, non-ASCII look-alikes such as a Cyrillic "о") is refused
// before any rule is consulted, so no spelling trick can reach a rule.
var repoKey = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)

// NormalizeRepo checks a repository key and returns it in lower case:
// Artifactory treats keys case-insensitively, so rules must too.
func NormalizeRepo(key string) (string, error) {
	if !repoKey.MatchString(key) {
		return "", fmt.Errorf("%q is not a valid repository key (letters, digits, '.', '-', '_')", key)
	}
	return strings.ToLower(key), nil
}

// NormalizePath returns the canonical form of a path inside a repository:
// no leading or trailing slash, no "." segments, no doubled slashes. It
// refuses what could make JFrog, or anything between here and JFrog, act on
// a different path than the one checked: ".." segments, backslashes, control
// characters, and percent-encoding or Unicode compatibility forms that
// decode to a separator or a dot segment.
func NormalizePath(p string) (string, error) {
	for _, r := range p {
		if r == '\\' || unicode.IsControl(r) || r == unicode.ReplacementChar {
			return "", fmt.Errorf("path %q contains %q", p, r)
		}
	}
	if err := checkDecodings(p); err != nil {
		return "", err
	}
	segs := strings.Split(p, "/")
	out := segs[:0]
	for _, s := range segs {
		switch s {
		case "", ".":
			continue
		case "..":
			return "", fmt.Errorf("path %q climbs out with '..'", p)
		}
		out = append(out, s)
	}
	return strings.Join(out, "/"), nil
}

// checkDecodings looks at the path as a proxy, a servlet container or a
// Unicode-normalising store might see it, up to three percent-decodings
// deep with NFKC applied before or after any of them, and refuses it if
// any of those views has a dot-dot segment (also as "..;param", which a
// servlet container strips to "..") or a separator the literal path does
// not have.
func checkDecodings(p string) error {
	literalSlashes := strings.Count(p, "/")
	views := []string{p}
	seen := map[string]bool{}
	for range 4 {
		var next []string
		for _, view := range views {
			for _, v := range []string{view, norm.NFKC.String(view)} {
				if seen[v] {
					continue
				}
				seen[v] = true
				if strings.ContainsAny(v, "\\\x00") {
					return fmt.Errorf("path %q decodes to a backslash or NUL", p)
				}
				if strings.Count(v, "/") != literalSlashes {
					return fmt.Errorf("path %q decodes to extra '/' separators", p)
				}
				for _, s := range strings.Split(v, "/") {
					s, _, _ = strings.Cut(s, ";") // path parameters
					if strings.TrimSpace(s) == ".." {
						return fmt.Errorf("path %q decodes to a '..' segment", p)
					}
				}
				if d := percentDecode(v); d != v {
					next = append(next, d)
				}
			}
		}
		if len(next) == 0 {
			return nil
		}
		views = next
	}
	return fmt.Errorf("path %q is percent-encoded too many times", p)
}

// percentDecode decodes every valid %XX and leaves anything else as it is,
// as lenient decoders (many proxies and servers) do: a malformed escape
// such as "%zz" or a lone "%" must not hide the valid ones from the check.
func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// Rule allows one class of action on repositories matching Repo (a glob
// with * and ?) and, optionally, only under PathPrefix.
type Rule struct {
	Repo       string // lower-case glob
	PathPrefix string // normalised, no wildcards; "" means the whole repository
}

// ParseRule reads "REPO_GLOB" or "REPO_GLOB/path/prefix".
func ParseRule(s string) (Rule, error) {
	s = strings.TrimSpace(s)
	repo, prefix, _ := strings.Cut(s, "/")
	if repo == "" {
		return Rule{}, fmt.Errorf("rule %q has no repository", s)
	}
	if !regexp.MustCompile(`^[A-Za-z0-9._*?-]+$`).MatchString(repo) {
		return Rule{}, fmt.Errorf("rule %q: repository glob may use letters, digits, '.', '-', '_', '*' and '?'", s)
	}
	if strings.ContainsAny(prefix, "*?") {
		return Rule{}, fmt.Errorf("rule %q: wildcards are allowed in the repository part only; the path part is a prefix", s)
	}
	p, err := NormalizePath(prefix)
	if err != nil {
		return Rule{}, fmt.Errorf("rule %q: %w", s, err)
	}
	return Rule{Repo: strings.ToLower(repo), PathPrefix: p}, nil
}

func (r Rule) String() string {
	if r.PathPrefix == "" {
		return r.Repo
	}
	return r.Repo + "/" + r.PathPrefix
}

// AllRepos reports whether the rule covers every repository entirely.
func (r Rule) AllRepos() bool { return r.Repo == "*" && r.PathPrefix == "" }

// Allows reports whether the rule covers repo (normalised) and path
// (normalised). An empty path is the repository itself, which only a rule
// without a prefix covers.
func (r Rule) Allows(repo, p string) bool {
	if !globMatch(r.Repo, repo) {
		return false
	}
	return r.PathPrefix == "" || p == r.PathPrefix || strings.HasPrefix(p, r.PathPrefix+"/")
}

// globMatch matches * (any run) and ? (one character); path.Match would
// also give meaning to [ and \, which repository globs do not have.
func globMatch(pattern, s string) bool {
	if !strings.ContainsAny(pattern, "[\\") {
		ok, err := path.Match(pattern, s)
		return err == nil && ok
	}
	return false
}
