package tools

import (
	"context"
	"fmt"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// maxDiffEntries bounds the changes one diff lists.
const maxDiffEntries = 200

// DiffBuildsIn names two runs of one build.
type DiffBuildsIn struct {
	Name    string `json:"name" jsonschema:"required"`
	From    string `json:"from" jsonschema:"required"`
	To      string `json:"to,omitempty" jsonschema:"default=LATEST"`
	Project string `json:"project,omitempty"`
}

// Validate refuses empty names.
func (in *DiffBuildsIn) Validate() error { return needNames(in.Name, in.From) }

// DiffEntry is one file that differs: an artifact (key: file name, or
// path when the name is not unique) or a dependency (key: id), with its
// sha256 in each run.
type DiffEntry struct {
	Type   string `json:"type" jsonschema:"enum=artifact,enum=dependency"`
	Change string `json:"change" jsonschema:"enum=added,enum=removed,enum=changed"`
	Key    string `json:"key"`
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
}

// BuildDiff is the result of diff_builds.
type BuildDiff struct {
	From      string      `json:"from"`
	To        string      `json:"to"`
	Changes   []DiffEntry `json:"changes"`
	Unchanged int         `json:"unchanged"`
	Truncated bool        `json:"truncated,omitempty" jsonschema:"description=More changes than listed"`
	VCS       []VCSRange  `json:"vcs,omitempty" jsonschema:"description=Revision in from and in to\\, per url"`
}

// VCSRange is one repository's revisions in the two runs.
type VCSRange struct {
	URL  string `json:"url,omitempty"`
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}

var diffBuilds = Define(Tool[DiffBuildsIn, BuildDiff]{
	Docs:        "two runs of a build: artifacts and dependencies added, removed, changed (by sha256), vcs revisions",
	Name:        "diff_builds",
	Title:       "Diff builds",
	Class:       guard.ClassRead,
	Annotations: ReadOnly,
	Description: "What changed between two runs of a build: files (by sha256) and vcs revisions.",
	Actions: func(in *DiffBuildsIn) []guard.Action {
		return []guard.Action{guard.BuildAction(guard.BuildRead, in.Name, in.Project)}
	},
	ErrorHints: ErrorHints{CodeNotFound: buildNotFoundHint},
	Handle: func(ctx context.Context, d *Deps, in *DiffBuildsIn, _ *guard.Decision) (*BuildDiff, error) {
		to := in.To
		if to == "" {
			to = latest
		}
		a, err := fetchBuild(ctx, d, in.Project, in.Name, in.From)
		if err != nil {
			return nil, err
		}
		b, err := fetchBuild(ctx, d, in.Project, in.Name, to)
		if err != nil {
			return nil, err
		}
		out := &BuildDiff{From: a.BuildInfo.Number, To: b.BuildInfo.Number, Changes: []DiffEntry{},
			VCS: vcsRanges(a.BuildInfo.VCS, b.BuildInfo.VCS)}
		out.diff("artifact", fileSums(&a.BuildInfo, false), fileSums(&b.BuildInfo, false))
		out.diff("dependency", fileSums(&a.BuildInfo, true), fileSums(&b.BuildInfo, true))
		return out, nil
	},
	Summary: func(in *DiffBuildsIn, out *BuildDiff) string {
		more := ""
		if out.Truncated {
			more = " (more than listed)"
		}
		return fmt.Sprintf("build %s #%s -> #%s: %d changes%s, %d files unchanged", in.Name, out.From, out.To, len(out.Changes), more, out.Unchanged)
	},
})

// fileSums maps each dependency (by id) or artifact to its sha256. An
// artifact's key is its file name, which stays across runs while paths
// usually carry the build number; a name that occurs twice in a run is
// keyed by path instead.
func fileSums(bi *client.BuildInfo, deps bool) map[string]string {
	files := buildFiles(bi, deps)
	names := map[string]int{}
	for _, f := range files {
		names[f.Name]++
	}
	out := map[string]string{}
	for _, f := range files {
		key := f.ID
		if !deps {
			key = f.Name
			if names[f.Name] > 1 && f.Path != "" {
				key = f.Path
			}
		}
		out[key] = f.SHA256
	}
	return out
}

// diff adds the changes of one kind of file.
func (out *BuildDiff) diff(typ string, from, to map[string]string) {
	add := func(e DiffEntry) {
		if len(out.Changes) < maxDiffEntries {
			e.Type = typ
			out.Changes = append(out.Changes, e)
		} else {
			out.Truncated = true
		}
	}
	for _, k := range sortedKeys(from) {
		switch sum, ok := to[k]; {
		case !ok:
			add(DiffEntry{Change: "removed", Key: k, From: from[k]})
		case sum != from[k]:
			add(DiffEntry{Change: "changed", Key: k, From: from[k], To: sum})
		default:
			out.Unchanged++
		}
	}
	for _, k := range sortedKeys(to) {
		if _, ok := from[k]; !ok {
			add(DiffEntry{Change: "added", Key: k, To: to[k]})
		}
	}
}

// vcsRanges pairs the revisions of each vcs url across the two runs.
func vcsRanges(from, to []client.BuildVCS) []VCSRange {
	byURL := map[string]*VCSRange{}
	var order []string
	get := func(url string) *VCSRange {
		r := byURL[url]
		if r == nil {
			r = &VCSRange{URL: url}
			byURL[url] = r
			order = append(order, url)
		}
		return r
	}
	for _, v := range from {
		get(v.URL).From = v.Revision
	}
	for _, v := range to {
		get(v.URL).To = v.Revision
	}
	out := make([]VCSRange, 0, len(order))
	for _, u := range order {
		out = append(out, *byURL[u])
	}
	return out
}
