package tools

import (
	"context"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// ScanStatusIn names an artifact (repo + path) or a build, and how long to
// wait for its scan to finish.
type ScanStatusIn struct {
	Repo        string `json:"repo,omitempty"`
	Path        string `json:"path,omitempty"`
	BuildName   string `json:"build_name,omitempty"`
	BuildNumber string `json:"build_number,omitempty"`
	Project     string `json:"project,omitempty"`
	WaitSeconds int    `json:"wait_seconds,omitempty" jsonschema:"minimum=0,maximum=600"`
}

// Validate wants an artifact or a build, not both.
func (in *ScanStatusIn) Validate() error {
	build := in.BuildName != "" || in.BuildNumber != ""
	if build == (in.Repo != "" || in.Path != "") {
		return Errorf(CodeInvalidArgument, "", "give repo and path, or build_name and build_number")
	}
	if build {
		if in.BuildName == "" || in.BuildNumber == "" {
			return Errorf(CodeInvalidArgument, "", "build_name and build_number go together")
		}
		return nil
	}
	p, err := fileOf(in.Repo, in.Path)
	in.Path = p
	return err
}

// fileOf normalises the path of a file named by repo and path.
func fileOf(repo, path string) (string, error) {
	p, err := itemPathOf(path, "name a file, e.g. app/1.0/app-1.0.jar")
	if err != nil {
		return "", err
	}
	if repo == "" {
		return "", Errorf(CodeInvalidArgument, "", "repo is required with path")
	}
	return p, nil
}

// ScanStatusResult is where Xray is with the scan.
type ScanStatusResult struct {
	subject string
	State   string `json:"state"`
	Time    string `json:"time,omitempty"`
	Waited  bool   `json:"waited,omitempty"`
	Hint    string `json:"hint,omitempty"`
}

var getScanStatus = Define(Tool[ScanStatusIn, ScanStatusResult]{
	Name:        "get_scan_status",
	Title:       "Xray scan status",
	Class:       guard.ClassRead,
	Annotations: ReadOnly,
	Description: "Xray scan state of an artifact (repo+path) or a build; wait_seconds waits for the end, with progress.",
	Docs:        "an artifact's or build's scan state; `wait_seconds` (≤ 600, capped by `limits.scan_wait`) polls with backoff and sends progress notifications; a cancelled call returns at once",
	Actions: func(in *ScanStatusIn) []guard.Action {
		if in.BuildName != "" {
			return []guard.Action{guard.BuildAction(guard.BuildRead, in.BuildName, in.Project)}
		}
		return []guard.Action{{Class: guard.ClassRead, Repo: in.Repo, Path: in.Path}}
	},
	ErrorHints: ErrorHints{CodeNotFound: "no such artifact or build in Xray: check the names"},
	Handle:     scanStatus,
	Summary:    func(in *ScanStatusIn, out *ScanStatusResult) string { return out.subject + ": " + out.State },
})

func scanStatus(ctx context.Context, d *Deps, in *ScanStatusIn, _ *guard.Decision) (*ScanStatusResult, error) {
	out := &ScanStatusResult{subject: in.Repo + "/" + in.Path}
	check := func(ctx context.Context) (string, error) {
		s, err := scanOfArtifact(ctx, d, in.Repo, in.Path)
		if err != nil {
			return "", err
		}
		out.Time = s.Time
		return s.State, nil
	}
	if in.BuildName != "" {
		out.subject = "build " + in.BuildName + "/" + in.BuildNumber
		ref := client.BuildRef{Name: in.BuildName, Number: in.BuildNumber, Project: in.Project}
		check = func(ctx context.Context) (string, error) {
			st, err := d.Client.Xray.BuildStatus(ctx, ref)
			if err != nil {
				return "", err
			}
			out.Time = st.Overall.Time
			return buildState(st.Overall.Status), nil
		}
	}
	state, err := check(ctx)
	if err != nil {
		return nil, err
	}
	if !finished(state) && in.WaitSeconds > 0 {
		out.Waited = true
		if state, err = waitFor(ctx, d, in.WaitSeconds, out.subject, check); err != nil {
			return nil, err
		}
	}
	out.State, out.Hint = state, stateHints[state]
	if in.BuildName != "" && state == stateNotIndexed {
		out.Hint = "Xray has not scanned this build; scan_build starts a scan"
	}
	return out, nil
}

// buildState maps a build status; a build never scanned is not_indexed.
func buildState(status string) string {
	switch status {
	case client.ScanDone:
		return stateDone
	case client.ScanScanning, client.ScanPending:
		return stateScanning
	case client.ScanFailed:
		return stateFailed
	case client.ScanPartial:
		return statePartial
	}
	return stateNotIndexed
}
