package tools

import (
	"context"
	"fmt"

	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// DeleteIn names one file or folder to delete.
type DeleteIn struct {
	Repo         string `json:"repo" jsonschema:"required,minLength=1"`
	Path         string `json:"path" jsonschema:"required,minLength=1,description=File or folder (with everything under it)"`
	ConfirmToken string `json:"confirm_token,omitempty"`
}

// Validate refuses a repository root.
func (in *DeleteIn) Validate() error {
	p, err := itemPathOf(in.Path, "name a file or folder; deleting a whole repository's content is not offered")
	in.Path = p
	return err
}

// DeleteResult reports the deletion.
type DeleteResult struct {
	Pending
	Repo    string `json:"repo"`
	Path    string `json:"path"`
	Deleted bool   `json:"deleted"`
}

var deleteArtifact = Define(Tool[DeleteIn, DeleteResult]{
	Name:        "delete_artifact",
	Title:       "Delete artifact",
	Class:       guard.ClassDelete,
	Annotations: Annotations{ReadOnly: no, Destructive: yes, Idempotent: yes, OpenWorld: yes},
	Description: "Delete a file or a folder and everything under it; first returns a plan " +
		"and a confirm_token to send back.",
	Docs: "two-phase: a plan, then the same call with its confirm_token",
	Actions: func(in *DeleteIn) []guard.Action {
		return []guard.Action{{Class: guard.ClassDelete, Repo: in.Repo, Path: in.Path}}
	},
	ErrorHints: ErrorHints{CodeNotFound: "the repository exists, nothing is at that path: check it with get_artifact_info on its folder"},
	Confirm:    deletePlan,
	Handle: func(ctx context.Context, d *Deps, in *DeleteIn, dec *guard.Decision) (*DeleteResult, error) {
		if err := d.Client.Artifactory.DeleteItem(ctx, deleteRepo(in, dec), in.Path); err != nil {
			return nil, err
		}
		return &DeleteResult{Repo: in.Repo, Path: in.Path, Deleted: true}, nil
	},
	Summary: func(in *DeleteIn, out *DeleteResult) string {
		return fmt.Sprintf("deleted %s/%s", out.Repo, out.Path)
	},
})

// deletePlan describes what a delete removes, from the storage API, as far
// as the decision lets the call reveal it.
func deletePlan(ctx context.Context, d *Deps, in *DeleteIn, dec *guard.Decision) (*Plan, error) {
	item, err := d.Client.Artifactory.StorageItem(ctx, deleteRepo(in, dec), in.Path)
	if err != nil {
		return nil, err
	}
	target := in.Repo + "/" + in.Path
	var plan *Plan
	switch {
	case !dec.Reveals(in.Repo, in.Path):
		// Describing what is deleted would be reading it.
		plan = &Plan{Summary: fmt.Sprintf("delete %s and, if it is a folder, everything under it (%s)", target, notReadable)}
	case item.IsFolder():
		plan = &Plan{Summary: fmt.Sprintf("delete folder %s and everything under it (%d direct entries)", target, len(item.Children))}
	default:
		sha := ""
		if item.Checksums != nil {
			sha = ", sha256 " + item.Checksums.SHA256
		}
		plan = &Plan{Summary: fmt.Sprintf("delete file %s (%s bytes%s)", target, item.Size, sha)}
	}
	// The token binds the items and their sha256 (keyed, so a write-only
	// caller learns nothing from it): a replay after the delete, or a file
	// replaced since the plan, no longer matches.
	plan.state, err = treeState(ctx, d, deleteRepo(in, dec), in.Path, item)
	return plan, err
}

// deleteRepo is where the delete is sent: through a virtual repository,
// the member the guard decided on, so that an item another member gains
// meanwhile is not the one removed. Results still name the key asked.
func deleteRepo(in *DeleteIn, dec *guard.Decision) string {
	if on := dec.On(guard.ClassDelete, in.Repo, in.Path); on != "" {
		return on
	}
	return in.Repo
}
