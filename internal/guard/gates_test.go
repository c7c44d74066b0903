package guard

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// verdicts answers every gate the same way and remembers what it was asked.
type verdicts struct {
	v    *GateVerdict
	err  error
	seen []GateRequest
}

func (f *verdicts) EvaluateGate(_ context.Context, r GateRequest) (*GateVerdict, error) {
	f.seen = append(f.seen, r)
	return f.v, f.err
}

func gatedGuard(t *testing.T) *Guard {
	set, err := ParsePolicy([]byte(`
mode: write
release_gates:
  - repos: ["*-prod-*"]
    block_at: high
    ignore_cves:
      - {cve: CVE-2021-1, reason: "not reachable"}
  - repos: [app-prod-local]
    block_at: medium
`))
	require.NoError(t, err)
	g, err := New(Config{Policy: set.Base})
	require.NoError(t, err)
	return g
}

func copyInto(repo string, ev GateEvaluator, subject *GateSubject) Call {
	return Call{Tool: "copy_artifacts", Toolset: "artifacts", Class: ClassWrite, Gates: ev, Repos: allLocal{}, Actions: []Action{
		{Class: ClassRead, Repo: "app-staging-local", Path: "a.tgz"},
		{Class: ClassWrite, Repo: repo, Path: "a.tgz", Gate: subject},
	}}
}

func TestReleaseGatesFailClosed(t *testing.T) {
	subject := &GateSubject{Repo: "app-staging-local", Path: "a.tgz"}
	t.Run("the strictest matching gate with all ignores is evaluated", func(t *testing.T) {
		g := gatedGuard(t)
		ev := &verdicts{v: &GateVerdict{Pass: true}}
		_, err := g.Check(t.Context(), copyInto("app-prod-local", ev, subject))
		require.NoError(t, err)
		require.Len(t, ev.seen, 1)
		assert.Equal(t, "Medium", ev.seen[0].BlockAt)
		assert.Equal(t, []IgnoredCVE{{CVE: "CVE-2021-1", Reason: "not reachable"}}, ev.seen[0].Ignore)
		assert.Equal(t, *subject, ev.seen[0].Subject)
	})
	t.Run("ungated targets are not evaluated", func(t *testing.T) {
		g := gatedGuard(t)
		ev := &verdicts{err: errors.New("must not be called")}
		_, err := g.Check(t.Context(), copyInto("generic-local", ev, subject))
		require.NoError(t, err)
		assert.Empty(t, ev.seen)
	})
	for _, tc := range []struct {
		name, want string
		ev         GateEvaluator
		subject    *GateSubject
	}{
		{"blocking findings", "XRAY-1 Critical CVE-2021-44228", &verdicts{v: &GateVerdict{Blocking: []string{"XRAY-1 Critical CVE-2021-44228"}}}, subject},
		{"unfinished scan", "Xray scan is scanning", &verdicts{v: &GateVerdict{Reason: "Xray scan is scanning"}}, subject},
		{"evaluator error", "upstream_unavailable: Xray could not evaluate app-staging-local/a.tgz", &verdicts{err: errors.New("connection refused")}, subject},
		{"no evaluator", "upstream_unavailable: no Xray", nil, subject},
		{"no subject", "does not say what it brings in", &verdicts{v: &GateVerdict{Pass: true}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := gatedGuard(t).Check(t.Context(), copyInto("app-prod-local", tc.ev, tc.subject))
			var d *Denied
			require.ErrorAs(t, err, &d)
			assert.Contains(t, d.Reason, "release gate on app-prod-local (block_at Medium)")
			assert.Contains(t, d.Reason, tc.want)
		})
	}
}

func TestReleaseGateCoversPathsAndSpellings(t *testing.T) {
	set, err := ParsePolicy([]byte("mode: write\nrelease_gates:\n  - repos: [generic-local/release]\n    block_at: high\n"))
	require.NoError(t, err)
	g, err := New(Config{Policy: set.Base})
	require.NoError(t, err)
	for _, tc := range []struct {
		repo, path string
		gated      bool
	}{
		{"generic-local", "release/a.tgz", true},
		{"GENERIC-LOCAL", "release/x/a.tgz", true},
		{"generic-local", "", true},
		{"generic-local", "release", true},
		{"generic-local", "releases/a.tgz", false},
		{"generic-local", "other/a.tgz", false},
	} {
		call := Call{Tool: "copy_artifacts", Toolset: "artifacts", Class: ClassWrite, Repos: allLocal{}, Actions: []Action{
			{Class: ClassWrite, Repo: tc.repo, Path: tc.path, Gate: &GateSubject{Repo: "s", Path: "a.tgz"}}}}
		_, err := g.Check(t.Context(), call)
		assert.Equal(t, tc.gated, err != nil, "%s/%s: %v", tc.repo, tc.path, err)
	}
}

func TestReleaseGatePolicyErrors(t *testing.T) {
	_, err := ParsePolicy([]byte("release_gates:\n  - repos: [x]\n    block_at: high\n    ignore_cves: [{cve: CVE-1}]\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "needs cve and reason")
}

func TestCanReadBuild(t *testing.T) {
	p := DefaultPolicy(ModeReadOnly)
	p.Builds.Read = []NameRule{{Name: "billing-*"}}
	g, err := New(Config{Policy: p})
	require.NoError(t, err)
	assert.True(t, g.CanReadBuild("", "billing-service"))
	assert.False(t, g.CanReadBuild("", "secret"))
	assert.False(t, g.CanReadBuild("", ""))
}
