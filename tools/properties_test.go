package tools_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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

// Removing a key the item does not have says so, instead of "removed".
func TestDeleteAPropertyThatIsNotSet(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "p/a.txt", "content_text": "a", "properties": map[string]any{"qa": "passed"}}))
	res := h.call(t, "delete_artifact_properties", map[string]any{"repo": "generic-local", "path": "p/a.txt", "keys": []any{"qa", "nope"}})
	out := ok[tools.PropertiesResult](t, res)
	assert.Equal(t, []string{"nope"}, out.NotSet)
	assert.NotContains(t, out.Properties, "qa")
	assert.Contains(t, text(res), "removed qa from generic-local/p/a.txt; not set there: nope")

	res = h.call(t, "delete_artifact_properties", map[string]any{"repo": "generic-local", "path": "p/a.txt", "keys": []any{"nope"}})
	assert.Contains(t, text(res), "nothing removed from generic-local/p/a.txt; not set there: nope")
}

// A recursive change at a repository root or on a large folder is
// two-phase, with a count in the plan; a small folder is not.
func TestRecursivePropertiesOnALargeTreeAsk(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	for i := range 101 {
		ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": fmt.Sprintf("big/f%03d.txt", i), "content_text": "x"}))
	}
	ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "small/a.txt", "content_text": "x"}))

	t.Run("a small folder does not ask", func(t *testing.T) {
		out := ok[tools.PropertiesResult](t, h.call(t, "set_artifact_properties", map[string]any{"repo": "generic-local", "path": "small", "properties": map[string]any{"k": "v"}, "recursive": true}))
		assert.False(t, out.ConfirmationRequired)
	})
	// In order: the set, then the removal the last check relies on.
	for _, c := range []struct {
		name string
		tool string
		args map[string]any
		want string
	}{
		{"set on a large folder", "set_artifact_properties", map[string]any{"repo": "generic-local", "path": "big", "properties": map[string]any{"k": "v"}, "recursive": true},
			"set k on generic-local/big and every file under it (101 files)"},
		{"delete at a repository root", "delete_artifact_properties", map[string]any{"repo": "generic-local", "keys": []any{"k"}, "recursive": true},
			"remove k on the root of generic-local and every file under it"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t0 := time.Now()
			plan := ok[tools.PropertiesResult](t, h.call(t, c.tool, c.args))
			require.True(t, plan.ConfirmationRequired)
			assert.Contains(t, plan.Plan.Summary, c.want)
			for _, r := range h.requestsSince(t0) {
				assert.NotContains(t, r.Path, "properties", "nothing changed before the confirmation")
				assert.NotContains(t, r.RawQuery, "properties=", "nothing changed before the confirmation")
			}
			c.args["confirm_token"] = plan.Plan.ConfirmToken
			done := ok[tools.PropertiesResult](t, h.call(t, c.tool, c.args))
			assert.False(t, done.ConfirmationRequired)
		})
	}
	info := ok[tools.ArtifactInfo](t, h.call(t, "get_artifact_info", map[string]any{"repo": "generic-local", "path": "big/f050.txt"}))
	assert.NotContains(t, info.Properties, "k", "set on big, then removed from the whole repository")
}
