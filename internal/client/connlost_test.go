package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dropConn takes the connection from net/http and closes it: with a reset
// (RST, SO_LINGER 0) or an orderly close (FIN).
func dropConn(t *testing.T, w http.ResponseWriter, reset bool) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// connLoss is one way a server ends a connection without a whole answer.
type connLoss struct {
	name string
	drop func(t *testing.T, w http.ResponseWriter, r *http.Request)
}

// connLosses are the ways a listener loses a request or its answer: before
// the request body is read, part way into it, and part way into the answer.
func connLosses() []connLoss {
	cutAnswer := func(reset bool) func(t *testing.T, w http.ResponseWriter, r *http.Request) {
		return func(t *testing.T, w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Errorf("hijack: %v", err)
				return
			}
			body := `{"ok":true,"padding":"` + string(bytes.Repeat([]byte("x"), 4096)) + `"}`
			fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body[:len(body)/2])
			_ = buf.Flush()
			if tc, ok := conn.(*net.TCPConn); ok && reset {
				_ = tc.SetLinger(0)
			}
			_ = conn.Close()
		}
	}
	return []connLoss{
		{"reset before the body", func(t *testing.T, w http.ResponseWriter, r *http.Request) { dropConn(t, w, true) }},
		{"close before the body", func(t *testing.T, w http.ResponseWriter, r *http.Request) { dropConn(t, w, false) }},
		{"reset during the body", func(t *testing.T, w http.ResponseWriter, r *http.Request) {
			_, _ = io.CopyN(io.Discard, r.Body, r.ContentLength/2)
			dropConn(t, w, true)
		}},
		{"close during the body", func(t *testing.T, w http.ResponseWriter, r *http.Request) {
			_, _ = io.CopyN(io.Discard, r.Body, r.ContentLength/2)
			dropConn(t, w, false)
		}},
		{"reset during the answer", cutAnswer(true)},
		{"close during the answer", cutAnswer(false)},
	}
}

// lossNamed returns the connLoss called name.
func lossNamed(t *testing.T, name string) connLoss {
	for _, l := range connLosses() {
		if l.name == name {
			return l
		}
	}
	t.Fatalf("no connection loss %q", name)
	return connLoss{}
}

// lossFirst starts a recording server that loses the first request's
// connection the named way and answers body to every other; calls counts
// the requests since the last calls.Store(0).
func lossFirst(t *testing.T, name, body string) (*httptest.Server, *recorder, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	loss := lossNamed(t, name)
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			loss.drop(t, w, r)
			return
		}
		writeJSON(w, http.StatusOK, body)
	})
	return srv, rec, &calls
}

// Every way a listener drops an idempotent request is retried, for bodies
// small enough to sit in the socket buffers and large enough to be cut while
// they are written; the retry sends the whole body again.
func TestConnectionLossRetried(t *testing.T) {
	for _, loss := range connLosses() {
		for _, size := range []int{1 << 10, 64 << 10, 8 << 20} {
			t.Run(loss.name+"/"+strconv.Itoa(size), func(t *testing.T) {
				content := bytes.Repeat([]byte("0123456789abcdef"), size/16)
				var calls atomic.Int32
				var got atomic.Int64
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if calls.Add(1) == 1 {
						loss.drop(t, w, r)
						return
					}
					b, _ := io.ReadAll(r.Body)
					got.Store(int64(len(b)))
					if !bytes.Equal(b, content) {
						t.Errorf("the retried body differs (%d bytes)", len(b))
					}
					writeJSON(w, http.StatusOK, `{"ok":true}`)
				}))
				t.Cleanup(srv.Close)
				var out okBody
				err := newClient(t, srv.URL).DoJSON(t.Context(), Request{
					Surface: SurfaceArtifactory, Method: http.MethodPut, Path: "generic-local/f.bin",
					GetBody:       func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(content)), nil },
					ContentLength: int64(len(content)),
				}, &out)
				require.NoError(t, err)
				assert.True(t, out.OK)
				assert.Equal(t, int32(2), calls.Load())
				assert.Equal(t, int64(size), got.Load())
			})
		}
	}
}

// The errors net/http really returns for each loss are connection losses.
// Which form comes depends on timing (which of the transport's read and
// write loops notices first), so each case is produced a few times and
// every error seen must be recognised; the forms seen are logged.
func TestConnectionLostFormsFromARealListener(t *testing.T) {
	for _, loss := range connLosses() {
		t.Run(loss.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { loss.drop(t, w, r) }))
			t.Cleanup(srv.Close)
			hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			seen := map[string]int{}
			for range 8 {
				req, err := http.NewRequest(http.MethodPut, srv.URL, bytes.NewReader(make([]byte, 256<<10)))
				require.NoError(t, err)
				resp, err := hc.Do(req)
				if err == nil {
					_, err = io.ReadAll(resp.Body)
					_ = resp.Body.Close()
				}
				require.Error(t, err)
				assert.True(t, isConnReset(err), "not recognised: %v", err)
				msg := innerError(err)
				if i := strings.LastIndex(msg, ": "); i >= 0 {
					msg = msg[i+len(": "):] // without the addresses
				}
				seen[msg]++
			}
			t.Logf("forms seen: %v", seen)
		})
	}
}

