package guard

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/aql"
)

// allLocal resolves every valid key as a local repository: for tests about
// the policy alone.
type allLocal struct{}

func (allLocal) Repository(_ context.Context, key string) (*RepoInfo, error) {
	return &RepoInfo{Key: key, Class: RepoLocal}, nil
}

func (allLocal) Holds(context.Context, string, string) (bool, error) { return true, nil }

func testResolver() *resolver {
	return &resolver{ctx: context.Background(), r: allLocal{}, cache: newRepoCache(nil), seen: resolution{}}
}

// readableKey and readableRow apply a fresh decision's row filter, on a
// platform of local repositories.
func readableKey(g *Guard, repo string) bool {
	return freshDecision(g).Visible(Resource{Repo: repo, KeyOnly: true})
}

func readableRow(g *Guard, repo, path, name string) bool {
	if repo == "" {
		return false
	}
	return freshDecision(g).Visible(RowResource(repo, path, name))
}

func freshDecision(g *Guard) *Decision {
	rv := testResolver()
	return &Decision{g: g, repos: rv.seen, rv: rv}
}

// fakeRepos is a small platform: configurations and which items exist.
type fakeRepos struct {
	repos   map[string]*RepoInfo
	items   map[string]bool // "repo/path"
	lookups atomic.Int32
	fail    bool
}

func (f *fakeRepos) Repository(_ context.Context, key string) (*RepoInfo, error) {
	f.lookups.Add(1)
	if f.fail {
		return nil, errors.New("connection refused")
	}
	if i, ok := f.repos[key]; ok {
		return i, nil
	}
	return nil, ErrNoRepository
}

func (f *fakeRepos) Holds(_ context.Context, repo, p string) (bool, error) {
	if f.fail {
		return false, errors.New("connection refused")
	}
	return f.items[repo+"/"+p], nil
}

func platform() *fakeRepos {
	return &fakeRepos{repos: map[string]*RepoInfo{
		"open-local":   {Key: "open-local", Class: RepoLocal},
		"secret-local": {Key: "secret-local", Class: RepoLocal},
		"up-remote":    {Key: "up-remote", Class: RepoRemote},
		// open: every member readable; mixed: one member secret.
		"open":       {Key: "open", Class: RepoVirtual, Members: []string{"open-local"}, DefaultDeployment: "open-local"},
		"mixed":      {Key: "mixed", Class: RepoVirtual, Members: []string{"open-local", "secret-local"}, DefaultDeployment: "secret-local"},
		"nested":     {Key: "nested", Class: RepoVirtual, Members: []string{"open", "mixed"}},
		"via-remote": {Key: "via-remote", Class: RepoVirtual, Members: []string{"open-local", "up-remote"}},
		"no-deploy":  {Key: "no-deploy", Class: RepoVirtual, Members: []string{"open-local"}},
		// deploys into open-local, but secret-local holds b.txt.
		"deploy-open": {Key: "deploy-open", Class: RepoVirtual, Members: []string{"secret-local", "open-local"}, DefaultDeployment: "open-local"},
	}, items: map[string]bool{"open-local/a.txt": true, "secret-local/b.txt": true}}
}

// virtualPolicy reads and writes everything except secret-local and the
// remote's cache; virtual keys themselves are allowed.
func virtualPolicy(t *testing.T) *Guard {
	t.Helper()
	rules := func(keys ...string) []Rule {
		var out []Rule
		for _, k := range keys {
			r, err := ParseRule(k)
			require.NoError(t, err)
			out = append(out, r)
		}
		return out
	}
	all := rules("open-local", "up-remote", "open", "mixed", "nested", "via-remote", "no-deploy", "deploy-open")
	g, err := New(Config{Policy: Policy{Mode: ModeWrite, Read: all, Write: all, Delete: all, Promote: all}})
	require.NoError(t, err)
	return g
}

func decide(g *Guard, r Resolver, a ...Action) (*Decision, *Denied) {
	dec, err := g.Check(context.Background(), Call{Tool: "t", Toolset: "artifacts", Class: a[0].Class, Actions: a, Repos: r})
	var d *Denied
	if errors.As(err, &d) {
		return nil, d
	}
	return dec, nil
}

