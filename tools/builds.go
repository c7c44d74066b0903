package tools

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// latest is the build number that means "the newest run", resolved the way
// JFrog's client resolves it (reference §2.10).
const latest = "LATEST"

// buildNotFoundHint is what to do when a build or run does not exist.
const buildNotFoundHint = "no such build or run: list_builds shows the builds and, with name, their numbers"

// resolveNumber turns LATEST into the newest run's number.
func resolveNumber(ctx context.Context, d *Deps, project, name, number string) (string, error) {
	if number != latest {
		return number, nil
	}
	n, err := d.Client.Artifactory.LatestBuildNumber(ctx, project, name)
	if err != nil {
		return "", err
	}
	if n == "" {
		return "", Errorf(CodeNotFound, buildNotFoundHint, "build %q has no runs", name)
	}
	return n, nil
}

// ListBuildsIn lists builds, or one build's runs.
type ListBuildsIn struct {
	Name    string `json:"name,omitempty" jsonschema:"description=List this build's runs instead of all builds"`
	Project string `json:"project,omitempty"`
	Limit   int    `json:"limit,omitempty" jsonschema:"minimum=1,maximum=1000"`
	Offset  int    `json:"offset,omitempty" jsonschema:"minimum=0"`
}

// BuildRow is a build (name, last started) or, with name, one run.
type BuildRow struct {
	Name    string `json:"name,omitempty"`
	Number  string `json:"number,omitempty"`
	Started string `json:"started"`

	build, project string
}

// Resource is the build a row shows (a run shows its build).
func (r BuildRow) Resource() guard.Resource {
	return guard.Resource{Kind: guard.KindBuild, Name: r.build, Project: r.project}
}

// BuildList is the result of list_builds, newest first.
type BuildList struct {
	List[BuildRow]
}

var listBuilds = Define(Tool[ListBuildsIn, BuildList]{
	Docs:        "build names with their last start, or one build's runs, newest first; hides builds outside `builds.read`",
	Name:        "list_builds",
	Title:       "List builds",
	Class:       guard.ClassRead,
	Annotations: ReadOnly,
	Description: "Builds, or with name one build's runs, newest first.",
	Actions: func(in *ListBuildsIn) []guard.Action {
		return []guard.Action{guard.BuildAction(guard.BuildRead, in.Name, in.Project)}
	},
	ErrorHints: ErrorHints{CodeNotFound: buildNotFoundHint},
	Handle: func(ctx context.Context, d *Deps, in *ListBuildsIn, dec *guard.Decision) (*BuildList, error) {
		var rows []BuildRow
		if in.Name != "" {
			runs, err := d.Client.Artifactory.ListBuildRuns(ctx, in.Project, in.Name)
			if err != nil {
				return nil, err
			}
			for _, r := range runs {
				rows = append(rows, BuildRow{Number: r.Number(), Started: r.Started, build: in.Name, project: in.Project})
			}
		} else {
			builds, err := d.Client.Artifactory.ListBuilds(ctx, in.Project)
			if err != nil {
				return nil, err
			}
			for _, b := range builds {
				rows = append(rows, BuildRow{Name: b.Name(), Started: b.LastStarted, build: b.Name(), project: in.Project})
			}
		}
		sortNewestFirst(rows)
		// The builds the policy hides are left out before paging, so pages
		// are full and the total counts only what the agent may see.
		return &BuildList{Paginate(visibleOnly(rows, dec), in.Offset, limitOr(in.Limit, 100))}, nil
	},
	Summary: func(in *ListBuildsIn, out *BuildList) string {
		if in.Name != "" {
			return fmt.Sprintf("%d of %d runs of %s", len(out.Items), *out.Total, in.Name)
		}
		return fmt.Sprintf("%d of %d builds", len(out.Items), *out.Total)
	},
})

// sortNewestFirst orders rows by started time, newest first; unparsable
// times go last.
func sortNewestFirst(rows []BuildRow) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, errA := client.ParseBuildTime(rows[i].Started)
		b, errB := client.ParseBuildTime(rows[j].Started)
		switch {
		case errA != nil || errB != nil:
			return errA == nil && errB != nil
		case !a.Equal(b):
			return a.After(b)
		}
		return rows[i].Name+rows[i].Number > rows[j].Name+rows[j].Number
	})
}

// GetBuildIn names one run.
type GetBuildIn struct {
	Name    string `json:"name" jsonschema:"required"`
	Number  string `json:"number" jsonschema:"required,description=Or LATEST"`
	Project string `json:"project,omitempty"`
	Include string `json:"include,omitempty" jsonschema:"enum=artifacts,enum=dependencies"`
	Limit   int    `json:"limit,omitempty" jsonschema:"minimum=1,maximum=1000"`
	Offset  int    `json:"offset,omitempty" jsonschema:"minimum=0"`
}

// Validate refuses empty names: an empty name would ask for the listing.
func (in *GetBuildIn) Validate() error { return needNames(in.Name, in.Number) }

// needNames refuses an empty build name or number.
func needNames(vals ...string) error {
	for _, v := range vals {
		if strings.TrimSpace(v) == "" {
			return Errorf(CodeInvalidArgument, "list_builds shows the builds and, with name, their numbers", "build names, numbers and repository keys must not be empty")
		}
	}
	return nil
}

