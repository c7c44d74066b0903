package tools

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

const (
	// maxInlineUpload caps content_text / content_base64: inline content sits
	// in the model's context and in memory, a file does not.
	maxInlineUpload = 8 << 20
	// checksumDeployMin is where trying a checksum deploy first starts to pay
	// off (JFrog's own client uses the same threshold).
	checksumDeployMin = 10 << 10
)

// UploadIn is one artifact to deploy, from exactly one source.
type UploadIn struct {
	Repo          string     `json:"repo" jsonschema:"required,minLength=1"`
	Path          string     `json:"path" jsonschema:"required,minLength=1,description=Including the file name"`
	LocalPath     string     `json:"local_path,omitempty" jsonschema:"description=Inside the local roots"`
	ContentText   *string    `json:"content_text,omitempty" jsonschema:"description=UTF-8\\, up to 8 MiB"`
	ContentBase64 *string    `json:"content_base64,omitempty" jsonschema:"description=Up to 8 MiB decoded"`
	Properties    Properties `json:"properties,omitempty" jsonschema:"description=key -> value or [values]"`
	BuildName     string     `json:"build_name,omitempty"`
	BuildNumber   string     `json:"build_number,omitempty"`
	Overwrite     bool       `json:"overwrite,omitempty" jsonschema:"description=Replace different content (after a confirmation)"`
	ConfirmToken  string     `json:"confirm_token,omitempty"`

	content []byte // decoded inline content
}

// Validate enforces one source, a file path and complete build info. Inline
// content may be empty (a marker file such as _SUCCESS), so it counts as given
// when present at all.
func (in *UploadIn) Validate() error {
	sources := 0
	for _, given := range []bool{in.LocalPath != "", in.ContentText != nil, in.ContentBase64 != nil} {
		if given {
			sources++
		}
	}
	if sources != 1 {
		return Errorf(CodeInvalidArgument, "give local_path for a file, content_text for text or content_base64 for small binaries",
			"exactly one of local_path, content_text, content_base64 is required (got %d)", sources)
	}
	if strings.HasSuffix(in.Path, "/") {
		return Errorf(CodeInvalidArgument, "include the file name, e.g. dir/app-1.0.jar", "path %q names a folder", in.Path)
	}
	p, err := itemPathOf(in.Path, "include the file name, e.g. dir/app-1.0.jar")
	if err != nil {
		return err
	}
	in.Path = p
	if (in.BuildName == "") != (in.BuildNumber == "") {
		return Errorf(CodeInvalidArgument, "", "build_name and build_number go together")
	}
	if err := in.Properties.validate(); err != nil {
		return err
	}
	switch {
	case in.ContentText != nil:
		in.content = append([]byte{}, *in.ContentText...) // never nil: nil means "a file"
	case in.ContentBase64 != nil:
		b, err := base64.StdEncoding.DecodeString(*in.ContentBase64)
		if err != nil {
			return Errorf(CodeInvalidArgument, "encode with standard base64 (RFC 4648, with padding)", "content_base64 is not valid base64: %v", err)
		}
		if b == nil {
			b = []byte{}
		}
		in.content = b
	}
	if len(in.content) > maxInlineUpload {
		return Errorf(CodeInvalidArgument, "write the content to a file and pass local_path", "inline content is %d bytes, over the %d-byte limit", len(in.content), maxInlineUpload)
	}
	return nil
}

// UploadResult says what was deployed and whether JFrog stored exactly it.
type UploadResult struct {
	Pending
	Repo                    string              `json:"repo"`
	Path                    string              `json:"path"`
	Size                    int64               `json:"size"`
	Checksums               Checksums           `json:"checksums"`
	Verified                bool                `json:"verified" jsonschema:"description=JFrog's checksums of the stored artifact equal the ones computed here"`
	DeployedByChecksum      bool                `json:"deployed_by_checksum" jsonschema:"description=JFrog already had the content\\, so no bytes were sent"`
	Unchanged               bool                `json:"unchanged,omitempty" jsonschema:"description=The same content was already at this path (only the given properties were set)"`
	VerifiedAfterLostAnswer bool                `json:"verified_after_lost_answer,omitempty"`
	DownloadURI             string              `json:"download_uri,omitempty"`
	Properties              map[string][]string `json:"properties,omitempty"`
}

