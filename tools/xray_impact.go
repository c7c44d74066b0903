package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/jfrog-mcp/jfrog-mcp/internal/aql"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// CVEImpactIn is a CVE to trace.
type CVEImpactIn struct {
	CVE    string `json:"cve" jsonschema:"required"`
	Limit  int    `json:"limit,omitempty" jsonschema:"default=100"`
	Offset int    `json:"offset,omitempty"`
}

// ImpactComponent is an affected component version and how many readable
// artifacts are it.
type ImpactComponent struct {
	Component string `json:"component"`
	Artifacts int    `json:"artifacts"`
}

// ImpactArtifact is an artifact that is an affected component.
type ImpactArtifact struct {
	Repo      string `json:"repo"`
	Path      string `json:"path"`
	Component string `json:"component"`
	Build     string `json:"build,omitempty"`

	buildName string // build names may contain '/', so not split from Build
}

// ImpactBuild is a build that produced affected artifacts.
type ImpactBuild struct {
	Build     string `json:"build"`
	Artifacts int    `json:"artifacts"`
}

// CVEImpactResult is a page of affected artifacts, with all components and
// builds counted.
type CVEImpactResult struct {
	List[ImpactArtifact]
	Components []ImpactComponent `json:"components"`
	Builds     []ImpactBuild     `json:"builds"`
}

// maxImpactComponents bounds the AQL queries of one call.
const maxImpactComponents = 50

var cvePattern = regexp.MustCompile(`(?i)^CVE-\d{4}-\d{4,}$`)

var findCVEImpact = Define(Tool[CVEImpactIn, CVEImpactResult]{
	Name:        "find_cve_impact",
	Title:       "Find CVE impact",
	Class:       guard.ClassRead,
	Annotations: ReadOnly,
	Description: "A CVE's affected component versions (Xray), the artifacts that are them, and their builds.",
	// The component search is platform-wide; the artifact query is narrowed
	// by the guard once the components are known (artifactsOf).
	Docs:       "a CVE's affected component versions (Xray component search), the readable artifacts that are them (AQL by file name or checksum, scoped by the guard) and the builds that made them (`build.name`/`build.number` properties), paged",
	Actions:    func(*CVEImpactIn) []guard.Action { return []guard.Action{guard.PlatformAction(guard.ClassRead)} },
	ErrorHints: ErrorHints{CodePermissionDenied: "component search needs Xray's Manage Reports role for the JFrog user"},
	Handle:     cveImpact,
	Summary: func(in *CVEImpactIn, out *CVEImpactResult) string {
		return fmt.Sprintf("%s: %d components, %d builds", strings.ToUpper(in.CVE), len(out.Components), len(out.Builds))
	},
})

// Validate wants a CVE id and a page within bounds.
func (in *CVEImpactIn) Validate() error {
	if !cvePattern.MatchString(in.CVE) {
		return Errorf(CodeInvalidArgument, "", "%q is not a CVE id (CVE-YYYY-NNNN)", in.CVE)
	}
	in.CVE = strings.ToUpper(in.CVE)
	return checkPage(in.Offset, in.Limit, 500)
}

func cveImpact(ctx context.Context, d *Deps, in *CVEImpactIn, _ *guard.Decision) (*CVEImpactResult, error) {
	cve := in.CVE
	found, err := d.Client.Xray.SearchByCVEs(ctx, []string{cve})
	if err != nil {
		return nil, err
	}
	out := &CVEImpactResult{Components: []ImpactComponent{}, Builds: []ImpactBuild{}}
	var all []ImpactArtifact
	builds := map[string]int{}
	seen, cut := 0, ""
	for _, f := range found {
		for _, c := range f.Components {
			// One AQL query per component: a CVE in hundreds of component
			// versions is cut, and the result says so.
			if seen++; seen > maxImpactComponents {
				cut = fmt.Sprintf("Xray lists more than %d affected component versions; only the first %d were traced", maxImpactComponents, maxImpactComponents)
				break
			}
			id := componentID(c.PackageType, c.Name, c.Version)
			arts, err := artifactsOf(ctx, d, c.PackageType, c.Name, c.Version)
			if err != nil {
				return nil, err
			}
			for i := range arts {
				arts[i].Component = id
				if arts[i].Build == "" {
					continue
				}
				if !d.Guard.CanReadBuild("", arts[i].buildName) {
					arts[i].Build = "" // a build the policy hides is not named
					continue
				}
				builds[arts[i].Build]++
			}
			out.Components = append(out.Components, ImpactComponent{Component: id, Artifacts: len(arts)})
			all = append(all, arts...)
		}
	}
	for _, b := range slices.Sorted(maps.Keys(builds)) {
		out.Builds = append(out.Builds, ImpactBuild{Build: b, Artifacts: builds[b]})
	}
	limit := in.Limit
	if limit == 0 {
		limit = 100
	}
	out.List = Paginate(all, in.Offset, limit)
	out.Hint = cut
	if len(out.Components) == 0 {
		out.Hint = "Xray lists no component for this CVE: it may not be in Xray's database, or nothing scanned contains it"
	}
	return out, nil
}

