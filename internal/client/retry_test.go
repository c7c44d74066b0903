package client

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// failFirst answers status (with headers) for the first n requests, then 200 {"ok":true}.
func failFirst(n int32, status int, hdr map[string]string) http.HandlerFunc {
	var calls atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= n {
			for k, v := range hdr {
				w.Header().Set(k, v)
			}
			writeJSON(w, status, `{"errors":[{"status":`+strconv.Itoa(status)+`,"message":"busy"}]}`)
			return
		}
		writeJSON(w, http.StatusOK, `{"ok":true}`)
	}
}

type okBody struct {
	OK bool `json:"ok"`
}

func TestRetry503Then200(t *testing.T) {
	srv, rec := newServer(t, failFirst(1, http.StatusServiceUnavailable, nil))
	var out okBody
	require.NoError(t, newClient(t, srv.URL).DoJSON(t.Context(), Request{Surface: SurfaceXray, Path: "api/v1/x"}, &out))
	assert.True(t, out.OK)
	assert.Equal(t, 2, rec.count())
}

func TestRetryEachRetryableStatus(t *testing.T) {
	for _, status := range []int{429, 502, 503, 504} {
		srv, rec := newServer(t, failFirst(2, status, nil))
		require.NoError(t, newClient(t, srv.URL).DoJSON(t.Context(), Request{Surface: SurfaceArtifactory, Path: "a"}, nil), status)
		assert.Equal(t, 3, rec.count(), status)
	}
}

func TestNoRetryOnOtherStatuses(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 500} {
		srv, rec := newServer(t, failFirst(1, status, nil))
		err := newClient(t, srv.URL).DoJSON(t.Context(), Request{Surface: SurfaceArtifactory, Path: "a"}, nil)
		assert.Equal(t, status, StatusCode(err))
		assert.Equal(t, 1, rec.count(), status)
	}
}

func TestRetriesExhausted(t *testing.T) {
	srv, rec := newServer(t, failFirst(100, http.StatusBadGateway, nil))
	err := newClient(t, srv.URL, func(c *Config) { c.MaxRetries = 2 }).DoJSON(t.Context(), Request{Surface: SurfaceArtifactory, Path: "a"}, nil)
	assert.Equal(t, 502, StatusCode(err))
	assert.True(t, IsRetryable(err))
	assert.Equal(t, 3, rec.count())

	srv, rec = newServer(t, failFirst(100, http.StatusBadGateway, nil))
	_ = newClient(t, srv.URL, func(c *Config) { c.MaxRetries = -1 }).DoJSON(t.Context(), Request{Surface: SurfaceArtifactory, Path: "a"}, nil)
	assert.Equal(t, 1, rec.count())
}

func TestRetryAfterSecondsHonoured(t *testing.T) {
	srv, rec := newServer(t, failFirst(1, http.StatusTooManyRequests, map[string]string{"Retry-After": "1"}))
	start := time.Now()
	require.NoError(t, newClient(t, srv.URL).DoJSON(t.Context(), Request{Surface: SurfaceArtifactory, Path: "api/search/aql"}, nil))
	assert.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond)
	assert.Equal(t, 2, rec.count())
}

func TestRetryAfterBeyondDeadlineReturns429(t *testing.T) {
	srv, rec := newServer(t, failFirst(1, http.StatusTooManyRequests, map[string]string{"Retry-After": "10"}))
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	start := time.Now()
	err := newClient(t, srv.URL).DoJSON(ctx, Request{Surface: SurfaceArtifactory, Path: "a"}, nil)
	assert.Less(t, time.Since(start), time.Second, "must not sleep toward a deadline it cannot meet")
	assert.True(t, IsRateLimited(err), "%v", err)
	assert.NoError(t, ctx.Err())
	assert.Equal(t, 1, rec.count())
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2025, 4, 6, 9, 0, 0, 0, time.UTC)
	h := func(v string) http.Header { return http.Header{"Retry-After": {v}} }
	d, ok := retryAfter(h("7"), now)
	assert.True(t, ok)
	assert.Equal(t, 7*time.Second, d)
	d, ok = retryAfter(h(now.Add(5*time.Second).Format(http.TimeFormat)), now)
	assert.True(t, ok)
	assert.Equal(t, 5*time.Second, d)
	d, ok = retryAfter(h(now.Add(-time.Hour).Format(http.TimeFormat)), now)
	assert.True(t, ok)
	assert.Zero(t, d)
	for _, bad := range []string{"", "soon", "-3"} {
		_, ok = retryAfter(h(bad), now)
		assert.False(t, ok, bad)
	}
}

