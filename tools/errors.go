package tools

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// Code is the machine-readable kind of a tool error. The set is small and fixed
// so an agent can branch on it.
type Code string

// The error codes a tool result can carry.
const (
	CodeInvalidArgument     Code = "invalid_argument"
	CodeNotFound            Code = "not_found"
	CodePermissionDenied    Code = "permission_denied"
	CodeUnauthenticated     Code = "unauthenticated"
	CodeConflict            Code = "conflict"
	CodeRateLimited         Code = "rate_limited"
	CodeUpstreamUnavailable Code = "upstream_unavailable"
	CodeTimeout             Code = "timeout"
	CodeGuardDenied         Code = "guard_denied"
	CodeInternal            Code = "internal"
)

// Error is a failure the agent can act on. It becomes an isError result; it is
// never a protocol error.
type Error struct {
	Code      Code   `json:"code"`
	Message   string `json:"message"`
	Surface   string `json:"surface,omitempty"`
	Status    int    `json:"status,omitempty"`
	Retryable bool   `json:"retryable"`
	Hint      string `json:"hint,omitempty"`
	// Details carry what the agent needs to judge the failure, e.g. the
	// checksums that did not match.
	Details any `json:"details,omitempty"`
}

func (e *Error) Error() string {
	if e.Hint == "" {
		return fmt.Sprintf("%s: %s", e.Code, e.Message)
	}
	return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Hint)
}

// Errorf builds an agent-facing error with a hint saying what to do next.
func Errorf(code Code, hint, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Hint: hint}
}

// ErrorHints lets a tool say what to do next for the upstream errors it expects,
// e.g. a not_found from get_artifact_info points at list_repositories.
type ErrorHints map[Code]string

// defaultHints apply when a tool gives none for a code.
var defaultHints = ErrorHints{
	CodeUnauthenticated:     "the JFrog credentials were rejected: check JFROG_ACCESS_TOKEN (or JFROG_USER/JFROG_PASSWORD) and that the token has not expired",
	CodePermissionDenied:    "the JFrog user behind this server lacks permission for this; ask an administrator or try a resource you can read",
	CodeRateLimited:         "JFrog is rate limiting requests; wait a little and retry, or narrow the query",
	CodeUpstreamUnavailable: "JFrog did not answer properly; retry later, get_platform_info shows which services are reachable",
	CodeTimeout:             "the request took too long; retry, or narrow the query (smaller limit, fewer repositories)",
	CodeInvalidArgument:     "fix the arguments as the message says and call again",
	CodeConflict:            "the target already exists or changed; inspect it first",
}

