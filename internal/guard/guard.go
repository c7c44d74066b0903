// Package guard decides, before any handler runs, whether a tool call may take
// the actions it declares. Tools never check permissions themselves: they
// declare actions (class + repository + path) and the guard decides, so a new
// tool cannot forget a check.
package guard

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
)

// Mode is the coarse permission level the server runs with.
type Mode string

// The three modes. read-only is the default against a real JFrog Platform.
const (
	ModeReadOnly Mode = "read-only"
	ModeWrite    Mode = "write"
	ModeAdmin    Mode = "admin"
)

// ParseMode accepts the spellings a user is likely to type.
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "read-only", "readonly", "read_only", "ro":
		return ModeReadOnly, nil
	case "write", "rw":
		return ModeWrite, nil
	case "admin":
		return ModeAdmin, nil
	}
	return "", fmt.Errorf("unknown mode %q: use read-only, write or admin", s)
}

// Class is what kind of effect an action has on the platform.
type Class string

// Action classes, from least to most powerful.
const (
	ClassRead    Class = "read"
	ClassWrite   Class = "write"
	ClassDelete  Class = "delete"
	ClassPromote Class = "promote"
	ClassAdmin   Class = "admin"
)

// Valid reports whether c is one of the known classes.
func (c Class) Valid() bool {
	switch c {
	case ClassRead, ClassWrite, ClassDelete, ClassPromote, ClassAdmin:
		return true
	}
	return false
}

// allows reports whether mode m permits actions of class c.
func (m Mode) allows(c Class) bool {
	switch m {
	case ModeAdmin:
		return true
	case ModeWrite:
		return c != ClassAdmin
	default:
		return c == ClassRead
	}
}

// Action is one effect a tool call will have: a class on a repository path.
// Repo and Path are empty for platform-wide actions (e.g. reading versions).
type Action struct {
	Class Class  `json:"class"`
	Repo  string `json:"repo,omitempty"`
	Path  string `json:"path,omitempty"`
	// Local is a file on the server's machine the call reads (ClassRead) or
	// writes (ClassWrite); it must resolve inside the local roots.
	Local string `json:"local,omitempty"`
}

func (a Action) String() string {
	switch {
	case a.Local != "":
		return string(a.Class) + " local " + a.Local
	case a.Repo == "":
		return string(a.Class)
	case a.Path == "":
		return string(a.Class) + " " + a.Repo
	default:
		return string(a.Class) + " " + a.Repo + "/" + strings.TrimPrefix(a.Path, "/")
	}
}

// Call is what the guard is asked about: who calls which tool to do what.
type Call struct {
	Caller  string
	Tool    string
	Toolset string
	Class   Class
	Actions []Action
}

// Denied is the error returned when the guard refuses a call. Its message and
// hint are written for the agent: what was refused and what to do instead.
type Denied struct {
	Reason string
	Hint   string
}

func (d *Denied) Error() string { return "guard denied: " + d.Reason }

// Toolsets known to the server. "all" selects every one of them.
var Toolsets = []string{"platform", "artifacts", "builds", "xray", "repositories", "access"}

// Config selects what the guard allows.
type Config struct {
	Mode Mode
	// Toolsets enabled; empty or containing "all" means every toolset.
	Toolsets []string
	// DisabledTools are never registered nor allowed, whatever their toolset.
	DisabledTools []string
	// LocalRoots are the directories upload and download may use; none
	// means no local file access.
	LocalRoots LocalRoots
	// Audit receives one record per decision; nil discards them.
	Audit *slog.Logger
}

// Guard is safe for concurrent use; it is immutable after New.
type Guard struct {
	mode     Mode
	roots    LocalRoots
	toolsets map[string]bool
	disabled map[string]bool
	audit    *slog.Logger
}

