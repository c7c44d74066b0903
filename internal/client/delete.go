package client

import (
	"context"
	"net/http"
)

// DeleteItem calls DELETE /<repo>/<path> and expects 204. A folder is deleted with
// everything beneath it. An empty path (or one that cleans to nothing, like "/" or
// ".") is refused before any request is sent: on the bare repository the same call
// would delete the repository's entire content, and this method must never do that.
//
// When a retried delete ends in 404, an earlier attempt (whose answer was lost to a
// reset or a 5xx from a proxy) most likely deleted the item, so the item is gone as
// asked and nil is returned. A 404 on the first attempt stays an error.
func (a *Artifactory) DeleteItem(ctx context.Context, repo, path string) error {
	p, err := repoItemPath(repo, path)
	if err != nil {
		return err
	}
	err = a.c.doJSON(ctx, Request{Surface: SurfaceArtifactory, Method: http.MethodDelete, Path: p}, nil)
	if e, ok := AsAPIError(err); ok && e.Status == http.StatusNotFound && e.attempts > 1 {
		return nil
	}
	return err
}
