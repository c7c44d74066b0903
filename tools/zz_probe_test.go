package tools_test

import (
	"path/filepath"
	"testing"
)

func TestZZProbe(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, harnessOpts{roots: []string{dir}})
	c := func(tool string, args map[string]any) {
		r := h.call(t, tool, args)
		s := text(r)
		if len(s) > 700 {
			s = s[:700]
		}
		t.Logf("%s %v\n   -> %s", tool, args, s)
	}
	c("upload_artifact", map[string]any{"repo": "generic-local", "path": "p/a.txt", "content_text": "x"})
	c("upload_artifact", map[string]any{"repo": "generic-local", "path": "p/e.txt", "content_text": ""})
	c("download_artifact", map[string]any{"repo": "generic-local", "path": "p/e.txt"})
	c("download_artifact", map[string]any{"repo": "generic-local", "path": "p/e.txt", "local_path": filepath.Join(dir, "e.txt")})
	c("copy_artifacts", map[string]any{"from_repo": "generic-local", "from_path": "p/a.txt", "to_repo": "generic-local", "to_path": "p/a.txt"})
	c("copy_artifacts", map[string]any{"from_repo": "generic-local", "from_path": "p", "to_repo": "generic-local", "to_path": "p/sub", "dry_run": false})
	c("copy_artifacts", map[string]any{"from_repo": "generic-local", "from_path": "nope", "to_repo": "generic-local", "to_path": "x"})
	c("move_artifacts", map[string]any{"from_repo": "generic-local", "from_path": "p/a.txt", "to_repo": "nope-local", "to_path": "x", "dry_run": false})
	c("move_artifacts", map[string]any{"from_repo": "generic-local", "from_path": "p/a.txt", "to_repo": "generic-local", "to_path": "q/a.txt"})
	c("copy_artifacts", map[string]any{"from_repo": "generic-local", "from_path": "p/a.txt", "to_repo": "generic-local", "to_path": "p/e.txt", "dry_run": false})
	c("delete_artifact", map[string]any{"repo": "generic-local", "path": "p"})
}
