package mcpserver

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// lines hands mcp-go stdin one bounded line at a time. A line over the
// limit is skipped to its newline as it arrives (never held in memory) and
// answered with a JSON-RPC error, so the stream stays in sync; batches and
// id-null requests are answered here too. Each byte is looked at a fixed
// number of times, whatever the line's length: mcp-go's own reader and the
// old pass-through scanned a growing line again on every read.
type lines struct {
	in    *bufio.Reader
	limit int
	d     *drain

	line []byte // the line being read
	out  []byte // what mcp-go has yet to read of the current line
	err  error  // the input's error, returned once out is empty
}

func newLines(in io.Reader, limit int, d *drain) *lines {
	if limit <= 0 {
		limit = MaxMessageBytes
	}
	return &lines{in: bufio.NewReaderSize(in, 64<<10), limit: limit, d: d}
}

// Read implements io.Reader. At end of input it waits until every request
// handed on has been answered (drain), then returns the error.
func (l *lines) Read(p []byte) (int, error) {
	for len(l.out) == 0 {
		if l.err != nil {
			if errors.Is(l.err, io.EOF) {
				l.d.wait()
			}
			return 0, l.err
		}
		l.next()
	}
	n := copy(p, l.out)
	l.out = l.out[n:]
	return n, nil
}

// next reads one line and either queues it for mcp-go or answers it.
func (l *lines) next() {
	l.line = l.line[:0]
	over := false
	for {
		chunk, err := l.in.ReadSlice('\n')
		switch {
		case over:
		case len(l.line)+len(chunk) > l.limit+1: // +1: the newline
			over = true
			l.line = append(l.line[:min(len(l.line), headPrefix)], chunk[:min(len(chunk), headPrefix)]...)
		default:
			l.line = append(l.line, chunk...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil {
			l.err = err
		}
		break
	}
	if over {
		_, _ = l.d.Write(append(tooLong(head(l.line).id, l.limit), '\n'))
		return
	}
	msg := bytes.TrimRight(l.line, "\r\n")
	if len(bytes.TrimSpace(msg)) == 0 {
		return
	}
	if e := edgeError(msg); e != nil {
		_, _ = l.d.Write(append(e, '\n'))
		return
	}
	// Only a message mcp-go will parse becomes a request it answers: a
	// truncated line gets a parse error without its id, and waiting for
	// that id at end of input would wait for nothing.
	if json.Valid(msg) {
		l.d.request(head(msg))
	}
	l.out = append(msg, '\n')
}
