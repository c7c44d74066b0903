package guard

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Repository classes as Artifactory names them (rclass).
const (
	RepoLocal     = "local"
	RepoRemote    = "remote"
	RepoVirtual   = "virtual"
	RepoFederated = "federated"
)

// RepoInfo is what the guard needs to know about a repository key to decide
// what a call through it really touches.
type RepoInfo struct {
	Key   string // as Artifactory spells it
	Class string // RepoLocal, RepoRemote, RepoVirtual or RepoFederated
	// Members are a virtual repository's aggregated keys, in resolution order.
	Members []string
	// DefaultDeployment is where a virtual repository stores what is
	// deployed through it; empty when it has none.
	DefaultDeployment string
}

// ErrNoRepository is returned by a Resolver for a key that names no
// repository.
var ErrNoRepository = errors.New("no such repository")

// Resolver looks repositories up with the server's own identity. The guard
// never imports the JFrog client; whoever builds the tools' dependencies
// supplies an adapter.
type Resolver interface {
	// Repository returns the configuration of key, or ErrNoRepository.
	Repository(ctx context.Context, key string) (*RepoInfo, error)
	// Holds reports whether the physical repository repo has an item at path.
	Holds(ctx context.Context, repo, path string) (bool, error)
}

// repoTTL is how long a looked-up configuration is trusted. Short: a
// virtual repository that gains a member must not stay readable for long on
// the strength of its old member list.
const repoTTL = 30 * time.Second

// maxVirtualDepth bounds nested virtual repositories (and cycles).
const maxVirtualDepth = 8

// repoCache remembers configurations briefly; a miss asks the resolver.
// Failures are never cached: the next call asks again.
type repoCache struct {
	now     func() time.Time
	mu      sync.Mutex
	entries map[string]repoEntry
}

type repoEntry struct {
	info *RepoInfo
	at   time.Time
}

func newRepoCache(now func() time.Time) *repoCache {
	if now == nil {
		now = time.Now
	}
	return &repoCache{now: now, entries: map[string]repoEntry{}}
}

// lookup returns the configuration of a normalised key.
func (c *repoCache) lookup(ctx context.Context, r Resolver, key string) (*RepoInfo, error) {
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok && c.now().Sub(e.at) < repoTTL {
		return e.info, nil
	}
	if r == nil {
		return nil, errors.New("no repository resolver is configured")
	}
	info, err := r.Repository(ctx, key)
	if err != nil {
		return nil, err
	}
	if info == nil || !strings.EqualFold(info.Key, key) {
		return nil, fmt.Errorf("the configuration of %s names another repository", key)
	}
	cp := *info
	cp.Class = strings.ToLower(cp.Class)
	cp.Members = append([]string(nil), info.Members...)
	c.mu.Lock()
	c.entries[key] = repoEntry{info: &cp, at: c.now()}
	c.mu.Unlock()
	return &cp, nil
}

// resolution is the configurations a decision looked at, keyed by
// normalised key, so results can be judged later without asking again.
type resolution map[string]*RepoInfo

// resolver walks repository keys for one call: through the cache, recording
// every configuration it used.
type resolver struct {
	ctx   context.Context
	r     Resolver
	cache *repoCache
	seen  resolution
}

// repoCacheClass marks "<remote>-cache", the key under which Artifactory
// keeps (and AQL reports) what a remote repository has cached. It has no
// configuration of its own.
const repoCacheClass = "remote-cache"

func (rv *resolver) info(key string) (*RepoInfo, error) {
	if i, ok := rv.seen[key]; ok {
		return i, nil
	}
	i, err := rv.cache.lookup(rv.ctx, rv.r, key)
	if errors.Is(err, ErrNoRepository) {
		if remote := cacheKeyOf(key); remote != "" {
			if ri, rerr := rv.cache.lookup(rv.ctx, rv.r, remote); rerr == nil && ri.Class == RepoRemote {
				rv.seen[remote] = ri
				i, err = &RepoInfo{Key: key, Class: repoCacheClass}, nil
			}
		}
	}
	if err != nil {
		return nil, err
	}
	rv.seen[key] = i
	return i, nil
}

