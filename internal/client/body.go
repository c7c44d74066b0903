package client

import (
	"io"
)

// maxDrain is how much of an unread answer Close reads before closing.
// Enough for what a JSON decoder leaves behind (a newline, the final empty
// chunk of a chunked answer), small enough that abandoning a large download
// costs nothing noticeable.
const maxDrain = 64 << 10

// drainingBody reads a bounded remainder of an answer on Close. Go's
// transport reuses a connection only when the body was read to EOF before
// Close; a JSON decoder stops at the end of the value, before the terminating
// empty chunk of a chunked answer (as Artifactory streams AQL and large
// lists), so without this every such call would open a new connection, and
// against a real server over TLS pay a handshake.
type drainingBody struct{ io.ReadCloser }

func (b drainingBody) Close() error {
	_, _ = io.CopyN(io.Discard, b.ReadCloser, maxDrain)
	return b.ReadCloser.Close()
}
