package client

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	// maxRetryAfter caps a server's Retry-After: an MCP tool call should not hang for
	// minutes because a proxy asked for it.
	maxRetryAfter = 30 * time.Second
	// maxBackoff caps the exponential backoff step.
	maxBackoff = 10 * time.Second
)

// idempotentMethod reports the methods that may be replayed without changing the
// outcome (RFC 9110 §9.2.2).
func idempotentMethod(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}

// isConnReset reports a transport failure where the server dropped the connection
// before answering; such a request is safe to replay when it is idempotent.
func isConnReset(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return true
	}
	// net/http reports some of these only as text.
	msg := err.Error()
	return strings.Contains(msg, "connection reset by peer") ||
		strings.Contains(msg, "server closed idle connection")
}

// backoff returns the jittered exponential delay before retry number n (0-based):
// a random value in [d/2, d] with d = base·2ⁿ capped at maxBackoff, so that clients
// retrying together spread out but never retry immediately.
func backoff(base time.Duration, n int) time.Duration {
	d := base
	for i := 0; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	d = min(d, maxBackoff)
	half := d / 2
	return half + rand.N(d-half+1)
}

// retryAfter parses a Retry-After header (delay-seconds or an HTTP date). ok is false
// when the header is absent or malformed.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// retryDelay decides how long to wait before the next attempt. ok is false when the
// wait would outlive the context's deadline: the caller then returns the last error
// at once instead of sleeping only to fail with a deadline error.
func retryDelay(ctx context.Context, base time.Duration, n int, resp *http.Response) (time.Duration, bool) {
	d := backoff(base, n)
	if resp != nil {
		if ra, ok := retryAfter(resp.Header, time.Now()); ok {
			d = min(ra, maxRetryAfter)
		}
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) <= d {
		return 0, false
	}
	return d, true
}

// sleep waits for d or until ctx is done, returning ctx's error in the latter case.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