var uploadArtifact = Define(Tool[UploadIn, UploadResult]{
	Name:        "upload_artifact",
	Title:       "Upload artifact",
	Class:       guard.ClassWrite,
	Annotations: Annotations{ReadOnly: no, Destructive: yes, Idempotent: yes, OpenWorld: yes},
	Description: "Deploy one file from a local file, text or base64, with properties; checksums are verified. " +
		"Other content at the path is a conflict unless overwrite.",
	Docs: "from a local file, text or base64; properties and build info; checksum deploy for known content; verifies JFrog's checksums; replacing other content takes `overwrite: true` and a confirmation; the same content already at the path only gets the given properties; a file that changes during the upload stores nothing",
	Actions: func(in *UploadIn) []guard.Action {
		as := []guard.Action{{Class: guard.ClassWrite, Repo: in.Repo, Path: in.Path}}
		if in.Overwrite {
			as = append(as, guard.Action{Class: guard.ClassDelete, Repo: in.Repo, Path: in.Path})
		}
		if in.LocalPath != "" {
			as = append(as, guard.Action{Class: guard.ClassRead, Local: in.LocalPath})
		}
		return as
	},
	ErrorHints: ErrorHints{
		CodeNotFound:         "JFrog found no repository to deploy to (a virtual without a deployment repository, or one removed meanwhile): call list_repositories",
		CodePermissionDenied: "the JFrog user may not deploy here; pick a repository it can write to",
		CodeConflict:         "JFrog refused the artifact; its message says why (for example the repository's snapshot/release policy)",
	},
	Confirm: overwritePlan,
	Handle:  upload,
	Summary: func(in *UploadIn, out *UploadResult) string {
		how := "uploaded"
		switch {
		case out.Unchanged && len(out.Properties) > 0:
			how = "already there; the given properties were set, the others kept"
		case out.Unchanged:
			how = "already there, unchanged"
		case out.DeployedByChecksum:
			how = "deployed by checksum (no bytes sent)"
		}
		if out.VerifiedAfterLostAnswer {
			how += "; JFrog's answer was lost, the stored artifact was checked afterwards"
		}
		return fmt.Sprintf("%s/%s: %d bytes, %s, verified", out.Repo, out.Path, out.Size, how)
	},
})

// source is what is being uploaded: a local file opened once, which the
// hashing and every send (retries included) read by position from that one
// descriptor, or bytes.
type source struct {
	file    *guard.LocalFile
	content []byte
	size    int64
}

// reader reads the source from its start. A file is read to its end, not to
// size: a file that grew since the fstat must show it (the client's
// sizedReader then refuses to finish the upload).
func (s source) reader() io.Reader {
	if s.file == nil {
		return bytes.NewReader(s.content)
	}
	return io.NewSectionReader(s.file, 0, math.MaxInt64)
}

func (s source) open() (io.ReadCloser, error) { return io.NopCloser(s.reader()), nil }

// checksums reads a file source once for its sha256, which a checksum
// deploy needs before anything is sent. Inline content gets all three.
func (s source) checksums(ctx context.Context) (Checksums, error) {
	if s.file == nil {
		return hashBytes(s.content), nil
	}
	// Hashing is the first half of a file upload's progress, sending the second.
	r := progressFrom(ctx).reader(ctxReader{ctx, s.reader()}, 0, 2*s.size, "hashing")
	n, sum, err := hashedCopy(nil, r, sha256.New())
	if err != nil {
		return Checksums{}, fmt.Errorf("read %s: %w", s.file.Path, err)
	}
	if n != s.size {
		return Checksums{}, client.ErrSizeChanged // nothing was sent yet
	}
	return Checksums{SHA256: sum}, nil
}

// ctxReader ends a long local read when the call is cancelled: hashing a
// 10 GiB file takes seconds that nobody is waiting for any more.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