// Each form, as net/http wraps it, including those a listener cannot be made
// to produce on demand (a reused idle connection closed by the server, HTTP/2).
func TestConnectionLostForms(t *testing.T) {
	op := func(op string, errno error) error {
		return &url.Error{Op: "Put", URL: "http://h/x", Err: &net.OpError{Op: op, Net: "tcp", Err: os.NewSyscallError(op, errno)}}
	}
	lost := map[string]error{
		"ECONNRESET on read":               op("read", syscall.ECONNRESET),
		"ECONNRESET on write":              op("write", syscall.ECONNRESET),
		"EPIPE":                            op("write", syscall.EPIPE),
		"ECONNABORTED":                     op("read", syscall.ECONNABORTED),
		"use of closed network connection": &url.Error{Op: "Put", URL: "u", Err: &net.OpError{Op: "write", Net: "tcp", Err: net.ErrClosed}},
		"EOF before the status line":       &url.Error{Op: "Get", URL: "u", Err: io.EOF},
		"EOF inside the answer":            fmt.Errorf("decoding: %w", io.ErrUnexpectedEOF),
		"server closed idle connection":    &url.Error{Op: "Get", URL: "u", Err: errors.New("http: server closed idle connection")},
		"HTTP/1 connection broken":         errors.New("net/http: HTTP/1.x transport connection broken: write: broken pipe"),
		"cannot rewind":                    errors.New("net/http: cannot rewind body after connection loss"),
		"HTTP/2 connection lost":           &url.Error{Op: "Get", URL: "u", Err: errors.New("http2: client connection lost")},
		"HTTP/2 GOAWAY":                    errors.New("http2: server sent GOAWAY and closed the connection; LastStreamID=1, ErrCode=NO_ERROR, debug=\"\""),
	}
	for name, err := range lost {
		assert.True(t, isConnReset(err), name)
	}
	notLost := map[string]error{
		"nil":                nil,
		"refused":            op("dial", syscall.ECONNREFUSED),
		"deadline":           context.DeadlineExceeded,
		"certificate":        errors.New("tls: failed to verify certificate: x509: certificate signed by unknown authority"),
		"body changed":       ErrSizeChanged,
		"not JSON":           ErrNotJSON,
		"plain server error": &APIError{Status: 500},
	}
	for name, err := range notLost {
		assert.False(t, isConnReset(err), name)
	}
}

// A GET whose answer is cut off is sent again, and what the cut answer had
// filled in does not survive into the retry's result.
func TestCutAnswerRetriedForAGet(t *testing.T) {
	srv, _, calls := lossFirst(t, "close during the answer", `{"b":2}`)
	out := map[string]int{}
	require.NoError(t, newClient(t, srv.URL).DoJSON(t.Context(), Request{Surface: SurfaceArtifactory, Path: "api/x"}, &out))
	assert.Equal(t, map[string]int{"b": 2}, out)
	assert.Equal(t, int32(2), calls.Load())

	// A POST that is not idempotent is not sent again; its error says the
	// answer was cut, not that it was not JSON.
	calls.Store(0)
	err := newClient(t, srv.URL).DoJSON(t.Context(), Request{Surface: SurfaceArtifactory, Method: http.MethodPost, Path: "api/copy/a"}, &out)
	require.ErrorIs(t, err, errAnswerCut)
	assert.NotErrorIs(t, err, ErrNotJSON)
	assert.Equal(t, int32(1), calls.Load())
}

// An AQL search (a POST that is a read) whose answer is cut off is sent
// again with its query.
func TestCutAQLAnswerRetried(t *testing.T) {
	srv, rec, _ := lossFirst(t, "reset during the answer", `{"results":[{"repo":"r"}],"range":{"start_pos":0,"end_pos":1,"total":1}}`)
	res, err := newClient(t, srv.URL).Artifactory.AQL(t.Context(), `items.find({"repo":"r"})`)
	require.NoError(t, err)
	assert.Len(t, res.Results, 1)
	reqs := rec.all()
	require.Len(t, reqs, 2)
	assert.Equal(t, reqs[0].Body, reqs[1].Body, "the query is sent again whole")
}
