package tools

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/jfrog-mcp/jfrog-mcp/internal/aql"
	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// maxListed bounds the file names one promotion result lists; counts are
// always complete.
const maxListed = 500

// dependenciesNote is said whenever dependencies are promoted: Artifactory
// takes them from wherever they are (jfrog-cli #3219).
const dependenciesNote = "Artifactory promotes the build's dependencies from whichever repository holds them, regardless of " +
	"source_repo; they are not listed in items"

// PromoteBuildIn is one build promotion.
type PromoteBuildIn struct {
	Name         string              `json:"name" jsonschema:"required"`
	Number       string              `json:"number" jsonschema:"required"`
	Project      string              `json:"project,omitempty"`
	SourceRepo   string              `json:"source_repo" jsonschema:"required"`
	TargetRepo   string              `json:"target_repo" jsonschema:"required"`
	Status       string              `json:"status,omitempty"`
	Comment      string              `json:"comment,omitempty"`
	Copy         *bool               `json:"copy,omitempty" jsonschema:"default=true,description=false moves (two-phase)"`
	Dependencies bool                `json:"dependencies,omitempty"`
	Properties   map[string][]string `json:"properties,omitempty"`
	DryRun       *bool               `json:"dry_run,omitempty" jsonschema:"default=true"`

	ConfirmToken string `json:"confirm_token,omitempty"`
}

func (in *PromoteBuildIn) copy() bool   { return in.Copy == nil || *in.Copy }
func (in *PromoteBuildIn) dryRun() bool { return in.DryRun == nil || *in.DryRun }

// Validate refuses what cannot be checked before the promotion runs.
func (in *PromoteBuildIn) Validate() error {
	if err := needNames(in.Name, in.Number, in.SourceRepo, in.TargetRepo); err != nil {
		return err
	}
	if in.Number == latest {
		return Errorf(CodeInvalidArgument, "list_builds with name shows the numbers", "promote an exact build number, not LATEST: a plan must stay about one run")
	}
	if in.Dependencies && !in.copy() {
		return Errorf(CodeInvalidArgument, "promote dependencies with copy: true, or leave dependencies out",
			"a move would remove the dependencies from repositories that cannot be checked beforehand (Artifactory takes them from anywhere)")
	}
	if strings.EqualFold(in.SourceRepo, in.TargetRepo) {
		return Errorf(CodeInvalidArgument, "choose another target_repo", "source_repo and target_repo are the same")
	}
	return nil
}

// PromoteBuildResult is the result of promote_build.
type PromoteBuildResult struct {
	Pending
	DryRun     bool     `json:"dry_run"`
	Items      []string `json:"items" jsonschema:"description=Paths that move (or moved)\\, the same in both repositories"`
	ItemsCount int      `json:"items_count"`
	Messages   []string `json:"messages,omitempty"`
	Note       string   `json:"note,omitempty"`
}

func promoteActions(in *PromoteBuildIn) []guard.Action {
	as := []guard.Action{
		guard.BuildAction(guard.BuildPromote, in.Name, in.Project),
		guard.BuildAction(guard.BuildRead, in.Name, in.Project),
		{Class: guard.ClassPromote, Repo: in.TargetRepo}, // promote-to scope and release gates
		{Class: guard.ClassWrite, Repo: in.TargetRepo},
		{Class: guard.ClassRead, Repo: in.TargetRepo}, // the plan and the verification look there
		{Class: guard.ClassRead, Repo: in.SourceRepo},
	}
	if !in.copy() {
		as = append(as, guard.Action{Class: guard.ClassDelete, Repo: in.SourceRepo})
	}
	return as
}

// promotionPlan is what a promotion moves: the build's artifacts as found
// in the source repository, by checksum as Artifactory finds them.
type promotionPlan struct {
	paths   []string          // relative paths in source (and target)
	sha256  map[string]string // path -> sha256
	missing []string          // build artifacts not in source_repo
}

