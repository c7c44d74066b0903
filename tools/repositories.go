package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// ListRepositoriesIn filters the repository list.
type ListRepositoriesIn struct {
	Type        string `json:"type,omitempty" jsonschema:"enum=local,enum=remote,enum=virtual,enum=federated,enum=distribution"`
	PackageType string `json:"package_type,omitempty" jsonschema:"description=e.g. maven\\, npm\\, docker"`
	Project     string `json:"project,omitempty"`
	Limit       int    `json:"limit,omitempty" jsonschema:"minimum=1,maximum=1000,default=200"`
	Offset      int    `json:"offset,omitempty" jsonschema:"minimum=0"`
}

// RepositoryItem is one repository, trimmed to what an agent decides on.
type RepositoryItem struct {
	Key         string `json:"key"`
	Type        string `json:"type" jsonschema:"description=local\\, remote\\, virtual\\, federated or distribution"`
	PackageType string `json:"package_type"`
	Description string `json:"description,omitempty"`
}

// Resource is the repository's key: listing it shows only that it exists.
func (r RepositoryItem) Resource() guard.Resource { return guard.Resource{Repo: r.Key, KeyOnly: true} }

// RepositoryList is the result of list_repositories.
type RepositoryList struct {
	List[RepositoryItem]
}

var listRepositories = Define(Tool[ListRepositoriesIn, RepositoryList]{
	Name:        "list_repositories",
	Title:       "List repositories",
	Class:       guard.ClassRead,
	Annotations: ReadOnly,
	Description: "Repositories (key, class, package type): the valid repository keys.",
	Docs:        "key, class, package type; filter by class, package type, project; hides what the policy does not let it read",
	// The listing itself; the wrapper leaves out the rows the policy does
	// not let the server read.
	Actions: func(*ListRepositoriesIn) []guard.Action {
		return []guard.Action{guard.RepositoryConfigAction(guard.ClassRead, "")}
	},
	Handle: func(ctx context.Context, d *Deps, in *ListRepositoriesIn, dec *guard.Decision) (*RepositoryList, error) {
		repos, err := d.Client.Artifactory.ListRepositories(ctx, client.ListRepositoriesOptions{
			Type: in.Type, PackageType: in.PackageType, Project: in.Project,
		})
		if err != nil {
			return nil, err
		}
		items := make([]RepositoryItem, 0, len(repos))
		for _, r := range repos {
			items = append(items, RepositoryItem{
				Key:         r.Key,
				Type:        strings.ToLower(r.Type),
				PackageType: strings.ToLower(r.PackageType),
				Description: r.Description,
			})
		}
		// Repositories the policy does not let this server read are not
		// shown: an agent should not plan around what it cannot touch.
		return &RepositoryList{Paginate(visibleOnly(items, dec), in.Offset, limitOr(in.Limit, 200))}, nil
	},
	Summary: func(in *ListRepositoriesIn, out *RepositoryList) string {
		return fmt.Sprintf("%d of %d repositories", len(out.Items), *out.Total)
	},
})

// limitOr applies a tool's default page size when the agent gave none.
func limitOr(limit, def int) int {
	if limit <= 0 {
		return def
	}
	return limit
}
