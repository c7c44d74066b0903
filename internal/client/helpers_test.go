package client

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// seen is what the test server received for one request.
type seen struct {
	Method, Path, EscapedPath, RawQuery, RequestURI string
	Header                                          http.Header
	Body                                            string
}

// recorder keeps every request a test server received, in order.
type recorder struct {
	mu   sync.Mutex
	reqs []seen
}

func (r *recorder) all() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]seen(nil), r.reqs...)
}

func (r *recorder) count() int { return len(r.all()) }

func (r *recorder) last(t *testing.T) seen {
	t.Helper()
	all := r.all()
	require.NotEmpty(t, all, "server received no request")
	return all[len(all)-1]
}

// newServer starts an httptest server that records each request before calling h.
func newServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *recorder) {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, seen{
			Method: r.Method, Path: r.URL.Path, EscapedPath: r.URL.EscapedPath(),
			RawQuery: r.URL.RawQuery, RequestURI: r.RequestURI, Header: r.Header.Clone(), Body: string(body),
		})
		rec.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, rec
}

// newClient builds a client for srvURL with fast retries and a silent logger.
func newClient(t *testing.T, srvURL string, mods ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		URL:            srvURL,
		AccessToken:    "test-token",
		RetryBaseDelay: time.Millisecond,
		Logger:         slog.New(slog.DiscardHandler),
	}
	for _, m := range mods {
		m(&cfg)
	}
	c, err := New(cfg)
	require.NoError(t, err)
	return c
}

// writeJSON answers with a status and a raw JSON body.
func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}
