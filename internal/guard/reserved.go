package guard

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/jfrog-mcp/jfrog-mcp/internal/aql"
)

// Keys Artifactory routes to something other than a repository. A request
// for /artifactory/api/repositories/x is the REST API, not the file
// "repositories/x" of a repository "api", so a key from this list would let
// a file path reach an endpoint the guard never decided on. Sources: the
// servlet mappings and RepoFilter path prefixes of Artifactory's web.xml
// (api, ui, mc, webapp, favicon.ico), UiRequestUtils.isReservedName (list,
// artifactory-edge-uploads), the global virtual repository "repo" (every
// repository at once), and JFrog's repository naming rules.
var routedKeys = map[string]string{
	"api":         "Artifactory's REST API",
	"ui":          "Artifactory's UI API",
	"mc":          "Mission Control's API",
	"webapp":      "the web UI",
	"favicon.ico": "the web UI",
	"list":        "the directory browser",
	"repo":        "the global virtual repository, which aggregates every repository",
}

// Repositories Artifactory keeps for itself: their content is build info,
// release bundles, deleted files of every repository, logs or support
// bundles, which other policy sections (or nothing) govern.
var internalKeys = map[string]string{
	"artifactory-build-info":   "build info (use the builds tools)",
	"artifactory-pipe-info":    "Pipelines info",
	"auto-trashcan":            "the trash can, which holds deleted files of every repository",
	"jfrog-usage-logs":         "usage logs",
	"jfrog-billing-logs":       "billing logs",
	"jfrog-logs":               "logs",
	"jfrog-support-bundle":     "support bundles",
	"artifactory-edge-uploads": "edge uploads",
	"release-bundles":          "release bundles (use the release bundle tools)",
	"release-bundles-v2":       "release bundles (use the release bundle tools)",
}

var (
	internalPrefixes = []string{"jfrog-system-reserved", "jfrog-artifactory-system"}
	// Projects get their own build-info and release-bundle repositories.
	internalSuffixes = map[string]string{
		"-build-info":         "a project's build info (use the builds tools)",
		"-release-bundles-v2": "a project's release bundles (use the release bundle tools)",
	}
)

// remoteCacheSuffix ends the key through which a remote repository's cache
// is read; no other repository may end with it.
const remoteCacheSuffix = "-cache"

// reservedKey says why a normalised key is not a repository this server may
// name, or "" when it may be one.
func reservedKey(key string) string {
	if what, ok := routedKeys[key]; ok {
		return fmt.Sprintf("%q is not a repository: Artifactory routes /%s/ to %s", key, key, what)
	}
	if what, ok := internalKeys[key]; ok {
		return fmt.Sprintf("%q is Artifactory's own repository for %s, not one this server works in", key, what)
	}
	for _, p := range internalPrefixes {
		if strings.HasPrefix(key, p) {
			return fmt.Sprintf("%q is reserved for Artifactory's own repositories (%s*)", key, p)
		}
	}
	for s, what := range internalSuffixes {
		if strings.HasSuffix(key, s) {
			return fmt.Sprintf("%q is reserved for %s", key, what)
		}
	}
	return ""
}

// checkRepoKey normalises a repository key an action names and refuses keys
// that are not repositories.
func (g *Guard) checkRepoKey(key string) (string, *Denied) {
	k, err := NormalizeRepo(key)
	if err != nil {
		return "", &Denied{Reason: err.Error(), Hint: "use a repository key exactly as list_repositories shows it"}
	}
	if why := reservedKey(k); why != "" {
		return "", &Denied{Reason: why, Hint: "use a repository key exactly as list_repositories shows it; nothing was sent to JFrog"}
	}
	return k, nil
}

// cacheOf returns the remote repository whose cache key is, or "".
func cacheOf(key string) string {
	if r, ok := strings.CutSuffix(key, remoteCacheSuffix); ok && r != "" {
		return r
	}
	return ""
}

// decideCache decides a key ending in -cache on the remote repository too:
// its content is that remote's, so a rule that reaches the cache but not
// the remote (say "*-cache") must not open it.
func (g *Guard) decideCache(c Class, repo, p string) *Denied {
	remote := cacheOf(repo)
	if remote == "" || g.policy.Allows(c, remote, p) {
		return nil
	}
	return &Denied{
		Reason: fmt.Sprintf("%s %s is the cache of remote repository %s, and %s there is outside the policy", c, joinRepoPath(repo, p), remote, c),
		Hint:   "get_platform_info shows the whole policy",
	}
}

// Artifactory's own repositories are searched by AQL like any other (build
// info files, the trash can). refuseReservedAQL refuses a query bound to a
// reserved key; the rows of a narrowed query are checked against the policy,
// which never allows them (Policy.Allows); and excludeReserved keeps a query
// the guard does not narrow out of them when the policy restricts reading
// builds or release bundles, whose files they hold. Keys that are routes
// (api, ui ...) hold no items and need no exclusion.
func refuseReservedAQL(q *aql.Query) *Denied {
	for _, c := range q.AnalyzeRepos().Repos {
		if c.Pattern {
			continue
		}
		if why := reservedKey(strings.ToLower(strings.TrimRight(c.Key, " "))); why != "" {
			return &Denied{Reason: why, Hint: "query ordinary repositories; list_repositories shows them"}
		}
	}
	return nil
}

// excludeReserved wraps the scoped copy q of a query that reads every
// repository as {"$and":[q, not reserved]} when the policy restricts build
// or release bundle reads and q may reach a reserved repository. It reports
// whether it changed q. Where the read rules do not cover every repository,
// the query is narrowed to them anyway and its rows checked.
func (g *Guard) excludeReserved(q *aql.Query) bool {
	if !g.readsEverything() || (g.policy.Builds.Read == nil && g.policy.ReleaseBundles.Read == nil) {
		return false
	}
	an := q.AnalyzeRepos()
	if an.Bounded && !slices.ContainsFunc(an.Repos, func(c aql.RepoConstraint) bool { return c.Pattern }) {
		return false // exact ordinary keys only (refuseReservedAQL saw to that)
	}
	var not []*aql.Criteria
	for _, k := range slices.Sorted(maps.Keys(internalKeys)) {
		not = append(not, aql.Object(aql.Field("repo", aql.OpNe, aql.String(k))))
	}
	for _, p := range internalPrefixes {
		not = append(not, aql.Object(aql.Field("repo", aql.OpNmatch, aql.String(p+"*"))))
	}
	for _, s := range slices.Sorted(maps.Keys(internalSuffixes)) {
		not = append(not, aql.Object(aql.Field("repo", aql.OpNmatch, aql.String("*"+s))))
	}
	aql.And(q, aql.Object(aql.AndOf(not...)))
	return true
}