// classify turns a handler error into an agent-facing *Error. ok is false for
// errors that are bugs in this server: those become protocol errors.
func classify(err error, hints ErrorHints) (e *Error, ok bool) {
	var te *Error
	var lost *client.LostAnswerError
	var api *client.APIError
	var denied *guard.Denied
	var netErr net.Error
	var pathErr *fs.PathError
	var linkErr *os.LinkError
	switch {
	case errors.As(err, &te):
		e = te
	case errors.As(err, &denied) && denied.Cause != nil:
		// The guard could not decide because JFrog failed; say that failure.
		e, ok = classify(denied.Cause, hints)
		if !ok {
			return &Error{Code: CodeUpstreamUnavailable, Message: denied.Reason, Hint: denied.Hint, Retryable: true}, true
		}
		e.Message = denied.Reason + ": " + e.Message
		return e, true
	case errors.As(err, &denied):
		e = &Error{Code: CodeGuardDenied, Message: denied.Reason, Hint: denied.Hint}
		if denied.NotFound {
			e.Code = CodeNotFound // nothing by that name: not the policy's refusal
		}
	case errors.As(err, &lost):
		// The client looked after the answer was lost: retryable is its
		// judgement of the state, not the failure's kind.
		return lostAnswer(lost), true
	case errors.As(err, &api):
		e = &Error{Code: codeForStatus(api.Status), Message: api.Message, Surface: string(api.Surface), Status: api.Status, Retryable: api.Retryable}
		if e.Message == "" {
			e.Message = http.StatusText(api.Status)
		}
	case errors.Is(err, context.DeadlineExceeded):
		e = &Error{Code: CodeTimeout, Message: "the call timed out", Retryable: true}
	case errors.Is(err, context.Canceled):
		e = &Error{Code: CodeTimeout, Message: "the call was cancelled"}
	case errors.Is(err, client.ErrIsFolder):
		e = &Error{Code: CodeInvalidArgument, Message: err.Error(),
			Hint: "a folder has no content to download: list it with get_artifact_info and download the files in it"}
	case errors.Is(err, client.ErrResponseTooLarge):
		e = &Error{Code: CodeInvalidArgument, Message: err.Error(),
			Hint: "narrow the query: fewer fields in .include(), a smaller .limit(), or a narrower find()"}
	case errors.As(err, &pathErr) || errors.As(err, &linkErr):
		// Before net.Error: the errno inside a PathError satisfies it too.
		// Files on this machine are named by the agent (local_path): a
		// missing directory, no permission or a full disk is for it to fix,
		// not a bug in this server.
		e = &Error{Code: CodeInvalidArgument, Message: err.Error(),
			Hint: "a local file operation failed: check that local_path's directory exists, is writable by the server and has room, or choose another local_path"}
	case errors.As(err, &netErr):
		e = &Error{Code: CodeUpstreamUnavailable, Message: err.Error(), Retryable: true}
	case errors.Is(err, io.ErrUnexpectedEOF):
		// A connection closed before Content-Length bytes arrived: a proxy
		// giving up on a long transfer, or JFrog restarting.
		e = &Error{Code: CodeUpstreamUnavailable, Message: "JFrog's answer ended early: " + err.Error(), Retryable: true}
	case errors.Is(err, client.ErrNotJSON):
		e = &Error{Code: CodeUpstreamUnavailable, Message: err.Error(),
			Hint: "the answer did not come from JFrog's API: check that JFROG_URL is the platform URL, not a proxy or login page; get_platform_info shows what answers"}
	default:
		return nil, false
	}
	if e.Hint == "" {
		if h, found := hints[e.Code]; found {
			e.Hint = h
		} else {
			e.Hint = defaultHints[e.Code]
		}
	}
	if e.Code == CodeRateLimited || e.Code == CodeUpstreamUnavailable {
		e.Retryable = true
	}
	return e, true
}

// lostAnswer reports a change whose answer was lost and whose effect the
// client then did not find.
func lostAnswer(l *client.LostAnswerError) *Error {
	e := &Error{Code: CodeUpstreamUnavailable, Message: l.Error(), Surface: string(client.SurfaceArtifactory), Retryable: l.Retryable}
	switch {
	case l.Retryable && l.Checked:
		e.Hint = "nothing was changed: calling again is safe once JFrog answers (get_platform_info shows whether it does)"
	case l.Retryable:
		e.Hint = "whether it was done is unknown, but calling again is safe: it does the same once more"
	case l.Checked:
		e.Hint = "calling again is not safe as things stand: check the source and target with get_artifact_info first"
	default:
		e.Hint = "it may or may not have been done: check the source and target with get_artifact_info before calling again"
	}
	return e
}

func codeForStatus(status int) Code {
	switch {
	case status == 0: // the connection ended without an answer (retries exhausted)
		return CodeUpstreamUnavailable
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity || status == http.StatusRequestEntityTooLarge:
		return CodeInvalidArgument
	case status == http.StatusUnauthorized:
		return CodeUnauthenticated
	case status == http.StatusForbidden:
		return CodePermissionDenied
	case status == http.StatusNotFound:
		return CodeNotFound
	case status == http.StatusConflict:
		return CodeConflict
	case status == http.StatusTooManyRequests:
		return CodeRateLimited
	case status == http.StatusGatewayTimeout:
		return CodeTimeout
	case status >= 500:
		return CodeUpstreamUnavailable
	}
	return CodeInternal
}
