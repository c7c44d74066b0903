package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// PropertiesIn sets properties on an item.
type PropertiesIn struct {
	Repo       string     `json:"repo" jsonschema:"required,minLength=1"`
	Path       string     `json:"path,omitempty" jsonschema:"description=File or folder; empty for the repository root"`
	Properties Properties `json:"properties" jsonschema:"required,description=key -> value or [values]; replaces the values of these keys"`
	Recursive  bool       `json:"recursive,omitempty" jsonschema:"description=Also set them on everything under a folder"`
}

// Validate checks the path and the property keys.
func (in *PropertiesIn) Validate() error {
	p, err := cleanItemPath(in.Path)
	if err != nil {
		return err
	}
	in.Path = p
	if len(in.Properties) == 0 {
		return Errorf(CodeInvalidArgument, "", "properties is empty")
	}
	return in.Properties.validate()
}

// PropertiesResult is the item's properties after the change.
type PropertiesResult struct {
	Repo       string              `json:"repo"`
	Path       string              `json:"path"`
	Recursive  bool                `json:"recursive"`
	Properties map[string][]string `json:"properties" jsonschema:"description=All properties of the item after the change"`
}

var setArtifactProperties = Define(Tool[PropertiesIn, PropertiesResult]{
	Name:        "set_artifact_properties",
	Title:       "Set artifact properties",
	Toolset:     "artifacts",
	Class:       guard.ClassWrite,
	Hints:       Hints{ReadOnly: no, Destructive: yes, Idempotent: yes, OpenWorld: yes},
	Description: "Set properties on a file or folder (optionally recursively). Values may contain any characters, including ; = , | and non-ASCII.",
	Actions: func(in *PropertiesIn) []guard.Action {
		return []guard.Action{{Class: guard.ClassWrite, Repo: in.Repo, Path: in.Path}}
	},
	ErrorHints: ErrorHints{CodeNotFound: "no such item: check it with get_artifact_info"},
	Handle: func(ctx context.Context, d *Deps, in *PropertiesIn) (*PropertiesResult, error) {
		if err := d.Client.Artifactory.SetProperties(ctx, in.Repo, in.Path, in.Properties.plain(), in.Recursive); err != nil {
			return nil, err
		}
		return readBackProperties(ctx, d, in.Repo, in.Path, in.Recursive)
	},
	Summary: func(in *PropertiesIn, out *PropertiesResult) string {
		return fmt.Sprintf("set %d properties on %s/%s", len(in.Properties), out.Repo, out.Path)
	},
})

// DeletePropertiesIn names property keys to remove.
type DeletePropertiesIn struct {
	Repo      string   `json:"repo" jsonschema:"required,minLength=1"`
	Path      string   `json:"path,omitempty"`
	Keys      []string `json:"keys" jsonschema:"required,minItems=1,description=Property keys to remove"`
	Recursive bool     `json:"recursive,omitempty"`
}

// Validate checks the path.
func (in *DeletePropertiesIn) Validate() error {
	p, err := cleanItemPath(in.Path)
	in.Path = p
	return err
}

var deleteArtifactProperties = Define(Tool[DeletePropertiesIn, PropertiesResult]{
	Name:        "delete_artifact_properties",
	Title:       "Delete artifact properties",
	Toolset:     "artifacts",
	Class:       guard.ClassWrite,
	Hints:       Hints{ReadOnly: no, Destructive: yes, Idempotent: yes, OpenWorld: yes},
	Description: "Remove property keys (all their values) from a file or folder, optionally recursively.",
	Actions: func(in *DeletePropertiesIn) []guard.Action {
		return []guard.Action{{Class: guard.ClassWrite, Repo: in.Repo, Path: in.Path}}
	},
	ErrorHints: ErrorHints{CodeNotFound: "no such item: check it with get_artifact_info"},
	Handle: func(ctx context.Context, d *Deps, in *DeletePropertiesIn) (*PropertiesResult, error) {
		if err := d.Client.Artifactory.DeleteProperties(ctx, in.Repo, in.Path, in.Keys, in.Recursive); err != nil {
			return nil, err
		}
		return readBackProperties(ctx, d, in.Repo, in.Path, in.Recursive)
	},
	Summary: func(in *DeletePropertiesIn, out *PropertiesResult) string {
		return fmt.Sprintf("removed %s from %s/%s", strings.Join(in.Keys, ", "), out.Repo, out.Path)
	},
})

// readBackProperties shows the result of a change as JFrog now has it, so
// the agent sees exactly what was stored.
func readBackProperties(ctx context.Context, d *Deps, repo, path string, recursive bool) (*PropertiesResult, error) {
	props, err := d.Client.Artifactory.ItemProperties(ctx, repo, path)
	if err != nil {
		return nil, err
	}
	if props == nil {
		props = map[string][]string{}
	}
	return &PropertiesResult{Repo: repo, Path: path, Recursive: recursive, Properties: props}, nil
}

// TransferIn is a copy or move of one file or folder.
type TransferIn struct {
	FromRepo string `json:"from_repo" jsonschema:"required,minLength=1"`
	FromPath string `json:"from_path" jsonschema:"required,minLength=1,description=File or folder to copy or move"`
	ToRepo   string `json:"to_repo" jsonschema:"required,minLength=1"`
	ToPath   string `json:"to_path,omitempty" jsonschema:"description=Target path; an existing folder receives the item inside it. Empty means the same path in to_repo"`
	DryRun   *bool  `json:"dry_run,omitempty" jsonschema:"default=true,description=Only report what would happen; pass false to do it"`
}

