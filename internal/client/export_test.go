package client

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// What only tests use: kept out of the package's API (issue 12), here so the
// tests of the client against the emulator and fakes keep their helpers.

// IsRateLimited reports a 429.
func IsRateLimited(err error) bool { return StatusCode(err) == http.StatusTooManyRequests }

// IsRetryable reports an error that may go away if the caller tries again later.
func IsRetryable(err error) bool {
	if e, ok := AsAPIError(err); ok {
		return e.Retryable
	}
	return false
}

// Ping calls GET api/system/ping and checks for the body "OK", so a proxy or login
// page answering 200 at a wrong URL is not mistaken for Artifactory.
func (a *Artifactory) Ping(ctx context.Context) error {
	req := Request{Surface: SurfaceArtifactory, Method: http.MethodGet, Path: "api/system/ping"}
	return pingText(ctx, a.c, req, "OK")
}

// pingText sends a ping request and compares its trimmed body with want.
func pingText(ctx context.Context, c *core, req Request, want string) error {
	resp, err := c.do(ctx, req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if err != nil {
		return fmt.Errorf("%s: reading ping response: %w", describe(req), err)
	}
	if got := strings.TrimSpace(string(body)); got != want {
		return fmt.Errorf("%s: unexpected ping response %q (is the %s URL right?)", describe(req), truncate(got, 80), req.Surface)
	}
	return nil
}

// Ping calls GET api/v1/system/ping and expects {"status":"pong"}.
func (x *Xray) Ping(ctx context.Context) error {
	req := Request{Surface: SurfaceXray, Method: http.MethodGet, Path: "api/v1/system/ping"}
	var out struct {
		Status string `json:"status"`
	}
	if err := x.c.doJSON(ctx, req, &out); err != nil {
		return err
	}
	if out.Status != "pong" {
		return fmt.Errorf("%s: unexpected ping status %q (is the xray URL right?)", describe(req), truncate(out.Status, 80))
	}
	return nil
}

// Ping calls GET api/v1/system/ping. Only the status is checked: the body text is
// not documented (reference §4.1).
func (a *Access) Ping(ctx context.Context) error {
	resp, err := a.c.do(ctx, Request{Surface: SurfaceAccess, Method: http.MethodGet, Path: "api/v1/system/ping"})
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
	return resp.Body.Close()
}

// WithAuth returns a copy that authenticates with the caller's own access token
// instead of the configured credentials (HTTP mode, where each MCP caller brings its
// own identity). The configured user, password and API key are dropped so the
// server's identity never leaks into a caller's request; an empty token therefore
// yields an anonymous client, not a fallback to the server's credentials.
func (c *Client) WithAuth(token string) *Client {
	cp := *c.core
	cp.creds = credentials{token: strings.TrimSpace(token)}
	cp.warnDeprecatedAuth()
	return wrap(&cp)
}
