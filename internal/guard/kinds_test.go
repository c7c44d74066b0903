package guard

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const kindsPolicy = `
mode: write
builds:
  read: ["*"]
  publish: ["app-*", "team1/svc-*"]
  promote: []
release_bundles:
  read: ["*/*"]
  create: ["rb-*"]
environments:
  promote_to: ["DEV", "QA*"]
`

func kindsGuard(t *testing.T, yaml string, mode Mode) *Guard {
	t.Helper()
	set, err := ParsePolicy([]byte(yaml))
	require.NoError(t, err)
	p := set.Base
	if mode != "" {
		p.Mode = mode
	}
	g, err := New(Config{Policy: p})
	require.NoError(t, err)
	return g
}

func TestBuildAndBundleActionsAreDecidedByTheirSections(t *testing.T) {
	g := kindsGuard(t, kindsPolicy, "")
	allowed := []Action{
		BuildAction(BuildRead, "anything", ""),
		BuildAction(BuildRead, "", ""), // a listing; rows are filtered
		BuildAction(BuildPublish, "app-web", ""),
		BuildAction(BuildDelete, "app-web", ""),
		BuildAction(BuildPublish, "svc-api", "team1"),
		BuildAction(BuildPublish, "app-a/b", ""), // '*' spans '/' in names
		ReleaseBundleAction(BundleRead, "x", "team1"),
		ReleaseBundleAction(BundleRead, "x", ""),
		ReleaseBundleAction(BundleCreate, "rb-1", ""),
		ReleaseBundleAction(BundlePromote, "anything", "team2"), // section absent: mode decides
		PromoteToEnvironment("DEV"),
		PromoteToEnvironment("QA-2"),
		EnvironmentAction(ClassRead, ""),
		ProjectAction(ClassRead, "team1"),
		TokenAction(ClassRead, ""),
		WatchAction(ClassRead, "w1"),
		XrayPolicyAction(ClassRead, ""),
		PlatformAction(ClassRead),
		RepositoryConfigAction(ClassRead, ""),
		RepositoryConfigAction(ClassRead, "generic-local"),
	}
	for _, a := range allowed {
		assert.NoError(t, check(g, a), "%v", a)
	}
	denied := map[string]Action{
		"publish outside the globs":           BuildAction(BuildPublish, "lib-x", ""),
		"unqualified rule is default project": BuildAction(BuildPublish, "app-web", "team1"),
		"other project":                       BuildAction(BuildPublish, "svc-api", "team2"),
		"case-sensitive":                      BuildAction(BuildPublish, "APP-web", ""),
		"delete needs publish":                BuildAction(BuildDelete, "lib-x", ""),
		"empty promote list":                  BuildAction(BuildPromote, "app-web", ""),
		"bundle create outside":               ReleaseBundleAction(BundleCreate, "other", ""),
		"bundle create in a project":          ReleaseBundleAction(BundleCreate, "rb-1", "team1"),
		"environment outside":                 PromoteToEnvironment("PROD"),
		"environment case":                    PromoteToEnvironment("dev"),
		"publish without a name":              BuildAction(BuildPublish, "", ""),
		"promote without an environment":      PromoteToEnvironment(""),
		"traversal in a name":                 BuildAction(BuildRead, "../x", ""),
		"encoded separator":                   BuildAction(BuildRead, "a%2F..%2Fb", ""),
		"control character":                   BuildAction(BuildRead, "a\nb", ""),
		"bad project key":                     BuildAction(BuildRead, "a", "Team 1"),
		"project on a token":                  {Kind: KindToken, Class: ClassRead, Name: "t", Project: "team1"},
		"write on a project is admin":         ProjectAction(ClassWrite, "team1"),
		"token creation is admin":             TokenAction(ClassWrite, "t"),
		"repository config change is admin":   RepositoryConfigAction(ClassWrite, "generic-local"),
		"platform write":                      PlatformAction(ClassWrite),
		"admin in write mode":                 WatchAction(ClassAdmin, "w1"),
		"mixed kinds":                         {Kind: KindBuild, Class: ClassRead, Name: "b", Repo: "generic-local"},
		"unknown kind":                        {Kind: "gizmo", Class: ClassRead, Name: "x"},
		"no resource":                         {Class: ClassRead},
	}
	for name, a := range denied {
		var d *Denied
		assert.ErrorAs(t, check(g, a), &d, "%s: %v", name, a)
	}
}

func TestRepositoryConfigReadNeedsRepositoryRead(t *testing.T) {
	g := restrictive(t)
	assert.NoError(t, check(g, RepositoryConfigAction(ClassRead, "Generic-Local")))
	assert.Error(t, check(g, RepositoryConfigAction(ClassRead, "libs-snapshot-local")), "a hidden repository's configuration is hidden too")
	assert.Error(t, check(g, RepositoryConfigAction(ClassRead, "bad key")))
}