func upload(ctx context.Context, d *Deps, in *UploadIn, dec *guard.Decision) (*UploadResult, error) {
	src := source{content: in.content, size: int64(len(in.content))}
	if in.LocalPath != "" {
		testHook("upload:open")
		f, err := d.Guard.OpenLocal(in.LocalPath)
		var denied *guard.Denied
		switch {
		case errors.As(err, &denied):
			return nil, err
		case err != nil:
			return nil, Errorf(CodeInvalidArgument, "check local_path", "cannot read %s: %v", in.LocalPath, err)
		}
		defer f.Close()
		if !f.Info.IsRegular() {
			return nil, Errorf(CodeInvalidArgument, "give a regular file", "%s is not a regular file", in.LocalPath)
		}
		src.file, src.size = f, f.Info.Size
	}
	if limit := d.Guard.Limits().UploadBytes; limit > 0 && src.size > limit {
		return nil, &guard.Denied{Reason: fmt.Sprintf("the upload is %d bytes, over the policy's limit of %d", src.size, limit),
			Hint: "upload it outside the agent, or ask the operator to raise limits.upload_bytes"}
	}
	// A checksum deploy needs the sha256 before anything is sent, so a file is
	// read once for it. The sha256 also goes out as a header: JFrog refuses
	// (409) content that does not match it, so a file that changed between
	// the two reads, or bytes damaged on the way, are never stored. JFrog's
	// sha1 and md5 are reported as it computed them; hashing them here too
	// would halve upload speed and add nothing the sha256 does not prove.
	sums, err := src.checksums(ctx)
	if err != nil {
		return nil, changedUnderUpload(err, in, src, "")
	}
	testHook("upload:hashed")

	props := in.Properties.plain()
	if in.BuildName != "" {
		props["build.name"] = []string{in.BuildName}
		props["build.number"] = []string{in.BuildNumber}
		props["build.timestamp"] = []string{strconv.FormatInt(time.Now().UnixMilli(), 10)}
	}

	art := d.Client.Artifactory
	existing, err := art.Head(ctx, in.Repo, in.Path)
	switch {
	case client.IsNotFound(err):
	case err != nil:
		return nil, err
	case existing.Folder: // JFrog refuses a file over a folder, overwrite or not
		return nil, folderInTheWay(in)
	case !dec.Reveals(in.Repo, in.Path):
		// Comparing checksums is reading: "unchanged" would confirm a
		// guessed content, a conflict would show the existing sha256. The
		// caller learns only that a file is there; with overwrite the
		// content is deployed whatever it was.
		if !in.Overwrite {
			return nil, Errorf(CodeConflict, "pass overwrite: true to replace it, or choose another path",
				"a file exists at %s/%s and the policy does not let this server read it", in.Repo, in.Path)
		}
	case existing.Checksums.SHA256 == sums.SHA256:
		// The content is there already. Deploying it again replaces the item:
		// the emulator drops the properties it had (a QA flag, a promotion
		// status), and a redeploy rewrites them on real servers too
		// (jfrog-cli issue #2885); whether Artifactory keeps the ones not sent
		// is unverified. Setting only the given properties keeps the others
		// either way, and sends no bytes.
		if len(props) > 0 {
			if err := art.SetProperties(ctx, in.Repo, in.Path, props, false); err != nil {
				return nil, err
			}
		}
		same := Checksums{SHA256: sums.SHA256, SHA1: existing.Checksums.SHA1, MD5: existing.Checksums.MD5}
		out := &UploadResult{Repo: in.Repo, Path: in.Path, Size: src.size, Checksums: same, Verified: true, Unchanged: true,
			DownloadURI: d.Client.BaseURL(client.SurfaceArtifactory) + "/" + client.EscapePath(in.Repo, in.Path)}
		if len(props) > 0 {
			out.Properties = props
		}
		return out, nil
	case !in.Overwrite:
		e := Errorf(CodeConflict, "pass overwrite: true to replace it, or choose another path",
			"%s/%s already exists with other content (sha256 %s)", in.Repo, in.Path, existing.Checksums.SHA256)
		e.Details = map[string]string{"existing_sha256": existing.Checksums.SHA256, "new_sha256": sums.SHA256}
		return nil, e
	}
	req := client.DeployRequest{
		Repo: in.Repo, Path: in.Path, Size: src.size, Properties: props,
		Checksums: client.Checksums{SHA256: sums.SHA256},
	}
	out := &UploadResult{Repo: in.Repo, Path: in.Path, Size: src.size}
	if len(props) > 0 {
		out.Properties = props
	}

	var res *client.DeployResult
	if src.size >= checksumDeployMin {
		req.ChecksumOnly = true
		res, err = art.Deploy(ctx, req)
		if err == nil {
			out.DeployedByChecksum = true
		} else if !client.IsNotFound(err) {
			return nil, err
		}
		req.ChecksumOnly = false
	}
	if res == nil {
		req.Body, req.GetBody = src.reader(), src.open
		if src.file != nil {
			req.Body = progressFrom(ctx).reader(req.Body, src.size, 2*src.size, "uploading")
		}
		if res, err = art.Deploy(ctx, req); err != nil {
			return nil, changedUnderUpload(err, in, src, sums.SHA256)
		}
	}
	out.DownloadURI, out.VerifiedAfterLostAnswer = res.DownloadURI, res.VerifiedAfterLostAnswer
	got := Checksums{SHA256: res.Checksums.SHA256, SHA1: res.Checksums.SHA1, MD5: res.Checksums.MD5}
	out.Checksums = sums
	// For files only the sha256 was computed here: the other two are
	// JFrog's, vouched for by the matching sha256. Inline content has all
	// three, and all three must match.
	if out.Checksums.SHA1 == "" {
		out.Checksums.SHA1, out.Checksums.MD5 = got.SHA1, got.MD5
	}
	if got.SHA256 != sums.SHA256 || (got.SHA1 != "" && got.SHA1 != out.Checksums.SHA1) || (got.MD5 != "" && got.MD5 != out.Checksums.MD5) {
		e := Errorf(CodeUpstreamUnavailable, "the stored artifact may be corrupt: upload it again with overwrite: true, then check it with get_artifact_info",
			"JFrog reports checksums for %s/%s that differ from the uploaded content", in.Repo, in.Path)
		e.Retryable = true
		e.Details = map[string]any{"verified": false, "sent": out.Checksums, "stored": got}
		return nil, e
	}
	out.Verified = true
	return out, nil
}

