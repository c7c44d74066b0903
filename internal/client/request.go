package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"time"
)

// Request is one call to a surface. Methods in this package build one and pass it to
// Do or DoJSON, so every endpoint gets the same auth, retry, error and log handling.
type Request struct {
	Surface Surface
	// Method defaults to GET.
	Method string
	// Path is relative to the surface base and already escaped (see EscapePath); a
	// leading slash is tolerated.
	Path string
	// Query is encoded with url.Values.Encode.
	Query url.Values
	// RawQuery is sent verbatim, before Query. It exists for Artifactory property
	// queries whose ';' separators url.Values would escape or Go would reject.
	RawQuery string
	Header   http.Header
	Body     io.Reader
	// GetBody returns a fresh copy of the body so the request can be retried. When
	// Body is nil and GetBody is set, GetBody supplies the first body too. Bodies of
	// type *bytes.Reader, *bytes.Buffer and *strings.Reader get one automatically.
	GetBody func() (io.ReadCloser, error)
	// ContentLength, when > 0, is sent as Content-Length (otherwise it is derived
	// for the in-memory body types above, or the body is chunked).
	ContentLength int64
	// Idempotent marks a request safe to retry. GET, HEAD, PUT, DELETE and OPTIONS
	// are always treated as idempotent; set this for a POST that is (e.g. a search).
	Idempotent bool
	// NoRetry disables retries even for an idempotent method, for a PUT whose replay
	// after an unseen success would fail (e.g. creating a repository).
	NoRetry bool
	// Settled, when set, is asked before each retry whether the failed
	// attempt's effect is already visible (a delete whose answer was lost
	// left the item gone). If so, the request is not sent again and Do
	// returns an error wrapping ErrSettled.
	Settled func(ctx context.Context) bool
}

// Do sends req and returns the response for a 2xx status; the caller must close its
// body. A non-2xx response is read (up to 64 KiB), closed and returned as *APIError.
// Idempotent requests are retried on 429/502/503/504 and connection resets. When ctx
// ends, the returned error wraps ctx.Err().
func (c *Client) Do(ctx context.Context, req Request) (*http.Response, error) {
	return c.core.do(ctx, req)
}

// DoJSON sends req with Accept: application/json (unless the caller set Accept) and
// decodes a 2xx body into out. A nil out discards the body.
func (c *Client) DoJSON(ctx context.Context, req Request, out any) error {
	return c.core.doJSON(ctx, req, out)
}

func (c *core) doJSON(ctx context.Context, req Request, out any) error {
	req.Header = req.Header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	for attempt := 0; ; attempt++ {
		err := c.decodeOnce(ctx, req, out)
		if again, aerr := c.againAfterCut(ctx, &req, out, attempt, err); !again {
			return aerr
		}
	}
}

// againAfterCut decides whether to send req again after attempt ended in
// err, and if so waits and rewinds req and out. An answer cut off while its
// body is read (a reset, a close before Content-Length bytes) is sent again
// like a reset before the status line, when the request may be replayed:
// the status alone says nothing about the data the caller asked for. When
// it returns false, the error to return is the second result.
func (c *core) againAfterCut(ctx context.Context, req *Request, out any, attempt int, err error) (bool, error) {
	replay := !req.NoRetry && (req.Idempotent || idempotentMethod(methodOf(*req))) && rewindable(*req)
	if err == nil || !errors.Is(err, errAnswerCut) || !replay || attempt >= c.maxRetries {
		return false, err
	}
	delay, ok := retryDelay(ctx, c.baseDelay, attempt, nil)
	if !ok {
		return false, err
	}
	if serr := sleep(ctx, delay); serr != nil {
		return false, fmt.Errorf("%s: %w (while waiting to retry after: %v)", describe(*req), serr, err)
	}
	if rerr := rewind(req, out); rerr != nil {
		return false, rerr
	}
	return true, nil
}

// errAnswerCut marks a 2xx answer whose body ended before it was whole. The
// request reached the server and was answered as a success, but what it said
// was lost; for a change (copy, move) that is an ambiguous outcome.
var errAnswerCut = errors.New("the answer was cut off")

