//go:build unix

package quickstart

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mdLink is a markdown link's target, without its #fragment.
var mdLink = regexp.MustCompile(`\]\(([^)#\s]*)(#[^)\s]*)?\)`)

// TestDocLinksStayInTheRepository checks every tracked markdown file: a
// relative link names a file of the repository, and no text points a reader
// above it (`../x` from the root), which a clone does not have.
func TestDocLinksStayInTheRepository(t *testing.T) {
	out, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	require.NoError(t, err, "the test runs in a git clone")
	root := strings.TrimSpace(string(out))
	files, err := exec.Command("git", "-C", root, "ls-files", "*.md").Output()
	require.NoError(t, err)
	for _, name := range strings.Fields(string(files)) {
		b, err := os.ReadFile(filepath.Join(root, name))
		require.NoError(t, err)
		dir := filepath.Dir(filepath.Join(root, name))
		for _, m := range mdLink.FindAllStringSubmatch(string(b), -1) {
			target := m[1]
			if target == "" || strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			p := filepath.Join(dir, target)
			rel, err := filepath.Rel(root, p)
			if !assert.NoError(t, err) || !assert.False(t, rel == ".." || strings.HasPrefix(rel, "../"), "%s links to %s, outside the repository", name, target) {
				continue
			}
			_, err = os.Stat(p)
			assert.NoError(t, err, "%s links to %s, which is not in the repository", name, target)
		}
		for _, word := range regexp.MustCompile("`(\\.\\./[^`\\s]+)`").FindAllStringSubmatch(string(b), -1) {
			rel, err := filepath.Rel(root, filepath.Join(dir, word[1]))
			if assert.NoError(t, err) {
				assert.False(t, rel == ".." || strings.HasPrefix(rel, "../"), "%s names %s, outside the repository", name, word[1])
			}
		}
	}
}
