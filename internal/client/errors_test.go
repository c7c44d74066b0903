package client

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestErrorBodiesPerSurface(t *testing.T) {
	cases := []struct {
		name        string
		surface     Surface
		status      int
		contentType string
		body        string
		wantCode    string
		wantMsg     string
	}{
		{"artifactory", SurfaceArtifactory, 404, "application/json", "{\n  \"errors\" : [ {\n    \"status\" : 404,\n    \"message\" : \"File not found.\"\n  } ]\n}", "", "File not found."},
		{"artifactory bad credentials", SurfaceArtifactory, 401, "application/json", `{"errors":[{"status":401,"message":"Bad credentials"}]}`, "", "Bad credentials"},
		{"artifactory several", SurfaceArtifactory, 400, "application/json", `{"errors":[{"status":400,"message":"a"},{"status":400,"message":"b"}]}`, "", "a; b"},
		{"xray error", SurfaceXray, 401, "application/json", `{"error":"Found invalid token"}`, "", "Found invalid token"},
		{"xray info", SurfaceXray, 404, "application/json", `{"info":"Build wasn't found"}`, "", "Build wasn't found"},
		{"access", SurfaceAccess, 400, "application/json", `{"errors":[{"code":"BAD_REQUEST","message":"Token not found"}]}`, "BAD_REQUEST", "Token not found"},
		{"plain text", SurfaceArtifactory, 400, "text/plain", "Case insensitive repository key already exists", "", "Case insensitive repository key already exists"},
		{"html", SurfaceArtifactory, 502, "text/html", "<html><body>Bad Gateway</body></html>", "", "Bad Gateway"},
		{"empty", SurfaceArtifactory, 404, "", "", "", "Not Found"},
		{"other json", SurfaceXray, 500, "application/json", `{"message":"boom"}`, "", "boom"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				if tc.contentType != "" {
					w.Header().Set("Content-Type", tc.contentType)
				}
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			})
			c := newClient(t, srv.URL, func(c *Config) { c.MaxRetries = -1 })
			err := c.DoJSON(t.Context(), Request{Surface: tc.surface, Path: "api/thing/x"}, nil)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.surface, apiErr.Surface)
			assert.Equal(t, tc.status, apiErr.Status)
			assert.Equal(t, tc.wantCode, apiErr.Code)
			assert.Equal(t, tc.wantMsg, apiErr.Message)
			assert.Equal(t, "GET", apiErr.Method)
			assert.Equal(t, "api/thing/x", apiErr.Path)
			assert.Contains(t, err.Error(), string(tc.surface)+" GET api/thing/x: ")
			assert.Contains(t, err.Error(), tc.wantMsg)
		})
	}
}

func TestErrorBodyIsCapped(t *testing.T) {
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, strings.Repeat("x", 1<<20))
	})
	err := newClient(t, srv.URL).DoJSON(t.Context(), Request{Surface: SurfaceArtifactory, Path: "a"}, nil)
	apiErr, ok := AsAPIError(err)
	require.True(t, ok)
	assert.LessOrEqual(t, len(apiErr.body), maxErrorBody)
	assert.LessOrEqual(t, len(apiErr.Message), maxMessage+len("…"))
}

func TestErrorHelpers(t *testing.T) {
	mk := func(status int) error {
		return &APIError{Surface: SurfaceArtifactory, Status: status, Retryable: retryableStatus(status)}
	}
	wrapped := func(err error) error { return errors.Join(errors.New("context"), err) }
	assert.True(t, IsNotFound(wrapped(mk(404))))
	assert.True(t, IsUnauthorized(mk(401)))
	assert.True(t, IsForbidden(mk(403)))
	assert.True(t, IsRateLimited(mk(429)))
	for _, s := range []int{429, 502, 503, 504} {
		assert.True(t, IsRetryable(mk(s)), s)
	}
	for _, s := range []int{400, 401, 404, 500} {
		assert.False(t, IsRetryable(mk(s)), s)
	}
	assert.False(t, IsNotFound(errors.New("plain")))
	assert.Equal(t, 0, StatusCode(nil))
	assert.Equal(t, "artifactory GET api/x: 404 Not Found [NOPE]: gone",
		(&APIError{Surface: SurfaceArtifactory, Status: 404, Code: "NOPE", Message: "gone", Method: "GET", Path: "api/x"}).Error())
}
