package emulator_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/emulatortest"
)

func TestPingsNeedNoAuth(t *testing.T) {
	s := emulatortest.Start(t, nil)
	tests := []struct {
		path, body, ctype string
	}{
		{"/artifactory/api/system/ping", "OK", "text/plain"},
		{"/artifactory//api/system/ping", "OK", "text/plain"}, // clients sometimes double the slash
		{"/artifactory/api/v1/system/readiness", `"code": "OK"`, "application/json"},
		{"/xray/api/v1/system/ping", `"status": "pong"`, "application/json"},
		{"/access/api/v1/system/ping", "OK", "text/plain"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			resp, body := call(t, http.MethodGet, s.URL+tc.path, "", nil, nil)
			require.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Contains(t, string(body), tc.body)
			assert.True(t, strings.HasPrefix(resp.Header.Get("Content-Type"), tc.ctype))
		})
	}
}

func TestVersionsAndHeaders(t *testing.T) {
	s := emulatortest.Start(t, nil)
	resp, body := call(t, http.MethodGet, s.URL+"/artifactory/api/system/version", s.AdminToken, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "7.104.5", decode(t, body)["version"])
	assert.True(t, strings.HasPrefix(resp.Header.Get("X-JFrog-Version"), "Artifactory/7.104.5"))
	assert.NotEmpty(t, resp.Header.Get("X-Artifactory-Id"))
	assert.NotEmpty(t, resp.Header.Get("X-Request-Id"))

	resp, body = call(t, http.MethodGet, s.URL+"/xray/api/v1/system/version", s.AdminToken, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "3.107.8", decode(t, body)["xray_version"])

	resp, _ = call(t, http.MethodGet, s.URL+"/access/api/v1/system/version", s.AdminToken, nil, nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

// JCG asks this before uploading a file above its split size; a filesystem
// store answers that it takes no multipart uploads.
func TestMultipartUploadConfig(t *testing.T) {
	s := emulatortest.Start(t, nil)
	resp, body := call(t, http.MethodGet, s.URL+"/artifactory/api/v1/uploads/config", s.AdminToken, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.JSONEq(t, `{"supported":false}`, string(body))
	resp, _ = call(t, http.MethodGet, s.URL+"/artifactory/api/v1/uploads/config", "", nil, nil)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	resp, _ = call(t, http.MethodPost, s.URL+"/artifactory/api/v1/uploads/config", s.AdminToken, nil, nil)
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}

func TestAuthFailuresPerSurface(t *testing.T) {
	s := emulatortest.Start(t, nil)
	t.Run("artifactory bad token", func(t *testing.T) {
		resp, body := call(t, http.MethodGet, s.URL+"/artifactory/api/repositories", "not-a-token", nil, nil)
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		assert.JSONEq(t, `{"errors":[{"status":401,"message":"Bad credentials"}]}`, string(body))
	})
	t.Run("artifactory bad password", func(t *testing.T) {
		resp, body := call(t, http.MethodGet, s.URL+"/artifactory/api/repositories", "admin:wrong", nil, nil)
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		assert.JSONEq(t, `{"errors":[{"status":401,"message":"Bad credentials"}]}`, string(body))
	})
	t.Run("artifactory anonymous", func(t *testing.T) {
		resp, body := call(t, http.MethodGet, s.URL+"/artifactory/api/repositories", "", nil, nil)
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		assert.Equal(t, `Basic realm="Artifactory Realm"`, resp.Header.Get("WWW-Authenticate"))
		assert.Contains(t, string(body), "Authentication is required")
	})
	t.Run("xray bad token", func(t *testing.T) {
		resp, body := call(t, http.MethodGet, s.URL+"/xray/api/v1/system/version", "nope", nil, nil)
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		assert.JSONEq(t, `{"error":"Found invalid token"}`, string(body))
	})
	t.Run("access bad token", func(t *testing.T) {
		resp, body := call(t, http.MethodGet, s.URL+"/access/api/v1/tokens/me", "nope", nil, nil)
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		assert.JSONEq(t, `{"errors":[{"code":"UNAUTHORIZED","message":"Bad credentials"}]}`, string(body))
	})
	t.Run("basic with password and with token", func(t *testing.T) {
		resp, _ := call(t, http.MethodGet, s.URL+"/artifactory/api/repositories", "admin:password", nil, nil)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		resp, _ = call(t, http.MethodGet, s.URL+"/artifactory/api/repositories", "admin:"+s.AdminToken, nil, nil)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
	})
	t.Run("api key header accepts a token", func(t *testing.T) {
		resp, _ := call(t, http.MethodGet, s.URL+"/artifactory/api/repositories", "", nil, map[string]string{"X-JFrog-Art-Api": s.AdminToken})
		assert.Equal(t, http.StatusOK, resp.StatusCode)
	})
	t.Run("unknown routes use each surface's shape", func(t *testing.T) {
		_, body := call(t, http.MethodGet, s.URL+"/artifactory/api/nothing", s.AdminToken, nil, nil)
		assert.JSONEq(t, `{"errors":[{"status":404,"message":"Not Found"}]}`, string(body))
		_, body = call(t, http.MethodGet, s.URL+"/xray/api/v1/nothing", s.AdminToken, nil, nil)
		assert.JSONEq(t, `{"error":"Not Found"}`, string(body))
		_, body = call(t, http.MethodGet, s.URL+"/access/api/v1/nothing", s.AdminToken, nil, nil)
		assert.JSONEq(t, `{"errors":[{"code":"NOT_FOUND","message":"Not Found"}]}`, string(body))
	})
}

// JCG decodes the token payload with base64.RawStdEncoding to read sub/exp
// (auth/authutils.go); the token must survive that.
func TestTokensAreJWTsJCGCanRead(t *testing.T) {
	s := demo(t)
	tok, err := s.Emu.MintToken("dev")
	require.NoError(t, err)
	parts := strings.Split(tok, ".")
	require.Len(t, parts, 3)
	payload, err := base64.RawStdEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var claims map[string]any
	require.NoError(t, json.Unmarshal(payload, &claims))
	assert.True(t, strings.HasSuffix(claims["sub"].(string), "/users/dev"))

	_, err = s.Emu.MintToken("nobody")
	assert.Error(t, err)

	resp, body := call(t, http.MethodGet, s.URL+"/access/api/v1/tokens/me", tok, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	me := decode(t, body)
	assert.Regexp(t, `^jfac@[0-9a-f]+/users/dev$`, me["subject"])
	assert.Equal(t, claims["jti"], me["token_id"])
	assert.IsType(t, float64(0), me["issued_at"]) // epoch seconds as a JSON number
}
