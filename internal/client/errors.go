package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
)

// maxErrorBody caps how much of an error response is read; real error bodies are a
// few hundred bytes, and an HTML error page from a proxy should not be buffered whole.
const maxErrorBody = 64 << 10

// maxMessage caps a plain-text message copied into APIError.Message.
const maxMessage = 512

// ErrNotJSON marks a successful answer that is not the JSON the API returns
// (an HTML page, an empty or cut-off body): usually the URL leads to a proxy
// or a login page instead of JFrog.
var ErrNotJSON = errors.New("client: the answer is not the JSON the API returns")

// ErrResponseTooLarge marks an answer over the client's size cap (AQL).
var ErrResponseTooLarge = errors.New("client: the answer is over the size cap")

// APIError is a non-2xx answer from a JFrog surface, or a connection reset that ended
// the request before an answer came (Status 0).
type APIError struct {
	Surface Surface
	// Status is the HTTP status; 0 when the connection was reset.
	Status int
	// Code is the surface's own error code when it sends one (Access "BAD_REQUEST").
	Code string
	// Message is the server's message, or the status text when the body had none.
	Message string
	// Retryable is true for 429, 502, 503, 504 and connection resets: the same request
	// may succeed later.
	Retryable bool
	// Method and Path identify the request (Path is relative to the surface base and
	// carries no query, so it is safe to show).
	Method, Path string

	body string // capped raw body, for substring checks such as "No properties could be found"
	err  error  // underlying transport error, for Status 0
	// attempts is how many times the request was sent; > 1 means an earlier attempt
	// may have taken effect without its answer being seen.
	attempts int
}

// Error formats the error as "<surface> <method> <path>: <status> [<code>]: <message>".
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s: ", e.Surface, e.Method, e.Path)
	if e.Status == 0 {
		b.WriteString("connection error")
	} else {
		fmt.Fprintf(&b, "%d %s", e.Status, http.StatusText(e.Status))
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " [%s]", e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Unwrap returns the transport error behind a Status 0 APIError.
func (e *APIError) Unwrap() error { return e.err }

// AsAPIError returns the *APIError in err's chain, if any.
func AsAPIError(err error) (*APIError, bool) {
	var e *APIError
	ok := errors.As(err, &e)
	return e, ok
}

// StatusCode returns the HTTP status of the APIError in err's chain, or 0.
func StatusCode(err error) int {
	if e, ok := AsAPIError(err); ok {
		return e.Status
	}
	return 0
}

// IsNotFound reports a 404.
func IsNotFound(err error) bool { return StatusCode(err) == http.StatusNotFound }

// IsChecksumMismatch reports JFrog's 409 for deployed bytes that do not match
// the X-Checksum-* headers sent with them ("Checksum policy ... rejected the
// artifact", reference §2.2). Other 409s of a deploy (a repository's
// snapshot/release policy) are not it.
func IsChecksumMismatch(err error) bool {
	var api *APIError
	return errors.As(err, &api) && api.Status == http.StatusConflict &&
		strings.Contains(strings.ToLower(api.Message), "checksum")
}

// retryableStatus lists the statuses worth retrying: rate limiting and gateway or
// availability failures. A plain 500 usually means a bad request the server choked on.
func retryableStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// errorBody is the union of the three surfaces' error shapes (reference §1.5):
// Artifactory {"errors":[{"status":404,"message":..}]}, Access
// {"errors":[{"code":"BAD_REQUEST","message":..}]}, Xray {"error":..} or {"info":..},
// and Artifactory copy/move {"messages":[{"level":"ERROR","message":..}]}.
type errorBody struct {
	Errors []struct {
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
	} `json:"errors"`
	Messages []Message       `json:"messages"`
	Error    json.RawMessage `json:"error"`
	Info     json.RawMessage `json:"info"`
	Message  string          `json:"message"`
}

// newAPIError builds an APIError from a status and a capped body.
func newAPIError(s Surface, method, path string, status int, body []byte) *APIError {
	e := &APIError{
		Surface:   s,
		Status:    status,
		Retryable: retryableStatus(status),
		Method:    method,
		Path:      path,
		body:      string(body),
	}
	e.Code, e.Message = parseErrorBody(body)
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	return e
}

// parseErrorBody extracts a code and message from any surface's error body. The
// shapes are tried together rather than by surface because proxies and older servers
// do not always answer in their surface's own shape.
func parseErrorBody(body []byte) (code, msg string) {
	trimmed := strings.TrimSpace(string(body))
	if trimmed == "" {
		return "", ""
	}
	var eb errorBody
	if strings.HasPrefix(trimmed, "{") && json.Unmarshal(body, &eb) == nil {
		var msgs []string
		for _, item := range eb.Errors {
			if code == "" {
				code = rawString(item.Code)
			}
			if item.Message != "" {
				msgs = append(msgs, item.Message)
			}
		}
		if len(msgs) > 0 {
			return code, strings.Join(msgs, "; ")
		}
		if m := levelMessages(eb.Messages); m != "" {
			return code, m
		}
		for _, raw := range []json.RawMessage{eb.Error, eb.Info} {
			if s := rawString(raw); s != "" {
				return code, s
			}
		}
		if eb.Message != "" {
			return code, eb.Message
		}
	}
	if strings.HasPrefix(trimmed, "<") {
		// An HTML page (proxy, login redirect, folder listing) carries no useful text.
		return "", ""
	}
	return "", truncate(trimmed, maxMessage)
}

// levelMessages joins copy/move messages: the ERROR-level ones when there are any
// (the INFO lines around them only repeat what was attempted), else all of them.
func levelMessages(ms []Message) string {
	var errs, all []string
	for _, m := range ms {
		if m.Message == "" {
			continue
		}
		all = append(all, m.Message)
		if strings.EqualFold(m.Level, "error") {
			errs = append(errs, m.Message)
		}
	}
	if len(errs) > 0 {
		return strings.Join(errs, "; ")
	}
	return strings.Join(all, "; ")
}

// rawString renders a JSON value as text: strings unquoted, numbers and objects as-is
// (Access codes are strings, but an Xray "error" is occasionally an object).
func rawString(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return truncate(string(raw), maxMessage)
}

// truncate shortens s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// IsUnauthorized reports a 401: missing, expired or invalid credentials.
func IsUnauthorized(err error) bool { return StatusCode(err) == http.StatusUnauthorized }

// IsForbidden reports a 403: valid credentials without the needed permission.
func IsForbidden(err error) bool { return StatusCode(err) == http.StatusForbidden }

// IsTimeout reports a context deadline or a transport timeout (such as the response
// header timeout), which callers surface as "the JFrog server did not answer in time".
func IsTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