func TestRetryAfterHTTPDateAndCap(t *testing.T) {
	// An HTTP-date in the past means "now"; the retry happens without waiting.
	past := time.Now().Add(-time.Minute).UTC().Format(http.TimeFormat)
	srv, rec := newServer(t, failFirst(1, http.StatusServiceUnavailable, map[string]string{"Retry-After": past}))
	require.NoError(t, newClient(t, srv.URL).DoJSON(t.Context(), Request{Surface: SurfaceArtifactory, Path: "a"}, nil))
	assert.Equal(t, 2, rec.count())

	resp := &http.Response{Header: http.Header{"Retry-After": {"3600"}}}
	d, ok := retryDelay(context.Background(), time.Millisecond, 0, resp)
	assert.True(t, ok)
	assert.Equal(t, maxRetryAfter, d)
}

func TestBackoffIsJitteredExponential(t *testing.T) {
	base := 100 * time.Millisecond
	for n := range 4 {
		full := base << n
		for range 50 {
			d := backoff(base, n)
			assert.GreaterOrEqual(t, d, full/2)
			assert.LessOrEqual(t, d, full)
		}
	}
	assert.LessOrEqual(t, backoff(base, 40), maxBackoff)
}

func TestPOSTNotRetried(t *testing.T) {
	srv, rec := newServer(t, failFirst(1, http.StatusServiceUnavailable, nil))
	err := newClient(t, srv.URL).DoJSON(t.Context(), Request{Surface: SurfaceArtifactory, Method: http.MethodPost, Path: "api/copy/a", Body: strings.NewReader("{}")}, nil)
	assert.Equal(t, 503, StatusCode(err))
	assert.Equal(t, 1, rec.count())
}

func TestIdempotentPOSTRetriedWithBody(t *testing.T) {
	srv, rec := newServer(t, failFirst(1, http.StatusServiceUnavailable, nil))
	body := `items.find({"repo":"libs"})`
	err := newClient(t, srv.URL).DoJSON(t.Context(), Request{Surface: SurfaceArtifactory, Method: http.MethodPost, Path: "api/search/aql", Body: strings.NewReader(body), Idempotent: true}, nil)
	require.NoError(t, err)
	reqs := rec.all()
	require.Len(t, reqs, 2)
	assert.Equal(t, body, reqs[0].Body)
	assert.Equal(t, body, reqs[1].Body)
}

func TestPUTRetriedWithGetBody(t *testing.T) {
	srv, rec := newServer(t, failFirst(1, http.StatusBadGateway, nil))
	content := []byte("artifact bytes")
	req := Request{
		Surface: SurfaceArtifactory, Method: http.MethodPut, Path: "libs/a.bin",
		GetBody:       func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(content)), nil },
		ContentLength: int64(len(content)),
	}
	require.NoError(t, newClient(t, srv.URL).DoJSON(t.Context(), req, nil))
	reqs := rec.all()
	require.Len(t, reqs, 2)
	for _, r := range reqs {
		assert.Equal(t, string(content), r.Body)
		assert.Equal(t, "14", r.Header.Get("Content-Length"))
	}
}

