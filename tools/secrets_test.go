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
