// Package tools defines the MCP tools. Every tool is a Tool[In, Out] value that
// goes through one wrapper: schemas reflected from In and Out, arguments
// validated and explained, the guard consulted on the actions the tool declares,
// upstream errors turned into results an agent can act on, and the result held
// to a byte budget.
package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	validator "github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// Annotations are the four MCP tool annotations. They describe everything a
// call can change, JFrog and the server's machine alike: a client may
// auto-approve a read-only tool, so a tool that can replace a local file is
// not read-only even when it only reads from JFrog. All four must be set:
// mcp-go's defaults (destructive, not read-only) would make clients ask a
// human to approve every read.
type Annotations struct {
	ReadOnly, Destructive, Idempotent, OpenWorld *bool
}

var (
	yes = new(true)
	no  = new(false)
)

// ReadOnly are the annotations of a tool that changes nothing anywhere.
var ReadOnly = Annotations{ReadOnly: yes, Destructive: no, Idempotent: yes, OpenWorld: yes}

// Tool is one MCP tool: its metadata and a typed handler.
type Tool[In, Out any] struct {
	Name  string
	Title string
	// Description goes over the wire in every tools/list: say what the
	// tool is for and when to use it, not what its schema already says.
	Description string
	// Docs is more for docs/tools.md and the README; it is never sent.
	Docs string
	// Class is the strongest JFrog action a call takes; it decides in which
	// modes the tool is offered. Annotations are separate: they also count
	// effects outside JFrog.
	Class       guard.Class
	Annotations Annotations
	// Actions lists what a call with these arguments will touch (each of a
	// guard resource kind); the guard decides on them before Handle runs.
	// Required: an action on no resource is refused as a bug.
	Actions func(in *In) []guard.Action
	// ErrorHints say what to do next for upstream errors this tool expects.
	ErrorHints ErrorHints
	// Handle does the work the guard allowed. dec is that decision: the
	// scoped query (dec.Query) and what results may describe
	// (dec.Reveals). The wrapper removes from Out every item the decision
	// hides (see Resourced), so a handler never filters for the policy.
	Handle func(ctx context.Context, d *Deps, in *In, dec *guard.Decision) (*Out, error)
	// Summary is the one line an agent reads first; the JSON follows it.
	Summary func(in *In, out *Out) string
	// Confirm makes a tool two-phase: it describes what this call would
	// change irreversibly, or returns nil when the call needs no
	// confirmation. Out must embed Pending and In must have confirm_token.
	// A plan describes existing items only where dec.Reveals allows.
	Confirm func(ctx context.Context, d *Deps, in *In, dec *guard.Decision) (*Plan, error)
}

// Validator is implemented by inputs with rules the schema cannot express
// (exactly one of several fields, a checksum of a known length, ...).
type Validator interface {
	Validate() error
}

// Definition is a tool ready to register, whatever its In and Out.
type Definition interface {
	Name() string
	Class() guard.Class
	// Annotations are the tool's MCP annotations.
	Annotations() Annotations
	// Description says what the tool does and when to use it.
	Description() string
	// Title is the tool's human-readable name.
	Title() string
	// Docs is what the documentation says beyond the description.
	Docs() string
	// InputSchema is the JSON schema of the tool's arguments.
	InputSchema() json.RawMessage
	serverTool(d *Deps, toolset string) server.ServerTool
	errorHints() ErrorHints
}

var toolName = regexp.MustCompile(`^[a-z][a-z0-9_]{2,63}$`)

// Define checks a tool's consistency and precomputes its schemas. It panics on
// a mistake, so a bad tool fails every test run instead of reaching a client.
func Define[In, Out any](t Tool[In, Out]) Definition {
	fail := func(format string, args ...any) {
		panic(fmt.Sprintf("tool %s: %s", t.Name, fmt.Sprintf(format, args...)))
	}
	switch {
	case !toolName.MatchString(t.Name):
		fail("name must be snake_case")
	case t.Description == "" || t.Title == "":
		fail("title and description are required")
	case !t.Class.Valid():
		fail("unknown class %q", t.Class)
	case t.Annotations.ReadOnly == nil || t.Annotations.Destructive == nil || t.Annotations.Idempotent == nil || t.Annotations.OpenWorld == nil:
		fail("all four annotations must be set")
	case *t.Annotations.ReadOnly && t.Class != guard.ClassRead:
		fail("readOnlyHint contradicts class %s", t.Class)
	case *t.Annotations.ReadOnly && *t.Annotations.Destructive:
		fail("a read-only tool cannot be destructive")
	case t.Handle == nil:
		fail("no handler")
	case t.Actions == nil:
		fail("no Actions: declare what a call touches (guard.PlatformAction, guard.BuildAction, ...)")
	}
	in, out := schemaFor[In](&reflector), schemaFor[Out](&outputReflector)
	if t.Confirm != nil {
		if _, ok := any(new(Out)).(pender); !ok {
			fail("a two-phase tool's result must embed Pending")
		}
		if !strings.Contains(string(in), `"`+confirmKey+`"`) {
			fail("a two-phase tool's input must have %s", confirmKey)
		}
	}
	return &definition[In, Out]{t: t, in: in, out: out, validator: newInputValidator(t.Name, in)}
}

type definition[In, Out any] struct {
	t         Tool[In, Out]
	in, out   json.RawMessage
	validator *inputValidator
	// Set on the copy one server registers (serverTool).
	toolset string
	say     func(string) string
}

