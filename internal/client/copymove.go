package client

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// ItemRef names an item: a repository key and a path inside it ("" is the root).
type ItemRef struct{ Repo, Path string }

// Message is one line of a copy or move answer.
type Message struct {
	Level   string `json:"level"`
	Message string `json:"message"`
}

// MoveCopyResult is the answer of api/copy and api/move.
type MoveCopyResult struct {
	Messages []Message `json:"messages"`
	// VerifiedAfterLostAnswer: JFrog's answer was lost, and the copy or move
	// was then found done (Messages then says what was seen).
	VerifiedAfterLostAnswer bool `json:"-"`
}

// Copy calls POST api/copy/<src>?to=/<dstRepo>/<dstPath>&dry=0|1 and expects 200. As on
// a file system, copying onto an existing folder puts the source inside it. A failure
// is an APIError whose message carries the server's messages. It is never retried:
// a replay after an unseen success could copy into the copy. A lost answer is looked
// into instead (see transferAfterLostAnswer); a dry run, which changes nothing, is
// retried like a read.
func (a *Artifactory) Copy(ctx context.Context, src, dst ItemRef, dryRun bool) (*MoveCopyResult, error) {
	return a.moveOrCopy(ctx, "copy", src, dst, dryRun)
}

// Move is Copy for api/move: the source is removed once the target is written. Move is
// supported from local repositories only.
func (a *Artifactory) Move(ctx context.Context, src, dst ItemRef, dryRun bool) (*MoveCopyResult, error) {
	return a.moveOrCopy(ctx, "move", src, dst, dryRun)
}

func (a *Artifactory) moveOrCopy(ctx context.Context, op string, src, dst ItemRef, dryRun bool) (*MoveCopyResult, error) {
	p, err := storagePath(src.Repo, src.Path) // same shape: <repo>[/<path>]
	if err != nil {
		return nil, err
	}
	p = "api/" + op + strings.TrimPrefix(p, "api/storage")
	to, err := destination(dst)
	if err != nil {
		return nil, err
	}
	q := url.Values{"to": {to}, "dry": {"0"}}
	if dryRun {
		q.Set("dry", "1")
	}
	// POST is not idempotent, so the core does not retry it; NoRetry makes that
	// explicit. A dry run changes nothing and may be sent again.
	req := Request{Surface: SurfaceArtifactory, Method: http.MethodPost, Path: p, Query: q, NoRetry: !dryRun, Idempotent: dryRun}
	var out MoveCopyResult
	err = a.c.doJSON(ctx, req, &out)
	switch {
	case err == nil:
		return &out, nil
	case dryRun || ctx.Err() != nil:
		return nil, err
	case answerLate(ctx, err):
		// JFrog may still be at work: only a finished change can be told
		// apart; anything else is unknown, and a retry could do it twice.
		res, lerr := a.transferAfterLostAnswer(ctx, op, src, dst, err)
		if lerr != nil {
			return nil, &LostAnswerError{Op: op, Err: err, Seen: "JFrog did not answer in time and may still be at work on it: compare the source and the target before trying again"}
		}
		return res, nil
	case !answerLost(err):
		return nil, err
	}
	return a.transferAfterLostAnswer(ctx, op, src, dst, err)
}

// destination renders the to= value "/<repo>/<path>" (documented form; url.Values
// escapes it as JCG does). Unlike EscapePath, which can keep ".." as a literal name in
// a path segment, the query value is decoded before use, so ".." is refused outright.
func destination(dst ItemRef) (string, error) {
	repo := strings.Trim(dst.Repo, "/ ")
	if repo == "" || strings.Contains(repo, "/") {
		return "", errors.New("client: destination repository key is empty or contains '/'")
	}
	parts := []string{"", repo}
	for _, seg := range strings.Split(dst.Path, "/") {
		switch seg {
		case "", ".":
			continue
		case "..":
			return "", errors.New("client: destination path must not contain '..'")
		}
		parts = append(parts, seg)
	}
	return strings.Join(parts, "/"), nil
}

// Errors returns the text of the ERROR-level messages (the level is matched without
// regard to case; JFrog's samples use both "ERROR" and "error").
func (r *MoveCopyResult) Errors() []string {
	var out []string
	for _, m := range r.Messages {
		if strings.EqualFold(m.Level, "error") {
			out = append(out, m.Message)
		}
	}
	return out
}