// Validate normalises both paths.
func (in *TransferIn) Validate() error {
	from, err := cleanItemPath(in.FromPath)
	if err != nil {
		return err
	}
	if from == "" {
		return Errorf(CodeInvalidArgument, "name a file or folder inside the repository", "from_path is empty")
	}
	to, err := cleanItemPath(in.ToPath)
	if err != nil {
		return err
	}
	if to == "" {
		to = from
	}
	in.FromPath, in.ToPath = from, to
	return nil
}

func (in *TransferIn) dryRun() bool { return in.DryRun == nil || *in.DryRun }

// TransferResult reports what was (or would be) copied or moved.
type TransferResult struct {
	From     string   `json:"from"`
	To       string   `json:"to"`
	DryRun   bool     `json:"dry_run"`
	Done     bool     `json:"done" jsonschema:"description=True when the change was made (false for a dry run)"`
	Messages []string `json:"messages" jsonschema:"description=Artifactory's messages"`
}

func transferTool(name, title, verb string, class guard.Class, destructive bool) Definition {
	return Define(Tool[TransferIn, TransferResult]{
		Name:    name,
		Title:   title,
		Toolset: "artifacts",
		Class:   class,
		Hints:   Hints{ReadOnly: no, Destructive: yes, Idempotent: new(!destructive), OpenWorld: yes},
		Description: fmt.Sprintf("%s a file or folder (recursively) to another path or repository. dry_run defaults to true: "+
			"call once to see what would happen, then again with dry_run false.", verb),
		Actions: func(in *TransferIn) []guard.Action {
			as := []guard.Action{
				{Class: guard.ClassRead, Repo: in.FromRepo, Path: in.FromPath},
				{Class: guard.ClassWrite, Repo: in.ToRepo, Path: in.ToPath},
			}
			if destructive {
				as = append(as, guard.Action{Class: guard.ClassDelete, Repo: in.FromRepo, Path: in.FromPath})
			}
			return as
		},
		ErrorHints: ErrorHints{CodeNotFound: "no such source or target repository: check with get_artifact_info and list_repositories"},
		Handle: func(ctx context.Context, d *Deps, in *TransferIn) (*TransferResult, error) {
			src := client.ItemRef{Repo: in.FromRepo, Path: in.FromPath}
			dst := client.ItemRef{Repo: in.ToRepo, Path: in.ToPath}
			op := d.Client.Artifactory.Copy
			if destructive {
				op = d.Client.Artifactory.Move
			}
			res, err := op(ctx, src, dst, in.dryRun())
			if err != nil {
				return nil, err
			}
			out := &TransferResult{From: in.FromRepo + "/" + in.FromPath, To: in.ToRepo + "/" + in.ToPath,
				DryRun: in.dryRun(), Done: !in.dryRun(), Messages: []string{}}
			for _, m := range res.Messages {
				out.Messages = append(out.Messages, m.Message)
			}
			return out, nil
		},
		Summary: func(in *TransferIn, out *TransferResult) string {
			if out.DryRun {
				return fmt.Sprintf("dry run: would %s %s to %s; call again with dry_run false to do it", strings.ToLower(verb), out.From, out.To)
			}
			return fmt.Sprintf("%s %s to %s: done", verb, out.From, out.To)
		},
	})
}

var (
	copyArtifacts = transferTool("copy_artifacts", "Copy artifacts", "Copy", guard.ClassWrite, false)
	moveArtifacts = transferTool("move_artifacts", "Move artifacts", "Move", guard.ClassWrite, true)
)

// DeleteIn names one file or folder to delete.
type DeleteIn struct {
	Repo    string `json:"repo" jsonschema:"required,minLength=1"`
	Path    string `json:"path" jsonschema:"required,minLength=1,description=File or folder (deleted with everything under it)"`
	Confirm bool   `json:"confirm,omitempty" jsonschema:"description=Must be true: deleting cannot be undone"`
}

// Validate refuses an unconfirmed delete and a repository root.
func (in *DeleteIn) Validate() error {
	p, err := cleanItemPath(in.Path)
	if err != nil {
		return err
	}
	if p == "" {
		return Errorf(CodeInvalidArgument, "name a file or folder; deleting a whole repository's content is not offered", "path is the repository root")
	}
	in.Path = p
	if !in.Confirm {
		return Errorf(CodeInvalidArgument, "check the item with get_artifact_info, then call again with confirm: true", "deleting %s/%s cannot be undone: confirm is required", in.Repo, p)
	}
	return nil
}

// DeleteResult reports the deletion.
type DeleteResult struct {
	Repo    string `json:"repo"`
	Path    string `json:"path"`
	Deleted bool   `json:"deleted"`
}

var deleteArtifact = Define(Tool[DeleteIn, DeleteResult]{
	Name:        "delete_artifact",
	Title:       "Delete artifact",
	Toolset:     "artifacts",
	Class:       guard.ClassDelete,
	Hints:       Hints{ReadOnly: no, Destructive: yes, Idempotent: yes, OpenWorld: yes},
	Description: "Delete a file, or a folder with everything under it. Cannot be undone; requires confirm: true.",
	Actions: func(in *DeleteIn) []guard.Action {
		return []guard.Action{{Class: guard.ClassDelete, Repo: in.Repo, Path: in.Path}}
	},
	ErrorHints: ErrorHints{CodeNotFound: "nothing at that path: check it with get_artifact_info"},
	Handle: func(ctx context.Context, d *Deps, in *DeleteIn) (*DeleteResult, error) {
		if err := d.Client.Artifactory.DeleteItem(ctx, in.Repo, in.Path); err != nil {
			return nil, err
		}
		return &DeleteResult{Repo: in.Repo, Path: in.Path, Deleted: true}, nil
	},
	Summary: func(in *DeleteIn, out *DeleteResult) string {
		return fmt.Sprintf("deleted %s/%s", out.Repo, out.Path)
	},
})
