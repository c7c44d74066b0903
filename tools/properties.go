package tools

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// PropertiesIn sets properties on an item.
type PropertiesIn struct {
	Repo       string     `json:"repo" jsonschema:"required,minLength=1"`
	Path       string     `json:"path,omitempty" jsonschema:"description=Empty: the repository root"`
	Properties Properties `json:"properties" jsonschema:"required,description=key -> value or [values]; replaces these keys' values"`
	Recursive  bool       `json:"recursive,omitempty" jsonschema:"description=Also on everything under a folder"`
	// A recursive change at a repository root or on a large folder is
	// two-phase (recursivePropertiesPlan).
	ConfirmToken string `json:"confirm_token,omitempty"`
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
	Pending
	Repo       string              `json:"repo"`
	Path       string              `json:"path"`
	Recursive  bool                `json:"recursive"`
	Properties map[string][]string `json:"properties,omitempty" jsonschema:"description=All properties of the item after the change; absent if it is not readable"`
	Note       string              `json:"note,omitempty"`
	// NotSet are keys a delete named that the item did not have (known only
	// where the call may read the item, and for the item itself).
	NotSet []string `json:"not_set,omitempty"`
}

var setArtifactProperties = Define(Tool[PropertiesIn, PropertiesResult]{
	Name:        "set_artifact_properties",
	Title:       "Set artifact properties",
	Class:       guard.ClassWrite,
	Annotations: Annotations{ReadOnly: no, Destructive: yes, Idempotent: yes, OpenWorld: yes},
	Description: "Set properties on a file or folder, optionally recursively. Values may hold any characters (; = , | non-ASCII).",
	Docs:        "optionally recursive; any characters in values",
	Actions: func(in *PropertiesIn) []guard.Action {
		return []guard.Action{{Class: guard.ClassWrite, Repo: in.Repo, Path: in.Path}}
	},
	ErrorHints: ErrorHints{CodeNotFound: "the repository exists, nothing is at that path: check it with get_artifact_info on its folder"},
	Confirm: func(ctx context.Context, d *Deps, in *PropertiesIn, dec *guard.Decision) (*Plan, error) {
		keys := make([]string, 0, len(in.Properties))
		for k := range in.Properties {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return recursivePropertiesPlan(ctx, d, dec, "set", in.Repo, in.Path, keys, in.Recursive)
	},
	Handle: func(ctx context.Context, d *Deps, in *PropertiesIn, dec *guard.Decision) (*PropertiesResult, error) {
		if err := d.Client.Artifactory.SetProperties(ctx, in.Repo, in.Path, in.Properties.plain(), in.Recursive); err != nil {
			return nil, err
		}
		return readBackProperties(ctx, d, in.Repo, in.Path, in.Recursive, dec)
	},
	Summary: func(in *PropertiesIn, out *PropertiesResult) string {
		return fmt.Sprintf("set %d properties on %s/%s", len(in.Properties), out.Repo, out.Path)
	},
})

// DeletePropertiesIn names property keys to remove.
type DeletePropertiesIn struct {
	Repo      string   `json:"repo" jsonschema:"required,minLength=1"`
	Path      string   `json:"path,omitempty"`
	Keys      []string `json:"keys" jsonschema:"required,minItems=1"`
	Recursive bool     `json:"recursive,omitempty"`
	// Two-phase as for set_artifact_properties.
	ConfirmToken string `json:"confirm_token,omitempty"`
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
	Class:       guard.ClassWrite,
	Annotations: Annotations{ReadOnly: no, Destructive: yes, Idempotent: yes, OpenWorld: yes},
	Description: "Remove property keys, with all their values, from a file or folder, optionally recursively.",
	Docs:        "optionally recursive; removes every value of each key",
	Actions: func(in *DeletePropertiesIn) []guard.Action {
		return []guard.Action{{Class: guard.ClassWrite, Repo: in.Repo, Path: in.Path}}
	},
	ErrorHints: ErrorHints{CodeNotFound: "the repository exists, nothing is at that path: check it with get_artifact_info on its folder"},
	Confirm: func(ctx context.Context, d *Deps, in *DeletePropertiesIn, dec *guard.Decision) (*Plan, error) {
		return recursivePropertiesPlan(ctx, d, dec, "remove", in.Repo, in.Path, in.Keys, in.Recursive)
	},
	Handle: func(ctx context.Context, d *Deps, in *DeletePropertiesIn, dec *guard.Decision) (*PropertiesResult, error) {
		// Which keys the item lacks is known before, not after: JFrog says
		// nothing of keys that were not there.
		var notSet []string
		if !in.Recursive && dec.Reveals(in.Repo, in.Path) {
			before, err := d.Client.Artifactory.ItemProperties(ctx, in.Repo, in.Path)
			if err != nil {
				return nil, err
			}
			for _, k := range in.Keys {
				if _, ok := before[k]; !ok {
					notSet = append(notSet, k)
				}
			}
		}
		if len(notSet) < len(in.Keys) {
			if err := d.Client.Artifactory.DeleteProperties(ctx, in.Repo, in.Path, in.Keys, in.Recursive); err != nil {
				return nil, err
			}
		}
		out, err := readBackProperties(ctx, d, in.Repo, in.Path, in.Recursive, dec)
		if out != nil {
			out.NotSet = notSet
		}
		return out, err
	},
	Summary: func(in *DeletePropertiesIn, out *PropertiesResult) string {
		removed := slices.DeleteFunc(slices.Clone(in.Keys), func(k string) bool { return slices.Contains(out.NotSet, k) })
		s := fmt.Sprintf("removed %s from %s/%s", strings.Join(removed, ", "), out.Repo, out.Path)
		if len(removed) == 0 {
			s = fmt.Sprintf("nothing removed from %s/%s", out.Repo, out.Path)
		}
		if len(out.NotSet) > 0 {
			s += "; not set there: " + strings.Join(out.NotSet, ", ")
		}
		return s
	},
})

// readBackProperties shows the result of a change as JFrog now has it, so
// the agent sees exactly what was stored. The item's other properties are
// existing metadata: where the call may not read the item they are not
// fetched, and the result says so.
func readBackProperties(ctx context.Context, d *Deps, repo, path string, recursive bool, dec *guard.Decision) (*PropertiesResult, error) {
	if !dec.Reveals(repo, path) {
		return &PropertiesResult{Repo: repo, Path: path, Recursive: recursive,
			Note: "done; the item's properties are not shown because the policy does not let this server read it"}, nil
	}
	props, err := d.Client.Artifactory.ItemProperties(ctx, repo, path)
	if err != nil {
		return nil, err
	}
	if props == nil {
		props = map[string][]string{}
	}
	return &PropertiesResult{Repo: repo, Path: path, Recursive: recursive, Properties: props}, nil
}
