package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// largeTree is how many files under a folder make a recursive property
// change two-phase: beyond it, one call rewrites metadata an agent has not
// looked at. A repository root always asks.
const largeTree = 100

// recursivePropertiesPlan makes a recursive property change at a repository
// root, or on a folder with more than largeTree files under it, two-phase;
// it returns nil (no confirmation) for anything smaller. The plan counts the
// files only where the call may read them, and where it may not it always
// asks.
func recursivePropertiesPlan(ctx context.Context, d *Deps, dec *guard.Decision, verb, repo, p string, keys []string, recursive bool) (*Plan, error) {
	if !recursive {
		return nil, nil
	}
	target := repo + "/" + p
	if p == "" {
		target = "the root of " + repo
	} else {
		item, err := d.Client.Artifactory.StorageItem(ctx, repo, p)
		if err != nil {
			return nil, err
		}
		if !item.IsFolder() {
			return nil, nil
		}
	}
	list, err := d.Client.Artifactory.FileList(ctx, repo, p, client.FileListOptions{Deep: true, MaxFiles: largeTree + 1})
	if err != nil {
		return nil, err
	}
	// Where the call may not read the folder it always asks: asking only
	// above largeTree files would tell how many there are.
	if p != "" && !list.Truncated && len(list.Files) <= largeTree && dec.Reveals(repo, p) {
		return nil, nil
	}
	what := fmt.Sprintf("%s %s on %s and every file under it", verb, strings.Join(keys, ", "), target)
	switch {
	case !dec.Reveals(repo, p):
		what += " (" + notReadable + ")"
	case list.Truncated:
		what += fmt.Sprintf(" (more than %d files)", largeTree)
	default:
		what += fmt.Sprintf(" (%d files)", len(list.Files))
	}
	plan := &Plan{Summary: what}
	// Bound to what the listing saw: files added under the folder since the
	// plan make it a different change.
	for _, f := range list.Files {
		plan.state = append(plan.state, f.URI)
	}
	if list.Truncated {
		plan.state = append(plan.state, "truncated")
	}
	return plan, nil
}
