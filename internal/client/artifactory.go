package client

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// Artifactory is the Artifactory surface (<platform>/artifactory).
type Artifactory struct{ c *core }

// ArtifactoryVersion is GET api/system/version. Only Version is guaranteed by every
// server version (reference §2.1).
type ArtifactoryVersion struct {
	Version  string   `json:"version"`
	Revision string   `json:"revision"`
	Addons   []string `json:"addons"`
	License  string   `json:"license"`
}

// ListRepositoriesOptions filters ListRepositories. Empty fields do not filter.
type ListRepositoriesOptions struct {
	// Type is local, remote, virtual, federated or distribution (sent lower-case;
	// the response's Type is upper-case).
	Type        string
	PackageType string
	Project     string
}

// RepositorySummary is one entry of GET api/repositories. Type is upper-case (LOCAL)
// and PackageType a display name (Maven), unlike the single-repository config.
type RepositorySummary struct {
	Key         string `json:"key"`
	Type        string `json:"type"`
	Description string `json:"description,omitempty"`
	URL         string `json:"url"`
	PackageType string `json:"packageType"`
}

// Checksums of a stored file.
type Checksums struct {
	SHA1   string `json:"sha1,omitempty"`
	MD5    string `json:"md5,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
}

// StorageChild is one entry of a folder's children; URI is "/" plus the child name.
type StorageChild struct {
	URI    string `json:"uri"`
	Folder bool   `json:"folder"`
}

// StorageItem is GET api/storage/<repo>/<path>: file info or folder info.
type StorageItem struct {
	URI          string `json:"uri"`
	DownloadURI  string `json:"downloadUri,omitempty"`
	Repo         string `json:"repo"`
	Path         string `json:"path"`
	RemoteURL    string `json:"remoteUrl,omitempty"`
	Created      string `json:"created,omitempty"`
	CreatedBy    string `json:"createdBy,omitempty"`
	LastModified string `json:"lastModified,omitempty"`
	ModifiedBy   string `json:"modifiedBy,omitempty"`
	LastUpdated  string `json:"lastUpdated,omitempty"`
	// Size is a decimal string on the wire (reference §2.4); files only.
	Size              string         `json:"size,omitempty"`
	MimeType          string         `json:"mimeType,omitempty"`
	Checksums         *Checksums     `json:"checksums,omitempty"`
	OriginalChecksums *Checksums     `json:"originalChecksums,omitempty"`
	Children          []StorageChild `json:"children,omitempty"`
}

// IsFolder reports folder info: folders (and repository roots) carry children and
// never a download URI or checksums. An empty folder still sends "children":[].
func (s *StorageItem) IsFolder() bool {
	return s.Children != nil || (s.DownloadURI == "" && s.Checksums == nil && s.Size == "")
}

// Version calls GET api/system/version.
func (a *Artifactory) Version(ctx context.Context) (*ArtifactoryVersion, error) {
	var v ArtifactoryVersion
	req := Request{Surface: SurfaceArtifactory, Method: http.MethodGet, Path: "api/system/version"}
	if err := a.c.doJSON(ctx, req, &v); err != nil {
		return nil, err
	}
	v.Version = strings.TrimSpace(v.Version)
	return &v, nil
}

// ListRepositories calls GET api/repositories. The endpoint is not paginated.
func (a *Artifactory) ListRepositories(ctx context.Context, opts ListRepositoriesOptions) ([]RepositorySummary, error) {
	q := url.Values{}
	if opts.Type != "" {
		q.Set("type", strings.ToLower(opts.Type))
	}
	if opts.PackageType != "" {
		q.Set("packageType", opts.PackageType)
	}
	if opts.Project != "" {
		q.Set("project", opts.Project)
	}
	var out []RepositorySummary
	req := Request{Surface: SurfaceArtifactory, Method: http.MethodGet, Path: "api/repositories", Query: q}
	if err := a.c.doJSON(ctx, req, &out); err != nil {
		return nil, err
	}
	if out == nil {
		out = []RepositorySummary{}
	}
	return out, nil
}

// StorageItem calls GET api/storage/<repo>/<path> for file or folder info. An empty
// path means the repository root.
func (a *Artifactory) StorageItem(ctx context.Context, repo, path string) (*StorageItem, error) {
	p, err := storagePath(repo, path)
	if err != nil {
		return nil, err
	}
	var out StorageItem
	if err := a.c.doJSON(ctx, Request{Surface: SurfaceArtifactory, Method: http.MethodGet, Path: p}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ItemProperties calls GET api/storage/<repo>/<path>?properties. Values are always
// lists. An item without properties answers 404 "No properties could be found"
// (reference §2.5); that becomes an empty map, while a missing item stays an error.
func (a *Artifactory) ItemProperties(ctx context.Context, repo, path string) (map[string][]string, error) {
	p, err := storagePath(repo, path)
	if err != nil {
		return nil, err
	}
	var out struct {
		Properties map[string][]string `json:"properties"`
	}
	req := Request{Surface: SurfaceArtifactory, Method: http.MethodGet, Path: p, RawQuery: "properties"}
	if err := a.c.doJSON(ctx, req, &out); err != nil {
		if e, ok := AsAPIError(err); ok && e.Status == http.StatusNotFound &&
			(strings.Contains(e.body, "No properties could be found") || strings.Contains(e.Message, "No properties could be found")) {
			return map[string][]string{}, nil
		}
		return nil, err
	}
	if out.Properties == nil {
		out.Properties = map[string][]string{}
	}
	return out.Properties, nil
}

// storagePath builds api/storage/<repo>/<path>. The repository key is escaped as a
// single segment so that a '/' in it cannot add a path level.
func storagePath(repo, path string) (string, error) {
	repo = strings.Trim(repo, "/ ")
	if repo == "" {
		return "", errors.New("client: repository key is empty")
	}
	p := "api/storage/" + escapeSegment(repo)
	if rest := EscapePath(path); rest != "" {
		p += "/" + rest
	}
	return p, nil
}

// GetRepository calls GET api/repositories/<key> and returns the configuration as
// sent (its shape depends on rclass and package type). A missing key answers 400 on
// older servers and 404 on newer ones (reference §2.11); both become a 404 APIError.
func (a *Artifactory) GetRepository(ctx context.Context, key string) (map[string]any, error) {
	if strings.TrimSpace(key) == "" {
		return nil, errors.New("client: repository key is empty")
	}
	var out map[string]any
	req := Request{Surface: SurfaceArtifactory, Method: http.MethodGet, Path: "api/repositories/" + escapeSegment(key)}
	if err := a.c.doJSON(ctx, req, &out); err != nil {
		if e, ok := AsAPIError(err); ok && e.Status == http.StatusBadRequest {
			e.Status = http.StatusNotFound
		}
		return nil, err
	}
	return out, nil
}
