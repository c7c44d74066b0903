package emulator_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
)

func TestFaultStatusRetryAfterAndCountdown(t *testing.T) {
	s := demo(t)
	s.Emu.Faults().Inject(emulator.FaultRule{Method: http.MethodGet, PathPrefix: "/artifactory/api/storage/", Status: 429, RetryAfter: "2", Times: 2})
	url := s.URL + "/artifactory/api/storage/generic-local/docs/README.txt"
	for i := 0; i < 2; i++ {
		resp, body := call(t, http.MethodGet, url, s.AdminToken, nil, nil)
		require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
		assert.Equal(t, "2", resp.Header.Get("Retry-After"))
		assert.Contains(t, string(body), `"status" : 429`)
	}
	resp, _ := call(t, http.MethodGet, url, s.AdminToken, nil, nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode, "rule expired after Times")

	// Method and prefix must both match; surfaces keep their error shape.
	s.Emu.Faults().Inject(emulator.FaultRule{PathPrefix: "/xray/", Status: 503})
	resp, _ = call(t, http.MethodGet, url, s.AdminToken, nil, nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	resp, body := call(t, http.MethodGet, s.URL+"/xray/api/v1/system/version", s.AdminToken, nil, nil)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.JSONEq(t, `{"error":"Service Unavailable"}`, string(body))
	s.Emu.Faults().Clear()
	resp, _ = call(t, http.MethodGet, s.URL+"/xray/api/v1/system/version", s.AdminToken, nil, nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	s.Emu.Faults().Inject(emulator.FaultRule{Status: 500, Body: `{"custom":true}`, Times: 1})
	_, body = call(t, http.MethodGet, url, s.AdminToken, nil, nil)
	assert.Equal(t, `{"custom":true}`, string(body))
}

func TestFaultResetAndTruncate(t *testing.T) {
	s := demo(t)
	url := s.URL + "/artifactory/generic-local/tools/jq/1.7.1/jq-linux-amd64"
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

	s.Emu.Faults().Inject(emulator.FaultRule{PathPrefix: "/artifactory/generic-local/", Reset: true, Times: 1})
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+s.AdminToken)
	_, err := client.Do(req)
	require.Error(t, err, "connection reset")

	s.Emu.Faults().Inject(emulator.FaultRule{PathPrefix: "/artifactory/generic-local/", TruncateBody: true, Times: 1})
	req, _ = http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+s.AdminToken)
	resp, err := client.Do(req)
	require.NoError(t, err)
	assert.Equal(t, int64(2048), resp.ContentLength)
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Error(t, err, "body cut short")
	assert.Len(t, b, 1024)

	s.Emu.Faults().Inject(emulator.FaultRule{PathPrefix: "/artifactory/generic-local/", CloseEarly: true, Times: 1})
	req, _ = http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+s.AdminToken)
	resp, err = client.Do(req)
	require.NoError(t, err)
	b, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "a clean close before Content-Length bytes, not a reset")
	assert.Len(t, b, 1024)

	resp, body := call(t, http.MethodGet, url, s.AdminToken, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Len(t, body, 2048)

	// A request is logged when its handler returns; for a connection taken
	// over and closed that can be after the client has moved on.
	require.Eventually(t, func() bool { return len(s.Emu.Requests()) == 4 }, 5*time.Second, time.Millisecond)
	statuses := map[int]int{}
	for _, r := range s.Emu.Requests() {
		statuses[r.Status]++
		assert.Equal(t, "/artifactory/generic-local/tools/jq/1.7.1/jq-linux-amd64", r.Path)
	}
	assert.Equal(t, map[int]int{0: 1, http.StatusOK: 3}, statuses, "the reset request has no status; cut bodies went out as 200")
}

func TestFaultLatency(t *testing.T) {
	s := demo(t)
	s.Emu.Faults().Inject(emulator.FaultRule{PathPrefix: "/artifactory/api/system/ping", Latency: 150 * time.Millisecond, Times: 1})
	start := time.Now()
	resp, body := call(t, http.MethodGet, s.URL+"/artifactory/api/system/ping", "", nil, nil)
	assert.GreaterOrEqual(t, time.Since(start), 150*time.Millisecond)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "OK", string(body))
}

