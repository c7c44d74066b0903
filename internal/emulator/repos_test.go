package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/emulatortest"
)

func TestRepositoryCRUD(t *testing.T) {
	s := emulatortest.Start(t, nil)
	api := s.URL + "/artifactory/api/repositories/"

	resp, body := call(t, http.MethodPut, api+"my-maven", s.AdminToken,
		strings.NewReader(`{"key":"my-maven","rclass":"local","packageType":"maven","description":"mine"}`), map[string]string{"Content-Type": "application/json"})
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	assert.Equal(t, "Successfully created repository 'my-maven'", string(body))

	t.Run("keys are unique case-insensitively", func(t *testing.T) {
		resp, body := call(t, http.MethodPut, api+"MY-MAVEN", s.AdminToken, strings.NewReader(`{"rclass":"local","packageType":"maven"}`), nil)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)
		assert.Contains(t, string(body), "Case insensitive repository key already exists")
	})
	t.Run("validation", func(t *testing.T) {
		for name, cfg := range map[string]string{
			"rclass":           `{"rclass":"weird","packageType":"generic"}`,
			"packageType":      `{"rclass":"local","packageType":"nope"}`,
			"remote needs url": `{"rclass":"remote","packageType":"npm"}`,
			"virtual members":  `{"rclass":"virtual","packageType":"maven","repositories":["ghost"]}`,
			"bad json":         `{`,
			"key mismatch":     `{"key":"other","rclass":"local"}`,
		} {
			resp, _ := call(t, http.MethodPut, api+"x-"+strings.ReplaceAll(name, " ", "-"), s.AdminToken, strings.NewReader(cfg), nil)
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode, name)
		}
		resp, _ := call(t, http.MethodPut, api+".bad", s.AdminToken, strings.NewReader(`{"rclass":"local"}`), nil)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	})
	t.Run("get returns lowercase config with defaults", func(t *testing.T) {
		resp, body := call(t, http.MethodGet, api+"my-maven", s.AdminToken, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		m := decode(t, body)
		assert.Equal(t, "local", m["rclass"])
		assert.Equal(t, "maven", m["packageType"])
		assert.Equal(t, "**/*", m["includesPattern"])
		assert.Equal(t, "maven-2-default", m["repoLayoutRef"])
		assert.Equal(t, "client-checksums", m["checksumPolicyType"])
		assert.Equal(t, []any{}, m["environments"])
	})
	t.Run("list uses uppercase type and display package type", func(t *testing.T) {
		_, _ = call(t, http.MethodPut, api+"npm-remote", s.AdminToken, strings.NewReader(`{"rclass":"remote","packageType":"npm","url":"https://registry.npmjs.org"}`), nil)
		_, body := call(t, http.MethodGet, s.URL+"/artifactory/api/repositories", s.AdminToken, nil, nil)
		assert.JSONEq(t, `[
		  {"key":"my-maven","type":"LOCAL","description":"mine","url":"`+s.URL+`/artifactory/my-maven","packageType":"Maven"},
		  {"key":"npm-remote","type":"REMOTE","url":"`+s.URL+`/artifactory/npm-remote","packageType":"Npm"}]`, string(body))
		_, body = call(t, http.MethodGet, s.URL+"/artifactory/api/repositories?type=remote", s.AdminToken, nil, nil)
		assert.Contains(t, string(body), "npm-remote")
		assert.NotContains(t, string(body), "my-maven")
		_, body = call(t, http.MethodGet, s.URL+"/artifactory/api/repositories?packageType=maven", s.AdminToken, nil, nil)
		assert.NotContains(t, string(body), "npm-remote")
	})
	t.Run("update", func(t *testing.T) {
		resp, body := call(t, http.MethodPost, api+"my-maven", s.AdminToken, strings.NewReader(`{"description":"updated"}`), nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
		_, body = call(t, http.MethodGet, api+"my-maven", s.AdminToken, nil, nil)
		assert.Equal(t, "updated", decode(t, body)["description"])
		resp, _ = call(t, http.MethodPost, api+"my-maven", s.AdminToken, strings.NewReader(`{"rclass":"remote"}`), nil)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	})
	t.Run("non-admins cannot manage repositories", func(t *testing.T) {
		resp, _ := call(t, http.MethodPut, api+"other", "nobody:x", strings.NewReader(`{"rclass":"local"}`), nil)
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	})
	t.Run("delete removes content", func(t *testing.T) {
		resp, _ := call(t, http.MethodPut, s.URL+"/artifactory/my-maven/a/b.jar", s.AdminToken, strings.NewReader("jar"), nil)
		require.Equal(t, http.StatusCreated, resp.StatusCode)
		resp, body := call(t, http.MethodDelete, api+"my-maven", s.AdminToken, nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, string(body), "my-maven")
		resp, _ = call(t, http.MethodGet, api+"my-maven", s.AdminToken, nil, nil)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
		resp, _ = call(t, http.MethodPut, api+"my-maven", s.AdminToken, strings.NewReader(`{"rclass":"local"}`), nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		resp, _ = call(t, http.MethodGet, s.URL+"/artifactory/my-maven/a/b.jar", s.AdminToken, nil, nil)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, "recreating a repo does not resurrect content")
	})
}

func TestScopedUserCannotManageRepos(t *testing.T) {
	s := demo(t)
	dev, err := s.Emu.MintToken("dev")
	require.NoError(t, err)
	resp, body := call(t, http.MethodDelete, s.URL+"/artifactory/api/repositories/app-staging-local", dev, nil, nil)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, string(body), `"status" : 403`)
}
