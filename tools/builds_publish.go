package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/jfrog-mcp/jfrog-mcp/internal/aql"
	"github.com/jfrog-mcp/jfrog-mcp/internal/buildinfo"
	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// maxBuildFiles bounds the artifacts (or dependencies) one publish collects
// or names: real builds with more are rare, and the build info is one PUT.
const maxBuildFiles = 10_000

// secretKey matches property keys whose values must never be published:
// build infos are readable by everyone who can read the build.
var secretKey = regexp.MustCompile(`(?i)password|secret|token|key|credential|auth`)

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// PublishBuildIn is one build run to publish. Artifacts come from modules
// or from collect_repos, never both; checksums are always looked up in
// Artifactory.
type PublishBuildIn struct {
	Name       string            `json:"name" jsonschema:"required"`
	Number     string            `json:"number" jsonschema:"required"`
	Project    string            `json:"project,omitempty"`
	Started    string            `json:"started,omitempty"`
	Modules    []ModuleIn        `json:"modules,omitempty"`
	Collect    []string          `json:"collect_repos,omitempty"`
	VCS        map[string]string `json:"vcs,omitempty" jsonschema:"description=url\\, revision\\, branch\\, message"`
	Properties map[string]string `json:"properties,omitempty" jsonschema:"description=Secret-looking keys are dropped"`
	Overwrite  bool              `json:"overwrite,omitempty"`

	ConfirmToken string `json:"confirm_token,omitempty"`

	started   time.Time
	collectQ  *aql.Query // what collect runs; the handler runs the guard's scoped copy
	depsQ     *aql.Query // the dependency checksum lookup, likewise
	depHashes []string
	refs      [][]itemRef // Modules[i].Artifacts, parsed
}

// ModuleIn is a module named explicitly.
type ModuleIn struct {
	ID        string   `json:"id" jsonschema:"required"`
	Type      string   `json:"type,omitempty"`
	Artifacts []string `json:"artifacts,omitempty" jsonschema:"description=repo/path"`
	// Dependencies map each dependency id to its sha256, looked up in
	// Artifactory, or to "" for a dependency recorded by id alone.
	Dependencies map[string]string `json:"dependencies,omitempty" jsonschema:"description=id: sha256 or \"\""`
}

// itemRef is a file named "repo/path".
type itemRef struct{ repo, path string }

// Validate checks what the schema cannot and prepares the queries the
// guard will scope.
func (in *PublishBuildIn) Validate() error {
	for k := range in.VCS {
		switch k {
		case "url", "revision", "branch", "message":
		default:
			return Errorf(CodeInvalidArgument, "vcs takes url, revision, branch and message", "unknown vcs field %q", k)
		}
	}
	if err := needNames(in.Name, in.Number); err != nil {
		return err
	}
	if (len(in.Modules) == 0) == (len(in.Collect) == 0) {
		return Errorf(CodeInvalidArgument, "give modules (explicit artifacts) or collect_repos (repositories to search by build.name/build.number)", "exactly one of modules and collect_repos is required")
	}
	in.started = time.Now()
	if in.Started != "" {
		t, err := client.ParseBuildTime(in.Started)
		if err != nil {
			return Errorf(CodeInvalidArgument, "use RFC 3339, e.g. 2026-05-01T10:00:00Z", "started: %v", err)
		}
		in.started = t
	}
	files, seen := 0, map[string]bool{}
	for i := range in.Modules {
		m := &in.Modules[i]
		refs := make([]itemRef, 0, len(m.Artifacts))
		for _, a := range m.Artifacts {
			repo, rest, _ := strings.Cut(strings.TrimPrefix(a, "/"), "/")
			p, err := itemPathOf(rest, "name each artifact as repo/path, e.g. libs-release-local/app/1.0/app.jar")
			if err != nil {
				return err
			}
			refs = append(refs, itemRef{repo, p})
		}
		in.refs = append(in.refs, refs)
		for id, sum := range m.Dependencies {
			h := strings.ToLower(sum)
			if h != "" && !sha256Hex.MatchString(h) {
				return Errorf(CodeInvalidArgument, "give the 64 hex digits of the file's sha256, or \"\"", "dependency %s: %q is not a sha256", id, sum)
			}
			if h != "" && !seen[h] {
				seen[h] = true
				in.depHashes = append(in.depHashes, h)
			}
		}
		files += len(m.Artifacts) + len(m.Dependencies)
	}
	if files > maxBuildFiles {
		return Errorf(CodeInvalidArgument, "split the build into several runs", "%d files, over the limit of %d", files, maxBuildFiles)
	}
	if len(in.depHashes) > 0 {
		var branches []*aql.Criteria
		for _, h := range in.depHashes {
			branches = append(branches, aql.Object(aql.Eq("sha256", h)))
		}
		in.depsQ = &aql.Query{Domain: aql.DomainItems, Criteria: aql.Object(aql.OrOf(branches...)), Include: buildFileFields}
	}
	sort.Strings(in.depHashes) // the query, and so the confirmation digest, must not vary
	if len(in.Collect) > 0 {
		// A property value of "*" matches any value in AQL: it would collect
		// other builds' files.
		if strings.ContainsAny(in.Name+in.Number, "*?") {
			return Errorf(CodeInvalidArgument, "name the files in modules instead", "collect_repos cannot be used with '*' or '?' in the build name or number")
		}
		in.collectQ = collectQuery(in.Collect, in.Name, in.Number)
	}
	return nil
}