// decodeOnce sends req once (with do's own retries) and decodes its answer.
func (c *core) decodeOnce(ctx context.Context, req Request, out any) error {
	resp, err := c.do(ctx, req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	if out == nil {
		_, err := io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		if err != nil && ctx.Err() == nil && isConnReset(err) {
			return fmt.Errorf("%s: %w: %w", describe(req), errAnswerCut, err)
		}
		return nil
	}
	dec := json.NewDecoder(resp.Body)
	decode := func() error { return dec.Decode(out) }
	if sr, ok := out.(streamReader); ok {
		decode = func() error { return sr.decodeFrom(dec) }
	}
	if err := decode(); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fmt.Errorf("%s: reading response: %w", describe(req), ctxErr)
		}
		if errors.Is(err, io.EOF) {
			if resp.StatusCode == http.StatusNoContent {
				return nil
			}
			return fmt.Errorf("%s: empty response body: %w", describe(req), ErrNotJSON)
		}
		if isConnReset(err) {
			return fmt.Errorf("%s: %w: %w", describe(req), errAnswerCut, err)
		}
		// An HTML 200 usually means the URL points at a proxy or login page.
		return fmt.Errorf("%s: %w (Content-Type %q): %w",
			describe(req), ErrNotJSON, resp.Header.Get("Content-Type"), err)
	}
	return nil
}

// rewindable reports a request whose body can be sent again: none, one that
// GetBody reopens, or an in-memory reader that can seek back.
func rewindable(r Request) bool {
	if r.Body == nil || r.Body == http.NoBody || r.GetBody != nil {
		return true
	}
	_, ok := r.Body.(io.Seeker)
	return ok && inMemory(r.Body)
}

// rewind prepares req and out for sending again: the body from its start
// (GetBody reopens it when Body is nil), out emptied of what the cut answer
// had filled in.
func rewind(req *Request, out any) error {
	switch {
	case req.GetBody != nil:
		req.Body = nil
	case req.Body != nil && req.Body != http.NoBody:
		if _, err := req.Body.(io.Seeker).Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("%s: rewinding request body for retry: %w", describe(*req), err)
		}
	}
	if sr, ok := out.(streamReader); ok {
		sr.reset()
	} else if v := reflect.ValueOf(out); v.Kind() == reflect.Pointer && !v.IsNil() {
		v.Elem().SetZero()
	}
	return nil
}

// streamReader is an answer read token by token instead of as one value,
// so that it need not be held whole (see fileListReader).
type streamReader interface {
	decodeFrom(dec *json.Decoder) error
	// reset forgets what a cut-off answer filled in, before a retry.
	reset()
}

// describe names a request in error messages: surface, method and path, no query.
func describe(r Request) string {
	return fmt.Sprintf("%s %s %s", r.Surface, methodOf(r), redactMatrix(cleanPath(r.Path)))
}

func methodOf(r Request) string {
	if r.Method == "" {
		return http.MethodGet
	}
	return strings.ToUpper(r.Method)
}

func cleanPath(p string) string { return strings.TrimLeft(p, "/") }

// rawQueryOf joins RawQuery and the encoded Query.
func rawQueryOf(r Request) string {
	enc := r.Query.Encode()
	switch {
	case r.RawQuery == "":
		return enc
	case enc == "":
		return r.RawQuery
	default:
		return r.RawQuery + "&" + enc
	}
}

