package tools_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// A not-found says what is missing: a repository key the guard looks up
// and finds missing is refused before anything else is sent; a missing path is JFrog's 404 with a hint that
// says the repositories exist and the path does not.
func TestNotFoundSaysWhatIsMissing(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	cases := map[string]struct {
		tool      string
		args      map[string]any
		code      tools.Code
		inMessage string
		inHint    string
	}{
		"copy: source repository": {"copy_artifacts", map[string]any{"from_repo": "nope-local", "from_path": "x", "to_repo": "generic-local"},
			tools.CodeNotFound, "repository nope-local does not exist", "list_repositories"},
		"copy: target repository": {"copy_artifacts", map[string]any{"from_repo": "generic-local", "from_path": "x", "to_repo": "nope2-local"},
			tools.CodeNotFound, "repository nope2-local does not exist", "list_repositories"},
		"copy: source path": {"copy_artifacts", map[string]any{"from_repo": "generic-local", "from_path": "no/such", "to_repo": "generic-local", "to_path": "y", "dry_run": false},
			tools.CodeNotFound, "", "from_path does not"},
		"move: source path": {"move_artifacts", map[string]any{"from_repo": "generic-local", "from_path": "no/such", "to_repo": "generic-local", "to_path": "y"},
			tools.CodeNotFound, "", "from_path does not"},
		"info: path": {"get_artifact_info", map[string]any{"repo": "generic-local", "path": "no/such"},
			tools.CodeNotFound, "", "the path does not"},
		"download: path": {"download_artifact", map[string]any{"repo": "generic-local", "path": "no/such"},
			tools.CodeNotFound, "", "the file does not"},
		"delete: path": {"delete_artifact", map[string]any{"repo": "generic-local", "path": "no/such"},
			tools.CodeNotFound, "", "nothing is at that path"},
		"properties: path": {"set_artifact_properties", map[string]any{"repo": "generic-local", "path": "no/such", "properties": map[string]any{"a": "b"}},
			tools.CodeNotFound, "", "nothing is at that path"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			e := failed(t, h.call(t, c.tool, c.args))
			assert.Equal(t, c.code, e.Code)
			assert.Contains(t, e.Message, c.inMessage)
			assert.Contains(t, e.Hint, c.inHint)
		})
	}
}