var schemes = map[string]string{"maven": "gav", "npm": "npm", "pypi": "pypi", "go": "go", "docker": "docker", "generic": "generic", "nuget": "nuget"}

func componentID(pkgType, name, version string) string {
	s := schemes[strings.ToLower(pkgType)]
	if s == "" {
		s = strings.ToLower(pkgType)
	}
	if version == "" {
		return s + "://" + name
	}
	return s + "://" + name + ":" + version
}

// impactCriteria is how an affected component shows up as an Artifactory
// file: by its file name for the package types with a naming convention, by
// checksum for generic components Xray names by sha256.
func impactCriteria(pkgType, name, version string) *aql.Criteria {
	base := name
	if i := strings.LastIndexAny(name, ":/"); i >= 0 {
		base = name[i+1:]
	}
	switch strings.ToLower(pkgType) {
	case "maven":
		return aql.Field("name", aql.OpMatch, aql.String(base+"-"+version+"*.jar"))
	case "npm":
		return aql.Eq("name", base+"-"+version+".tgz")
	case "pypi":
		return aql.Field("name", aql.OpMatch, aql.String(base+"-"+version+"*"))
	case "generic":
		if rest, ok := strings.CutPrefix(name, "sha256:"); ok {
			sha, _, _ := strings.Cut(rest, "/")
			return aql.Eq("sha256", strings.ToLower(sha))
		}
		return aql.Eq("name", base)
	}
	return aql.Field("name", aql.OpMatch, aql.String("*"+base+"*"+version+"*"))
}

// artifactsOf finds the files that are one component version, in the
// repositories the guard lets this server read (it narrows the query).
func artifactsOf(ctx context.Context, d *Deps, pkgType, name, version string) ([]ImpactArtifact, error) {
	q := &aql.Query{Domain: aql.DomainItems, Criteria: aql.Object(impactCriteria(pkgType, name, version), aql.Eq("type", "file")),
		Include: []string{"repo", "path", "name", "property"}}
	dec, err := guardReads(ctx, d, "find_cve_impact", guard.Action{Class: guard.ClassRead, AQL: q})
	if err != nil {
		return nil, err
	}
	res, err := d.Client.Artifactory.AQL(ctx, dec.Query().String())
	if err != nil {
		return nil, err
	}
	var out []ImpactArtifact
	for _, raw := range res.Results {
		var it aqlItem
		if err := json.Unmarshal(raw, &it); err != nil {
			return nil, fmt.Errorf("decode AQL item: %w", err)
		}
		a := it.artifact()
		if !dec.Visible(guard.Resource{Repo: a.Repo, Path: strings.TrimPrefix(a.Path+"/"+a.Name, "/")}) {
			continue // a row the narrowed query should not have returned
		}
		ia := ImpactArtifact{Repo: a.Repo, Path: strings.TrimPrefix(a.Path+"/"+a.Name, "/")}
		var bn, bnum string
		for _, p := range it.Properties {
			switch p.Key {
			case "build.name":
				bn = p.Value
			case "build.number":
				bnum = p.Value
			}
		}
		if bn != "" && bnum != "" {
			ia.Build, ia.buildName = bn+"/"+bnum, bn
		}
		out = append(out, ia)
	}
	slices.SortFunc(out, func(a, b ImpactArtifact) int { return strings.Compare(a.Repo+"/"+a.Path, b.Repo+"/"+b.Path) })
	return out, nil
}