func TestVirtualReadTakesEveryMember(t *testing.T) {
	g := virtualPolicy(t)
	for key, want := range map[string]bool{
		"open-local": true, "open": true,
		"mixed":      false, // secret-local is a member
		"nested":     false, // mixed, two levels down
		"via-remote": false, // up-remote's cache is not allowed
		"up-remote":  false, // the same store as up-remote-cache
	} {
		t.Run(key, func(t *testing.T) {
			_, d := decide(g, platform(), Action{Class: ClassRead, Repo: key, Path: "a.txt"})
			assert.Equal(t, want, d == nil, "%s: %v", key, d)
			if d != nil {
				assert.NotContains(t, d.Reason+d.Hint, "secret-local", "a refusal names a hidden repository")
			}
		})
	}
}

func TestVirtualWriteIsDecidedOnTheDeploymentRepository(t *testing.T) {
	g := virtualPolicy(t)
	dec, d := decide(g, platform(), Action{Class: ClassWrite, Repo: "open", Path: "x.txt"})
	require.Nil(t, d)
	assert.Equal(t, "open-local", dec.Actions[0].On)

	_, d = decide(g, platform(), Action{Class: ClassWrite, Repo: "mixed", Path: "x.txt"})
	require.NotNil(t, d, "mixed deploys into secret-local")
	assert.NotContains(t, d.Reason+d.Hint, "secret-local")
	assert.Contains(t, d.Reason, "default deployment repository")

	dec, d = decide(g, platform(), Action{Class: ClassWrite, Repo: "deploy-open", Path: "new.txt"})
	require.Nil(t, d)
	assert.Equal(t, "open-local", dec.Actions[0].On)
	_, d = decide(g, platform(), Action{Class: ClassWrite, Repo: "deploy-open", Path: "b.txt"})
	require.NotNil(t, d, "a write to b.txt (its properties) changes it in secret-local")
	assert.NotContains(t, d.Reason+d.Hint, "secret-local")

	_, d = decide(g, platform(), Action{Class: ClassWrite, Repo: "no-deploy", Path: "x.txt"})
	require.NotNil(t, d)
	assert.Contains(t, d.Reason, "without a default deployment repository")
}

func TestVirtualDeleteIsDecidedOnTheHolder(t *testing.T) {
	g := virtualPolicy(t)
	dec, d := decide(g, platform(), Action{Class: ClassDelete, Repo: "mixed", Path: "a.txt"})
	require.Nil(t, d, "a.txt is in open-local, the first member")
	assert.Equal(t, "open-local", dec.Actions[0].On)

	_, d = decide(g, platform(), Action{Class: ClassDelete, Repo: "nested", Path: "b.txt"})
	require.NotNil(t, d, "b.txt is in secret-local")
	assert.NotContains(t, d.Reason+d.Hint, "secret-local")

	_, d = decide(g, platform(), Action{Class: ClassDelete, Repo: "mixed", Path: "none.txt"})
	require.NotNil(t, d, "no member holds it: which one a delete reaches is unknown")
}

func TestUnresolvableKeysAreRefused(t *testing.T) {
	g := virtualPolicy(t)
	down := platform()
	down.fail = true
	for name, r := range map[string]Resolver{"no resolver": nil, "JFrog unreachable": down, "unknown key": platform()} {
		t.Run(name, func(t *testing.T) {
			key := "open-local"
			if name == "unknown key" {
				key = "open"
				r.(*fakeRepos).repos["open"] = nil
				delete(r.(*fakeRepos).repos, "open")
			}
			for _, c := range []Class{ClassRead, ClassWrite, ClassDelete} {
				_, d := decide(g, r, Action{Class: c, Repo: key, Path: "a.txt"})
				assert.NotNil(t, d, "%s %s", c, key)
			}
		})
	}
}

func TestRepositoryConfigurationsAreCachedBriefly(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	g, err := New(Config{Policy: DefaultPolicy(ModeWrite), Now: func() time.Time { return now }})
	require.NoError(t, err)
	p := platform()
	for range 3 {
		_, d := decide(g, p, Action{Class: ClassRead, Repo: "open-local", Path: "a.txt"})
		require.Nil(t, d)
	}
	assert.EqualValues(t, 1, p.lookups.Load(), "looked up once while fresh")
	now = now.Add(repoTTL)
	_, d := decide(g, p, Action{Class: ClassRead, Repo: "open-local", Path: "a.txt"})
	require.Nil(t, d)
	assert.EqualValues(t, 2, p.lookups.Load(), "looked up again once stale")
	// A member added since is seen on the next miss.
	p.repos["open"].Members = append(p.repos["open"].Members, "new-local")
	_, d = decide(g, p, Action{Class: ClassRead, Repo: "new-local"})
	require.NotNil(t, d, "new-local does not exist yet")
}

