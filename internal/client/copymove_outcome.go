package client

import (
	"context"
	"fmt"
	"path"
	"strings"
)

// maxLookFiles caps each side of a folder comparison after a lost answer.
const maxLookFiles = 20000

// transferAfterLostAnswer looks at the source and the target of a copy or
// move whose answer was lost, and reports it done when its effect shows. As
// on a file system, the item lands at dst, or at dst/<name> when dst was a
// folder; which one is not known afterwards, so both are looked at.
//
// A move is done when the source is gone and the target is there; with the
// source still there it was not done, and sending it again is safe unless
// the target already holds items of a folder being moved (it may have
// stopped part way; a retry could put the rest elsewhere). A copy is done
// when the target holds the source's content; otherwise it was not done,
// and sending it again is safe when nothing at the target can be a part of
// it (else the retry could copy into the copy).
func (a *Artifactory) transferAfterLostAnswer(ctx context.Context, op string, src, dst ItemRef, cause error) (*MoveCopyResult, error) {
	name := path.Base(strings.Trim(src.Path, "/"))
	if strings.Trim(src.Path, "/") == "" {
		return nil, &LostAnswerError{Op: op, Seen: "a repository's whole content cannot be compared", Err: cause}
	}
	l := transferLook{a: a, op: op, cause: cause}
	srcItem, srcGone := l.item(ctx, src)
	dstItem, dstGone := l.item(ctx, dst)
	if l.failed != nil {
		return nil, l.failed
	}
	into := ItemRef{Repo: dst.Repo, Path: path.Join(dst.Path, name)} // where it lands in a folder
	dstFolder := !dstGone && dstItem.IsFolder()
	if op == "move" {
		switch {
		case srcGone && !dstGone:
			return l.done("the source is gone and the target is there")
		case srcGone:
			return nil, l.notDone("the source is gone and nothing is at the target", false)
		case !srcItem.IsFolder():
			return nil, l.notDone("the source is still there", true)
		case dstGone:
			return nil, l.notDone("the source is still there and nothing is at the target", true)
		}
		if dstFolder {
			if _, intoGone := l.item(ctx, into); l.failed == nil && intoGone {
				return nil, l.notDone("the source is still there and nothing is at "+into.Repo+"/"+into.Path, true)
			}
		}
		if l.failed != nil {
			return nil, l.failed
		}
		return nil, l.notDone("the source folder is still there and the target holds items already: the move may have stopped part way; compare them before moving again", false)
	}

	switch {
	case srcGone:
		return nil, l.notDone("the source is gone", false)
	case dstGone:
		return nil, l.notDone("nothing is at the target", true)
	case !srcItem.IsFolder():
		if sameFile(srcItem, dstItem) {
			return l.done("the target holds the source's content")
		}
		if dstFolder {
			intoItem, intoGone := l.item(ctx, into)
			if l.failed != nil {
				return nil, l.failed
			}
			if !intoGone && sameFile(srcItem, intoItem) {
				return l.done("the target holds the source's content")
			}
		}
		return nil, l.notDone("the target does not hold the source's content", true)
	case !dstFolder:
		return nil, l.notDone("a file is at the target", false)
	}
	srcFiles, err := a.treeFiles(ctx, src)
	if err != nil {
		return nil, l.unknown(err)
	}
	dstFiles, err := a.treeFiles(ctx, dst)
	if err != nil {
		return nil, l.unknown(err)
	}
	if dstFiles.holds(srcFiles, "") || dstFiles.holds(srcFiles, "/"+name) {
		return l.done("the target holds the source's files")
	}
	if !dstFiles.folders["/"+name] && !dstFiles.overlaps(srcFiles) {
		return nil, l.notDone("nothing of the source is at the target", true)
	}
	return nil, l.notDone("the target holds part of the source's files: the copy may have stopped part way; compare them before copying again", false)
}

// transferLook gathers what the look found; failed is set by the first
// lookup that failed for another reason than a 404.
type transferLook struct {
	a      *Artifactory
	op     string
	cause  error
	failed error
}

func (l *transferLook) item(ctx context.Context, ref ItemRef) (item *StorageItem, gone bool) {
	if l.failed != nil {
		return nil, false
	}
	item, err := l.a.StorageItem(ctx, ref.Repo, ref.Path)
	switch {
	case IsNotFound(err):
		return nil, true
	case err != nil:
		l.failed = l.unknown(err)
	}
	return item, false
}

func (l *transferLook) done(seen string) (*MoveCopyResult, error) {
	return &MoveCopyResult{
		Messages:                []Message{{Level: "INFO", Message: fmt.Sprintf("JFrog's answer was lost; afterwards %s, so the %s was done", seen, l.op)}},
		VerifiedAfterLostAnswer: true,
	}, nil
}

func (l *transferLook) notDone(seen string, retryable bool) error {
	return &LostAnswerError{Op: l.op, Seen: seen, Checked: true, Retryable: retryable, Err: l.cause}
}

func (l *transferLook) unknown(err error) error {
	return &LostAnswerError{Op: l.op, Seen: "looking at the source and target failed: " + err.Error(), Err: l.cause}
}

func sameFile(a, b *StorageItem) bool {
	return a.Checksums != nil && b.Checksums != nil && !b.IsFolder() &&
		a.Checksums.SHA256 != "" && strings.EqualFold(a.Checksums.SHA256, b.Checksums.SHA256)
}

// tree is a folder's files (path below it, from '/', to sha256) and folders.
type tree struct {
	files   map[string]string
	folders map[string]bool
}

// treeFiles lists everything under a folder.
func (a *Artifactory) treeFiles(ctx context.Context, ref ItemRef) (tree, error) {
	l, err := a.FileList(ctx, ref.Repo, ref.Path, FileListOptions{Deep: true, ListFolders: true, MaxFiles: maxLookFiles})
	if err != nil {
		return tree{}, err
	}
	if l.Truncated {
		return tree{}, fmt.Errorf("%s/%s holds more than %d items to compare", ref.Repo, ref.Path, maxLookFiles)
	}
	t := tree{files: map[string]string{}, folders: map[string]bool{}}
	for _, f := range l.Files {
		if f.Folder {
			t.folders[f.URI] = true
		} else {
			t.files[f.URI] = strings.ToLower(f.SHA2)
		}
	}
	return t, nil
}

// holds reports that every file of src is in t below prefix with the same
// sha256 (an empty src: that the folder prefix is there).
func (t tree) holds(src tree, prefix string) bool {
	if prefix != "" && !t.folders[prefix] {
		return false
	}
	for uri, sha := range src.files {
		if sha == "" || t.files[prefix+uri] != sha {
			return false
		}
	}
	return len(src.files) > 0 || prefix != ""
}

// overlaps reports a file of src at the same place in t with the same content.
func (t tree) overlaps(src tree) bool {
	for uri, sha := range src.files {
		if sha != "" && t.files[uri] == sha {
			return true
		}
	}
	return false
}