// tree looks up key and, for a virtual repository, its members
// recursively, so that what the call may reveal can be judged from the
// decision alone. Members that cannot be looked up stay unknown, and an
// unknown key reveals nothing.
func (rv *resolver) tree(key string, depth int) {
	i, err := rv.info(key)
	if err != nil || depth > maxVirtualDepth {
		return
	}
	for _, m := range i.Members {
		if mk, err := NormalizeRepo(m); err == nil {
			if _, done := rv.seen[mk]; !done {
				rv.tree(mk, depth+1)
			}
		}
	}
}

// decideResolved decides an action the policy allows on its key by what
// the key really is. A local repository is what it says. A remote one is
// also its cache. Through a virtual one, a read reads every member, a write
// lands in the default deployment repository (or changes the item where a
// member holds it), and a delete removes the item from the member that
// holds it; the action is decided there, and On names it.
func (g *Guard) decideResolved(rv *resolver, a *Action, repo, p string) *Denied {
	info, err := rv.info(repo)
	if err != nil {
		return unresolved(a.Repo, err)
	}
	rv.tree(repo, 0)
	switch info.Class {
	case RepoLocal, RepoFederated:
		return nil
	case RepoRemote, repoCacheClass:
		other := repo + "-cache"
		if info.Class == repoCacheClass {
			other = cacheKeyOf(repo)
		}
		if !g.policy.Allows(a.Class, other, p) {
			return &Denied{
				Reason: fmt.Sprintf("%s %s is outside the policy: a remote repository and its cache are one store, and the policy does not allow %s on %s at that path",
					a.Class, joinRepoPath(repo, p), a.Class, g.visibleKey(other)),
				Hint: "ask the operator to allow both <remote> and <remote>-cache; get_platform_info shows the policy",
			}
		}
		return nil
	case RepoVirtual:
		switch a.Class {
		case ClassRead:
			if !g.readable(rv.seen, repo, p, 0) {
				return &Denied{
					Reason: fmt.Sprintf("read %s is outside the policy: %s is a virtual repository that aggregates repositories the policy does not let this server read", joinRepoPath(repo, p), repo),
					Hint:   "read from the local repositories the policy allows instead; list_repositories shows them",
				}
			}
			return nil
		case ClassDelete:
			return g.decideOnHolder(rv, a, info, repo, p)
		default:
			return g.decideOnDeployment(rv, a, info, repo, p)
		}
	}
	return &Denied{Reason: fmt.Sprintf("repository %s is of class %q, which this server does not know how to decide on", repo, info.Class)}
}

// decideOnDeployment decides a write through a virtual repository where it
// lands: the default deployment repository, and, when a member already
// holds the item, that member too.
func (g *Guard) decideOnDeployment(rv *resolver, a *Action, info *RepoInfo, repo, p string) *Denied {
	if info.DefaultDeployment == "" {
		return &Denied{
			Reason: fmt.Sprintf("%s is a virtual repository without a default deployment repository, so nothing can be written through it", repo),
			Hint:   "write to a local repository instead; list_repositories with type local shows them",
		}
	}
	target, err := NormalizeRepo(info.DefaultDeployment)
	if err != nil {
		return unresolved(a.Repo, err)
	}
	ti, err := rv.info(target)
	if err != nil {
		return unresolved(a.Repo, err)
	}
	if ti.Class != RepoLocal && ti.Class != RepoFederated {
		return &Denied{Reason: fmt.Sprintf("the default deployment repository of %s is not a local repository", repo)}
	}
	if !g.policy.Allows(a.Class, target, p) {
		return &Denied{
			Reason: fmt.Sprintf("%s %s is outside the policy: %s deploys to its default deployment repository (%s), which the policy does not allow %s on at that path",
				a.Class, joinRepoPath(repo, p), repo, g.visibleKey(ti.Key), a.Class),
			Hint: fmt.Sprintf("%s is allowed on: %s", a.Class, rulesText(g.policy.rules(a.Class))),
		}
	}
	// A write that changes an existing item (its properties) acts on the
	// member that holds it, which may be another one: decided there too.
	holder, err := g.holder(rv, info, p, 0)
	if err != nil {
		return &Denied{Reason: fmt.Sprintf("%s %s through the virtual repository %s is refused: which repository it aggregates holds that path could not be found out", a.Class, joinRepoPath(repo, p), repo)}
	}
	if holder != nil && !strings.EqualFold(holder.Key, ti.Key) {
		if d := g.allowedOnHolder(a, holder, repo, p); d != nil {
			return d
		}
	}
	a.On = ti.Key
	return nil
}

