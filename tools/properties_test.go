package tools_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// Values with every character Artifactory's property syntax treats
// specially must come back exactly as they were set.
func TestPropertiesRoundTrip(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "props/a/file.txt", "content_text": "x"}))
	tricky := map[string]any{
		"semi":     "a;b",
		"equals":   "k=v",
		"comma":    []string{"one,two", "three"},
		"pipe":     "x|y",
		"slash":    `back\slash`,
		"spaces":   "  padded value  ",
		"unicode":  "héllo 漢字 ✓",
		"build.id": "42",
	}
	want := map[string][]string{
		"semi": {"a;b"}, "equals": {"k=v"}, "comma": {"one,two", "three"}, "pipe": {"x|y"},
		"slash": {`back\slash`}, "spaces": {"  padded value  "}, "unicode": {"héllo 漢字 ✓"}, "build.id": {"42"},
	}
	out := ok[tools.PropertiesResult](t, h.call(t, "set_artifact_properties", map[string]any{"repo": "generic-local", "path": "props/a/file.txt", "properties": tricky}))
	assert.Equal(t, want, out.Properties)
	info := ok[tools.ArtifactInfo](t, h.call(t, "get_artifact_info", map[string]any{"repo": "generic-local", "path": "props/a/file.txt"}))
	assert.Equal(t, want, info.Properties, "read back through the storage API")

	out = ok[tools.PropertiesResult](t, h.call(t, "delete_artifact_properties", map[string]any{"repo": "generic-local", "path": "props/a/file.txt", "keys": []string{"semi", "comma"}}))
	assert.NotContains(t, out.Properties, "semi")
	assert.NotContains(t, out.Properties, "comma")
	assert.Contains(t, out.Properties, "pipe")

	t.Run("recursive on a folder", func(t *testing.T) {
		ok[tools.PropertiesResult](t, h.call(t, "set_artifact_properties", map[string]any{"repo": "generic-local", "path": "props", "properties": map[string]any{"scope": "tree"}, "recursive": true}))
		info := ok[tools.ArtifactInfo](t, h.call(t, "get_artifact_info", map[string]any{"repo": "generic-local", "path": "props/a/file.txt"}))
		assert.Equal(t, []string{"tree"}, info.Properties["scope"])
	})

	t.Run("missing item", func(t *testing.T) {
		e := failed(t, h.call(t, "set_artifact_properties", map[string]any{"repo": "generic-local", "path": "props/none", "properties": map[string]any{"a": "b"}}))
		assert.Equal(t, tools.CodeNotFound, e.Code)
	})
}
