package guard

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalizeRepo(t *testing.T) {
	for in, want := range map[string]string{
		"generic-local":                "generic-local",
		"Generic-Local":                "generic-local",
		"APP-PROD-LOCAL":               "app-prod-local",
		"a":                            "a",
		"libs.release_local":           "libs.release_local",
		"x" + strings.Repeat("y", 127): "x" + strings.Repeat("y", 127),
	} {
		got, err := NormalizeRepo(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for name, in := range map[string]string{
		"empty":             "",
		"space":             "generic local",
		"trailing space":    "generic-local ",
		"trailing newline":  "generic-local\n",
		"slash":             "generic-local/x",
		"dot first":         ".generic",
		"dash first":        "-generic",
		"dot dot":           "..",
		"glob star":         "libs-*",
		"glob question":     "libs-?",
		"cyrillic o":        "generic-l\u043ecal",
		"fullwidth":         "ｇeneric-local",
		"zero width joiner": "app-prod\u200d-local",
		"zero width space":  "app-prod-local\u200b",
		"NUL":               "generic-local\x00",
		"percent":           "generic%2dlocal",
		"backslash":         "generic\\local",
		"129 characters":    "x" + strings.Repeat("y", 128),
		"300 characters":    strings.Repeat("r", 300),
		"invalid UTF-8":     "generic-local\xff",
		"kelvin sign":       "\u212aey",
	} {
		_, err := NormalizeRepo(in)
		assert.Error(t, err, name)
	}
}

func TestNormalizePathCanonicalises(t *testing.T) {
	for in, want := range map[string]string{
		"":                       "",
		"/":                      "",
		".":                      "",
		"a":                      "a",
		"/a/b/":                  "a/b",
		"a//b":                   "a/b",
		"a/./b":                  "a/b",
		"./a":                    "a",
		"uploads//x":             "uploads/x",
		"uploads/./x":            "uploads/x",
		"100%.txt":               "100%.txt",
		"a%20b":                  "a%20b", // kept literally: the client escapes '%'
		"caf\u00e9/\u4e2d\u6587": "caf\u00e9/\u4e2d\u6587",
		"...":                    "...",
		"a..b/..c/d..":           "a..b/..c/d..",
		"uploadsX/evil":          "uploadsX/evil",
	} {
		got, err := NormalizePath(in)
		require.NoError(t, err, "%q", in)
		assert.Equal(t, want, got, "%q", in)
	}
}

// traversalPaths are spellings that some layer between the guard and JFrog
// (a proxy, the servlet container, a Unicode-normalising store) could read
// as a different path than the one checked. Every one must be refused.
var traversalPaths = map[string]string{
	"dot dot":                        "..",
	"dot dot child":                  "../x",
	"climb from allowed":             "uploads/../x",
	"climb twice":                    "a/../../x",
	"dot then climb":                 "./../x",
	"double slash then climb":        "uploads//../x",
	"dot segment then climb":         "uploads/./../secret",
	"trailing climb":                 "uploads/..",
	"encoded dots":                   "%2e%2e/x",
	"encoded dots upper":             "%2E%2E/x",
	"encoded dots mixed case":        "uploads/%2E%2e/x",
	"half encoded":                   ".%2e/x",
	"double encoded":                 "uploads/%252e%252e/x",
	"triple encoded":                 "uploads/%25252e%25252e/x",
	"quadruple encoded":              "uploads/%2525252e%2525252e/x",
	"encoded slash":                  "uploads%2F..%2Fx",
	"encoded slash lower":            "uploads%2fx",
	"encoded slash after dots":       "uploads/..%2fx",
	"double encoded slash":           "uploads%252Fx",
	"backslash":                      "uploads\\..\\x",
	"backslash climb":                "..\\x",
	"encoded backslash":              "uploads/..%5Cx",
	"double encoded backslash":       "uploads/..%255cx",
	"NUL":                            "uploads/x\x00.txt",
	"encoded NUL":                    "uploads/x%00.txt",
	"newline":                        "uploads/x\n",
	"tab":                            "uploads/\t",
	"DEL":                            "uploads/\x7f",
	"C1 control":                     "uploads/\u0085x",
	"invalid UTF-8":                  "uploads/\xff",
	"replacement char":               "uploads/\ufffd",
	"fullwidth slash":                "uploads\uff0f..\uff0fx",
	"fullwidth dots":                 "uploads/\uff0e\uff0e/x",
	"two dot leader":                 "uploads/\u2025/x",
	"encoded fullwidth dots":         "uploads/%EF%BC%8E%EF%BC%8E/x",
	"encoded fullwidth slash":        "uploads%EF%BC%8Fx",
	"fullwidth solidus alone":        "a\uff0fb",
	"dots with trailing space":       "uploads/.. /x",
	"encoded dots then encoded tab":  "uploads/%2e%2e%09/x",
	"malformed escape later":         "uploads/%2e%2e/x%zz",
	"malformed escape first":         "uploads/%zz/%2e%2e/x",
	"lone percent at end":            "uploads/%2e%2e/x%",
	"malformed then encoded slash":   "uploads%2F%2e%2e%2Fx%",
	"fullwidth percent-encoded dots": "uploads/\uff05\uff12\uff45\uff05\uff12\uff45/x",
	"tomcat path parameter":          "uploads/..;/x",
	"tomcat path parameter value":    "uploads/..;jsessionid=1/x",
	"encoded path parameter":         "uploads/..%3B/x",
	"encoded dots path parameter":    "uploads/%2e%2e;/x",
}

func TestNormalizePathRefusesTraversal(t *testing.T) {
	for name, p := range traversalPaths {
		got, err := NormalizePath(p)
		assert.Error(t, err, "%s: %q accepted as %q", name, p, got)
	}
}

func TestParseRule(t *testing.T) {
	for in, want := range map[string]Rule{
		"generic-local":                {Repo: "generic-local"},
		" Libs-Release-Local/public ":  {Repo: "libs-release-local", PathPrefix: "public"},
		"app-staging-local/uploads/":   {Repo: "app-staging-local", PathPrefix: "uploads"},
		"app-staging-local//a//b":      {Repo: "app-staging-local", PathPrefix: "a/b"},
		"*":                            {Repo: "*"},
		"*-staging-*":                  {Repo: "*-staging-*"},
		"libs-?":                       {Repo: "libs-?"},
		"app-staging-local/./uploads":  {Repo: "app-staging-local", PathPrefix: "uploads"},
		"APP-STAGING-LOCAL/Uploads/CI": {Repo: "app-staging-local", PathPrefix: "Uploads/CI"},
	} {
		got, err := ParseRule(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for name, in := range map[string]string{
		"empty":               "",
		"no repo":             "/uploads",
		"space":               "generic local",
		"bracket glob":        "libs-[a-z]",
		"backslash":           "libs\\x",
		"wildcard in path":    "generic-local/ci/*",
		"question in path":    "generic-local/ci?",
		"traversal in path":   "generic-local/../x",
		"encoded traversal":   "generic-local/%2e%2e/x",
		"encoded slash":       "generic-local/a%2Fb",
		"cyrillic repo":       "generic-l\u043ecal",
		"fullwidth separator": "generic-local\uff0fx",
	} {
		_, err := ParseRule(in)
		assert.Error(t, err, name)
	}
}

func TestRuleAllows(t *testing.T) {
	mustRule := func(s string) Rule {
		r, err := ParseRule(s)
		require.NoError(t, err)
		return r
	}
	cases := []struct {
		rule, repo, path string
		want             bool
	}{
		{"generic-local", "generic-local", "", true},
		{"generic-local", "generic-local", "a/b", true},
		{"generic-local", "generic-local-2", "", false},
		{"generic-local", "xgeneric-local", "", false},
		{"app-staging-local/uploads", "app-staging-local", "uploads", true},
		{"app-staging-local/uploads", "app-staging-local", "uploads/a", true},
		{"app-staging-local/uploads", "app-staging-local", "uploads/a/b", true},
		{"app-staging-local/uploads", "app-staging-local", "", false},
		{"app-staging-local/uploads", "app-staging-local", "uploadsX/evil", false},
		{"app-staging-local/uploads", "app-staging-local", "uploads-evil", false},
		{"app-staging-local/uploads", "app-staging-local", "upload", false},
		{"app-staging-local/uploads", "app-staging-local", "Uploads/a", false},
		{"app-staging-local/uploads", "app-prod-local", "uploads/a", false},
		{"libs-release-local/public", "libs-release-local", "public-but-not/x", false},
		{"libs-release-local/public", "libs-release-local", "public/x", true},
		{"libs-release-local/a/b", "libs-release-local", "a", false},
		{"libs-release-local/a/b", "libs-release-local", "a/bc", false},
		{"libs-release-local/a/b", "libs-release-local", "a/b/c", true},
		{"*-staging-*", "app-staging-local", "x", true},
		{"*-staging-*", "app-prod-local", "x", false},
		{"libs-?", "libs-a", "", true},
		{"libs-?", "libs-ab", "", false},
		{"*", "anything", "any/path", true},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, mustRule(tc.rule).Allows(tc.repo, tc.path), "%s allows %s/%s", tc.rule, tc.repo, tc.path)
	}
	// Brackets and backslashes never act as glob syntax.
	assert.False(t, Rule{Repo: "libs-[a]"}.Allows("libs-a", ""))
	assert.False(t, Rule{Repo: "libs-\\a"}.Allows("libs-a", ""))
}

// restrictive is the policy the bypass tests run against.
func restrictive(t testing.TB) *Guard {
	t.Helper()
	rules := func(ss ...string) []Rule {
		out := make([]Rule, len(ss))
		for i, s := range ss {
			r, err := ParseRule(s)
			require.NoError(t, err)
			out[i] = r
		}
		return out
	}
	g, err := New(Config{Policy: Policy{
		Mode:    ModeWrite,
		Read:    rules("generic-local", "libs-release-local/public", "app-staging-local"),
		Write:   rules("app-staging-local/uploads"),
		Delete:  rules("app-staging-local/uploads"),
		Promote: rules("app-prod-local"),
	}})
	require.NoError(t, err)
	return g
}

func check(g *Guard, a ...Action) error {
	_, err := g.Check(context.Background(), Call{Tool: "t", Toolset: "artifacts", Class: a[0].Class, Actions: a, Repos: allLocal{}})
	return err
}

func TestCheckNormalisesAndScopesActions(t *testing.T) {
	g := restrictive(t)
	allowed := []Action{
		{Class: ClassRead, Repo: "generic-local"},
		{Class: ClassRead, Repo: "Generic-Local", Path: "/docs//README.txt"},
		{Class: ClassRead, Repo: "libs-release-local", Path: "public"},
		{Class: ClassRead, Repo: "libs-release-local", Path: "public/./a"},
		{Class: ClassWrite, Repo: "app-staging-local", Path: "uploads/a.txt"},
		{Class: ClassWrite, Repo: "APP-STAGING-LOCAL", Path: "uploads//a.txt"},
		{Class: ClassDelete, Repo: "app-staging-local", Path: "uploads/a.txt"},
		{Class: ClassPromote, Repo: "app-prod-local", Path: "x"},
		PlatformAction(ClassRead),
	}
	for _, a := range allowed {
		assert.NoError(t, check(g, a), "%v", a)
	}
	denied := []Action{
		{Class: ClassRead, Repo: "libs-snapshot-local"},
		{Class: ClassRead, Repo: "LIBS-SNAPSHOT-LOCAL"},
		{Class: ClassRead, Repo: "libs-release-local"},
		{Class: ClassRead, Repo: "libs-release-local", Path: "publicX/secret.txt"},
		{Class: ClassRead, Repo: "libs-release-local", Path: "public-but-not/x"},
		{Class: ClassRead, Repo: "generic-l\u043ecal"},
		{Class: ClassWrite, Repo: "app-staging-local"},
		{Class: ClassWrite, Repo: "app-staging-local", Path: "uploadsX/evil"},
		{Class: ClassWrite, Repo: "app-staging-local", Path: "uploads\u200d/evil"},
		{Class: ClassWrite, Repo: "APP-PROD-LOCAL", Path: "uploads/x"},
		{Class: ClassWrite, Repo: "generic-local", Path: "x"},
		{Class: ClassDelete, Repo: "app-staging-local", Path: "secret"},
		{Class: ClassPromote, Repo: "app-staging-local"},
		{Class: ClassRead},
		{Class: ClassWrite},
		{Class: ClassDelete},
		{Class: "bogus", Repo: "generic-local"},
	}
	for _, a := range denied {
		err := check(g, a)
		var d *Denied
		assert.ErrorAs(t, err, &d, "%v", a)
	}
	for name, p := range traversalPaths {
		for _, c := range []Class{ClassRead, ClassWrite, ClassDelete} {
			err := check(g, Action{Class: c, Repo: "app-staging-local", Path: "uploads/" + p})
			assert.Error(t, err, "%s %s", c, name)
		}
	}

	// The normalised form is written back, so the handler acts on exactly
	// what was checked.
	call := Call{Tool: "t", Toolset: "artifacts", Class: ClassWrite, Actions: []Action{{Class: ClassWrite, Repo: "App-Staging-Local", Path: "/uploads/./a//b.txt/"}}, Repos: allLocal{}}
	dec, err := g.Check(context.Background(), call)
	require.NoError(t, err)
	assert.Equal(t, "app-staging-local", dec.Actions[0].Repo)
	assert.Equal(t, "uploads/a/b.txt", dec.Actions[0].Path)
	assert.Equal(t, "App-Staging-Local", call.Actions[0].Repo, "the declared action is not changed")

	// A denied action anywhere in the call denies the whole call.
	err = check(g, Action{Class: ClassRead, Repo: "generic-local", Path: "x"}, Action{Class: ClassWrite, Repo: "app-prod-local", Path: "x"})
	assert.Error(t, err)
}

func TestVisibleRepositoryKeys(t *testing.T) {
	g := restrictive(t)
	for repo, want := range map[string]bool{
		"generic-local":       true,
		"GENERIC-LOCAL":       true,
		"libs-release-local":  true, // something in it (public/) is readable
		"app-staging-local":   true,
		"libs-snapshot-local": false,
		"app-prod-local":      false,
		"libs-release":        false,
		"generic-l\u043ecal":  false,
		"":                    false,
	} {
		assert.Equal(t, want, readableKey(g, repo), repo)
	}
}

func TestVisibleRows(t *testing.T) {
	g := restrictive(t)
	cases := []struct {
		repo, path, name string
		want             bool
	}{
		{"generic-local", "docs", "README.txt", true},
		{"GENERIC-LOCAL", ".", "x", true},
		{"libs-release-local", ".", "public", true}, // the folder itself
		{"libs-release-local", "public", "a.jar", true},
		{"libs-release-local", "public/x", "a.jar", true},
		{"libs-release-local", ".", "publicX", false},
		{"libs-release-local", "publicX", "secret.txt", false},
		{"libs-release-local", "public-but-not", "x", false},
		{"libs-release-local", "com/acme", "a.jar", false},
		{"libs-release-local", ".", "com", false},
		{"libs-release-local", "", "pub", false},
		{"libs-snapshot-local", "x", "y", false},
		{"app-prod-local", ".", "x", false},
		{"generic-l\u043ecal", "docs", "x", false},
		{"", "docs", "x", false},
		{"generic-local ", "docs", "x", false},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, readableRow(g, tc.repo, tc.path, tc.name), "%q %q %q", tc.repo, tc.path, tc.name)
	}
}

func TestDefaultPolicyReadsEverything(t *testing.T) {
	g, err := New(Config{Policy: DefaultPolicy(ModeReadOnly)})
	require.NoError(t, err)
	assert.True(t, readableKey(g, "anything"))
	assert.True(t, readableRow(g, "anything", "a", "b"))
	assert.Error(t, check(g, Action{Class: ClassRead, Repo: "x", Path: "../y"}), "traversal is refused whatever the rules")
}
