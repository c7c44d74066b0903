// Package registry checks server.json, the entry of this server in the MCP
// registry, against the registry's own published schema.
//
// The schema is not copied into this repository: it comes with the
// registry's Go module at the version go.mod pins (its hash in go.sum), the
// one the registry validates submissions with (internal/validators/schemas).
package registry

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/modelcontextprotocol/registry/pkg/model" // pins the module that carries the schema
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const schemaVersion = "2025-12-11"

func registrySchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/modelcontextprotocol/registry").Output()
	require.NoError(t, err, "locate the registry module")
	path := filepath.Join(strings.TrimSpace(string(out)), "internal", "validators", "schemas", schemaVersion+".json")
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	require.NoError(t, c.AddResource(path, doc))
	s, err := c.Compile(path)
	require.NoError(t, err)
	return s
}

func TestServerJSONMatchesTheRegistrySchema(t *testing.T) {
	s := registrySchema(t)
	b, err := os.ReadFile("../../server.json")
	require.NoError(t, err)
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(b)))
	require.NoError(t, err)
	require.NoError(t, s.Validate(doc))

	var entry struct {
		Schema     string `json:"$schema"`
		Name       string `json:"name"`
		Repository struct {
			URL string `json:"url"`
		} `json:"repository"`
	}
	require.NoError(t, json.Unmarshal(b, &entry))
	assert.Contains(t, entry.Schema, "/schemas/"+schemaVersion+"/", "server.json names the schema it is checked against")
	// The registry proves a github namespace by the repository's owner.
	assert.Equal(t, "io.github.jfrog-mcp/jfrog-mcp", entry.Name)
	assert.True(t, strings.HasPrefix(entry.Repository.URL, "https://github.com/jfrog-mcp/"), entry.Repository.URL)
}

// The schema really is strict: a broken entry fails, so the test above can.
func TestABrokenServerJSONFails(t *testing.T) {
	s := registrySchema(t)
	for name, bad := range map[string]string{
		"no slash in the name":          `{"name":"jfrog-mcp","description":"d","version":"1.0.0"}`,
		"description too long":          `{"name":"io.github.a/b","description":"` + strings.Repeat("x", 101) + `","version":"1.0.0"}`,
		"a package with version latest": `{"name":"io.github.a/b","description":"d","version":"1.0.0","packages":[{"registryType":"npm","identifier":"x","version":"latest","transport":{"type":"stdio"}}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			doc, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
			require.NoError(t, err)
			assert.Error(t, s.Validate(doc))
		})
	}
}
