package aqlengine

// UnsupportedError reports a query the emulator cannot evaluate (another
// domain, or criteria/includes on data the emulator does not model). The
// emulator should answer it with 400 and Message, or 501; it is not a
// statement about what Artifactory would do.
type UnsupportedError struct {
	Message string
}

func (e *UnsupportedError) Error() string { return e.Message }

// QueryError is a well-formed query Artifactory would still reject with
// HTTP 400 (bad value types, forbidden modifier combinations). Message is
// the text for {"errors":[{"status":400,"message":...}]}.
type QueryError struct {
	Message string
}

func (e *QueryError) Error() string { return e.Message }

// msgIncludeOtherDomains is returned when sort/offset/limit meet an include
// of another domain's fields (property, stat). The restriction is
// documented (AQL "Limitations"); the wording is our GUESS — Artifactory's
// exact text was not captured.
const msgIncludeOtherDomains = "Sort, offset and limit are not supported when the include element contains fields from other domains"
