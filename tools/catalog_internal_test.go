package tools

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// Every combination of toolsets, in every mode: the instructions, each
// registered tool's description and every hint a registered tool can give
// name only registered tools, and nothing is left empty by leaving a
// clause out.
func TestTextsNameOnlyRegisteredTools(t *testing.T) {
	names := toolsetNames()
	require.Less(t, len(names), 16, "2^n subsets")
	guardHints := []string{ // the guard's hints that name tools
		"ask the operator to enable it (--mode, --toolsets, the policy file); get_platform_info shows what is allowed",
		"use a repository key exactly as list_repositories shows it",
	}
	for _, mode := range []guard.Mode{guard.ModeReadOnly, guard.ModeWrite, guard.ModeAdmin} {
		for mask := range 1 << len(names) {
			var on []string
			for i, n := range names {
				if mask&(1<<i) != 0 {
					on = append(on, n)
				}
			}
			g, err := guard.New(guard.Config{Policy: guard.DefaultPolicy(mode), Toolsets: on})
			require.NoError(t, err)
			d := &Deps{Guard: g}
			sel := Select(d)
			where := fmt.Sprintf("%s %v", mode, on)
			assertNamesOnly(t, where+" instructions", sel.Instructions(), sel.Names())
			for _, def := range All() {
				if !slices.Contains(sel.Names(), def.Name()) {
					continue
				}
				desc := d.say(def.Description())
				assert.NotEmpty(t, desc, "%s: %s description", where, def.Name())
				assertNamesOnly(t, where+" "+def.Name(), desc, sel.Names())
				for code, h := range def.errorHints() {
					said := d.say(h)
					assert.NotEmpty(t, said, "%s: %s's %s hint leaves nothing: write clauses that stand alone", where, def.Name(), code)
					assertNamesOnly(t, fmt.Sprintf("%s %s hint %s", where, def.Name(), code), said, sel.Names())
				}
			}
			for code, h := range defaultHints {
				said := d.say(h)
				assert.NotEmpty(t, said, "%s: the default %s hint leaves nothing", where, code)
				assertNamesOnly(t, fmt.Sprintf("%s default hint %s", where, code), said, sel.Names())
			}
			for _, h := range guardHints {
				assertNamesOnly(t, where+" guard hint", d.say(h), sel.Names())
			}
		}
	}
}

func assertNamesOnly(t *testing.T, where, text string, registered []string) {
	t.Helper()
	for _, n := range newMentions(nil).tools(text) {
		assert.Contains(t, registered, n, "%s names %s: %q", where, n, text)
	}
}

func TestOnlyRegisteredLeavesOutClauses(t *testing.T) {
	reg := map[string]bool{"get_artifact_info": true}
	for in, want := range map[string]string{
		"no such item: check it with get_artifact_info":                      "no such item: check it with get_artifact_info",
		"the repository does not exist; list_repositories shows the keys":    "the repository does not exist",
		"Find files. For a precise query use run_aql. Downloads stream.":     "Find files. Downloads stream.",
		"check it with get_artifact_info on its folder, or search_artifacts": "check it with get_artifact_info on its folder",
		"use a repository key exactly as list_repositories shows it":         "",
		"retry later; get_platform_info shows which services are reachable.": "retry later.",
	} {
		assert.Equal(t, want, newMentions(reg).onlyRegistered(in), in)
	}
}

// Every tool a file of this package defines is in the catalog: a tool that
// is defined but not listed would never be offered, or tested.
func TestEveryDefinedToolIsInTheCatalog(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	var defined []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		require.NoError(t, err)
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if id, ok := call.Fun.(*ast.Ident); !ok || id.Name != "Define" {
				return true
			}
			lit, ok := call.Args[0].(*ast.CompositeLit)
			require.True(t, ok, "%s: Define takes a Tool literal", fset.Position(call.Pos()))
			for _, e := range lit.Elts {
				kv, ok := e.(*ast.KeyValueExpr)
				if k, isID := kv.Key.(*ast.Ident); ok && isID && k.Name == "Name" {
					name, err := strconv.Unquote(kv.Value.(*ast.BasicLit).Value)
					require.NoError(t, err)
					defined = append(defined, name)
				}
			}
			return true
		})
	}
	var listed []string
	for _, d := range All() {
		listed = append(listed, d.Name())
	}
	require.NotEmpty(t, defined)
	assert.ElementsMatch(t, defined, listed)
}

func TestEnabledToolsets(t *testing.T) {
	def, err := EnabledToolsets(nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"platform", "repositories", "artifacts", "builds", "xray"}, def)
	got, err := EnabledToolsets([]string{"default", " access"})
	require.NoError(t, err)
	assert.Equal(t, []string{"platform", "repositories", "artifacts", "builds", "xray", "access"}, got)
	got, err = EnabledToolsets([]string{"xray", "platform"})
	require.NoError(t, err)
	assert.Equal(t, []string{"platform", "xray"}, got, "catalog order")
	all, err := EnabledToolsets([]string{"all"})
	require.NoError(t, err)
	assert.Equal(t, toolsetNames(), all)
	_, err = EnabledToolsets([]string{"artifact"})
	assert.ErrorContains(t, err, `unknown toolset "artifact"`)
}
