package guard

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParsePolicyErrorsNameTheLine(t *testing.T) {
	cases := map[string]struct{ yaml, want string }{
		"unknown field":      {"mode: write\nrepositoris:\n  read: ['*']\n", "line 2: field repositoris not found"},
		"bad mode":           {"\nmode: root\n", "line 2: mode: unknown mode \"root\""},
		"bad glob":           {"repositories:\n  read:\n    - ok-local\n    - 'bad repo'\n", "line 4: repositories: rule \"bad repo\""},
		"wildcard in path":   {"repositories:\n  write: ['generic-local/ci/*']\n", "line 2: repositories: rule \"generic-local/ci/*\": wildcards are allowed in the repository part only"},
		"traversal in path":  {"repositories:\n  write: ['generic-local/../x']\n", "segment"},
		"bad severity":       {"release_gates:\n  - repos: ['*-prod-*']\n    block_at: scary\n", "line 3: block_at: unknown severity \"scary\""},
		"bad size":           {"limits:\n  upload_bytes: lots\n", "line 2: limits: \"lots\" is not a positive size"},
		"bad ttl":            {"limits:\n  token_ttl: forever\n", "line 2: token_ttl"},
		"profile error":      {"profiles:\n  ci:\n    mode: sudo\n", "line 3: mode"},
		"gate without repos": {"release_gates:\n  - block_at: high\n", "each gate needs repos and block_at"},
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

func TestParsePolicy(t *testing.T) {
	set, err := ParsePolicy([]byte(`
mode: write
repositories:
  read: ["*"]
  write: ["*-staging-*", "generic-local/ci"]
  delete: []
release_gates:
  - repos: ["*-prod-*"]
    block_at: HIGH
limits:
  upload_bytes: 100MiB
  response_bytes: 50000
  token_ttl: 2h
profiles:
  ro:
    mode: read-only
  narrow:
    repositories:
      read: [generic-local]
`))
	require.NoError(t, err)
	p := set.Base
	assert.Equal(t, ModeWrite, p.Mode)
	assert.True(t, p.Allows(ClassWrite, "app-staging-local", "x/y"))
	assert.True(t, p.Allows(ClassWrite, "generic-local", "ci/build/1.zip"))
	assert.True(t, p.Allows(ClassWrite, "generic-local", "ci"))
	assert.False(t, p.Allows(ClassWrite, "generic-local", "cix/evil"), "a prefix matches whole segments")
	assert.False(t, p.Allows(ClassWrite, "generic-local", ""), "a path rule does not cover the repository root")
	assert.False(t, p.Allows(ClassDelete, "app-staging-local", "x"), "an explicit empty list allows nothing")
	assert.True(t, p.Allows(ClassPromote, "anything", "x"), "an absent list means the mode alone decides")
	assert.Equal(t, []Gate{{Repos: []string{"*-prod-*"}, MinSeverity: "High"}}, p.Gates)
	assert.Equal(t, Limits{UploadBytes: 100 << 20, ResponseBytes: 50000, TokenTTL: 2 * time.Hour}, p.Limits)

	ro, err := set.Profile("ro")
	require.NoError(t, err)
	assert.Equal(t, ModeReadOnly, ro.Mode)
	assert.Equal(t, p.Write, ro.Write, "a profile keeps what it does not override")
	narrow, err := set.Profile("narrow")
	require.NoError(t, err)
	assert.Equal(t, ModeWrite, narrow.Mode)
	assert.False(t, narrow.Allows(ClassRead, "libs-release-local", ""))
	assert.True(t, p.Allows(ClassRead, "libs-release-local", ""), "profiles do not change the base")

	_, err = set.Profile("nope")
	assert.ErrorContains(t, err, `no profile "nope" in the policy (profiles: narrow, ro)`)
}

func TestEmptyPolicyKeepsDefaults(t *testing.T) {
	set, err := ParsePolicy(nil)
	require.NoError(t, err)
	g, err := New(Config{Policy: set.Base})
	require.NoError(t, err)
	assert.Equal(t, ModeReadOnly, g.Mode(), "no mode in the file: read-only")
	assert.True(t, readableKey(g, "any-repo"))
}

// The examples the README shows must stay valid.
func TestExamplePolicies(t *testing.T) {
	files, err := filepath.Glob("../../examples/policies/*.yaml")
	require.NoError(t, err)
	require.Len(t, files, 3)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			set, err := LoadPolicyFile(f)
			require.NoError(t, err)
			assert.NotEmpty(t, set.Base.Mode)
		})
	}
	set, err := LoadPolicyFile("../../examples/policies/ci-release.yaml")
	require.NoError(t, err)
	assert.True(t, set.Base.Allows(ClassWrite, "app-staging-local", "x.zip"))
	assert.False(t, set.Base.Allows(ClassWrite, "app-prod-local", "x.zip"))
	assert.True(t, set.Base.Allows(ClassPromote, "app-prod-local", ""))
	assert.True(t, set.Base.Allows(ClassDelete, "app-staging-local", "tmp/x"))
	assert.False(t, set.Base.Allows(ClassDelete, "app-staging-local", "release/x"))
}

func TestLoadPolicyFileNamesTheFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "p.yaml")
	require.NoError(t, os.WriteFile(f, []byte("mode: nope\n"), 0o644))
	_, err := LoadPolicyFile(f)
	assert.ErrorContains(t, err, f+": line 1: mode")
}
