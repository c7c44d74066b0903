package guard

import (
	"strings"

	"github.com/jfrog-mcp/jfrog-mcp/internal/aql"
)

// Decision is what the guard allowed for one call. The handler works from
// it, not from its own reading of the policy: the actions as decided, the
// query as scoped, and what the call's results and messages may reveal.
type Decision struct {
	// Actions are the call's actions as decided: normalised, and with On
	// set where a virtual repository stood for another one.
	Actions []Action

	g       *Guard
	query   *aql.Query // the call's AQL, scoped; nil when it has none
	changed bool       // the scoped query differs from the one asked for
	bounded bool       // the query reaches only repositories read whole
	repos   resolution // configurations looked at while deciding
	// rv looks up keys a result names that deciding did not need. It holds
	// the call's context: a decision lives only as long as its call.
	rv *resolver
}

// Query is the call's AQL as the guard scoped it: a copy, never the query
// the tool declared. Nil when the call declared no AQL action.
func (d *Decision) Query() *aql.Query { return d.query }

// Narrowed reports that the guard had to narrow the query to the readable
// repositories.
func (d *Decision) Narrowed() bool { return d.changed }

// Resource is what one item of a result shows.
type Resource struct {
	Repo string
	// Path is the item's full path inside Repo; "" is the repository root.
	Path string
	// KeyOnly marks an item that shows only that the repository exists (a
	// repository list): it is visible when any of the repository is readable.
	KeyOnly bool
	// Kind, Name and Project describe an item that is not a repository path
	// (a build, a release bundle ...): see visibleKind. Empty Kind is
	// repo_path.
	Kind          Kind
	Name, Project string
}

// Visible is the row filter: whether a result may show the item. An item
// without a repository is visible only in the rows of a query bound to
// repositories read whole, where every row is readable.
func (d *Decision) Visible(r Resource) bool {
	if r.Kind != "" && r.Kind != KindRepoPath {
		return d.g.visibleKind(r)
	}
	if r.Repo == "" {
		return d.bounded
	}
	key, err := NormalizeRepo(r.Repo)
	if err != nil {
		return false
	}
	if r.KeyOnly {
		return d.g.canReadKey(key)
	}
	p, err := NormalizePath(r.Path)
	if err != nil {
		return false
	}
	if !d.g.policy.Allows(ClassRead, key, p) {
		return false // by name alone: nothing is looked up
	}
	// What the key stands for decides, as for an action: an item shown
	// under a virtual key may come from any member, one under a remote's
	// cache key is the remote's. A key that cannot be looked up is hidden.
	if _, ok := d.repos[key]; !ok && d.rv != nil {
		d.rv.tree(key, 0)
	}
	return d.g.readable(d.repos, key, p, 0)
}

// Reveals reports whether the call may describe what exists at repo/path:
// checksums, sizes, counts, properties, names. Describing existing items is
// reading them, so a call that may write or delete there but not read says
// only that something exists. Through a virtual repository it takes read
// on every member. A key the decision did not look up reveals nothing.
func (d *Decision) Reveals(repo, path string) bool {
	key, err := NormalizeRepo(repo)
	if err != nil {
		return false
	}
	p, err := NormalizePath(path)
	if err != nil {
		return false
	}
	return d.g.readable(d.repos, key, p, 0)
}

// readable reports whether reading key/p reads only what the policy allows:
// the key itself, and every repository it stands for (a virtual's members,
// recursively, a remote's cache), each at that path. Unknown keys are not.
func (g *Guard) readable(repos resolution, key, p string, depth int) bool {
	if depth > maxVirtualDepth || !g.policy.Allows(ClassRead, key, p) {
		return false
	}
	info := repos[key]
	if info == nil {
		return false
	}
	switch info.Class {
	case RepoLocal, RepoFederated:
		return true
	case RepoRemote:
		return g.policy.Allows(ClassRead, key+"-cache", p)
	case repoCacheClass:
		return g.policy.Allows(ClassRead, cacheKeyOf(key), p)
	case RepoVirtual:
		for _, m := range info.Members {
			mk, err := NormalizeRepo(m)
			if err != nil || !g.readable(repos, mk, p, depth+1) {
				return false
			}
		}
		return true
	}
	return false
}

// canReadKey reports whether the policy lets the server read anything in
// repo: a repository list shows only such keys. Artifactory's own
// repositories (a build-info repository is listed like any other) never.
func (g *Guard) canReadKey(key string) bool {
	if reservedKey(key) != "" {
		return false
	}
	for _, r := range g.policy.Read {
		if globMatch(r.Repo, key) {
			return true
		}
	}
	return false
}

// visibleKey is key when messages may name it, or a neutral phrase: a
// message never names a repository the policy hides.
func (g *Guard) visibleKey(key string) string {
	if g.canReadKey(strings.ToLower(key)) {
		return key
	}
	return "a repository the policy hides"
}

// RowResource is the resource of an AQL items row: AQL writes the
// repository root as path ".".
func RowResource(repo, path, name string) Resource {
	if path == "." {
		path = ""
	}
	full := name
	if path != "" {
		full = path + "/" + name
	}
	return Resource{Repo: repo, Path: full}
}

// On is the repository an action of class c on repo/path was decided on
// when repo is a virtual repository that stands for another one (the
// member holding the item for a delete, the deployment repository for a
// write), or "" when repo is itself where the action happens. A handler
// that sends the request there acts on exactly what was decided, even if
// another member gains the item in between.
func (d *Decision) On(c Class, repo, path string) string {
	key, err := NormalizeRepo(repo)
	if err != nil {
		return ""
	}
	p, err := NormalizePath(path)
	if err != nil {
		return ""
	}
	for _, a := range d.Actions {
		if a.Class == c && a.Repo == key && a.Path == p {
			return a.On
		}
	}
	return ""
}
