package tools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/invopop/jsonschema"
	validator "github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

var english = message.NewPrinter(language.English)

// reflector turns In/Out structs into inline object schemas: no $ref/$defs (some
// clients cannot follow them), no $id, required only where tagged, and
// additionalProperties:false so unknown arguments are rejected, not ignored.
var reflector = jsonschema.Reflector{
	Anonymous:                  true,
	DoNotReference:             true,
	ExpandedStruct:             true,
	RequiredFromJSONSchemaTags: true,
	// `any` would reflect to the bare schema `true`, which several model
	// providers reject; `{}` means the same and is accepted everywhere.
	Mapper: func(t reflect.Type) *jsonschema.Schema {
		if t.Kind() == reflect.Interface {
			return &jsonschema.Schema{}
		}
		return nil
	},
}

// outputReflector differs in one way: every field without omitempty is
// required, so a client validating structuredContent catches a missing
// field, not only a wrong type.
var outputReflector = func() jsonschema.Reflector {
	r := reflector
	r.RequiredFromJSONSchemaTags = false
	return r
}()

// schemaFor reflects T into a JSON object schema. It panics on anything that is
// not an object schema: a tool with a non-object input schema makes some SDKs
// reject the whole tools list, so that must never ship.
func schemaFor[T any](r *jsonschema.Reflector) json.RawMessage {
	s := r.Reflect(new(T))
	s.Version = ""
	if s.Type != "object" {
		panic(fmt.Sprintf("schema of %T is %q, want an object", *new(T), s.Type))
	}
	b, err := json.Marshal(s)
	if err != nil {
		panic(fmt.Sprintf("marshal schema of %T: %v", *new(T), err))
	}
	return compact(b, r == &outputReflector)
}

// compact drops what costs bytes in every tools/list without telling a
// client anything: empty "required" lists everywhere, and in output schemas
// everything below the names and types of the result's fields. An agent
// reads the result itself, whose JSON shows every nested field; what it
// needs before the call is which fields come back. The output schema stays
// true (every result validates against it), only less detailed. The input
// root keeps "additionalProperties": false, so unknown arguments are refused.
func compact(schema json.RawMessage, output bool) json.RawMessage {
	var v any
	if err := json.Unmarshal(schema, &v); err != nil {
		panic(fmt.Sprintf("re-read schema: %v", err))
	}
	if output {
		v = shallow(v.(map[string]any))
	} else {
		var walk func(x any)
		walk = func(x any) {
			switch n := x.(type) {
			case map[string]any:
				if r, ok := n["required"].([]any); ok && len(r) == 0 {
					delete(n, "required")
				}
				for _, c := range n {
					walk(c)
				}
			case []any:
				for _, c := range n {
					walk(c)
				}
			}
		}
		walk(v)
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("marshal schema: %v", err))
	}
	return b
}

// shallow keeps an output schema's root type and its properties' names and
// types.
func shallow(root map[string]any) map[string]any {
	props, _ := root["properties"].(map[string]any)
	kept := make(map[string]any, len(props))
	for name, p := range props {
		kept[name] = typeOnly(p)
	}
	return map[string]any{"type": root["type"], "properties": kept}
}

func typeOnly(x any) any {
	n, ok := x.(map[string]any)
	if !ok {
		return map[string]any{}
	}
	t, ok := n["type"]
	if !ok {
		return map[string]any{} // anyOf, or any value
	}
	return map[string]any{"type": t}
}

// inputValidator checks raw arguments against a tool's input schema and says
// what is wrong in words an agent acts on, not as a Go struct dump.
type inputValidator struct {
	schema *validator.Schema
	names  []string // the valid argument names, for "unknown argument" messages
}