func TestRequestLog(t *testing.T) {
	s := demo(t)
	s.Emu.ResetRequests()
	_, _ = call(t, http.MethodPut, rawURL(t, s.URL, "/artifactory/generic-local/a%20b.txt;k=v", ""), s.AdminToken, strings.NewReader("x"), nil)
	_, _ = call(t, http.MethodGet, s.URL+"/artifactory/api/storage/generic-local/a%20b.txt?properties=k", s.AdminToken, nil, nil)
	reqs := s.Emu.Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, "/artifactory/generic-local/a%20b.txt;k=v", reqs[0].Path)
	assert.Equal(t, http.StatusCreated, reqs[0].Status)
	assert.Equal(t, "properties=k", reqs[1].RawQuery)
	assert.Equal(t, http.StatusOK, reqs[1].Status)
	assert.False(t, reqs[1].Time.IsZero())
}

// rawPut sends one PUT on its own connection and returns the transport error.
func rawPut(t *testing.T, url, token string, body []byte) error {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	req, err := http.NewRequest(http.MethodPut, url, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err == nil {
		_ = resp.Body.Close()
	}
	return err
}

func TestFaultResetDuringTheBodyStoresNothing(t *testing.T) {
	s := demo(t)
	body := bytes.Repeat([]byte("x"), 64<<10)
	s.Emu.Faults().Inject(emulator.FaultRule{Method: http.MethodPut, PathPrefix: "/artifactory/generic-local/cut/", ResetAfterBodyBytes: 1000, Times: 1})
	require.Error(t, rawPut(t, s.URL+"/artifactory/generic-local/cut/a.bin", s.AdminToken, body), "connection reset")
	resp, _ := call(t, http.MethodGet, s.URL+"/artifactory/api/storage/generic-local/cut/a.bin", s.AdminToken, nil, nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "a body cut short is not stored")
	assert.Zero(t, s.Emu.Faults().Performed(http.MethodPut))
}

func TestFaultLoseAnswerPerformsThenResets(t *testing.T) {
	s := demo(t)
	f := s.Emu.Faults()
	body := []byte("stored, then the answer is lost")
	f.Inject(emulator.FaultRule{Method: http.MethodPut, PathPrefix: "/artifactory/generic-local/lost/", LoseAnswer: true, Times: 1})
	require.Error(t, rawPut(t, s.URL+"/artifactory/generic-local/lost/a.txt", s.AdminToken, body), "no answer")
	resp, got := call(t, http.MethodGet, s.URL+"/artifactory/generic-local/lost/a.txt", s.AdminToken, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, "the deploy was performed")
	assert.Equal(t, body, got)
	assert.Equal(t, 1, f.Performed(http.MethodPut))

	f.Inject(emulator.FaultRule{Method: http.MethodDelete, PathPrefix: "/artifactory/generic-local/lost/", LoseAnswer: true, Times: 1})
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	req, _ := http.NewRequest(http.MethodDelete, s.URL+"/artifactory/generic-local/lost/a.txt", nil)
	req.Header.Set("Authorization", "Bearer "+s.AdminToken)
	_, err := client.Do(req)
	require.Error(t, err)
	resp, _ = call(t, http.MethodGet, s.URL+"/artifactory/generic-local/lost/a.txt", s.AdminToken, nil, nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "the delete was performed")
	assert.Equal(t, 1, f.Performed(http.MethodDelete))

	// A refused request is not counted as performed.
	resp, _ = call(t, http.MethodDelete, s.URL+"/artifactory/generic-local/lost/a.txt", s.AdminToken, nil, nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Equal(t, 1, f.Performed(http.MethodDelete))
}

func TestFaultWithBodySkipsAChecksumDeploy(t *testing.T) {
	s := demo(t)
	s.Emu.Faults().Inject(emulator.FaultRule{Method: http.MethodPut, PathPrefix: "/artifactory/generic-local/", WithBody: true, Status: http.StatusServiceUnavailable, Times: 1})
	resp, _ := call(t, http.MethodPut, s.URL+"/artifactory/generic-local/cs.bin", s.AdminToken, nil,
		map[string]string{"X-Checksum-Deploy": "true", "X-Checksum-Sha256": strings.Repeat("a", 64)})
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "no body: the rule does not apply, the unknown checksum is a 404")
	resp, _ = call(t, http.MethodPut, s.URL+"/artifactory/generic-local/cs.bin", s.AdminToken, strings.NewReader("x"), nil)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	resp, _ = call(t, http.MethodPut, s.URL+"/artifactory/generic-local/cs.bin", s.AdminToken, strings.NewReader("x"), nil)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
}
