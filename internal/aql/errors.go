package aql

import "fmt"

// SyntaxError is returned by Parse for any query Artifactory would refuse
// with HTTP 400. Error() renders Artifactory's own wording so the emulator
// can return it verbatim in {"errors":[{"status":400,"message":...}]}.
type SyntaxError struct {
	// Message is the Artifactory-style text:
	// "Failed to parse query: <query>, it looks like there is syntax error
	// near the following sub-query: <tail>".
	Message string
	// Offset is the byte offset in the query where parsing failed; the tail
	// in Message starts there.
	Offset int
	// Reason is our own, more precise explanation. Artifactory does not
	// return it; it is for logs and tests.
	Reason string
}

func (e *SyntaxError) Error() string { return e.Message }

// newSyntaxError builds the Artifactory-shaped message from the query and
// the failure offset.
func newSyntaxError(query string, offset int, reason string) *SyntaxError {
	if offset < 0 {
		offset = 0
	}
	if offset > len(query) {
		offset = len(query)
	}
	return &SyntaxError{
		Message: fmt.Sprintf("Failed to parse query: %s, it looks like there is syntax error near the following sub-query: %s", query, query[offset:]),
		Offset:  offset,
		Reason:  reason,
	}
}