func (c *core) do(ctx context.Context, r Request) (*http.Response, error) {
	base, ok := c.bases[r.Surface]
	if !ok {
		return nil, fmt.Errorf("client: unknown surface %q", r.Surface)
	}
	method, path, rawQuery := methodOf(r), cleanPath(r.Path), rawQueryOf(r)
	target := joinURL(base, path)
	if rawQuery != "" {
		target += "?" + rawQuery
	}
	hreq, err := c.newHTTPRequest(ctx, r, method, target)
	if err != nil {
		return nil, err
	}
	retriable := !r.NoRetry && (r.Idempotent || idempotentMethod(method))
	replayable := hreq.Body == nil || hreq.Body == http.NoBody || hreq.GetBody != nil
	shown := redactMatrix(path) // for errors and logs: deploy properties may hold secrets
	lp := logPath(shown, rawQuery)

	for attempt := 0; ; attempt++ {
		areq := hreq
		if attempt > 0 {
			areq = hreq.Clone(ctx)
			if hreq.GetBody != nil {
				if areq.Body, err = hreq.GetBody(); err != nil {
					return nil, fmt.Errorf("%s: rewinding request body for retry: %w", describe(r), err)
				}
			}
		}
		start := time.Now()
		resp, err := c.httpClient.Do(areq)
		elapsed := time.Since(start)

		var apiErr *APIError
		switch {
		case err != nil:
			if ctxErr := ctx.Err(); ctxErr != nil {
				c.logAttempt(ctx, r.Surface, method, lp, 0, elapsed, attempt, ctxErr.Error())
				return nil, fmt.Errorf("%s: %w", describe(r), ctxErr)
			}
			err = redactURLError(err)
			c.logAttempt(ctx, r.Surface, method, lp, 0, elapsed, attempt, innerError(err))
			if !isConnReset(err) {
				return nil, fmt.Errorf("%s: %w", describe(r), err)
			}
			apiErr = &APIError{
				Surface: r.Surface, Method: method, Path: shown, Retryable: true,
				Message: "connection closed before a response: " + innerError(err), err: err,
			}
		case resp.StatusCode >= 200 && resp.StatusCode <= 299:
			c.logAttempt(ctx, r.Surface, method, lp, resp.StatusCode, elapsed, attempt, "")
			resp.Body = drainingBody{resp.Body}
			return resp, nil
		default:
			body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
			_ = resp.Body.Close()
			c.logAttempt(ctx, r.Surface, method, lp, resp.StatusCode, elapsed, attempt, "")
			apiErr = newAPIError(r.Surface, method, shown, resp.StatusCode, body)
		}

		apiErr.attempts = attempt + 1
		if !apiErr.Retryable || !retriable || !replayable || attempt >= c.maxRetries {
			return nil, apiErr
		}
		delay, ok := retryDelay(ctx, c.baseDelay, attempt, resp)
		if !ok {
			return nil, apiErr
		}
		c.logger.LogAttrs(ctx, slog.LevelDebug, "jfrog request retry",
			slog.String("surface", string(r.Surface)), slog.String("method", method),
			slog.String("path", lp), slog.Int("status", apiErr.Status), slog.Duration("delay", delay))
		if err := sleep(ctx, delay); err != nil {
			return nil, fmt.Errorf("%s: %w (while waiting to retry after: %v)", describe(r), err, apiErr)
		}
		if settledAfter(ctx, r) {
			return nil, fmt.Errorf("%s: %w (after: %v)", describe(r), ErrSettled, apiErr)
		}
	}
}

// newHTTPRequest builds the first attempt's request with body, headers and auth.
func (c *core) newHTTPRequest(ctx context.Context, r Request, method, target string) (*http.Request, error) {
	hreq, err := http.NewRequestWithContext(ctx, method, target, r.Body)
	if err != nil {
		return nil, fmt.Errorf("%s: building request: %w", describe(r), redactURLError(err))
	}
	if r.GetBody != nil {
		hreq.GetBody = r.GetBody
		if r.Body == nil {
			if hreq.Body, err = r.GetBody(); err != nil {
				return nil, fmt.Errorf("%s: opening request body: %w", describe(r), err)
			}
		}
	}
	if r.ContentLength > 0 {
		hreq.ContentLength = r.ContentLength
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			hreq.Header.Add(k, v)
		}
	}
	hreq.Header.Set("User-Agent", c.userAgent)
	c.creds.apply(hreq)
	return hreq, nil
}

// logAttempt writes one debug line per attempt. Only method, surface, redacted path,
// status, timing and the transport failure (which net/http words without the URL)
// are logged: never headers, bodies or credentials.
func (c *core) logAttempt(ctx context.Context, s Surface, method, path string, status int, d time.Duration, attempt int, failure string) {
	if !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("surface", string(s)), slog.String("method", method), slog.String("path", path),
		slog.Int("status", status), slog.Duration("duration", d), slog.Int("attempt", attempt+1),
	}
	if failure != "" {
		attrs = append(attrs, slog.String("failure", failure))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "jfrog request", attrs...)
}

// innerError returns the cause inside a *url.Error, whose own text repeats the URL.
func innerError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err.Error()
	}
	return err.Error()
}
