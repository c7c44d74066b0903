package tools

import (
	"fmt"
	"slices"
	"strings"
)

// Toolset is a group of tools an operator turns on or off as one
// (--toolsets, the policy file's toolsets).
type Toolset struct {
	Name        string
	Description string
	// Default toolsets are on when no toolsets are named (or "default").
	Default bool
	// Instructions join the server instructions while the toolset has a
	// registered tool; like every text here they may name any tool, and a
	// clause naming one that is not registered is left out.
	Instructions string
	Tools        []Definition
}

// catalog is every toolset and its tools, in tools/list order. Adding a tool
// is one line here; Define checks the tool itself.
var catalog = []Toolset{
	{
		Name: "platform", Default: true,
		Description:  "What the server talks to, as whom, and what its policy allows",
		Instructions: "Start with get_platform_info: it says which services answer, who you act as and what the policy allows.",
		Tools:        []Definition{getPlatformInfo},
	},
	{
		Name: "repositories", Default: true,
		Description:  "Artifactory repositories",
		Instructions: "Use list_repositories for valid repository keys.",
		Tools:        []Definition{listRepositories},
	},
	{
		Name: "artifacts", Default: true,
		Description: "Files in Artifactory: find, inspect, download, upload, properties, copy, move, delete",
		Instructions: "Find files with search_artifacts, or run_aql for what it cannot express; get_artifact_info shows one item or lists a folder. " +
			"A call that replaces or deletes content first returns a plan and a confirm_token.",
		Tools: []Definition{
			getArtifactInfo,
			searchArtifacts,
			runAQL,
			downloadArtifact,
			uploadArtifact,
			setArtifactProperties,
			deleteArtifactProperties,
			copyArtifacts,
			moveArtifacts,
			deleteArtifact,
		},
	},
	{
		Name:        "builds",
		Description: "Build info published to Artifactory: list, read, compare, publish, promote",
		Instructions: "list_builds and get_build_info read builds; diff_builds says what changed between two runs. " +
			"publish_build_info records files already uploaded; promote_build moves a run between repositories, a dry run first.",
		Tools: []Definition{listBuilds, getBuildInfo, diffBuilds, publishBuildInfo, promoteBuild},
	},
	{
		Name:        "xray",
		Description: "Xray security findings and release gates",
	},
	{
		Name:        "access",
		Description: "Users, groups, projects and tokens (JFrog Access)",
	},
}

// Catalog returns every toolset with its tools, in tools/list order.
func Catalog() []Toolset { return slices.Clone(catalog) }

// All lists every tool the server knows, in the order tools/list shows them.
// The guard decides which of them a given server registers.
func All() []Definition {
	var all []Definition
	for _, ts := range catalog {
		all = append(all, ts.Tools...)
	}
	return all
}

// toolsetOf maps each tool to its toolset's name.
var toolsetOf = func() map[string]string {
	m := map[string]string{}
	for _, ts := range catalog {
		for _, d := range ts.Tools {
			if prev, dup := m[d.Name()]; dup {
				panic(fmt.Sprintf("tool %s is in toolsets %s and %s", d.Name(), prev, ts.Name))
			}
			m[d.Name()] = ts.Name
		}
	}
	return m
}()

// EnabledToolsets resolves the toolsets an operator named into the set the
// guard enforces, in catalog order: none named (or "default") means the
// default toolsets, "all" every one. An unknown name is an error that lists
// the known ones.
func EnabledToolsets(names []string) ([]string, error) {
	want := map[string]bool{}
	if len(names) == 0 {
		names = []string{"default"}
	}
	for _, n := range names {
		n = strings.TrimSpace(n)
		switch n {
		case "all", "default":
			for _, ts := range catalog {
				if n == "all" || ts.Default {
					want[ts.Name] = true
				}
			}
		default:
			if !slices.ContainsFunc(catalog, func(ts Toolset) bool { return ts.Name == n }) {
				return nil, fmt.Errorf("unknown toolset %q: use one or more of %s, or default or all", n, strings.Join(toolsetNames(), ", "))
			}
			want[n] = true
		}
	}
	var out []string
	for _, ts := range catalog {
		if want[ts.Name] {
			out = append(out, ts.Name)
		}
	}
	return out, nil
}

func toolsetNames() []string {
	names := make([]string, len(catalog))
	for i, ts := range catalog {
		names[i] = ts.Name
	}
	return names
}