// New validates cfg and builds a Guard.
func New(cfg Config) (*Guard, error) {
	if cfg.Mode == "" {
		cfg.Mode = ModeReadOnly
	}
	if _, err := ParseMode(string(cfg.Mode)); err != nil {
		return nil, err
	}
	g := &Guard{mode: cfg.Mode, roots: cfg.LocalRoots, toolsets: map[string]bool{}, disabled: map[string]bool{}, audit: cfg.Audit}
	if g.audit == nil {
		g.audit = slog.New(slog.DiscardHandler)
	}
	sets := cfg.Toolsets
	if len(sets) == 0 || slices.Contains(sets, "all") || slices.Contains(sets, "default") {
		sets = Toolsets
	}
	for _, s := range sets {
		s = strings.TrimSpace(s)
		if !slices.Contains(Toolsets, s) {
			return nil, fmt.Errorf("unknown toolset %q: use one or more of %s, or all", s, strings.Join(Toolsets, ", "))
		}
		g.toolsets[s] = true
	}
	for _, t := range cfg.DisabledTools {
		g.disabled[strings.TrimSpace(t)] = true
	}
	return g, nil
}

// Mode is the mode the guard enforces.
func (g *Guard) Mode() Mode { return g.mode }

// Enabled reports whether a tool is offered at all. Tools whose class the mode
// does not allow are not registered, so a read-only server never lists them.
func (g *Guard) Enabled(toolset, tool string, class Class) bool {
	return g.toolsets[toolset] && !g.disabled[tool] && g.mode.allows(class)
}

// Check decides a call before its handler runs and records the decision.
func (g *Guard) Check(ctx context.Context, call Call) error {
	err := g.decide(call)
	attrs := []slog.Attr{
		slog.String("caller", call.Caller),
		slog.String("tool", call.Tool),
		slog.String("class", string(call.Class)),
		slog.Any("actions", actionStrings(call.Actions)),
	}
	if err != nil {
		g.audit.LogAttrs(ctx, slog.LevelWarn, "guard decision", append(attrs, slog.String("decision", "deny"), slog.String("reason", err.Reason))...)
		return err
	}
	g.audit.LogAttrs(ctx, slog.LevelInfo, "guard decision", append(attrs, slog.String("decision", "allow"))...)
	return nil
}

func (g *Guard) decide(call Call) *Denied {
	if !g.Enabled(call.Toolset, call.Tool, call.Class) {
		return &Denied{
			Reason: fmt.Sprintf("tool %s (%s) is not enabled in %s mode", call.Tool, call.Class, g.mode),
			Hint:   "ask the operator to enable it (--mode, --toolsets); get_platform_info shows what is allowed",
		}
	}
	for _, a := range call.Actions {
		if !a.Class.Valid() {
			// A tool declaring nonsense is a bug; refusing is the safe side.
			return &Denied{Reason: fmt.Sprintf("tool %s declared an unknown action class %q", call.Tool, a.Class)}
		}
		if a.Local != "" {
			if _, err := g.roots.Resolve(a.Local); err != nil {
				return err.(*Denied)
			}
			continue
		}
		if !g.mode.allows(a.Class) {
			return &Denied{
				Reason: fmt.Sprintf("%s is not allowed in %s mode", a, g.mode),
				Hint:   "this server is not permitted to do that; get_platform_info shows the effective policy",
			}
		}
	}
	return nil
}

// ResolveLocal returns the real path of a local file inside the roots, for
// the handler that then opens it.
func (g *Guard) ResolveLocal(p string) (string, error) { return g.roots.Resolve(p) }

// Policy is the compact, agent-readable view of what the guard allows.
type Policy struct {
	Mode          Mode     `json:"mode"`
	Toolsets      []string `json:"toolsets"`
	AllowedClass  []Class  `json:"allowed_classes"`
	DisabledTools []string `json:"disabled_tools,omitempty"`
	LocalRoots    []string `json:"local_roots,omitempty"`
}

// Policy describes the effective policy.
func (g *Guard) Policy() Policy {
	p := Policy{Mode: g.mode, LocalRoots: g.roots}
	for _, s := range Toolsets {
		if g.toolsets[s] {
			p.Toolsets = append(p.Toolsets, s)
		}
	}
	for _, c := range []Class{ClassRead, ClassWrite, ClassDelete, ClassPromote, ClassAdmin} {
		if g.mode.allows(c) {
			p.AllowedClass = append(p.AllowedClass, c)
		}
	}
	for t := range g.disabled {
		p.DisabledTools = append(p.DisabledTools, t)
	}
	slices.Sort(p.DisabledTools)
	return p
}

func actionStrings(as []Action) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.String()
	}
	return out
}
