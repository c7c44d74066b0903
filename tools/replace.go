package tools

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
)

// replacedFiles lists the files at the target that a copy or move would
// replace with other content. JFrog replaces them without asking (given
// delete permission there), so this is what an overwrite puts at stake. It
// follows JFrog's file-system rules: a target that does not exist is a new
// name (nothing replaced); an existing folder receives the source inside it.
// Files with the same sha256 on both sides are not counted: nothing changes.
// Files the policy does not let the agent read are counted but not named.
// The answer is kept on in: a call that plans and then, on an accepted
// elicitation or when nothing needs confirming, executes asks JFrog once.
func replacedFiles(ctx context.Context, d *Deps, in *TransferIn) (replaced, error) {
	if in.checked != nil {
		return *in.checked, nil
	}
	files, err := replacedPaths(ctx, d, in)
	var r replaced
	switch {
	case errors.Is(err, errTooManyToCompare):
		in.checked = &replaced{unchecked: err.Error()}
		return *in.checked, nil
	case err != nil:
		return r, err
	}
	r.count = len(files)
	for _, f := range files {
		dir, name := path.Split(f)
		if d.Guard.CanReadItem(in.ToRepo, strings.TrimSuffix(dir, "/"), name) {
			r.named = append(r.named, in.ToRepo+"/"+f)
		}
	}
	in.checked = &r
	return r, nil
}

// replaced is what a copy or move would replace: count files, of which the
// readable ones are named; or, for trees too large to compare, why it is
// unknown.
type replaced struct {
	count     int
	named     []string
	unchecked string
}

// any reports that files may be replaced: some were found, or it is unknown.
func (r replaced) any() bool { return r.count > 0 || r.unchecked != "" }

// describe is "N file(s) …: a, b, c" for messages, naming up to ten.
func (r replaced) describe() string {
	const show = 10
	if r.unchecked != "" {
		return "files at the target may be replaced: " + r.unchecked
	}
	s := fmt.Sprintf("%d file(s) at the target have other content and would be replaced", r.count)
	if len(r.named) > 0 {
		s += ": " + strings.Join(r.named[:min(show, len(r.named))], ", ")
		if len(r.named) > show {
			s += ", …"
		}
	}
	if hidden := r.count - len(r.named); hidden > 0 {
		s += fmt.Sprintf(" (%d of them outside what the policy lets this server read)", hidden)
	}
	return s
}

// list caps the named files for a result, a plan or error details; the
// count is always given in full next to it.
func (r replaced) list() []string {
	return r.named[:min(100, len(r.named))]
}

// replacedPaths does the work of replacedFiles: target paths, unfiltered.
func replacedPaths(ctx context.Context, d *Deps, in *TransferIn) ([]string, error) {
	art := d.Client.Artifactory
	src, err := art.StorageItem(ctx, in.FromRepo, in.FromPath)
	if err != nil {
		return nil, err // the copy itself would fail the same way
	}
	dstPath := in.ToPath
	dst, err := existingItem(ctx, art, in.ToRepo, dstPath)
	if dst != nil && dst.IsFolder() {
		dstPath = path.Join(dstPath, path.Base(in.FromPath))
		dst, err = existingItem(ctx, art, in.ToRepo, dstPath)
	}
	if err != nil || dst == nil {
		return nil, err
	}
	switch {
	case !src.IsFolder() && !dst.IsFolder():
		if sha256Of(src.Checksums) == "" || sha256Of(src.Checksums) != sha256Of(dst.Checksums) {
			return []string{dstPath}, nil
		}
		return nil, nil
	case src.IsFolder() && dst.IsFolder():
		return replacedInTree(ctx, art, in.FromRepo, in.FromPath, in.ToRepo, dstPath)
	}
	return nil, nil // a file onto a folder or the reverse: JFrog refuses it
}

// existingItem is the storage info of an item, or nil when there is none.
func existingItem(ctx context.Context, art *client.Artifactory, repo, p string) (*client.StorageItem, error) {
	it, err := art.StorageItem(ctx, repo, p)
	if client.IsNotFound(err) {
		return nil, nil
	}
	return it, err
}

// maxComparedFiles bounds each side of a folder comparison: a deep file
// list is one answer, and a tree larger than this is not read whole.
var maxComparedFiles = 20000

var errTooManyToCompare = errors.New("a folder holds too many files to compare")

// replacedInTree compares two folders' files by relative path and sha256.
func replacedInTree(ctx context.Context, art *client.Artifactory, srcRepo, srcPath, dstRepo, dstPath string) ([]string, error) {
	deep := client.FileListOptions{Deep: true, MaxFiles: maxComparedFiles}
	src, err := art.FileList(ctx, srcRepo, srcPath, deep)
	if err != nil {
		return nil, err
	}
	dst, err := art.FileList(ctx, dstRepo, dstPath, deep)
	if err != nil {
		return nil, err
	}
	if src.Truncated || dst.Truncated {
		return nil, fmt.Errorf("%w: %s/%s exists, and it or the source holds more than %d files, so they were not compared one by one",
			errTooManyToCompare, dstRepo, dstPath, maxComparedFiles)
	}
	existing := make(map[string]string, len(dst.Files))
	for _, f := range dst.Files {
		if !f.Folder {
			existing[f.URI] = f.SHA2
		}
	}
	var out []string
	for _, f := range src.Files {
		if sum, ok := existing[f.URI]; ok && !f.Folder && (sum == "" || sum != f.SHA2) {
			out = append(out, dstPath+f.URI)
		}
	}
	sort.Strings(out)
	return out, nil
}

func sha256Of(c *client.Checksums) string {
	if c == nil {
		return ""
	}
	return strings.ToLower(c.SHA256)
}
