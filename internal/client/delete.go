package client

import (
	"context"
	"errors"
	"net/http"
)

// DeleteItem calls DELETE /<repo>/<path> and expects 204. A folder is deleted with
// everything beneath it. An empty path (or one that cleans to nothing, like "/" or
// ".") is refused before any request is sent: on the bare repository the same call
// would delete the repository's entire content, and this method must never do that.
//
// A delete whose answer is lost (a reset, a 5xx from a proxy) may have been done:
// before it is sent again, and after the last attempt, the item is looked up, and
// one that is gone is reported deleted without a second DELETE (so is one gone
// after JFrog did not answer within the header timeout). A retried delete
// that ends in 404 (someone else deleted it between the look and the retry) is
// also the item gone as asked; a 404 on the first attempt stays an error.
func (a *Artifactory) DeleteItem(ctx context.Context, repo, path string) error {
	p, err := repoItemPath(repo, path)
	if err != nil {
		return err
	}
	gone := func(ctx context.Context) bool {
		_, err := a.StorageItem(ctx, repo, path)
		return IsNotFound(err)
	}
	req := Request{Surface: SurfaceArtifactory, Method: http.MethodDelete, Path: p, Settled: gone}
	err = a.c.doJSON(ctx, req, nil)
	switch e, ok := AsAPIError(err); {
	case errors.Is(err, ErrSettled):
		return nil
	case ok && e.Status == http.StatusNotFound && e.attempts > 1:
		return nil
	case (answerLost(err) || answerLate(ctx, err)) && ctx.Err() == nil && gone(ctx):
		return nil
	}
	return err
}
