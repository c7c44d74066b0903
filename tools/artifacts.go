package tools

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// ArtifactInfoIn names one file or folder.
type ArtifactInfoIn struct {
	Repo       string `json:"repo" jsonschema:"required,minLength=1"`
	Path       string `json:"path,omitempty" jsonschema:"description=Empty for the repository root"`
	Properties *bool  `json:"properties,omitempty" jsonschema:"default=true"`
	Limit      int    `json:"limit,omitempty" jsonschema:"minimum=1,maximum=1000,default=200"`
	Offset     int    `json:"offset,omitempty" jsonschema:"minimum=0"`
}

// Validate rejects paths that try to climb out of the repository.
func (in *ArtifactInfoIn) Validate() error {
	p, err := cleanItemPath(in.Path)
	in.Path = p
	return err
}

// Checksums of a file.
type Checksums struct {
	SHA256 string `json:"sha256,omitempty"`
	SHA1   string `json:"sha1,omitempty"`
	MD5    string `json:"md5,omitempty"`
}

// FolderChild is one entry of a folder.
type FolderChild struct {
	Name   string `json:"name"`
	Folder bool   `json:"folder"`
}

// ArtifactInfo is the result of get_artifact_info: a file, or a folder with a
// page of its children.
type ArtifactInfo struct {
	Repo        string              `json:"repo"`
	Path        string              `json:"path"`
	Type        string              `json:"type" jsonschema:"enum=file,enum=folder"`
	Size        *int64              `json:"size,omitempty" jsonschema:"description=Bytes (files only)"`
	MimeType    string              `json:"mime_type,omitempty"`
	Checksums   *Checksums          `json:"checksums,omitempty"`
	Created     string              `json:"created,omitempty"`
	CreatedBy   string              `json:"created_by,omitempty"`
	Modified    string              `json:"modified,omitempty"`
	ModifiedBy  string              `json:"modified_by,omitempty"`
	DownloadURI string              `json:"download_uri,omitempty"`
	Properties  map[string][]string `json:"properties,omitempty"`
	Children    *List[FolderChild]  `json:"children,omitempty" jsonschema:"description=Folders only: a page of the folder's entries"`
}

func (a *ArtifactInfo) itemCount() int {
	if a.Children == nil {
		return 0
	}
	return a.Children.itemCount()
}

func (a *ArtifactInfo) keep(n int) {
	if a.Children != nil {
		a.Children.keep(n)
	}
}

var getArtifactInfo = Define(Tool[ArtifactInfoIn, ArtifactInfo]{
	Name:        "get_artifact_info",
	Title:       "Artifact info",
	Class:       guard.ClassRead,
	Annotations: ReadOnly,
	Description: "One file's size, checksums, dates and properties, or a folder's children.",
	Docs:        "a file's size, checksums, dates, download URI, properties; a folder's children, paged",
	Actions: func(in *ArtifactInfoIn) []guard.Action {
		return []guard.Action{{Class: guard.ClassRead, Repo: in.Repo, Path: in.Path}}
	},
	ErrorHints: ErrorHints{
		CodeNotFound: "the repository exists, the path does not: get_artifact_info on the parent folder shows what it contains",
	},
	Handle: artifactInfo,
	Summary: func(in *ArtifactInfoIn, out *ArtifactInfo) string {
		if out.Type == "folder" {
			return fmt.Sprintf("folder %s/%s with %d entries", out.Repo, out.Path, *out.Children.Total)
		}
		return fmt.Sprintf("file %s/%s, %d bytes", out.Repo, out.Path, *out.Size)
	},
})

func artifactInfo(ctx context.Context, d *Deps, in *ArtifactInfoIn, _ *guard.Decision) (*ArtifactInfo, error) {
	// The properties are asked for alongside the item, not after it: the
	// agent waits for one round trip instead of two.
	type propsResult struct {
		props map[string][]string
		err   error
	}
	var propsc chan propsResult
	stopProps := func() {}
	if in.Properties == nil || *in.Properties {
		// Ended with the call: when the item itself fails, the properties
		// request must not go on talking to JFrog on nobody's behalf, and
		// the call returns only once it has stopped.
		pctx, cancel := context.WithCancel(ctx)
		defer cancel()
		propsc = make(chan propsResult, 1)
		go func() {
			p, err := d.Client.Artifactory.ItemProperties(pctx, in.Repo, in.Path)
			propsc <- propsResult{p, err}
		}()
		stopProps = func() { cancel(); <-propsc }
	}
	item, err := d.Client.Artifactory.StorageItem(ctx, in.Repo, in.Path)
	if err != nil {
		stopProps()
		return nil, err
	}
	out := &ArtifactInfo{
		Repo: in.Repo, Path: in.Path,
		Created: item.Created, CreatedBy: item.CreatedBy,
		Modified: item.LastModified, ModifiedBy: item.ModifiedBy,
	}
	if item.IsFolder() {
		out.Type = "folder"
		children := make([]FolderChild, len(item.Children))
		for i, c := range item.Children {
			children[i] = FolderChild{Name: strings.TrimPrefix(c.URI, "/"), Folder: c.Folder}
		}
		page := Paginate(children, in.Offset, limitOr(in.Limit, 200))
		out.Children = &page
	} else {
		out.Type = "file"
		// Storage info sends size as a string; agents compare numbers.
		size, err := strconv.ParseInt(item.Size, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("storage info of %s/%s: size %q is not a number: %w", in.Repo, in.Path, item.Size, err)
		}
		out.Size, out.MimeType, out.DownloadURI = &size, item.MimeType, item.DownloadURI
		if cs := item.Checksums; cs != nil {
			out.Checksums = &Checksums{SHA256: cs.SHA256, SHA1: cs.SHA1, MD5: cs.MD5}
		}
	}
	if propsc != nil {
		r := <-propsc
		if r.err != nil {
			return nil, r.err
		}
		if len(r.props) > 0 {
			out.Properties = r.props
		}
	}
	return out, nil
}

// itemPathOf is cleanItemPath for arguments that must name an item below
// the repository root (a file to download, a folder to delete).
func itemPathOf(p, hint string) (string, error) {
	n, err := cleanItemPath(p)
	if err == nil && n == "" {
		err = Errorf(CodeInvalidArgument, hint, "the path is the repository root")
	}
	return n, err
}

// cleanItemPath normalises a repository path with the guard's own
// normaliser, so the path a handler sends is exactly the one the guard
// checked (NormalizePath is idempotent), and refuses what the guard would.
func cleanItemPath(p string) (string, error) {
	n, err := guard.NormalizePath(p)
	if err != nil {
		return "", Errorf(CodeInvalidArgument, "give the path from the repository root, without '..', backslashes or encoded separators", "%v", err)
	}
	return n, nil
}