// planPromotion reads the build and finds its artifacts in source_repo.
func planPromotion(ctx context.Context, d *Deps, in *PromoteBuildIn, dec *guard.Decision) (*promotionPlan, error) {
	pb, err := d.Client.Artifactory.GetBuildInfo(ctx, in.Project, in.Name, in.Number)
	if err != nil {
		return nil, err
	}
	type want struct{ name, path, sha1, md5 string }
	var wants []want
	var branches []*aql.Criteria
	for _, m := range pb.BuildInfo.Modules {
		for _, a := range m.Artifacts {
			wants = append(wants, want{a.Name, a.Path, a.SHA1, a.MD5})
			if a.SHA1 != "" {
				branches = append(branches, aql.Object(aql.Eq("actual_sha1", a.SHA1)))
			}
		}
	}
	plan := &promotionPlan{sha256: map[string]string{}}
	found := map[string][]storedFile{} // sha1 -> files
	if len(branches) > 0 {
		q := &aql.Query{Domain: aql.DomainItems, Include: buildFileFields,
			Criteria: aql.Object(aql.Eq("repo", in.SourceRepo), aql.Eq("type", "file"), aql.OrOf(branches...))}
		files, err := findFiles(ctx, d, dec, q)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			found[f.SHA1] = append(found[f.SHA1], f)
		}
	}
	seen := map[string]bool{}
	for _, w := range wants {
		// Among files with the artifact's checksums, prefer the one at the
		// build info's path, then one with its name, then the first.
		var pick *storedFile
		rank := func(f *storedFile) int {
			switch {
			case f.relPath() == w.path:
				return 2
			case f.Name == w.name:
				return 1
			}
			return 0
		}
		for i := range found[w.sha1] {
			f := &found[w.sha1][i]
			if (w.md5 == "" || f.MD5 == w.md5) && (pick == nil || rank(f) > rank(pick)) {
				pick = f
			}
		}
		if pick == nil {
			plan.missing = append(plan.missing, w.name)
			continue
		}
		if p := pick.relPath(); !seen[p] {
			seen[p] = true
			plan.paths = append(plan.paths, p)
			plan.sha256[p] = pick.SHA256
		}
	}
	sort.Strings(plan.paths)
	return plan, nil
}

// inTarget returns the sha256 of each plan path present in the target.
func inTarget(ctx context.Context, d *Deps, dec *guard.Decision, target string, paths []string) (map[string]string, error) {
	out := map[string]string{}
	for start := 0; start < len(paths); start += 200 {
		var branches []*aql.Criteria
		for _, p := range paths[start:min(start+200, len(paths))] {
			dir, name := splitItemPath(p)
			branches = append(branches, aql.Object(aql.AndOf(aql.Object(aql.Eq("path", dir)), aql.Object(aql.Eq("name", name)))))
		}
		q := &aql.Query{Domain: aql.DomainItems, Include: buildFileFields,
			Criteria: aql.Object(aql.Eq("repo", target), aql.OrOf(branches...))}
		files, err := findFiles(ctx, d, dec, q)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			out[f.relPath()] = f.SHA256
		}
	}
	return out, nil
}

func splitItemPath(p string) (dir, name string) {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i], p[i+1:]
	}
	return ".", p
}

// checkPlan refuses a promotion whose artifacts are not all in source_repo
// or that would replace other content in the target.
func checkPlan(ctx context.Context, d *Deps, in *PromoteBuildIn, dec *guard.Decision, plan *promotionPlan) error {
	if len(plan.missing) > 0 {
		return Errorf(CodeNotFound, "promote from the repository that holds them (get_build_info include artifacts, search_artifacts by checksum)",
			"%d artifacts of build %s #%s are not in %s: %s", len(plan.missing), in.Name, in.Number, in.SourceRepo, listed(plan.missing))
	}
	have, err := inTarget(ctx, d, dec, in.TargetRepo, plan.paths)
	if err != nil {
		return err
	}
	var clash []string
	for _, p := range plan.paths {
		if sum, ok := have[p]; ok && sum != plan.sha256[p] {
			clash = append(clash, p)
		}
	}
	if len(clash) > 0 {
		return Errorf(CodeConflict, "Artifactory would replace them; move them away first or promote to another repository",
			"%s already holds other content at %s", in.TargetRepo, listed(clash))
	}
	return nil
}

func listed(s []string) string {
	if len(s) > 20 {
		return strings.Join(s[:20], ", ") + fmt.Sprintf(" and %d more", len(s)-20)
	}
	return strings.Join(s, ", ")
}

var promoteBuild = Define(Tool[PromoteBuildIn, PromoteBuildResult]{
	Docs:        "dry run by default, listing the files that would move; copy by default, a move is two-phase and needs delete on the source; refuses other content at the target; a real run is verified in the target and in the status history (a \"done\" that moved nothing is an error naming what is missing); with `dependencies` the result says Artifactory takes them from anywhere; a target behind a release gate is refused until gates can be evaluated",
	Name:        "promote_build",
	Title:       "Promote build",
	Class:       guard.ClassPromote,
	Annotations: Annotations{ReadOnly: no, Destructive: yes, Idempotent: no, OpenWorld: yes},
	Description: "Promote a run's artifacts to target_repo with a status; dry run by default; verified.",
	Actions:     promoteActions,
	ErrorHints:  ErrorHints{CodeNotFound: buildNotFoundHint},
	Confirm: func(ctx context.Context, d *Deps, in *PromoteBuildIn, dec *guard.Decision) (*Plan, error) {
		if in.dryRun() || in.copy() {
			return nil, nil
		}
		plan, err := planPromotion(ctx, d, in, dec)
		if err != nil {
			return nil, err
		}
		if err := checkPlan(ctx, d, in, dec, plan); err != nil {
			return nil, err
		}
		// The confirmation binds what moves, content included: a file
		// replaced in between makes the token fail.
		state := make([]string, 0, len(plan.paths))
		for _, p := range plan.paths {
			state = append(state, p+" "+plan.sha256[p])
		}
		return &Plan{Summary: fmt.Sprintf("move %d files of build %s #%s from %s to %s (removed from %s)",
			len(plan.paths), in.Name, in.Number, in.SourceRepo, in.TargetRepo, in.SourceRepo), Changes: capList(plan.paths), state: state}, nil
	},
	Handle:  promote,
	Summary: promoteSummary,
})