func (d *definition[In, Out]) Name() string                 { return d.t.Name }
func (d *definition[In, Out]) Class() guard.Class           { return d.t.Class }
func (d *definition[In, Out]) Annotations() Annotations     { return d.t.Annotations }
func (d *definition[In, Out]) Description() string          { return d.t.Description }
func (d *definition[In, Out]) Title() string                { return d.t.Title }
func (d *definition[In, Out]) Docs() string                 { return d.t.Docs }
func (d *definition[In, Out]) InputSchema() json.RawMessage { return d.in }
func (d *definition[In, Out]) errorHints() ErrorHints       { return d.t.ErrorHints }

func (d *definition[In, Out]) serverTool(deps *Deps, toolset string) server.ServerTool {
	bound := *d
	bound.toolset, bound.say = toolset, deps.say
	d = &bound
	t := d.t
	tool := mcp.Tool{
		// No title: the snake_case name reads as well in a client, and a
		// title in every tools/list costs ~30 bytes per tool (docs show it).
		Name:            t.Name,
		Description:     deps.say(t.Description),
		RawInputSchema:  d.in,
		RawOutputSchema: d.out,
		// The title is the tool's own field; repeating it in the annotations
		// would cost bytes in every tools/list.
		Annotations: mcp.ToolAnnotation{
			ReadOnlyHint:    t.Annotations.ReadOnly,
			DestructiveHint: t.Annotations.Destructive,
			IdempotentHint:  t.Annotations.Idempotent,
			OpenWorldHint:   t.Annotations.OpenWorld,
		},
	}
	return server.ServerTool{Tool: tool, Handler: func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		start := time.Now()
		res, err := d.call(ctx, deps, req)
		outcome := outcomeOf(res, err)
		took := time.Since(start)
		deps.Outcomes.record(t.Name, outcome, took)
		deps.logger().LogAttrs(ctx, slog.LevelDebug, "tool call", slog.String("tool", t.Name),
			slog.String("outcome", string(outcome)), slog.Duration("duration", took))
		return res, err
	}}
}

func (d *definition[In, Out]) call(ctx context.Context, deps *Deps, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	t := d.t
	raw, err := json.Marshal(req.Params.Arguments)
	if err != nil {
		return nil, fmt.Errorf("marshal arguments of %s: %w", t.Name, err)
	}
	if bytes.Equal(raw, []byte("null")) {
		raw = []byte("{}")
	}
	doc, err := validator.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return errorResult(Errorf(CodeInvalidArgument, "", "arguments are not valid JSON: %v", err)), nil
	}
	if verr := d.validator.validate(doc); verr != nil {
		return errorResult(verr), nil
	}
	in := new(In)
	if err := json.Unmarshal(raw, in); err != nil {
		return errorResult(Errorf(CodeInvalidArgument, "", "cannot read arguments: %v", err)), nil
	}
	if v, ok := any(in).(Validator); ok {
		if err := v.Validate(); err != nil {
			return d.fail(err)
		}
	}
	actions := t.Actions(in)
	args, _ := req.Params.Arguments.(map[string]any)
	dec, err := deps.Guard.Check(ctx, guard.Call{Caller: CallerFrom(ctx), Tool: t.Name, Toolset: d.toolset, Class: t.Class, Actions: actions, Args: args,
		Repos: deps.repos(), Gates: deps.gateEvaluator()})
	if err != nil {
		return d.fail(err)
	}
	if t.Confirm != nil {
		proceed, res, err := d.confirmOrPlan(ctx, deps, in, args, dec)
		if !proceed {
			return res, err
		}
	}
	pctx := withProgress(ctx, req)
	out, err := t.Handle(pctx, deps, in, dec)
	progressFrom(pctx).settle()
	if err != nil {
		return d.fail(err)
	}
	applyDecision(out, dec)
	body, err := fitBudget(out, deps.budget())
	if err != nil {
		return d.fail(err)
	}
	summary := t.Name + " succeeded"
	if t.Summary != nil {
		summary = t.Summary(in, out)
	}
	// The JSON goes in the text too: many clients show the model only the
	// text content. It is compact and parsed once, never JSON-in-a-string.
	text := make([]byte, 0, len(summary)+1+len(body))
	text = append(append(append(text, summary...), '\n'), body...)
	return &mcp.CallToolResult{
		Content:           []mcp.Content{mcp.NewTextContent(string(text))},
		StructuredContent: json.RawMessage(body),
	}, nil
}

// fail turns an error into an isError result, or passes a bug through as a
// protocol error.
func (d *definition[In, Out]) fail(err error) (*mcp.CallToolResult, error) {
	e, ok := classify(err, d.t.ErrorHints)
	if !ok {
		return nil, fmt.Errorf("%s: %w", d.t.Name, err)
	}
	if d.say != nil {
		said := *e // e may be a value the handler shares
		said.Hint = d.say(e.Hint)
		e = &said
	}
	return errorResult(e), nil
}

// errorResult carries {"error":{...}} as text. It is not structuredContent:
// clients validate structuredContent against the tool's outputSchema, which
// describes success.
func errorResult(e *Error) *mcp.CallToolResult {
	b, _ := json.Marshal(struct {
		Error *Error `json:"error"`
	}{e})
	return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{mcp.NewTextContent(string(b))}}
}