// allowedOnHolder decides an action through a virtual repository on the
// member that holds the item.
func (g *Guard) allowedOnHolder(a *Action, holder *RepoInfo, repo, p string) *Denied {
	hk, _ := NormalizeRepo(holder.Key)
	allowed := g.policy.Allows(a.Class, hk, p)
	if holder.Class == RepoRemote {
		allowed = allowed && g.policy.Allows(a.Class, hk+"-cache", p)
	}
	if !allowed {
		return &Denied{
			Reason: fmt.Sprintf("%s %s is outside the policy: through %s it acts on the item in %s, which the policy does not allow %s on",
				a.Class, joinRepoPath(repo, p), repo, g.visibleKey(holder.Key), a.Class),
			Hint: fmt.Sprintf("%s is allowed on: %s", a.Class, rulesText(g.policy.rules(a.Class))),
		}
	}
	return nil
}

// decideOnHolder decides a delete through a virtual repository on the
// member that holds the item, found the way Artifactory resolves it:
// members in order, depth first.
func (g *Guard) decideOnHolder(rv *resolver, a *Action, info *RepoInfo, repo, p string) *Denied {
	holder, err := g.holder(rv, info, p, 0)
	if err != nil || holder == nil {
		why := "no repository it aggregates holds that path"
		if err != nil {
			why = "which repository it aggregates holds that path could not be found out"
		}
		return &Denied{
			Reason: fmt.Sprintf("%s %s through the virtual repository %s is refused: %s", a.Class, joinRepoPath(repo, p), repo, why),
			Hint:   "name the local repository that holds the item",
		}
	}
	if d := g.allowedOnHolder(a, holder, repo, p); d != nil {
		return d
	}
	a.On = holder.Key
	return nil
}

// holder is the first member (recursively) that holds p, or nil.
func (g *Guard) holder(rv *resolver, info *RepoInfo, p string, depth int) (*RepoInfo, error) {
	if depth > maxVirtualDepth {
		return nil, errors.New("virtual repositories nest too deep")
	}
	for _, m := range info.Members {
		mk, err := NormalizeRepo(m)
		if err != nil {
			return nil, err
		}
		mi, err := rv.info(mk)
		if err != nil {
			return nil, err
		}
		if mi.Class == RepoVirtual {
			h, err := g.holder(rv, mi, p, depth+1)
			if err != nil || h != nil {
				return h, err
			}
			continue
		}
		has, err := rv.r.Holds(rv.ctx, mi.Key, p)
		if err != nil {
			return nil, err
		}
		if has {
			return mi, nil
		}
	}
	return nil, nil
}

// unresolved is the refusal for a key whose meaning is unknown. It names
// only the key the caller gave.
func unresolved(key string, err error) *Denied {
	if errors.Is(err, ErrNoRepository) {
		return &Denied{Reason: fmt.Sprintf("repository %s does not exist (or this server may not see it)", key),
			Hint: "use a repository key exactly as list_repositories shows it", NotFound: true}
	}
	return &Denied{Reason: fmt.Sprintf("repository %s could not be looked up, so what it contains is unknown", key),
		Hint: "try again; if it keeps failing, check with get_platform_info that JFrog answers", Cause: err}
}

// cacheKeyOf returns the remote repository whose cache key is the given
// one ("<remote>-cache"), or "".
func cacheKeyOf(key string) string {
	if r, ok := strings.CutSuffix(key, "-cache"); ok && r != "" {
		return r
	}
	return ""
}
