package tools

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// docs/error-handling.md has one row per error code, and only those: the
// codes are read from the Code constants of this package's source.
func TestErrorDocListsEveryCode(t *testing.T) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "errors.go", nil, 0)
	require.NoError(t, err)
	var codes []string
	for _, decl := range file.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Code" {
				continue
			}
			for _, v := range vs.Values {
				s, err := strconv.Unquote(v.(*ast.BasicLit).Value)
				require.NoError(t, err)
				codes = append(codes, s)
			}
		}
	}
	require.NotEmpty(t, codes)
	assert.Contains(t, codes, string(CodeGuardDenied))

	doc, err := os.ReadFile("../docs/error-handling.md")
	require.NoError(t, err)
	var documented []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\| .+ \\| .+ \\|$").FindAllStringSubmatch(string(doc), -1) {
		documented = append(documented, m[1])
	}
	assert.ElementsMatch(t, codes, documented, "docs/error-handling.md's code table and tools/errors.go differ")
}
