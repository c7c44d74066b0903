package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// FileListOptions selects what FileList returns.
type FileListOptions struct {
	// Deep lists the whole subtree instead of direct children.
	Deep bool
	// Depth limits a deep listing to N levels below the folder (0: no limit).
	Depth int
	// ListFolders includes folders as entries (Size -1, Folder true).
	ListFolders bool
	// MdTimestamps adds each entry's metadata timestamps (e.g. when its properties
	// last changed).
	MdTimestamps bool
	// MaxFiles, when > 0, stops reading after that many entries and sets
	// FileList.Truncated: a deep listing of a large tree is one JSON answer,
	// and a caller that only needs to know whether it is small must not hold
	// all of it.
	MaxFiles int
}

// FileList is GET api/storage/<repo>/<path>?list.
type FileList struct {
	URI     string          `json:"uri"`
	Created string          `json:"created"`
	Files   []FileListEntry `json:"files"`
	// Truncated: there were more than FileListOptions.MaxFiles entries.
	Truncated bool `json:"-"`
}

// FileListEntry is one listed item. URI is relative to the listed folder and starts
// with '/'. Unlike storage info, Size is a number on the wire; folders have -1.
type FileListEntry struct {
	URI          string            `json:"uri"`
	Size         int64             `json:"size"`
	LastModified string            `json:"lastModified"`
	Folder       bool              `json:"folder"`
	SHA1         string            `json:"sha1,omitempty"`
	SHA2         string            `json:"sha2,omitempty"`
	MdTimestamps map[string]string `json:"mdTimestamps,omitempty"`
}

// UnmarshalJSON accepts size as a number or a numeric string: JCG reads it as
// json.Number, which tolerates both, so a server sending either must keep working.
func (e *FileListEntry) UnmarshalJSON(b []byte) error {
	type plain FileListEntry
	var w struct {
		plain
		Size json.Number `json:"size"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*e = FileListEntry(w.plain)
	e.Size = -1
	if w.Size != "" {
		n, err := w.Size.Int64()
		if err != nil {
			return err
		}
		e.Size = n
	}
	return nil
}

// FileList lists a folder (an empty path lists the repository). It needs a
// non-anonymous user; listing a file is a 400.
func (a *Artifactory) FileList(ctx context.Context, repo, path string, opts FileListOptions) (*FileList, error) {
	p, err := storagePath(repo, path)
	if err != nil {
		return nil, err
	}
	// Flags are sent only when on, as JCG does; "list" is a bare selector.
	q := []string{"list"}
	if opts.Deep {
		q = append(q, "deep=1")
		if opts.Depth > 0 {
			q = append(q, "depth="+strconv.Itoa(opts.Depth))
		}
	}
	if opts.ListFolders {
		q = append(q, "listFolders=1")
	}
	if opts.MdTimestamps {
		q = append(q, "mdTimestamps=1")
	}
	out := fileListReader{max: opts.MaxFiles}
	req := Request{Surface: SurfaceArtifactory, Method: http.MethodGet, Path: p, RawQuery: strings.Join(q, "&")}
	if err := a.c.doJSON(ctx, req, &out); err != nil {
		return nil, err
	}
	if out.list.Files == nil {
		out.list.Files = []FileListEntry{}
	}
	return &out.list, nil
}

// fileListReader reads a file list entry by entry, so that MaxFiles bounds
// what is held, not only what is returned.
type fileListReader struct {
	list FileList
	max  int
}

func (r *fileListReader) reset() { r.list = FileList{} }

func (r *fileListReader) decodeFrom(dec *json.Decoder) error {
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return err
		}
		switch key {
		case "uri":
			err = dec.Decode(&r.list.URI)
		case "created":
			err = dec.Decode(&r.list.Created)
		case "files":
			err = r.files(dec)
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil || r.list.Truncated {
			return err // a truncated list leaves the rest unread; closing the body drops it
		}
	}
	return expectDelim(dec, '}')
}

func (r *fileListReader) files(dec *json.Decoder) error {
	if err := expectDelim(dec, '['); err != nil {
		return err
	}
	for dec.More() {
		if r.max > 0 && len(r.list.Files) == r.max {
			r.list.Truncated = true
			return nil
		}
		var e FileListEntry
		if err := dec.Decode(&e); err != nil {
			return err
		}
		r.list.Files = append(r.list.Files, e)
	}
	return expectDelim(dec, ']')
}

// expectDelim reads one JSON delimiter token and checks it is want.
func expectDelim(dec *json.Decoder, want json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return fmt.Errorf("expected %q, got %v", want, t)
	}
	return nil
}
