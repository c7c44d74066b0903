package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// LostAnswerError is a change whose answer was lost after the request was
// sent (the connection ended without an answer, a gateway answered for a
// server it lost, or a success's answer was cut off), and whose effect was
// then looked for at JFrog and not found. Only such a state is reported as a
// failure: a change that shows is reported done (see DeployResult and
// MoveCopyResult).
type LostAnswerError struct {
	// Op is what was asked: "deploy", "copy" or "move".
	Op string
	// Seen is what the look found, e.g. "the source is still there and
	// nothing is at the target"; when Checked is false, why it could not
	// look.
	Seen string
	// Checked is false when looking failed too, so nothing is known.
	Checked bool
	// Retryable says whether sending the same request again is safe as far
	// as the state shows: it cannot do the change twice or land it
	// somewhere else.
	Retryable bool
	// Err is the failure that lost the answer.
	Err error
}

func (e *LostAnswerError) Error() string {
	if !e.Checked {
		return fmt.Sprintf("%s: the answer was lost (%v), and whether it was done is unknown: %s", e.Op, e.Err, e.Seen)
	}
	return fmt.Sprintf("%s: the answer was lost (%v); afterwards %s, so it was not done", e.Op, e.Err, e.Seen)
}

// Unwrap returns the failure that lost the answer.
func (e *LostAnswerError) Unwrap() error { return e.Err }

// answerLost reports a failure after which a change may or may not have been
// made: the connection ended before an answer, a gateway answered 502 or 504
// for a server it lost (which may have done the work), or a 2xx answer was
// cut off. 429 and 503 say the request was not taken on.
func answerLost(err error) bool {
	if errors.Is(err, errAnswerCut) {
		return true
	}
	api, ok := AsAPIError(err)
	if !ok {
		return false
	}
	switch api.Status {
	case 0, http.StatusBadGateway, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// answerLate reports that JFrog did not answer within the client's header
// timeout while the caller still waits: the request was sent, and JFrog may
// have done it, or may still be at work on it.
func answerLate(ctx context.Context, err error) bool {
	return err != nil && ctx.Err() == nil && IsTimeout(err)
}

// ErrSettled is what Do returns when Request.Settled found the effect of an
// attempt whose answer was lost: the request was not sent again, and what it
// asked for is done.
var ErrSettled = errors.New("client: the effect of the request is visible; not sent again")

// settledAfter asks r.Settled, when set, whether the failed attempt took effect.
func settledAfter(ctx context.Context, r Request) bool {
	return r.Settled != nil && ctx.Err() == nil && r.Settled(ctx)
}
