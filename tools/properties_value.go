package tools

import (
	"encoding/json"
	"fmt"

	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"

	"github.com/invopop/jsonschema"
)

// PropertyValues is one property's values. Agents write {"k":"v"} far more
// often than {"k":["v"]}; both are accepted.
type PropertyValues []string

// UnmarshalJSON accepts a string or an array of strings.
func (p *PropertyValues) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*p = PropertyValues{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("a property value must be a string or an array of strings")
	}
	*p = many
	return nil
}

// JSONSchema tells the reflector about the two accepted forms.
func (PropertyValues) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{AnyOf: []*jsonschema.Schema{
		{Type: "string"},
		{Type: "array", Items: &jsonschema.Schema{Type: "string"}},
	}}
}

// Properties maps a property key to its values.
type Properties map[string]PropertyValues

func (p Properties) plain() map[string][]string {
	out := make(map[string][]string, len(p))
	for k, v := range p {
		out[k] = []string(v)
	}
	return out
}

// validate refuses keys Artifactory refuses, before anything is sent.
func (p Properties) validate() error {
	for k, vs := range p {
		if k == "" {
			return Errorf(CodeInvalidArgument, "", "a property key is empty")
		}
		for _, r := range k {
			if r <= ' ' || containsRune(")(}{][*+^$\\/~`!@#%&<>;=,±§", r) {
				return Errorf(CodeInvalidArgument, "use letters, digits, '.', '-' and '_' in keys; values may contain anything",
					"property key %q contains %q, which Artifactory forbids in keys", k, r)
			}
		}
		if len(vs) == 0 {
			return Errorf(CodeInvalidArgument, "", "property %q has no value", k)
		}
	}
	return nil
}

func containsRune(s string, r rune) bool {
	for _, c := range s {
		if c == r {
			return true
		}
	}
	return false
}

// buildTags are the actions properties take on builds: build.name (with
// build.number) makes an artifact part of that build for everything that
// looks builds up by them (publish_build_info's collection, promotion), so
// setting it is publishing to the build, and the builds section decides.
// Artifactory matches property keys exactly; so does this.
func buildTags(props map[string][]string) []guard.Action {
	var as []guard.Action
	for _, name := range props["build.name"] {
		as = append(as, guard.BuildAction(guard.BuildPublish, name, ""))
	}
	return as
}
