package tools

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"unicode/utf8"

	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// maxInlineDownload caps text returned in the result: it lands in the
// model's context.
const maxInlineDownload = 64 << 10

// DownloadIn names an artifact and where it goes.
type DownloadIn struct {
	Repo      string `json:"repo" jsonschema:"required,minLength=1"`
	Path      string `json:"path" jsonschema:"required,minLength=1"`
	LocalPath string `json:"local_path,omitempty" jsonschema:"description=Inside the local roots; without it text comes inline"`
	Overwrite bool   `json:"overwrite,omitempty" jsonschema:"description=Replace an existing local file"`
}

// Validate normalises the repository path.
func (in *DownloadIn) Validate() error {
	p, err := itemPathOf(in.Path, "name a file; get_artifact_info lists a folder")
	in.Path = p
	return err
}

// DownloadResult is a saved file or inline text.
type DownloadResult struct {
	Repo      string    `json:"repo"`
	Path      string    `json:"path"`
	Size      int64     `json:"size"`
	Checksums Checksums `json:"checksums"`
	Verified  bool      `json:"verified" jsonschema:"description=The sha256 of the bytes received equals JFrog's"`
	LocalPath string    `json:"local_path,omitempty"`
	Text      string    `json:"text,omitempty" jsonschema:"description=The content\\, when returned inline"`
}

var downloadArtifact = Define(Tool[DownloadIn, DownloadResult]{
	Name:        "download_artifact",
	Title:       "Download artifact",
	Class:       guard.ClassRead,
	Annotations: Annotations{ReadOnly: no, Destructive: yes, Idempotent: yes, OpenWorld: yes}, // overwrite replaces local files
	Description: "Download one file to a local file (sha256-verified, atomic) or, text up to 64 KiB, inline.",
	Docs:        "to a local file (streamed, sha256-verified, atomic rename) or text up to 64 KiB inline; replacing a local file takes `overwrite: true`, so it is not annotated read-only",
	Actions: func(in *DownloadIn) []guard.Action {
		as := []guard.Action{{Class: guard.ClassRead, Repo: in.Repo, Path: in.Path}}
		if in.LocalPath != "" {
			as = append(as, guard.Action{Class: guard.ClassWrite, Local: in.LocalPath})
		}
		return as
	},
	ErrorHints: ErrorHints{CodeNotFound: "the repository exists, the file does not: check the path with get_artifact_info on its folder, or search_artifacts by name"},
	Handle:     download,
	Summary: func(in *DownloadIn, out *DownloadResult) string {
		if out.LocalPath != "" {
			return fmt.Sprintf("saved %s/%s to %s (%d bytes, sha256 verified)", out.Repo, out.Path, out.LocalPath, out.Size)
		}
		return fmt.Sprintf("%s/%s: %d bytes of text", out.Repo, out.Path, out.Size)
	},
})

func download(ctx context.Context, d *Deps, in *DownloadIn, _ *guard.Decision) (*DownloadResult, error) {
	var target *guard.LocalTarget
	if in.LocalPath != "" {
		t, err := d.Guard.LocalTarget(in.LocalPath)
		if errors.Is(err, guard.ErrLocalIsDirectory) {
			return nil, Errorf(CodeInvalidArgument, "add the file name, e.g. "+filepath.Join(in.LocalPath, path.Base(in.Path)), "local_path %s is a directory", in.LocalPath)
		}
		if err != nil {
			return nil, err
		}
		defer t.Dir.Close()
		// Found out now, not after the whole download.
		if t.Existing != nil && !in.Overwrite {
			return nil, Errorf(CodeConflict, "pass overwrite: true to replace it, or choose another local_path", "local file %s already exists", t.Path)
		}
		target = t
	}
	dl, err := d.Client.Artifactory.Download(ctx, in.Repo, in.Path)
	if err != nil {
		return nil, err
	}
	defer dl.Body.Close()
	out := &DownloadResult{Repo: in.Repo, Path: in.Path, Size: dl.Size}
	if target == nil {
		return inlineText(out, dl.Body, dl.Checksums.SHA256)
	}
	want := Checksums{SHA256: dl.Checksums.SHA256, SHA1: dl.Checksums.SHA1, MD5: dl.Checksums.MD5}
	body := progressFrom(ctx).reader(dl.Body, 0, dl.Size, "downloading")
	if err := saveVerified(target, in.Overwrite, body, want, out); err != nil {
		return nil, err
	}
	out.LocalPath = target.Path
	return out, nil
}

