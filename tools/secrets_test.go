package tools_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// No token may reach the logs, at any level, on success or failure paths.
func TestLogsNeverContainTheToken(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.call(t, "get_platform_info", nil)
	h.call(t, "list_repositories", nil)
	h.call(t, "get_artifact_info", map[string]any{"repo": "no-such-repo"})
	h.emu.Emu.Faults().Inject(emulatorFault("/artifactory/api/repositories", 503))
	h.call(t, "list_repositories", nil)

	logs := h.logs.String()
	assert.NotEmpty(t, logs, "debug logging was on; something must have been logged")
	assert.NotContains(t, logs, h.emu.AdminToken)
	// A JWT's signature alone would be enough to replay it.
	assert.NotContains(t, logs, h.emu.AdminToken[len(h.emu.AdminToken)-20:])
}

// A property whose name says it is a secret is redacted in the audit log,
// and so in the client's debug log of the request that sets it (the first
// property shared the "properties=" pair, whose name alone was judged).
func TestLogsNeverContainASecretProperty(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	res := h.call(t, "upload_artifact", map[string]any{"repo": "app-staging-local", "path": "s.txt", "content_text": "x"})
	assert.False(t, res.IsError, text(res))
	res = h.call(t, "set_artifact_properties", map[string]any{"repo": "app-staging-local", "path": "s.txt", "properties": map[string]any{"db.password": "PROPSECRET-1"}})
	assert.False(t, res.IsError, text(res))
	res = h.call(t, "set_artifact_properties", map[string]any{"repo": "app-staging-local", "path": "s.txt", "properties": map[string]any{"a": "1", "api_token": "PROPSECRET-2"}})
	assert.False(t, res.IsError, text(res))
	logs := h.logs.String()
	assert.Contains(t, logs, "properties=db.password=REDACTED", "the request was logged")
	assert.NotContains(t, logs, "PROPSECRET")
}
