package client

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
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

// isConnReset reports a transport failure where the connection ended before an
// answer came; such a request is safe to replay when it is idempotent. net/http
// surfaces one event in many forms, depending on which of its read and write
// loops notices first and on how the peer closed: a reset (ECONNRESET), a write
// after the reset (EPIPE, or "use of closed network connection" once the read
// loop has closed the socket), ECONNABORTED, a clean close before the status line
// (io.EOF) or before Content-Length bytes (io.ErrUnexpectedEOF), and some only as
// text (connLostTexts). TestConnectionLostForms produces each against a real
// listener where one can.
func isConnReset(err error) bool {
	if err == nil || errors.Is(err, ErrSizeChanged) {
		return false // the body, not the connection, ended the request
	}
	for _, target := range connLostErrors {
		if errors.Is(err, target) {
			return true
		}
	}
	msg := err.Error()
	for _, s := range connLostTexts {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

var connLostErrors = []error{
	syscall.ECONNRESET, syscall.EPIPE, syscall.ECONNABORTED, net.ErrClosed,
	io.ErrUnexpectedEOF, io.EOF,
}

// connLostTexts are the forms net/http (and its bundled HTTP/2 client) words
// only as text, or wraps without %w.
var connLostTexts = []string{
	"connection reset by peer",
	"broken pipe",
	"use of closed network connection",
	"server closed idle connection",            // HTTP/1: the server closed a kept-alive connection as it was reused
	"transport connection broken",              // HTTP/1: writing the request failed
	"cannot rewind body after connection loss", // HTTP/1: the transport's own replay needed the body again
	"http2: client connection lost",            // HTTP/2: the connection died with streams open
	"http2: server sent GOAWAY and closed",     // HTTP/2: shutdown with this stream unanswered
	"http2: Transport received Server's graceful shutdown GOAWAY",
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
