package tools_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

const (
	readmeFile   = "../README.md"
	toolsDocFile = "../docs/tools.md"
	readmeBegin  = "<!-- tools:begin (generated from the catalog: jfrog-mcp tools; refresh with UPDATE_DOCS=1 go test ./tools/ -run TestDocs) -->"
	readmeEnd    = "<!-- tools:end -->"
)

// TestDocsAreGenerated fails when docs/tools.md or the README's tools table
// is not what the catalog prints: the docs cannot drift from the code.
// UPDATE_DOCS=1 rewrites both.
func TestDocsAreGenerated(t *testing.T) {
	md := tools.CatalogMarkdown()
	readme, err := os.ReadFile(readmeFile)
	require.NoError(t, err)
	r := string(readme)
	i, j := strings.Index(r, readmeBegin), strings.Index(r, readmeEnd)
	require.True(t, i >= 0 && j > i, "README.md lacks the tools markers")
	table := readmeBegin + "\n\n" + tools.ToolsTable() + "\n" + readmeEnd
	if os.Getenv("UPDATE_DOCS") != "" {
		require.NoError(t, os.MkdirAll("../docs", 0o755))
		require.NoError(t, os.WriteFile(toolsDocFile, []byte(md), 0o644))
		require.NoError(t, os.WriteFile(readmeFile, []byte(r[:i]+table+r[j+len(readmeEnd):]), 0o644))
		return
	}
	got, err := os.ReadFile(toolsDocFile)
	require.NoError(t, err)
	assert.Equal(t, md, string(got), "docs/tools.md is stale: UPDATE_DOCS=1 go test ./tools/ -run TestDocs")
	assert.Equal(t, table, r[i:j+len(readmeEnd)], "the README tools table is stale: UPDATE_DOCS=1 go test ./tools/ -run TestDocs")
}

func TestCatalogJSONListsEveryTool(t *testing.T) {
	b, err := tools.CatalogJSON()
	require.NoError(t, err)
	for _, d := range tools.All() {
		assert.Contains(t, string(b), `"name": "`+d.Name()+`"`)
	}
}
