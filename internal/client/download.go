package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// ErrIsFolder is returned by Download when the path is a folder: Artifactory answers a
// folder GET with an HTML index page, which must not be mistaken for file content.
var ErrIsFolder = errors.New("client: the path is a folder, not a file")

// Download is a streamed file. The caller must close Body.
type Download struct {
	Body io.ReadCloser
	// Size is the Content-Length, or -1 when the server did not send one.
	Size        int64
	Checksums   Checksums
	ContentType string
}

// ItemHead is what HEAD /<repo>/<path> reveals without transferring content.
type ItemHead struct {
	// Size is the Content-Length, or -1 when the server did not send one.
	Size         int64
	Checksums    Checksums
	ContentType  string
	LastModified time.Time // zero when absent
	// Folder is a best guess: a folder answers with an HTML index page and without
	// checksum headers.
	Folder bool
}

// Download calls GET /<repo>/<path> and returns the body unread, so artifacts of any
// size stream through. A missing file is a 404 APIError; a folder is ErrIsFolder.
func (a *Artifactory) Download(ctx context.Context, repo, path string) (*Download, error) {
	resp, err := a.fetchItem(ctx, http.MethodGet, repo, path)
	if err != nil {
		return nil, err
	}
	if looksLikeFolder(resp) {
		_ = resp.Body.Close()
		return nil, fmt.Errorf("%w: %s/%s", ErrIsFolder, repo, strings.Trim(path, "/"))
	}
	return &Download{
		Body:        resp.Body,
		Size:        resp.ContentLength,
		Checksums:   ParseChecksumHeaders(resp.Header),
		ContentType: resp.Header.Get("Content-Type"),
	}, nil
}

// Head calls HEAD /<repo>/<path>. A missing item is a 404 APIError (with no server
// message: HEAD answers carry no body).
func (a *Artifactory) Head(ctx context.Context, repo, path string) (*ItemHead, error) {
	resp, err := a.fetchItem(ctx, http.MethodHead, repo, path)
	if err != nil {
		return nil, err
	}
	_ = resp.Body.Close()
	out := &ItemHead{
		Size:        resp.ContentLength,
		Checksums:   ParseChecksumHeaders(resp.Header),
		ContentType: resp.Header.Get("Content-Type"),
		Folder:      looksLikeFolder(resp),
	}
	if t, err := http.ParseTime(resp.Header.Get("Last-Modified")); err == nil {
		out.LastModified = t
	}
	return out, nil
}

// fetchItem sends GET or HEAD for an item. Accept-Encoding: identity keeps the
// transport from transparently gunzipping, which would hide Content-Length and hand
// back bytes whose checksums no longer match the headers' meaning of "the file".
func (a *Artifactory) fetchItem(ctx context.Context, method, repo, path string) (*http.Response, error) {
	p, err := repoItemPath(repo, path)
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	h.Set("Accept-Encoding", "identity")
	return a.c.do(ctx, Request{Surface: SurfaceArtifactory, Method: method, Path: p, Header: h})
}

// looksLikeFolder recognises Artifactory's HTML folder index: text/html with no
// checksum headers. A redirect to object storage also drops the checksum headers, so
// only answers from the Artifactory host itself are considered.
func looksLikeFolder(resp *http.Response) bool {
	if !strings.HasPrefix(strings.ToLower(resp.Header.Get("Content-Type")), "text/html") {
		return false
	}
	if resp.Request != nil && resp.Request.Response != nil {
		return false // redirected: not Artifactory's own answer
	}
	return ParseChecksumHeaders(resp.Header) == (Checksums{})
}

// ParseChecksumHeaders reads X-Checksum-Sha1, X-Checksum-Sha256 and X-Checksum-Md5
// (download and HEAD answers), lower-cased. Missing headers leave fields empty.
func ParseChecksumHeaders(h http.Header) Checksums {
	get := func(k string) string { return strings.ToLower(strings.TrimSpace(h.Get(k))) }
	return Checksums{SHA1: get("X-Checksum-Sha1"), SHA256: get("X-Checksum-Sha256"), MD5: get("X-Checksum-Md5")}
}
