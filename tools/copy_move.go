package tools

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// TransferIn is a copy or move of one file or folder.
type TransferIn struct {
	FromRepo string `json:"from_repo" jsonschema:"required,minLength=1"`
	FromPath string `json:"from_path" jsonschema:"required,minLength=1"`
	ToRepo   string `json:"to_repo" jsonschema:"required,minLength=1"`
	ToPath   string `json:"to_path,omitempty" jsonschema:"description=Empty: from_path; ending in / or an existing folder: inside it"`
	DryRun   *bool  `json:"dry_run,omitempty" jsonschema:"default=true"`
	// JFrog replaces files at the target without asking; here that takes
	// overwrite, delete permission there, and a confirmation, as for uploads.
	Overwrite bool `json:"overwrite,omitempty"`

	checked *replaced // what replacedFiles found, so a plan and its execution in one call look once
}

// TransferCallIn is a copy or move call. A real move is always two-phase; a
// real copy is when it overwrites.
type TransferCallIn struct {
	TransferIn
	ConfirmToken string `json:"confirm_token,omitempty"`
}

// Validate normalises both paths.
func (in *TransferIn) Validate() error {
	from, err := itemPathOf(in.FromPath, "name a file or folder inside the repository as from_path")
	if err != nil {
		return err
	}
	to, err := cleanItemPath(in.ToPath)
	if err != nil {
		return err
	}
	switch {
	case to == "":
		to = from
	case strings.HasSuffix(in.ToPath, "/"):
		// A trailing slash names a folder: the item goes inside it, whether
		// or not the folder exists yet (without this, "incoming/" would
		// become a file named incoming).
		to += "/" + path.Base(from)
	}
	in.FromPath, in.ToPath = from, to
	return nil
}

func (in *TransferIn) dryRun() bool { return in.DryRun == nil || *in.DryRun }

// TransferResult reports what was (or would be) copied or moved.
type TransferResult struct {
	Pending
	From          string   `json:"from"`
	To            string   `json:"to"`
	DryRun        bool     `json:"dry_run"`
	Done          bool     `json:"done" jsonschema:"description=True when the change was made (false for a dry run)"`
	Messages      []string `json:"messages,omitempty" jsonschema:"description=Artifactory's messages"`
	Replaces      []string `json:"replaces,omitempty" jsonschema:"description=Files at the target that this replaces with other content (up to 100\\, readable ones only)"`
	ReplacesCount int      `json:"replaces_count,omitempty" jsonschema:"description=How many readable files this replaces with other content"`
	// Files the policy hides are not counted: a count would tell what is there.
	// Files the policy hides are replaced too; the name says it, the schema need not.
	ReplacesHidden          bool `json:"replaces_hidden,omitempty"`
	VerifiedAfterLostAnswer bool `json:"verified_after_lost_answer,omitempty"`

	rep replaced
}

func transferActions(in *TransferIn, move bool) []guard.Action {
	as := []guard.Action{
		{Class: guard.ClassRead, Repo: in.FromRepo, Path: in.FromPath},
		{Class: guard.ClassWrite, Repo: in.ToRepo, Path: in.ToPath, Gate: &guard.GateSubject{Repo: in.FromRepo, Path: in.FromPath}},
	}
	if move {
		as = append(as, guard.Action{Class: guard.ClassDelete, Repo: in.FromRepo, Path: in.FromPath})
	}
	if in.Overwrite {
		as = append(as, guard.Action{Class: guard.ClassDelete, Repo: in.ToRepo, Path: in.ToPath})
	}
	return as
}

// transfer copies or moves, or dry-runs either. Replacing files at the
// target takes overwrite: true; a dry run lists them.
func transfer(ctx context.Context, d *Deps, in *TransferIn, move, dryRun bool, dec *guard.Decision) (*TransferResult, error) {
	rep, err := replacedFiles(ctx, d, in, dec)
	if err != nil {
		return nil, err
	}
	if rep.any() && !in.Overwrite && !dryRun {
		return nil, wouldReplace(rep)
	}
	src := client.ItemRef{Repo: in.FromRepo, Path: in.FromPath}
	if on := dec.On(guard.ClassDelete, in.FromRepo, in.FromPath); move && on != "" {
		src.Repo = on // through a virtual: from the member the guard decided on
	}
	dst := client.ItemRef{Repo: in.ToRepo, Path: in.ToPath}
	op := d.Client.Artifactory.Copy
	if move {
		op = d.Client.Artifactory.Move
	}
	res, err := op(ctx, src, dst, dryRun)
	if err != nil {
		return nil, err
	}
	out := &TransferResult{From: in.FromRepo + "/" + in.FromPath, To: in.ToRepo + "/" + in.ToPath, DryRun: dryRun, Done: !dryRun,
		Replaces: rep.list(), ReplacesCount: rep.count, ReplacesHidden: rep.hidden, rep: rep, VerifiedAfterLostAnswer: res.VerifiedAfterLostAnswer}
	// Artifactory's messages name what it found at the target; they are
	// passed on only where the call may read there.
	if dec.Reveals(in.ToRepo, in.ToPath) {
		for _, m := range res.Messages {
			out.Messages = append(out.Messages, m.Message)
		}
	}
	return out, nil
}