func TestDecisionRevealsOnlyWhatMayBeRead(t *testing.T) {
	g2, err := New(Config{Policy: Policy{Mode: ModeWrite, Read: []Rule{{Repo: "open*"}}, Write: []Rule{{Repo: "*"}}, Delete: []Rule{{Repo: "*"}}, Promote: []Rule{{Repo: "*"}}}})
	require.NoError(t, err)
	dec, d := decide(g2, platform(), Action{Class: ClassWrite, Repo: "secret-local", Path: "b.txt"}, Action{Class: ClassWrite, Repo: "mixed", Path: "b.txt"}, Action{Class: ClassWrite, Repo: "open", Path: "b.txt"})
	require.Nil(t, d)
	assert.False(t, dec.Reveals("secret-local", "b.txt"), "write-only")
	assert.False(t, dec.Reveals("mixed", "b.txt"), "a virtual with a hidden member")
	assert.True(t, dec.Reveals("open", "b.txt"))
	assert.True(t, dec.Reveals("open-local", "b.txt"))
	assert.False(t, dec.Reveals("never-looked-up", "b.txt"))
	assert.False(t, dec.Visible(Resource{Repo: "secret-local", Path: "b.txt"}))
	assert.False(t, dec.Visible(Resource{Repo: "mixed", Path: "b.txt"}))
	assert.True(t, dec.Visible(Resource{Repo: "open-local", Path: "b.txt"}))
}

func TestAQLThroughAVirtualKeyIsNarrowed(t *testing.T) {
	g := virtualPolicy(t)
	q, err := aql.Parse(`items.find({"repo":"mixed"})`)
	require.NoError(t, err)
	before := q.String()
	dec, d := decide(g, platform(), Action{Class: ClassRead, AQL: q})
	require.Nil(t, d)
	assert.Equal(t, before, q.String(), "the declared query is not changed")
	assert.True(t, dec.Narrowed(), "a virtual key stands for its members; the rule on the key does not cover them")
	assert.NotEqual(t, before, dec.Query().String())
	assert.False(t, dec.Visible(Resource{Repo: "secret-local", Path: "b.txt"}), "rows come back under the member's key")
	assert.False(t, dec.Visible(Resource{Path: "b.txt"}), "a row without a repository is not vouched for")

	q, err = aql.Parse(`items.find({"repo":"open-local"})`)
	require.NoError(t, err)
	dec, d = decide(g, platform(), Action{Class: ClassRead, AQL: q})
	require.Nil(t, d)
	assert.False(t, dec.Narrowed())
	assert.True(t, strings.Contains(dec.Query().String(), "open-local"))
}

func TestRemoteCacheKeysAreTheRemotes(t *testing.T) {
	g, err := New(Config{Policy: DefaultPolicy(ModeWrite)})
	require.NoError(t, err)
	dec, d := decide(g, platform(), Action{Class: ClassRead, Repo: "up-remote-cache", Path: "x"})
	require.Nil(t, d, "a cache key has no configuration of its own; its remote is looked up")
	assert.True(t, dec.Reveals("up-remote-cache", "x"))
	_, d = decide(g, platform(), Action{Class: ClassRead, Repo: "nothing-cache", Path: "x"})
	assert.NotNil(t, d, "no remote behind it")

	only := Policy{Mode: ModeWrite, Read: []Rule{{Repo: "*-cache"}, {Repo: "open-local"}}, Write: []Rule{}, Delete: []Rule{}, Promote: []Rule{}}
	g, err = New(Config{Policy: only})
	require.NoError(t, err)
	dec, d = decide(g, platform(), Action{Class: ClassRead, Repo: "open-local"})
	require.Nil(t, d)
	assert.False(t, dec.Visible(Resource{Repo: "up-remote-cache", Path: "x"}), "a cache row is the remote's, which is not readable")
	assert.True(t, dec.Visible(Resource{Repo: "open-local", Path: "x"}))
}

func TestAuditNamesWhereAVirtualActionWasDecided(t *testing.T) {
	var buf bytes.Buffer
	g, err := New(Config{Policy: DefaultPolicy(ModeWrite), Audit: slog.New(slog.NewJSONHandler(&buf, nil))})
	require.NoError(t, err)
	_, err = g.Check(context.Background(), Call{Tool: "upload_artifact", Toolset: "artifacts", Class: ClassWrite,
		Actions: []Action{{Class: ClassWrite, Repo: "open", Path: "x.txt"}}, Repos: platform()})
	require.NoError(t, err)
	assert.Contains(t, buf.String(), "write open/x.txt (on open-local)")
}
