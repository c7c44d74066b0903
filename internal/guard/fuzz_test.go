package guard

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/jfrog-mcp/jfrog-mcp/internal/aql"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/aqlengine"
)

// FuzzNormalizePath checks that NormalizePath never panics and that an
// accepted path is canonical (no empty, "." or ".." segments, no backslash
// or control characters, idempotent) and stays the same path however it
// is decoded (up to three times) or NFKC-normalised on the way to JFrog.
//
//	go test ./internal/guard -run '^$' -fuzz '^FuzzNormalizePath$' -fuzztime 60s
func FuzzNormalizePath(f *testing.F) {
	for _, p := range traversalPaths {
		f.Add(p)
	}
	for _, p := range []string{
		"", "/", ".", "a", "uploads/a.txt", "/a//b/./c/", "100%.txt", "a%20b", "%41",
		"caf\u00e9", "\ufb01le", "\u212a", "a\u200db", "uploads/\u200d../x", "uploads/.../x",
		"uploads/..x", "uploads/x..", "uploads/. ./x", "uploads/%2e/x", "uploads/%2e%2e%2e/x",
		"%25", "%%32%65%%32%65", "%252", "a/%zz/b", "%", "%2", "%E2%80%A5",
	} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		out, err := NormalizePath(p)
		if err != nil {
			return
		}
		if out != "" {
			for _, s := range strings.Split(out, "/") {
				if s == "" || s == "." || s == ".." {
					t.Fatalf("%q -> %q has a %q segment", p, out, s)
				}
			}
		}
		for _, r := range out {
			if r == '\\' || unicode.IsControl(r) || r == unicode.ReplacementChar {
				t.Fatalf("%q -> %q contains %q", p, out, r)
			}
		}
		again, err := NormalizePath(out)
		if err != nil || again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", p, out, again, err)
		}
		slashes := strings.Count(out, "/")
		for _, v := range pathViews(out) {
			if strings.Count(v, "/") != slashes {
				t.Fatalf("%q -> %q: view %q has extra '/'", p, out, v)
			}
			if strings.ContainsAny(v, "\\\x00") {
				t.Fatalf("%q -> %q: view %q has a backslash or NUL", p, out, v)
			}
			for _, s := range strings.Split(v, "/") {
				s, _, _ = strings.Cut(s, ";") // a servlet container drops path parameters
				if strings.TrimSpace(s) == ".." {
					t.Fatalf("%q -> %q: view %q has a '..' segment", p, out, v)
				}
			}
		}
	})
}

// pathViews is every string reachable from p by up to three lenient
// percent-decodings, with NFKC applied before or after any of them.
func pathViews(p string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(v string) bool {
		if seen[v] {
			return false
		}
		seen[v] = true
		out = append(out, v)
		return true
	}
	level := []string{}
	for _, v := range []string{p, norm.NFKC.String(p)} {
		if add(v) {
			level = append(level, v)
		}
	}
	for range 3 {
		var next []string
		for _, v := range level {
			d := lenientUnescape(v)
			for _, w := range []string{d, norm.NFKC.String(d)} {
				if add(w) {
					next = append(next, w)
				}
			}
		}
		level = next
	}
	return out
}

// lenientUnescape decodes valid %XX sequences and keeps everything else;
// written apart from the guard's decoder on purpose.
func lenientUnescape(s string) string {
	const hexdigits = "0123456789abcdef"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			hi := strings.IndexByte(hexdigits, lower(s[i+1]))
			lo := strings.IndexByte(hexdigits, lower(s[i+2]))
			if hi >= 0 && lo >= 0 {
				b.WriteByte(byte(hi<<4 | lo))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// FuzzScopeAQL checks the guard's promise for AQL: after Check with a
// restrictive read policy, the printed query parses, and either it is
// bounded to wholly readable repositories or its root is the
// {"$and":[original, readable]} wrapper. Evaluated by the emulator's
// engine, it returns readable items only.
//
//	go test ./internal/guard -run '^$' -fuzz '^FuzzScopeAQL$' -fuzztime 60s
func FuzzScopeAQL(f *testing.F) {
	for _, q := range aqlAttacks {
		f.Add(q)
	}
	for _, q := range otherDomains {
		f.Add(q)
	}
	f.Add(`items.find({"repo":"generic-local","$or":[{"$and":[{"repo":"app-prod-local"}],"path":{"$match":"*"}}]}).include("name")`)
	f.Add(`items.find({"$or":[{"$or":[{"repo":"generic-local","repo":"npm-local"}]}]})`)
	f.Add(`items.find({"repo":{"$match":"generic-?ocal"},"$msp":[{"@repo":"x"}]}).sort({"$desc":["name"]}).limit(1)`)
	g := restrictive(f)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, src string) {
		q, err := aql.Parse(src)
		if err != nil {
			return
		}
		before := q.String()
		domain := q.Domain
		scoped, err := scopeQuery(g, src)
		if err != nil {
			if domain == aql.DomainItems {
				t.Fatalf("items query %s denied: %v", before, err)
			}
			return
		}
		q = scoped
		if domain != aql.DomainItems {
			t.Fatalf("%s query %s allowed", domain, before)
		}
		out := q.String()
		q2, err := aql.Parse(out)
		if err != nil {
			t.Fatalf("scoped query %s does not parse: %v", out, err)
		}
		if out == before {
			if !g.boundToReadable(testResolver(), q2) {
				t.Fatalf("%s went through unscoped", out)
			}
		} else if !isReadableWrapper(g, q2.Criteria) {
			t.Fatalf("%s: readable criteria are not a conjunct at the root", out)
		}
		an := q2.AnalyzeRepos()
		if !an.Bounded {
			t.Fatalf("%s is not bounded", out)
		}
		for _, c := range an.Repos {
			if c.Pattern {
				continue // only from a glob rule; this policy has none
			}
			// Artifactory's database may pad-compare keys (see
			// aql.RepoConstraint.Matches).
			key, err := NormalizeRepo(strings.TrimRight(c.Key, " "))
			if err != nil || !readableKey(g, key) {
				// The intersection keeps keys of either side it may
				// contain; a wrapped query's keys must be readable ones.
				if out != before {
					t.Fatalf("%s reaches %q", out, c.Key)
				}
			}
		}
		res, err := aqlengine.Execute(q2, scopeItems, now)
		var unsupported *aqlengine.UnsupportedError
		var qerr *aqlengine.QueryError
		if errors.As(err, &unsupported) || errors.As(err, &qerr) {
			return
		}
		if err != nil {
			t.Fatalf("execute %s: %v", out, err)
		}
		for _, row := range res.Results {
			repo, _ := row["repo"].(string)
			p, _ := row["path"].(string)
			n, _ := row["name"].(string)
			if repo == "" && out == before {
				continue // bounded to readable repositories; the row need not name one
			}
			if !readableRow(g, repo, p, n) {
				t.Fatalf("%s returned %s/%s/%s", out, repo, p, n)
			}
		}
	})
}
