package tools

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// replacedFiles lists the files at the target that a copy or move would
// replace with other content. JFrog replaces them without asking (given
// delete permission there), so this is what an overwrite puts at stake. It
// follows JFrog's file-system rules: a target that does not exist is a new
// name (nothing replaced); an existing folder receives the source inside it.
// Files with the same sha256 on both sides are not counted: nothing changes.
// Comparing is reading, so files the decision does not let the call reveal
// are neither named, counted nor compared: that some exist at the target
// is all it says, and they count as replaced whatever their content.
// The answer is kept on in: a call that plans and then, on an accepted
// elicitation or when nothing needs confirming, executes asks JFrog once.
func replacedFiles(ctx context.Context, d *Deps, in *TransferIn, dec *guard.Decision) (replaced, error) {
	if in.checked != nil {
		return *in.checked, nil
	}
	files, err := replacedPaths(ctx, d, in)
	var r replaced
	switch {
	case errors.Is(err, errTooManyToCompare):
		why := err.Error()
		if !dec.Reveals(in.ToRepo, in.ToPath) {
			// Which side is too large would tell the size of the target.
			why = "the target exists and " + notReadable
		}
		in.checked = &replaced{unchecked: why}
		return *in.checked, nil
	case err != nil:
		return r, err
	}
	for _, f := range files {
		switch {
		case !dec.Reveals(in.ToRepo, f.path):
			r.hidden = true
		case f.differs:
			r.count++
			r.named = append(r.named, in.ToRepo+"/"+f.path)
		}
	}
	in.checked = &r
	return r, nil
}

// replaced is what a copy or move would replace: count readable files,
// all named; whether files the policy hides exist there too; or, for trees
// too large to compare, why it is unknown.
type replaced struct {
	count     int
	named     []string
	hidden    bool
	unchecked string
}

// any reports that files may be replaced: some were found, or it is unknown.
func (r replaced) any() bool { return r.count > 0 || r.hidden || r.unchecked != "" }

// describe is "N file(s) …: a, b, c" for messages, naming up to ten.
func (r replaced) describe() string {
	const show = 10
	if r.unchecked != "" {
		return "files at the target may be replaced: " + r.unchecked
	}
	var parts []string
	if r.count > 0 {
		s := fmt.Sprintf("%d file(s) at the target have other content and would be replaced", r.count)
		s += ": " + strings.Join(r.named[:min(show, len(r.named))], ", ")
		if len(r.named) > show {
			s += ", …"
		}
		parts = append(parts, s)
	}
	if r.hidden {
		parts = append(parts, "files exist at the target that the policy does not let this server read, and they would be replaced")
	}
	return strings.Join(parts, "; ")
}

// list caps the named files for a result, a plan or error details; the
// count is always given in full next to it.
func (r replaced) list() []string {
	return r.named[:min(100, len(r.named))]
}

// targetFile is a file that exists at the target under a path the source
// also has; differs is false when both have the same sha256.
type targetFile struct {
	path    string
	differs bool
}

// replacedPaths does the work of replacedFiles: the target files a copy
// lands on, unfiltered.
func replacedPaths(ctx context.Context, d *Deps, in *TransferIn) ([]targetFile, error) {
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
		differs := sha256Of(src.Checksums) == "" || sha256Of(src.Checksums) != sha256Of(dst.Checksums)
		return []targetFile{{dstPath, differs}}, nil
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
func replacedInTree(ctx context.Context, art *client.Artifactory, srcRepo, srcPath, dstRepo, dstPath string) ([]targetFile, error) {
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
	var out []targetFile
	for _, f := range src.Files {
		if sum, ok := existing[f.URI]; ok && !f.Folder {
			out = append(out, targetFile{dstPath + f.URI, sum == "" || sum != f.SHA2})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out, nil
}

func sha256Of(c *client.Checksums) string {
	if c == nil {
		return ""
	}
	return strings.ToLower(c.SHA256)
}