// saveVerified streams body into a part file beside the target, checks its
// sha256 against JFrog's, and only then renames it into place, through the
// directory descriptor the guard opened: a failed or corrupt download never
// leaves a partial file under the real name, and a directory swapped for a
// symlink meanwhile cannot send the file elsewhere. Without overwrite the
// rename never replaces a file that appeared during the download.
func saveVerified(t *guard.LocalTarget, overwrite bool, body io.Reader, want Checksums, out *DownloadResult) (err error) {
	part, err := createPart(t.Dir, t.Name)
	if err != nil {
		return fmt.Errorf("create temporary file: %w", err)
	}
	defer func() {
		if err != nil {
			part.discard()
		}
	}()
	testHook("download:created")
	// Only the sha256 is computed, off the critical path: it is what proves
	// the bytes are JFrog's; sha1 and md5 are reported from JFrog's headers.
	n, sum, err := hashedCopy(newWritebackFile(part.f), body, sha256.New())
	if err != nil {
		return fmt.Errorf("download to %s: %w", t.Path, err)
	}
	out.Size, out.Checksums.SHA256 = n, sum
	out.Checksums.SHA1, out.Checksums.MD5 = want.SHA1, want.MD5
	if want.SHA256 == "" {
		return Errorf(CodeUpstreamUnavailable, "retry; if it persists the artifact has no sha256 in JFrog", "JFrog sent no sha256 to verify the download against")
	}
	if out.Checksums.SHA256 != want.SHA256 {
		e := Errorf(CodeUpstreamUnavailable, "retry the download", "the downloaded bytes do not match JFrog's sha256; nothing was saved")
		e.Retryable, e.Details = true, map[string]string{"expected_sha256": want.SHA256, "received_sha256": out.Checksums.SHA256}
		return e
	}
	if err := part.f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", part.f.Name(), err)
	}
	testHook("download:commit")
	if err := t.Recheck(); err != nil {
		return err
	}
	if !overwrite {
		err = t.Dir.RenameNoReplace(part.name, t.Name)
		if errors.Is(err, fs.ErrExist) {
			return Errorf(CodeConflict, "pass overwrite: true to replace it, or choose another local_path", "local file %s appeared during the download and was kept; nothing was saved", t.Path)
		}
	} else {
		err = t.Dir.Rename(part.name, t.Name)
	}
	if err != nil {
		return fmt.Errorf("rename into %s: %w", t.Path, err)
	}
	// Closed only now: the lock kept cleaners off the part file until it had
	// its real name. The data is synced; close has nothing left to report.
	_ = part.f.Close()
	out.Verified = true
	return nil
}

// inlineText returns small text content in the result, verified.
func inlineText(out *DownloadResult, body io.Reader, want string) (*DownloadResult, error) {
	if out.Size > maxInlineDownload {
		return nil, Errorf(CodeInvalidArgument, "pass local_path to save it to a file", "%s/%s is %d bytes, over the %d-byte inline limit", out.Repo, out.Path, out.Size, maxInlineDownload)
	}
	b, err := io.ReadAll(io.LimitReader(body, maxInlineDownload+1))
	if err != nil {
		return nil, fmt.Errorf("read %s/%s: %w", out.Repo, out.Path, err)
	}
	if len(b) > maxInlineDownload {
		return nil, Errorf(CodeInvalidArgument, "pass local_path to save it to a file", "%s/%s is over the %d-byte inline limit", out.Repo, out.Path, maxInlineDownload)
	}
	if !utf8.Valid(b) || containsNUL(b) {
		return nil, Errorf(CodeInvalidArgument, "binary content is not returned inline: pass local_path to save it to a file", "%s/%s is binary", out.Repo, out.Path)
	}
	out.Size, out.Checksums = int64(len(b)), hashBytes(b)
	if want != "" && out.Checksums.SHA256 != want {
		return nil, Errorf(CodeUpstreamUnavailable, "retry the download", "the downloaded bytes do not match JFrog's sha256")
	}
	out.Verified = want != ""
	out.Text = string(b)
	return out, nil
}

func containsNUL(b []byte) bool {
	for _, c := range b {
		if c == 0 {
			return true
		}
	}
	return false
}
