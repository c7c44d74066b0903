package client

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestXrayPingAndVersion(t *testing.T) {
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/xray/api/v1/system/ping":
			writeJSON(w, 200, `{"status":"pong"}`)
		case "/xray/api/v1/system/version":
			writeJSON(w, 200, `{"xray_version":"3.107.8","xray_revision":"5735964"}`)
		default:
			http.NotFound(w, r)
		}
	})
	c := newClient(t, srv.URL)
	require.NoError(t, c.Xray.Ping(t.Context()))
	assert.Equal(t, "Bearer test-token", rec.last(t).Header.Get("Authorization"))
	v, err := c.Xray.Version(t.Context())
	require.NoError(t, err)
	assert.Equal(t, &XrayVersion{XrayVersion: "3.107.8", XrayRevision: "5735964"}, v)
}

func TestXrayPingWrongBody(t *testing.T) {
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"status":"down"}`) })
	err := newClient(t, srv.URL).Xray.Ping(t.Context())
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"down"`)

	srv, _ = newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, "<html></html>")
	})
	err = newClient(t, srv.URL).Xray.Ping(t.Context())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "text/html")
	assert.ErrorIs(t, err, ErrNotJSON, "a login or proxy page is marked, so tools can say what to check")
}

func TestXrayInvalidToken(t *testing.T) {
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 401, `{"error":"Found invalid token"}`) })
	_, err := newClient(t, srv.URL).Xray.Version(t.Context())
	assert.True(t, IsUnauthorized(err))
	assert.Contains(t, err.Error(), "Found invalid token")
}

func TestAccessPingAndWhoAmI(t *testing.T) {
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/access/api/v1/system/ping":
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, "OK")
		case "/access/api/v1/tokens/me":
			writeJSON(w, 200, `{"token_id":"tid","subject":"jfac@01abc/users/admin","expiry":1735689600,"issued_at":1704153600,
				"issuer":"jfac@01abc","description":"ci","refreshable":true,"last_used":1704153601}`)
		default:
			writeJSON(w, 404, `{"errors":[{"code":"NOT_FOUND","message":"nope"}]}`)
		}
	})
	c := newClient(t, srv.URL)
	require.NoError(t, c.Access.Ping(t.Context()))
	assert.Equal(t, "/access/api/v1/system/ping", rec.last(t).Path)

	ti, err := c.Access.WhoAmI(t.Context())
	require.NoError(t, err)
	assert.Equal(t, &TokenInfo{TokenID: "tid", Subject: "jfac@01abc/users/admin", Expiry: 1735689600, IssuedAt: 1704153600,
		Issuer: "jfac@01abc", Description: "ci", Refreshable: true, LastUsed: 1704153601}, ti)
	assert.Equal(t, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), ti.ExpiresAt())
	assert.True(t, (&TokenInfo{}).ExpiresAt().IsZero())
}

func TestAccessErrorCode(t *testing.T) {
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 403, `{"errors":[{"code":"FORBIDDEN","message":"Only admin can see other tokens"}]}`)
	})
	_, err := newClient(t, srv.URL).Access.WhoAmI(t.Context())
	apiErr, ok := AsAPIError(err)
	require.True(t, ok)
	assert.Equal(t, SurfaceAccess, apiErr.Surface)
	assert.Equal(t, "FORBIDDEN", apiErr.Code)
	assert.True(t, IsForbidden(err))
}

// Before Xray 3.77 the build-scan results are a GET with the name and number
// in the path, as JCG does; 202 means still scanning.
func TestBuildScanPollerPicksTheEndpointByVersion(t *testing.T) {
	for _, tc := range []struct{ version, method, path string }{
		{"3.76.9", http.MethodGet, "/xray/api/v2/ci/build/my%20build/1"},
		{"3.77.0", http.MethodPost, "/xray/api/v2/ci/build/scanResult"},
		{"4.0.0", http.MethodPost, "/xray/api/v2/ci/build/scanResult"},
	} {
		t.Run(tc.version, func(t *testing.T) {
			polls := 0
			srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/xray/api/v1/system/version" {
					writeJSON(w, 200, `{"xray_version":"`+tc.version+`"}`)
					return
				}
				polls++
				if polls == 1 {
					writeJSON(w, 202, `{"info":"in progress"}`)
					return
				}
				writeJSON(w, 200, `{"build_name":"my build","build_number":"1","status":"completed","fail_build":true}`)
			})
			p, err := newClient(t, srv.URL).Xray.NewBuildScanPoller(t.Context(), BuildRef{Name: "my build", Number: "1"}, true)
			require.NoError(t, err)
			res, err := p.Poll(t.Context())
			require.NoError(t, err)
			assert.Nil(t, res)
			res, err = p.Poll(t.Context())
			require.NoError(t, err)
			assert.True(t, res.FailBuild)
			last := rec.last(t)
			assert.Equal(t, tc.method, last.Method)
			assert.Equal(t, tc.path, last.EscapedPath)
			assert.Equal(t, "include_vulnerabilities=true", last.RawQuery)
		})
	}
}
