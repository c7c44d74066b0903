package aqlengine

import (
	"strconv"
	"time"
)

// Item is one file or folder as the emulator stores it.
type Item struct {
	Repo, Path, Name string
	Type             string // "file" or "folder"
	Size             int64
	Created          time.Time
	Modified         time.Time
	Updated          time.Time
	CreatedBy        string
	ModifiedBy       string
	SHA256           string
	ActualSHA1       string
	ActualMD5        string
	OriginalSHA1     string
	OriginalMD5      string
	Depth            int
	Properties       map[string][]string
	Downloads        int64

	build *Build // set when the row is a build (builds domain)
}

// path is the item's path as AQL shows it: "." for the repository root.
func (it *Item) path() string {
	if it.Path == "" {
		return "."
	}
	return it.Path
}

// valueKind types a field value for comparisons and sorting.
type valueKind int

const (
	kindNull valueKind = iota
	kindString
	kindNumber
	kindDate
)

// fieldValue is an item's value for one field.
type fieldValue struct {
	kind valueKind
	s    string
	n    int64
	t    time.Time
}

// text renders the value as AQL output would; used by $match on
// non-string fields.
func (v fieldValue) text() string {
	switch v.kind {
	case kindString:
		return v.s
	case kindNumber:
		return strconv.FormatInt(v.n, 10)
	case kindDate:
		return formatTime(v.t)
	}
	return ""
}

// timeLayout is how AQL prints timestamps.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

func formatTime(t time.Time) string { return t.Format(timeLayout) }

func str(s string) fieldValue { return fieldValue{kind: kindString, s: s} }

// optional maps "" to null: folders have no checksums.
func optional(s string) fieldValue {
	if s == "" {
		return fieldValue{}
	}
	return str(s)
}

// itemField returns the value of a plain item field or a modelled
// related field. ok is false for fields the emulator does not model.
func itemField(it *Item, name string) (v fieldValue, ok bool) {
	if it.build != nil {
		return buildField(it.build, name)
	}
	switch name {
	case "repo":
		return str(it.Repo), true
	case "path":
		return str(it.path()), true
	case "name":
		return str(it.Name), true
	case "type":
		return str(it.Type), true
	case "created_by":
		return str(it.CreatedBy), true
	case "modified_by":
		return str(it.ModifiedBy), true
	case "sha256":
		return optional(it.SHA256), true
	case "actual_sha1":
		return optional(it.ActualSHA1), true
	case "actual_md5":
		return optional(it.ActualMD5), true
	case "original_sha1":
		return optional(it.OriginalSHA1), true
	case "original_md5":
		return optional(it.OriginalMD5), true
	case "size":
		return fieldValue{kind: kindNumber, n: it.Size}, true
	case "depth":
		return fieldValue{kind: kindNumber, n: int64(it.Depth)}, true
	case "created":
		return fieldValue{kind: kindDate, t: it.Created}, true
	case "modified":
		return fieldValue{kind: kindDate, t: it.Modified}, true
	case "updated":
		return fieldValue{kind: kindDate, t: it.Updated}, true
	case "virtual_repos":
		// Not modelled; behaves like an empty stat field.
		return fieldValue{}, true
	case "stat.downloads":
		// AQL stores no stat row for never-downloaded items, which is why
		// the docs say to search zero downloads with null.
		if it.Downloads == 0 {
			return fieldValue{}, true
		}
		return fieldValue{kind: kindNumber, n: it.Downloads}, true
	}
	return fieldValue{}, false
}