// buildFileFields are what a build info needs of a stored file.
var buildFileFields = []string{"repo", "path", "name", "actual_sha1", "actual_md5", "sha256"}

// collectQuery finds the files in repos that carry the build's properties.
func collectQuery(repos []string, name, number string) *aql.Query {
	limit := int64(maxBuildFiles + 1)
	return &aql.Query{Domain: aql.DomainItems,
		Criteria: aql.Object(aql.RepoIn(repos).Children[0], aql.Eq("@build.name", name), aql.Eq("@build.number", number), aql.Eq("type", "file")),
		Include:  buildFileFields, Limit: &limit}
}

// PublishBuildResult is the result of publish_build_info.
type PublishBuildResult struct {
	Pending
	URI               string   `json:"uri,omitempty"`
	Modules           int      `json:"modules"`
	Artifacts         int      `json:"artifacts"`
	Dependencies      int      `json:"dependencies"`
	DroppedProperties []string `json:"dropped_properties,omitempty" jsonschema:"description=Keys not published because they look secret"`
	Replaced          bool     `json:"replaced,omitempty"`
}

func publishActions(in *PublishBuildIn) []guard.Action {
	as := []guard.Action{
		guard.BuildAction(guard.BuildPublish, in.Name, in.Project),
		guard.BuildAction(guard.BuildRead, in.Name, in.Project), // the conflict check reads the existing run
	}
	if in.Overwrite {
		as = append(as, guard.BuildAction(guard.BuildDelete, in.Name, in.Project))
	}
	for _, refs := range in.refs {
		for _, a := range refs {
			as = append(as, guard.Action{Class: guard.ClassRead, Repo: a.repo, Path: a.path})
		}
	}
	for _, q := range []*aql.Query{in.collectQ, in.depsQ} {
		if q != nil {
			as = append(as, guard.Action{Class: guard.ClassRead, AQL: q})
		}
	}
	return as
}

// existingRun is the run publish would replace, or nil.
func existingRun(ctx context.Context, d *Deps, in *PublishBuildIn) (*client.PublishedBuild, error) {
	pb, err := d.Client.Artifactory.GetBuildInfo(ctx, in.Project, in.Name, in.Number)
	if client.IsNotFound(err) {
		return nil, nil
	}
	return pb, err
}

func countArtifacts(bi *client.BuildInfo) int {
	n := 0
	for _, m := range bi.Modules {
		n += len(m.Artifacts)
	}
	return n
}