// changedUnderUpload explains the two ways an upload stops because the file
// changed under it; in both, nothing was stored. JFrog answers 409 for bytes
// that do not match the X-Checksum-Sha256 sent with them (the file was
// rewritten between the hashing and the sending, or bytes were damaged on the
// way). The client refuses to finish a body that is no longer the size it
// announced (the file grew or shrank). Other errors pass through.
func changedUnderUpload(err error, in *UploadIn, src source, sent string) error {
	if errors.Is(err, client.ErrSizeChanged) {
		now := "of unknown size"
		if src.file != nil {
			if st, serr := src.file.Stat(); serr == nil {
				now = fmt.Sprintf("%d bytes", st.Size())
			}
		}
		how := fmt.Sprintf("it was %d bytes when the upload began and is %s now", src.size, now)
		if sent != "" {
			how += "; the sha256 computed before sending was " + sent
		}
		e := Errorf(CodeConflict, changedHint, "%s changed during the upload to %s/%s (%s), and nothing was stored", in.LocalPath, in.Repo, in.Path, how)
		e.Retryable = true
		return e
	}
	var api *client.APIError
	if !client.IsChecksumMismatch(err) || !errors.As(err, &api) {
		return err
	}
	e := Errorf(CodeConflict, changedHint,
		"JFrog refused the bytes sent for %s/%s: they do not match the sha256 computed before sending (%s); the file changed during the upload or was damaged on the way, and nothing was stored",
		in.Repo, in.Path, sent)
	e.Retryable, e.Surface, e.Status = true, string(api.Surface), api.Status
	e.Details = map[string]string{"jfrog_message": api.Message}
	return e
}

const changedHint = "make sure nothing is writing the file, then upload again"

func folderInTheWay(in *UploadIn) *Error {
	return Errorf(CodeConflict, "choose a file path, such as "+strings.TrimSuffix(in.Path, "/")+"/<file name>",
		"%s/%s is a folder, and a file cannot replace it", in.Repo, in.Path)
}

// overwritePlan asks for confirmation only when an overwrite would really
// replace different content. Where the call may not read the existing file
// it always asks, and describes nothing of that file: whether a plan is
// needed would otherwise tell whether a guessed content is there.
func overwritePlan(ctx context.Context, d *Deps, in *UploadIn, dec *guard.Decision) (*Plan, error) {
	if !in.Overwrite {
		return nil, nil
	}
	existing, err := d.Client.Artifactory.Head(ctx, in.Repo, in.Path)
	if client.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if existing.Folder {
		return nil, nil // nothing to confirm: upload refuses the folder
	}
	var plan *Plan
	switch {
	case !dec.Reveals(in.Repo, in.Path):
		plan = &Plan{Summary: fmt.Sprintf("replace the file that exists at %s/%s with the new content (%s)", in.Repo, in.Path, notReadable)}
	case in.content != nil && hashBytes(in.content).SHA256 == existing.Checksums.SHA256:
		return nil, nil // nothing to confirm: the upload changes nothing
	default:
		plan = &Plan{Summary: fmt.Sprintf("replace %s/%s (%d bytes, sha256 %s) with the new content", in.Repo, in.Path, existing.Size, existing.Checksums.SHA256)}
	}
	// The token binds the existing file (sha256 and times): a replay after
	// the overwrite, even once the old content is back, no longer matches.
	plan.state, err = treeState(ctx, d, in.Repo, in.Path, nil)
	return plan, err
}