func TestUnreplayableBodyNotRetried(t *testing.T) {
	srv, rec := newServer(t, failFirst(1, http.StatusBadGateway, nil))
	stream := io.MultiReader(strings.NewReader("streamed"))
	err := newClient(t, srv.URL).DoJSON(t.Context(), Request{Surface: SurfaceArtifactory, Method: http.MethodPut, Path: "libs/a", Body: stream}, nil)
	assert.Equal(t, 502, StatusCode(err))
	assert.Equal(t, 1, rec.count())
}

func TestNoRetryFlag(t *testing.T) {
	srv, rec := newServer(t, failFirst(1, http.StatusBadGateway, nil))
	err := newClient(t, srv.URL).DoJSON(t.Context(), Request{Surface: SurfaceArtifactory, Method: http.MethodPut, Path: "api/repositories/x", NoRetry: true}, nil)
	assert.Equal(t, 502, StatusCode(err))
	assert.Equal(t, 1, rec.count())
}

// resetFirst hijacks the first n connections and resets them (RST via SO_LINGER 0)
// before any response is written.
func resetFirst(n int32) http.HandlerFunc {
	var calls atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= n {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				panic(err)
			}
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0)
			}
			_ = conn.Close()
			return
		}
		writeJSON(w, http.StatusOK, `{"ok":true}`)
	}
}

func TestConnectionResetRetried(t *testing.T) {
	srv, rec := newServer(t, resetFirst(1))
	var out okBody
	require.NoError(t, newClient(t, srv.URL).DoJSON(t.Context(), Request{Surface: SurfaceArtifactory, Path: "api/system/version"}, &out))
	assert.True(t, out.OK)
	assert.GreaterOrEqual(t, rec.count(), 2)
}

func TestConnectionResetOnPOSTNotRetried(t *testing.T) {
	srv, rec := newServer(t, resetFirst(1))
	err := newClient(t, srv.URL).DoJSON(t.Context(), Request{Surface: SurfaceArtifactory, Method: http.MethodPost, Path: "api/move/a"}, nil)
	apiErr, ok := AsAPIError(err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, 0, apiErr.Status)
	assert.True(t, apiErr.Retryable)
	assert.Contains(t, err.Error(), "connection error")
	assert.Equal(t, 1, rec.count())
}

func TestContextDeadlineWrapped(t *testing.T) {
	release := make(chan struct{})
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	err := newClient(t, srv.URL).DoJSON(ctx, Request{Surface: SurfaceXray, Path: "api/v1/slow"}, nil)
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
	assert.True(t, IsTimeout(err))
	assert.Contains(t, err.Error(), "xray GET api/v1/slow")
}

func TestContextCancelledDuringBackoff(t *testing.T) {
	srv, _ := newServer(t, failFirst(100, http.StatusServiceUnavailable, map[string]string{"Retry-After": "5"}))
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	err := newClient(t, srv.URL).DoJSON(ctx, Request{Surface: SurfaceArtifactory, Path: "a"}, nil)
	assert.True(t, errors.Is(err, context.Canceled), "%v", err)
	assert.Less(t, time.Since(start), 2*time.Second)
}

func TestResponseHeaderTimeoutButBodyMayStream(t *testing.T) {
	release := make(chan struct{})
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/artifactory/slow-headers" {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, "part1-")
		w.(http.Flusher).Flush()
		time.Sleep(300 * time.Millisecond)
		_, _ = io.WriteString(w, "part2")
	})
	defer close(release)
	c := newClient(t, srv.URL, func(c *Config) { c.Timeout = 100 * time.Millisecond; c.MaxRetries = -1 })

	_, err := c.Do(t.Context(), Request{Surface: SurfaceArtifactory, Path: "slow-headers"})
	require.Error(t, err)
	assert.True(t, IsTimeout(err), "%v", err)

	resp, err := c.Do(t.Context(), Request{Surface: SurfaceArtifactory, Path: "libs/big.bin"})
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, "part1-part2", string(b))
}