var publishBuildInfo = Define(Tool[PublishBuildIn, PublishBuildResult]{
	Docs:        "explicit modules or every file carrying `build.name`/`build.number` in the given repositories; checksums always from Artifactory; secret-looking property keys (password, secret, token, key, credential, auth) dropped and named; an existing number is a conflict unless `overwrite: true` (two-phase)",
	Name:        "publish_build_info",
	Title:       "Publish build info",
	Class:       guard.ClassWrite,
	Annotations: Annotations{ReadOnly: no, Destructive: yes, Idempotent: no, OpenWorld: yes},
	Description: "Publish build info for uploaded files: modules, or collect_repos by build.name/number.",
	Actions:     publishActions,
	ErrorHints:  ErrorHints{CodeNotFound: "a named file or repository does not exist: check with get_artifact_info"},
	Confirm: func(ctx context.Context, d *Deps, in *PublishBuildIn, _ *guard.Decision) (*Plan, error) {
		if !in.Overwrite {
			return nil, nil // an existing run is refused by Handle
		}
		old, err := existingRun(ctx, d, in)
		if err != nil || old == nil {
			return nil, err
		}
		return &Plan{Summary: fmt.Sprintf("replace build %s #%s (started %s, %d artifacts) with a new run",
			in.Name, in.Number, old.BuildInfo.Started, countArtifacts(&old.BuildInfo))}, nil
	},
	Handle: publishBuild,
	Summary: func(in *PublishBuildIn, out *PublishBuildResult) string {
		s := fmt.Sprintf("published build %s #%s: %d modules, %d artifacts, %d dependencies", in.Name, in.Number, out.Modules, out.Artifacts, out.Dependencies)
		if len(out.DroppedProperties) > 0 {
			s += fmt.Sprintf("; dropped secret-looking properties %s", strings.Join(out.DroppedProperties, ", "))
		}
		return s
	},
})

func publishBuild(ctx context.Context, d *Deps, in *PublishBuildIn, dec *guard.Decision) (*PublishBuildResult, error) {
	old, err := existingRun(ctx, d, in)
	if err != nil {
		return nil, err
	}
	if old != nil && !in.Overwrite {
		return nil, Errorf(CodeConflict, "use another number, or pass overwrite: true to replace it (two-phase)",
			"build %s #%s already exists (started %s)", in.Name, in.Number, old.BuildInfo.Started)
	}
	var modules []client.BuildModule
	if len(in.Collect) > 0 {
		modules, err = collectModules(ctx, d, in, dec)
	} else {
		modules, err = explicitModules(ctx, d, in, dec)
	}
	if err != nil {
		return nil, err
	}
	props, dropped := filterSecrets(in.Properties)
	bi := &client.BuildInfo{Version: "1.0.1", Name: in.Name, Number: in.Number, Started: client.FormatBuildTime(in.started),
		Agent: &client.BuildAgent{Name: "jfrog-mcp", Version: buildinfo.Version}, BuildAgent: &client.BuildAgent{Name: "GENERIC", Version: buildinfo.Version},
		Properties: props, Modules: modules}
	if len(in.VCS) > 0 {
		v := in.VCS
		bi.VCS = []client.BuildVCS{{URL: v["url"], Revision: v["revision"], Branch: v["branch"], Message: v["message"]}}
	}
	if old != nil {
		// As jfrog-cli's --overwrite: the old runs of this number go first,
		// once everything above has been checked.
		if err := d.Client.Artifactory.DeleteBuildRuns(ctx, in.Project, in.Name, []string{in.Number}); err != nil {
			return nil, err
		}
	}
	if err := d.Client.Artifactory.PublishBuildInfo(ctx, in.Project, bi); err != nil {
		return nil, err
	}
	// Read it back: the URI, and proof that it is there.
	pb, err := d.Client.Artifactory.GetBuildInfo(ctx, in.Project, in.Name, in.Number)
	if err != nil {
		return nil, fmt.Errorf("read back published build %s #%s: %w", in.Name, in.Number, err)
	}
	out := &PublishBuildResult{URI: pb.URI, Modules: len(modules),
		DroppedProperties: dropped, Replaced: old != nil}
	for _, m := range modules {
		out.Artifacts += len(m.Artifacts)
		out.Dependencies += len(m.Dependencies)
	}
	return out, nil
}

// filterSecrets drops properties whose keys look secret and names them.
func filterSecrets(in map[string]string) (map[string]string, []string) {
	out := map[string]string{}
	var dropped []string
	for k, v := range in {
		if secretKey.MatchString(k) {
			dropped = append(dropped, k)
			continue
		}
		out[k] = v
	}
	sort.Strings(dropped)
	if len(out) == 0 {
		out = nil
	}
	return out, dropped
}

// storedFile is one AQL row of buildFileFields.
type storedFile struct {
	Repo   string `json:"repo"`
	Path   string `json:"path"`
	Name   string `json:"name"`
	SHA1   string `json:"actual_sha1"`
	MD5    string `json:"actual_md5"`
	SHA256 string `json:"sha256"`
}

func (f storedFile) relPath() string {
	if f.Path == "" || f.Path == "." {
		return f.Name
	}
	return f.Path + "/" + f.Name
}