func capList(s []string) []string {
	if len(s) > maxListed {
		return s[:maxListed]
	}
	return s
}

func promote(ctx context.Context, d *Deps, in *PromoteBuildIn, dec *guard.Decision) (*PromoteBuildResult, error) {
	plan, err := planPromotion(ctx, d, in, dec)
	if err != nil {
		return nil, err
	}
	if err := checkPlan(ctx, d, in, dec, plan); err != nil {
		return nil, err
	}
	dry := in.dryRun()
	res, err := d.Client.Artifactory.PromoteBuild(ctx, in.Project, in.Name, in.Number, client.PromotionRequest{
		Status: in.Status, Comment: in.Comment, SourceRepo: in.SourceRepo, TargetRepo: in.TargetRepo,
		Copy: in.copy(), Dependencies: in.Dependencies, DryRun: dry, FailFast: true, Properties: in.Properties})
	if err != nil {
		return nil, err
	}
	out := &PromoteBuildResult{DryRun: dry, Items: capList(plan.paths), ItemsCount: len(plan.paths)}
	if out.Items == nil {
		out.Items = []string{}
	}
	for _, m := range res.Messages {
		out.Messages = append(out.Messages, m.Message)
	}
	if errs := res.Errors(); len(errs) > 0 {
		return nil, Errorf(CodeConflict, "nothing may have changed; read the messages, fix the cause and try a dry run again",
			"Artifactory refused the promotion: %s", strings.Join(errs, "; "))
	}
	if in.Dependencies {
		out.Note = dependenciesNote
	}
	if dry {
		return out, nil
	}
	if err := verifyPromotion(ctx, d, in, dec, plan); err != nil {
		return nil, err
	}
	return out, nil
}

// verifyPromotion looks for every planned file in the target and for the
// status in the build's history: JFrog has answered "done" for promotions
// that moved nothing (jfrog-cli #1313).
func verifyPromotion(ctx context.Context, d *Deps, in *PromoteBuildIn, dec *guard.Decision, plan *promotionPlan) error {
	have, err := inTarget(ctx, d, dec, in.TargetRepo, plan.paths)
	if err != nil {
		return err
	}
	var missing []string
	for _, p := range plan.paths {
		if have[p] != plan.sha256[p] {
			missing = append(missing, p)
		}
	}
	statusMissing := false
	if in.Status != "" {
		pb, err := d.Client.Artifactory.GetBuildInfo(ctx, in.Project, in.Name, in.Number)
		if err != nil {
			return err
		}
		st := pb.BuildInfo.Statuses
		statusMissing = len(st) == 0 || st[len(st)-1].Status != in.Status || !strings.EqualFold(st[len(st)-1].Repository, in.TargetRepo)
	}
	if len(missing) == 0 && !statusMissing {
		return nil
	}
	var what []string
	if len(missing) > 0 {
		what = append(what, fmt.Sprintf("%d of %d files are not in %s: %s", len(missing), len(plan.paths), in.TargetRepo, listed(missing)))
	}
	if statusMissing {
		what = append(what, fmt.Sprintf("status %q is not in the build's promotion history", in.Status))
	}
	e := Errorf(CodeInternal, "check the target with get_artifact_info and the build with get_build_info before promoting again; JFrog's logs may say why",
		"JFrog reported the promotion of %s #%s as done, but %s", in.Name, in.Number, strings.Join(what, "; "))
	e.Details = map[string]any{"missing": capList(missing), "status_missing": statusMissing}
	return e
}

func promoteSummary(in *PromoteBuildIn, out *PromoteBuildResult) string {
	verb := "copy"
	if !in.copy() {
		verb = "move"
	}
	if out.DryRun {
		return fmt.Sprintf("dry run: would %s %d files of build %s #%s from %s to %s; call again with dry_run false to do it",
			verb, out.ItemsCount, in.Name, in.Number, in.SourceRepo, in.TargetRepo)
	}
	return fmt.Sprintf("promoted build %s #%s: %d files %s to %s, verified there", in.Name, in.Number, out.ItemsCount, map[bool]string{true: "copied", false: "moved"}[in.copy()], in.TargetRepo)
}