func newInputValidator(tool string, raw json.RawMessage) *inputValidator {
	doc, err := validator.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		panic(fmt.Sprintf("tool %s: input schema: %v", tool, err))
	}
	c := validator.NewCompiler()
	url := "mem://tools/" + tool + ".json"
	if err := c.AddResource(url, doc); err != nil {
		panic(fmt.Sprintf("tool %s: input schema: %v", tool, err))
	}
	s, err := c.Compile(url)
	if err != nil {
		panic(fmt.Sprintf("tool %s: input schema: %v", tool, err))
	}
	var names []string
	if m, ok := doc.(map[string]any); ok {
		if props, ok := m["properties"].(map[string]any); ok {
			for k := range props {
				names = append(names, k)
			}
		}
	}
	slices.Sort(names)
	return &inputValidator{schema: s, names: names}
}

// validate returns nil or an invalid_argument error listing every problem.
func (v *inputValidator) validate(args any) *Error {
	err := v.schema.Validate(args)
	if err == nil {
		return nil
	}
	ve, ok := err.(*validator.ValidationError)
	if !ok {
		return Errorf(CodeInvalidArgument, "", "invalid arguments: %v", err)
	}
	var problems []string
	v.collect(ve, &problems)
	slices.Sort(problems)
	problems = slices.Compact(problems)
	if len(problems) == 0 {
		problems = []string{"arguments do not match the tool's input schema"}
	}
	return Errorf(CodeInvalidArgument, "fix the arguments and call again; the tool's inputSchema lists every argument",
		"%s", strings.Join(problems, "; "))
}

func (v *inputValidator) collect(ve *validator.ValidationError, out *[]string) {
	if len(ve.Causes) > 0 {
		for _, c := range ve.Causes {
			v.collect(c, out)
		}
		return
	}
	where := strings.Join(ve.InstanceLocation, ".")
	arg := "argument " + where
	switch k := ve.ErrorKind.(type) {
	case *kind.Required:
		for _, m := range k.Missing {
			if where == "" {
				*out = append(*out, "missing required argument "+m)
			} else {
				*out = append(*out, fmt.Sprintf("missing required field %s in %s", m, where))
			}
		}
	case *kind.AdditionalProperties:
		for _, p := range k.Properties {
			if where == "" {
				*out = append(*out, fmt.Sprintf("unknown argument %s (valid arguments: %s)", p, strings.Join(v.names, ", ")))
			} else {
				*out = append(*out, fmt.Sprintf("unknown field %s in %s", p, where))
			}
		}
	case *kind.Type:
		*out = append(*out, fmt.Sprintf("%s must be %s, got %s", arg, strings.Join(k.Want, " or "), k.Got))
	case *kind.Enum:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = fmt.Sprint(w)
		}
		*out = append(*out, fmt.Sprintf("%s must be one of %s, got %v", arg, strings.Join(want, ", "), k.Got))
	case *kind.Minimum:
		*out = append(*out, fmt.Sprintf("%s must be at least %s, got %s", arg, k.Want.RatString(), k.Got.RatString()))
	case *kind.Maximum:
		*out = append(*out, fmt.Sprintf("%s must be at most %s, got %s", arg, k.Want.RatString(), k.Got.RatString()))
	case *kind.MinLength:
		*out = append(*out, fmt.Sprintf("%s must have at least %d characters", arg, k.Want))
	case *kind.MaxLength:
		*out = append(*out, fmt.Sprintf("%s must have at most %d characters, got %d", arg, k.Want, k.Got))
	case *kind.MinItems:
		*out = append(*out, fmt.Sprintf("%s must have at least %d items", arg, k.Want))
	case *kind.MaxItems:
		*out = append(*out, fmt.Sprintf("%s must have at most %d items, got %d", arg, k.Want, k.Got))
	case *kind.Pattern:
		*out = append(*out, fmt.Sprintf("%s must match %s", arg, k.Want))
	default:
		msg := ve.ErrorKind.LocalizedString(english)
		if where != "" {
			msg = arg + ": " + msg
		}
		*out = append(*out, msg)
	}
}