// findFiles runs a query and keeps the rows the decision lets the call
// see (AQL $match may match more than a path prefix says).
func findFiles(ctx context.Context, d *Deps, dec *guard.Decision, q *aql.Query) ([]storedFile, error) {
	res, err := d.Client.Artifactory.AQL(ctx, q.String())
	if err != nil {
		return nil, err
	}
	var out []storedFile
	for _, raw := range res.Results {
		var f storedFile
		if err := json.Unmarshal(raw, &f); err != nil {
			return nil, fmt.Errorf("decode AQL row: %w", err)
		}
		if dec.Visible(guard.RowResource(f.Repo, f.Path, f.Name)) {
			out = append(out, f)
		}
	}
	return out, nil
}

func collectModules(ctx context.Context, d *Deps, in *PublishBuildIn, dec *guard.Decision) ([]client.BuildModule, error) {
	files, err := findFiles(ctx, d, dec, dec.Query()) // the collect query, as the guard scoped it
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, Errorf(CodeNotFound, "upload the files with properties build.name and build.number first, or name them in modules",
			"no file in %s carries build.name=%s and build.number=%s", strings.Join(in.Collect, ", "), in.Name, in.Number)
	}
	if len(files) > maxBuildFiles {
		return nil, Errorf(CodeInvalidArgument, "split the build into several runs", "more than %d files carry the build's properties", maxBuildFiles)
	}
	byModule := map[string]*client.BuildModule{}
	var order []string
	for _, f := range files {
		// One module per folder, as jfrog-cli groups a generic upload.
		id := f.Path
		if id == "" || id == "." {
			id = f.Repo
		}
		m := byModule[id]
		if m == nil {
			m = &client.BuildModule{ID: id, Type: "generic"}
			byModule[id] = m
			order = append(order, id)
		}
		m.Artifacts = append(m.Artifacts, client.BuildArtifact{Name: f.Name, Type: strings.TrimPrefix(path.Ext(f.Name), "."), Path: f.relPath(),
			OriginalDeploymentRepo: f.Repo, SHA1: f.SHA1, SHA256: f.SHA256, MD5: f.MD5})
	}
	sort.Strings(order)
	out := make([]client.BuildModule, 0, len(order))
	for _, id := range order {
		out = append(out, *byModule[id])
	}
	return out, nil
}

func explicitModules(ctx context.Context, d *Deps, in *PublishBuildIn, dec *guard.Decision) ([]client.BuildModule, error) {
	deps := map[string]storedFile{}
	if in.depsQ != nil {
		found, err := findFiles(ctx, d, dec, dec.Query()) // the dependency lookup, as the guard scoped it
		if err != nil {
			return nil, err
		}
		for _, f := range found {
			deps[f.SHA256] = f
		}
	}
	var out []client.BuildModule
	for i, mi := range in.Modules {
		m := client.BuildModule{ID: mi.ID, Type: mi.Type}
		if m.Type == "" {
			m.Type = "generic"
		}
		for _, a := range in.refs[i] {
			item, err := d.Client.Artifactory.StorageItem(ctx, a.repo, a.path)
			if err != nil {
				return nil, err
			}
			if item.IsFolder() || item.Checksums == nil {
				return nil, Errorf(CodeInvalidArgument, "name files, not folders", "%s/%s is a folder", a.repo, a.path)
			}
			name := path.Base(a.path)
			m.Artifacts = append(m.Artifacts, client.BuildArtifact{Name: name, Type: strings.TrimPrefix(path.Ext(name), "."), Path: a.path,
				OriginalDeploymentRepo: a.repo, SHA1: item.Checksums.SHA1, SHA256: item.Checksums.SHA256, MD5: item.Checksums.MD5})
		}
		for _, id := range sortedKeys(mi.Dependencies) {
			bd := client.BuildDependency{ID: id}
			if h := strings.ToLower(mi.Dependencies[id]); h != "" {
				f, ok := deps[h]
				if !ok {
					return nil, Errorf(CodeNotFound, "give the sha256 of a file stored in a repository this server may read, or \"\"",
						"dependency %s: no readable file in Artifactory has sha256 %s", id, h)
				}
				bd.SHA1, bd.SHA256, bd.MD5 = f.SHA1, f.SHA256, f.MD5
			}
			m.Dependencies = append(m.Dependencies, bd)
		}
		out = append(out, m)
	}
	return out, nil
}