// ModuleSummary counts one module's files.
type ModuleSummary struct {
	ID           string `json:"id"`
	Type         string `json:"type,omitempty"`
	Artifacts    int    `json:"artifacts"`
	Dependencies int    `json:"dependencies"`
}

// BuildFile is an artifact (name, path) or dependency (id) of a run.
type BuildFile struct {
	Module string `json:"module"`
	Name   string `json:"name,omitempty"`
	Path   string `json:"path,omitempty"`
	ID     string `json:"id,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
}

// PromotionEntry is one entry of a run's promotion history.
type PromotionEntry struct {
	Status     string `json:"status"`
	Repository string `json:"repository,omitempty"`
	Timestamp  string `json:"timestamp,omitempty"`
	User       string `json:"user,omitempty"`
}

// BuildInfoResult is the result of get_build_info; items are listed only
// with include.
type BuildInfoResult struct {
	Name       string            `json:"name"`
	Number     string            `json:"number"`
	Started    string            `json:"started"`
	URI        string            `json:"uri"`
	Agent      string            `json:"agent,omitempty"`
	VCS        []client.BuildVCS `json:"vcs,omitempty"`
	Modules    []ModuleSummary   `json:"modules"`
	Promotions []PromotionEntry  `json:"promotions,omitempty"`
	Files      *List[BuildFile]  `json:"files,omitempty"`
}

// The files page is what the response budget cuts and the row filter sees.
func (r *BuildInfoResult) itemCount() int {
	if r.Files == nil {
		return 0
	}
	return r.Files.itemCount()
}

func (r *BuildInfoResult) keep(n int) { r.Files.keep(n) }

func (r *BuildInfoResult) filterItems(visible func(guard.Resource) bool) int {
	if r.Files == nil {
		return 0
	}
	return r.Files.filterItems(visible)
}

var getBuildInfo = Define(Tool[GetBuildIn, BuildInfoResult]{
	Docs:        "one run (a number or `LATEST`, resolved as JFrog's client does): modules with counts, vcs, agent, promotion history; artifacts or dependencies with sha256 when asked, paged",
	Name:        "get_build_info",
	Title:       "Get build info",
	Class:       guard.ClassRead,
	Annotations: ReadOnly,
	Description: "One build run: modules, vcs, promotions; include lists files with sha256.",
	Actions: func(in *GetBuildIn) []guard.Action {
		return []guard.Action{guard.BuildAction(guard.BuildRead, in.Name, in.Project)}
	},
	ErrorHints: ErrorHints{CodeNotFound: buildNotFoundHint},
	Handle: func(ctx context.Context, d *Deps, in *GetBuildIn, _ *guard.Decision) (*BuildInfoResult, error) {
		pb, err := fetchBuild(ctx, d, in.Project, in.Name, in.Number)
		if err != nil {
			return nil, err
		}
		bi := pb.BuildInfo
		out := &BuildInfoResult{Name: bi.Name, Number: bi.Number, Started: bi.Started, URI: pb.URI, VCS: bi.VCS, Modules: []ModuleSummary{}}
		if bi.Agent != nil {
			out.Agent = strings.TrimSuffix(bi.Agent.Name+"/"+bi.Agent.Version, "/")
		}
		for _, m := range bi.Modules {
			out.Modules = append(out.Modules, ModuleSummary{ID: m.ID, Type: m.Type, Artifacts: len(m.Artifacts), Dependencies: len(m.Dependencies)})
		}
		for _, s := range bi.Statuses {
			out.Promotions = append(out.Promotions, PromotionEntry{Status: s.Status, Repository: s.Repository, Timestamp: s.Timestamp, User: s.User})
		}
		if in.Include != "" {
			files := Paginate(buildFiles(&bi, in.Include == "dependencies"), in.Offset, limitOr(in.Limit, 200))
			out.Files = &files
		}
		return out, nil
	},
	Summary: func(in *GetBuildIn, out *BuildInfoResult) string {
		arts, deps := 0, 0
		for _, m := range out.Modules {
			arts, deps = arts+m.Artifacts, deps+m.Dependencies
		}
		return fmt.Sprintf("build %s #%s (started %s): %d modules, %d artifacts, %d dependencies, %d promotions",
			out.Name, out.Number, out.Started, len(out.Modules), arts, deps, len(out.Promotions))
	},
})

// fetchBuild gets one run, LATEST resolved.
func fetchBuild(ctx context.Context, d *Deps, project, name, number string) (*client.PublishedBuild, error) {
	n, err := resolveNumber(ctx, d, project, name, number)
	if err != nil {
		return nil, err
	}
	return d.Client.Artifactory.GetBuildInfo(ctx, project, name, n)
}

// buildFiles lists a run's artifacts, or its dependencies.
func buildFiles(bi *client.BuildInfo, deps bool) []BuildFile {
	var out []BuildFile
	for _, m := range bi.Modules {
		if deps {
			for _, dep := range m.Dependencies {
				out = append(out, BuildFile{Module: m.ID, ID: dep.ID, SHA256: dep.SHA256})
			}
			continue
		}
		for _, a := range m.Artifacts {
			out = append(out, BuildFile{Module: m.ID, Name: a.Name, Path: a.Path, SHA256: a.SHA256})
		}
	}
	return out
}