func TestKindsFollowTheMode(t *testing.T) {
	ro := kindsGuard(t, kindsPolicy, ModeReadOnly)
	assert.NoError(t, check(ro, BuildAction(BuildRead, "x", "")))
	assert.Error(t, check(ro, BuildAction(BuildPublish, "app-web", "")), "publish is a write")
	assert.Error(t, check(ro, PromoteToEnvironment("DEV")), "promote needs write mode")
	assert.Error(t, check(ro, ReleaseBundleAction(BundleCreate, "rb-1", "")))

	admin := kindsGuard(t, kindsPolicy, ModeAdmin)
	assert.NoError(t, check(admin, TokenAction(ClassAdmin, "t")))
	assert.NoError(t, check(admin, BuildAction(ClassAdmin, "lib-x", "")), "admin is decided by the mode alone")
	assert.Error(t, check(admin, BuildAction(BuildPublish, "lib-x", "")), "admin mode does not widen the sections")

	def, err := New(Config{Policy: DefaultPolicy(ModeWrite)})
	require.NoError(t, err)
	for _, a := range []Action{BuildAction(BuildPublish, "x", "p1"), BuildAction(BuildPromote, "x", ""), ReleaseBundleAction(BundleCreate, "y", ""), PromoteToEnvironment("PROD")} {
		assert.NoError(t, check(def, a), "without sections the mode decides: %v", a)
	}
}

func TestNamePolicySectionsValidate(t *testing.T) {
	cases := map[string]struct{ yaml, want string }{
		"unknown verb":         {"builds:\n  deploy: ['x']\n", "line 2: field deploy not found"},
		"bundle verb":          {"release_bundles:\n  publish: ['x']\n", "line 2: field publish not found"},
		"environment verb":     {"environments:\n  read: ['x']\n", "line 2: field read not found"},
		"bad project glob":     {"builds:\n  read:\n    - ok\n    - 'Team 1/x'\n", "line 4: builds/release_bundles: rule \"Team 1/x\": project glob"},
		"empty name":           {"release_bundles:\n  create: ['team1/']\n", "line 2: builds/release_bundles: rule \"team1/\" has no name"},
		"traversal":            {"builds:\n  publish: ['a/../b']\n", "line 2: builds/release_bundles"},
		"environment not list": {"environments:\n  promote_to: {a: b}\n", "line 2: environments: want a list of name globs"},
		"control character":    {"environments:\n  promote_to: [\"a\\tb\"]\n", "line 2: environments"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParsePolicy([]byte(tc.yaml))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "guard.", "no Go type names in messages")
		})
	}
}

func TestNamePolicySectionsInProfilesAndEffective(t *testing.T) {
	set, err := ParsePolicy([]byte(kindsPolicy + `
profiles:
  narrow:
    builds:
      read: [app-web]
`))
	require.NoError(t, err)
	narrow, err := set.Profile("narrow")
	require.NoError(t, err)
	assert.Equal(t, []NameRule{{Name: "app-web"}}, narrow.Builds.Read)
	assert.Equal(t, set.Base.Builds.Write, narrow.Builds.Write, "a profile keeps what it does not override")
	assert.Equal(t, []NameRule{{Name: "*"}}, set.Base.Builds.Read, "the base is unchanged")

	g := kindsGuard(t, kindsPolicy, "")
	e := g.Effective()
	assert.Equal(t, map[string]string{"read": "*", "publish": "app-*, team1/svc-*", "promote": "nothing"}, e.Builds)
	assert.Equal(t, map[string]string{"read": "*/*", "create": "rb-*", "promote": "*/*"}, e.Bundles)
	assert.Equal(t, map[string]string{"promote_to": "DEV, QA*"}, e.Environments)

	ro := kindsGuard(t, kindsPolicy, ModeReadOnly).Effective()
	assert.Equal(t, map[string]string{"read": "*"}, ro.Builds, "verbs the mode does not allow are not shown")
	assert.Nil(t, ro.Environments)
}

func TestWildcardMatch(t *testing.T) {
	cases := []struct {
		p, s string
		want bool
	}{
		{"*", "", true}, {"*", "a/b", true}, {"a*", "a", true}, {"a*c", "abbbc", true}, {"a*c", "abcd", false},
		{"a?c", "abc", true}, {"a?c", "aéc", true}, {"a?c", "ac", false}, {"*x*y", "axxbxy", true},
		{"A*", "a", false}, {"[a]", "a", false}, {"[a]", "[a]", true}, {"", "", true}, {"", "a", false},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, wildcardMatch(c.p, c.s), "%q ~ %q", c.p, c.s)
	}
}

// The row filter decides items of other kinds too: a build list shows only
// the builds builds.read allows.
func TestVisibleDecidesRowsOfOtherKinds(t *testing.T) {
	g := kindsGuard(t, "builds:\n  read: [app-*, team1/*]\nrelease_bundles:\n  read: []\n", ModeReadOnly)
	dec, err := g.Check(t.Context(), Call{Tool: "t", Toolset: "builds", Class: ClassRead, Actions: []Action{BuildAction(BuildRead, "", "")}, Repos: allLocal{}})
	require.NoError(t, err)
	visible := map[Resource]bool{
		{Kind: KindBuild, Name: "app-web"}:                    true,
		{Kind: KindBuild, Name: "lib"}:                        false,
		{Kind: KindBuild, Name: "app-web", Project: "team2"}:  false,
		{Kind: KindBuild, Name: "anything", Project: "team1"}: true,
		{Kind: KindBuild, Name: "../app-x"}:                   false,
		{Kind: KindReleaseBundle, Name: "rb"}:                 false,
		{Kind: KindRepositoryConfig, Repo: "generic-local"}:   true,
		{Kind: KindRepositoryConfig, Repo: "auto-trashcan"}:   false,
		{Kind: KindEnvironment, Name: "PROD"}:                 true,
		{Kind: KindLocal, Name: "/etc/passwd"}:                false,
		{Kind: "gizmo", Name: "x"}:                            false,
	}
	for r, want := range visible {
		assert.Equal(t, want, dec.Visible(r), "%+v", r)
	}
}