func transferSummary(verb string, out *TransferResult) string {
	replacing := ""
	if out.rep.any() {
		replacing = "; " + out.rep.describe()
	}
	if out.DryRun {
		return fmt.Sprintf("dry run: would %s %s to %s%s; call again with dry_run false to do it", strings.ToLower(verb), out.From, out.To, replacing)
	}
	if out.VerifiedAfterLostAnswer {
		replacing += "; JFrog's answer was lost, the result was checked afterwards"
	}
	return fmt.Sprintf("%s %s to %s: done%s", verb, out.From, out.To, replacing)
}

// Both repositories were looked up before the call was decided (an unknown
// key is refused there, by name), so JFrog's 404 is about the source path.
const transferErrorHint = "both repositories exist; from_path does not: check it with get_artifact_info on its folder"

var copyArtifacts = Define(Tool[TransferCallIn, TransferResult]{
	Name:        "copy_artifacts",
	Title:       "Copy artifacts",
	Class:       guard.ClassWrite,
	Annotations: Annotations{ReadOnly: no, Destructive: yes, Idempotent: yes, OpenWorld: yes},
	Description: "Copy a file or folder with its properties. " +
		"Dry run unless dry_run is false; replacing other content needs overwrite and a confirmation.",
	Docs:       "dry run by default; replacing files that have other content takes `overwrite: true`, delete permission on the target and a confirmation",
	Actions:    func(in *TransferCallIn) []guard.Action { return transferActions(&in.TransferIn, false) },
	ErrorHints: ErrorHints{CodeNotFound: transferErrorHint},
	Confirm: func(ctx context.Context, d *Deps, in *TransferCallIn, dec *guard.Decision) (*Plan, error) {
		if in.dryRun() || !in.Overwrite {
			return nil, nil // nothing is replaced without overwrite: transfer refuses
		}
		rep, err := replacedFiles(ctx, d, &in.TransferIn, dec)
		if err != nil || !rep.any() {
			return nil, err
		}
		plan := &Plan{Summary: fmt.Sprintf("copy %s/%s to %s/%s; %s", in.FromRepo, in.FromPath, in.ToRepo, in.ToPath, rep.describe()),
			Changes: rep.list()}
		plan.state, err = transferState(ctx, d, &in.TransferIn)
		return plan, err
	},
	Handle: func(ctx context.Context, d *Deps, in *TransferCallIn, dec *guard.Decision) (*TransferResult, error) {
		return transfer(ctx, d, &in.TransferIn, false, in.dryRun(), dec)
	},
	Summary: func(in *TransferCallIn, out *TransferResult) string { return transferSummary("Copy", out) },
})

var moveArtifacts = Define(Tool[TransferCallIn, TransferResult]{
	Name:        "move_artifacts",
	Title:       "Move artifacts",
	Class:       guard.ClassDelete,
	Annotations: Annotations{ReadOnly: no, Destructive: yes, Idempotent: no, OpenWorld: yes},
	Description: "Move a file or folder with its properties. " +
		"Dry run unless dry_run is false; needs a confirmation, and overwrite to replace other content.",
	Docs:       "dry run by default; a real move is two-phase; replacing files at the target takes `overwrite: true`",
	Actions:    func(in *TransferCallIn) []guard.Action { return transferActions(&in.TransferIn, true) },
	ErrorHints: ErrorHints{CodeNotFound: transferErrorHint},
	Confirm: func(ctx context.Context, d *Deps, in *TransferCallIn, dec *guard.Decision) (*Plan, error) {
		if in.dryRun() {
			return nil, nil
		}
		// The plan is Artifactory's own dry run of exactly this move.
		dry, err := transfer(ctx, d, &in.TransferIn, true, true, dec)
		if err != nil {
			return nil, err
		}
		if dry.rep.any() && !in.Overwrite {
			return nil, wouldReplace(dry.rep)
		}
		summary := fmt.Sprintf("move %s to %s (the source is removed)", dry.From, dry.To)
		if dry.rep.any() {
			summary += "; " + dry.rep.describe()
		}
		plan := &Plan{Summary: summary, Changes: dry.Messages}
		plan.state, err = transferState(ctx, d, &in.TransferIn)
		return plan, err
	},
	Handle: func(ctx context.Context, d *Deps, in *TransferCallIn, dec *guard.Decision) (*TransferResult, error) {
		return transfer(ctx, d, &in.TransferIn, true, in.dryRun(), dec)
	},
	Summary: func(in *TransferCallIn, out *TransferResult) string { return transferSummary("Move", out) },
})

// transferState is what a copy or move plan saw: the source and the target
// trees, so that a token replayed after the move, or redeemed after either
// side changed, no longer matches.
func transferState(ctx context.Context, d *Deps, in *TransferIn) ([]string, error) {
	src, err := treeState(ctx, d, in.FromRepo, in.FromPath, nil)
	if err != nil {
		return nil, err
	}
	dst, err := treeState(ctx, d, in.ToRepo, in.ToPath, nil)
	return append(src, dst...), err
}

// wouldReplace refuses a copy or move that would replace files with other
// content when overwrite was not given.
func wouldReplace(r replaced) *Error {
	e := Errorf(CodeConflict, "pass overwrite: true to replace them (two-phase; needs delete permission on the target), or choose another to_path", "%s", r.describe())
	details := map[string]any{"replaced": r.list(), "count": r.count}
	if r.hidden {
		details["hidden"] = true
	}
	e.Details = details
	if r.unchecked != "" {
		e.Details = map[string]any{"unchecked": true}
	}
	return e
}
