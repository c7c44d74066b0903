package tools

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// Empty results explain themselves: a search or query with no rows says the
// likely cause when one can be known, so an agent does not conclude that
// nothing exists when it asked wrongly. Each check is cheap and runs only
// when there were no rows.

// emptySearchHint is why search_artifacts may have found nothing, or "".
func emptySearchHint(ctx context.Context, d *Deps, dec *guard.Decision, in *SearchArtifactsIn) string {
	var causes []string
	if c := missingRepos(ctx, d, dec, in.Repos); c != "" {
		causes = append(causes, c)
	}
	if strings.Contains(in.Name, "/") {
		causes = append(causes, fmt.Sprintf("name %q contains '/': name is the file name alone; put the folders in path", in.Name))
	}
	if p := strings.Trim(in.Path, "/"); p != "" && !strings.ContainsAny(p, "*?") {
		causes = append(causes, fmt.Sprintf("path %q matches that one folder exactly, not the folders under it; for those use path %q", p, p+"/*"))
	}
	return d.say(strings.Join(causes, "; "))
}

// emptyAQLHint is why run_aql may have returned no rows, or "".
func emptyAQLHint(ctx context.Context, d *Deps, dec *guard.Decision, exactRepos []string) string {
	return d.say(missingRepos(ctx, d, dec, exactRepos))
}

// missingRepos names the repositories among keys that JFrog does not list for
// this server's user: they do not exist, or it cannot read them. A failed
// listing says nothing: the empty result stands on its own.
func missingRepos(ctx context.Context, d *Deps, dec *guard.Decision, keys []string) string {
	canRead := func(key string) bool { return dec.Visible(guard.Resource{Repo: key, KeyOnly: true}) }
	if !slices.ContainsFunc(keys, canRead) {
		return ""
	}
	repos, err := d.Client.Artifactory.ListRepositories(ctx, client.ListRepositoriesOptions{})
	if err != nil {
		return ""
	}
	var missing []string
	for _, k := range keys {
		if !canRead(k) {
			// Whether a repository the policy hides exists is not the
			// agent's to learn, not even from a missing hint.
			continue
		}
		found, closest, best := false, "", 3 // suggest only a key within two edits
		for _, r := range repos {
			if strings.EqualFold(r.Key, k) {
				found = true
				break
			}
			// Only keys the caller may see are suggested.
			if !canRead(r.Key) {
				continue
			}
			if dist := editDistance(strings.ToLower(k), strings.ToLower(r.Key)); dist < best {
				closest, best = r.Key, dist
			}
		}
		if found {
			continue
		}
		m := fmt.Sprintf("repository %q does not exist or this server's JFrog user cannot read it", k)
		if closest != "" {
			m += fmt.Sprintf(" (did you mean %q?)", closest)
		}
		missing = append(missing, m)
	}
	if len(missing) == 0 {
		return ""
	}
	return strings.Join(missing, "; ") + "; list_repositories shows the keys"
}

// editDistance is the Levenshtein distance of two short strings.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
