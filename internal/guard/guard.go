// Package guard decides, before any handler runs, whether a tool call may take
// the actions it declares. Tools never check permissions themselves: they
// declare actions (class + repository + path) and the guard decides, so a new
// tool cannot forget a check.
package guard

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/jfrog-mcp/jfrog-mcp/internal/aql"
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

// Action is one effect a tool call will have: a class on a resource of some
// Kind (see kinds.go and its constructors). Without a Kind, Repo/Path/AQL
// make it a repo_path action and Local a local one; an action that names no
// resource at all is refused as a bug.
type Action struct {
	Class Class  `json:"class"`
	Kind  Kind   `json:"kind,omitempty"`
	Repo  string `json:"repo,omitempty"`
	Path  string `json:"path,omitempty"`
	// Name is the build, release bundle, environment, project, token, watch
	// or Xray policy; Project the project of a build or release bundle.
	Name    string `json:"name,omitempty"`
	Project string `json:"project,omitempty"`
	// Local is a file on the server's machine the call reads (ClassRead) or
	// writes (ClassWrite); it must resolve inside the local roots.
	Local string `json:"local,omitempty"`
	// Bytes is the size of what a write sends, when the arguments already
	// say it (inline upload content): the guard holds it to
	// limits.upload_bytes, so no tool checks the limit itself. A local
	// file's size is the guard's to learn from the file.
	Bytes int64 `json:"bytes,omitempty"`
	// AQL is a query the call will run; the guard scopes a copy of it to
	// the readable repositories (Decision.Query), or refuses it.
	AQL *aql.Query `json:"-"`
	// On is set by the guard when Repo is a virtual repository: the
	// repository the action was decided on (where a write lands, the member
	// a delete removes from).
	On string `json:"on,omitempty"`
	// Gate is what a write or promotion brings into Repo; the release gate
	// of a gated repository judges it (gates.go).
	Gate *GateSubject `json:"-"`
}

func (a Action) String() string {
	switch k := a.ResourceKind(); {
	case k != KindRepoPath && k != KindLocal && k != "":
		s := string(a.Class) + " " + string(k)
		if n := qualified(a.Project, a.Name+a.Repo); n != "" {
			s += " " + n
		}
		return s
	case a.Local != "":
		return string(a.Class) + " local " + a.Local
	case a.AQL != nil:
		return string(a.Class) + " aql " + a.AQL.String()
	case a.Repo == "":
		return string(a.Class)
	case a.Path == "":
		return string(a.Class) + " " + a.Repo
	case a.On != "":
		return string(a.Class) + " " + joinRepoPath(a.Repo, a.Path) + " (on " + a.On + ")"
	default:
		return string(a.Class) + " " + joinRepoPath(a.Repo, strings.TrimPrefix(a.Path, "/"))
	}
}

// Call is what the guard is asked about: who calls which tool to do what.
type Call struct {
	Caller  string
	Tool    string
	Toolset string
	Class   Class
	Actions []Action
	// Args are the call's arguments, for the audit log; secrets and
	// artifact content are redacted before they are written.
	Args map[string]any
	// Repos looks repository keys up with the server's identity; without
	// it no action on a repository is allowed.
	Repos Resolver
	// Gates evaluates release gates; nil refuses every gated action.
	Gates GateEvaluator
}

// Denied is the error returned when the guard refuses a call. Its message and
// hint are written for the agent: what was refused and what to do instead.
type Denied struct {
	Reason string
	Hint   string
	// NotFound marks a refusal because the call names a repository that
	// does not exist (or that this server's identity cannot see), once the
	// policy allowed the name: not the policy's refusal, and said as such.
	NotFound bool
	// Cause is the failure that kept the guard from deciding (a repository
	// lookup JFrog did not answer): the call is refused, and the agent is
	// told what went wrong upstream rather than that the policy forbids it.
	Cause error
	// Details are facts the agent needs, e.g. a gate's blocking findings.
	Details any
}

func (d *Denied) Error() string { return "guard denied: " + d.Reason }

// Unwrap returns the upstream failure behind a refusal, if any.
func (d *Denied) Unwrap() error { return d.Cause }

// Config selects what the guard allows.
type Config struct {
	// Policy is the mode, toolsets and rules; the zero value means
	// DefaultPolicy(read-only).
	Policy Policy
	// Toolsets are the toolsets the server offers, resolved from
	// Policy.Toolsets by the tool catalog, which owns the list
	// (tools.EnabledToolsets). Nil leaves toolsets out of the decision, for
	// callers that only exercise repository rules; the server always
	// passes the resolved set.
	Toolsets []string
	// LocalRoots are the directories upload and download may use (resolved
	// from Policy.LocalRoots or flags by the caller); none means no local
	// file access.
	LocalRoots LocalRoots
	// OwnFiles are the server's own files (policy, audit log, executable,
	// keys): local file tools never read or write them, whatever the roots.
	OwnFiles []OwnFile
	// Audit receives one record per decision; nil discards them.
	Audit *slog.Logger
	// Secret signs confirmation tokens; empty means a random one, which is
	// right for a single process. Replicas behind a load balancer share one.
	Secret []byte
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
}

// Guard is safe for concurrent use; its policy is immutable after New.
type Guard struct {
	mode     Mode
	policy   Policy
	roots    LocalRoots
	own      ownFiles
	toolsets map[string]bool // nil: every toolset
	// toolsetList is Config.Toolsets in its order, for Effective.
	toolsetList []string
	disabled    map[string]bool
	audit       *slog.Logger
	confirm     *confirmer
	repos       *repoCache
}

// New validates cfg and builds a Guard.
func New(cfg Config) (*Guard, error) {
	p := cfg.Policy
	// A class without rules is governed by the mode alone: the defaults are
	// "every repository", and the mode decides which classes exist at all.
	all := []Rule{{Repo: "*"}}
	for _, rs := range []*[]Rule{&p.Read, &p.Write, &p.Delete, &p.Promote} {
		if *rs == nil {
			*rs = all
		}
	}
	if p.Mode == "" {
		p.Mode = ModeReadOnly
	}
	if _, err := ParseMode(string(p.Mode)); err != nil {
		return nil, err
	}
	conf, err := newConfirmer(cfg.Secret, cfg.Now)
	if err != nil {
		return nil, err
	}
	g := &Guard{mode: p.Mode, policy: p, roots: cfg.LocalRoots, own: newOwnFiles(cfg.OwnFiles), disabled: map[string]bool{}, audit: cfg.Audit, confirm: conf, repos: newRepoCache(cfg.Now)}
	if g.audit == nil {
		g.audit = slog.New(slog.DiscardHandler)
	}
	if cfg.Toolsets != nil {
		g.toolsets = map[string]bool{}
		for _, s := range cfg.Toolsets {
			g.toolsets[s] = true
		}
		g.toolsetList = slices.Clone(cfg.Toolsets)
	}
	for _, t := range p.DisabledTools {
		g.disabled[strings.TrimSpace(t)] = true
	}
	return g, nil
}

// Mode is the mode the guard enforces.
func (g *Guard) Mode() Mode { return g.mode }

// Enabled reports whether a tool is offered at all. Tools whose class the mode
// does not allow are not registered, so a read-only server never lists them.
func (g *Guard) Enabled(toolset, tool string, class Class) bool {
	return (g.toolsets == nil || g.toolsets[toolset]) && !g.disabled[tool] && g.mode.allows(class)
}

// Check decides a call before its handler runs and records the decision.
// The call's actions are not changed; the decision holds them as decided.
// Release gates are evaluated last, on the actions as decided (gates.go).
func (g *Guard) Check(ctx context.Context, call Call) (*Decision, error) {
	dec := &Decision{g: g, Actions: slices.Clone(call.Actions), repos: resolution{}}
	rv := &resolver{ctx: ctx, r: call.Repos, cache: g.repos, seen: dec.repos}
	dec.rv = rv
	err := g.decide(rv, call, dec)
	if err == nil {
		err = g.checkGates(ctx, call.Gates, dec.Actions)
	}
	attrs := []slog.Attr{
		slog.String("caller", call.Caller),
		slog.String("tool", call.Tool),
		slog.String("class", string(call.Class)),
		slog.Any("actions", actionStrings(dec.Actions)),
	}
	if call.Args != nil {
		attrs = append(attrs, slog.Any("args", redactArgs(call.Args)))
	}
	if err != nil {
		g.audit.LogAttrs(ctx, slog.LevelWarn, "guard decision", append(attrs, slog.String("decision", "deny"), slog.String("reason", err.Reason))...)
		return nil, err
	}
	// An allowed read is recorded at debug level: in a file audit log (which
	// keeps every level) it is there like every decision, while on stderr,
	// the default, a long session's reads would be most of what a user sees.
	level := slog.LevelInfo
	if onlyReads(dec.Actions) {
		level = slog.LevelDebug
	}
	g.audit.LogAttrs(ctx, level, "guard decision", append(attrs, slog.String("decision", "allow"))...)
	return dec, nil
}

// onlyReads reports actions that change nothing, on JFrog or on this machine.
func onlyReads(as []Action) bool {
	for _, a := range as {
		if a.Class != ClassRead {
			return false
		}
	}
	return true
}

func (g *Guard) decide(rv *resolver, call Call, dec *Decision) *Denied {
	if !g.Enabled(call.Toolset, call.Tool, call.Class) {
		return &Denied{
			Reason: fmt.Sprintf("tool %s (%s) is not enabled in %s mode", call.Tool, call.Class, g.mode),
			Hint:   "ask the operator to enable it (--mode, --toolsets, the policy file); get_platform_info shows what is allowed",
		}
	}
	// The policy first, for every action: a call it refuses sends nothing
	// upstream, not even a configuration lookup.
	for i := range dec.Actions {
		if d := g.decideAction(call.Tool, &dec.Actions[i]); d != nil {
			return d
		}
	}
	for i := range dec.Actions {
		a := &dec.Actions[i]
		var d *Denied
		switch {
		case a.AQL != nil:
			if dec.query != nil {
				return &Denied{Reason: fmt.Sprintf("tool %s declared more than one query", call.Tool)}
			}
			d = g.scopeAQL(rv, a.AQL, dec)
		case a.ResourceKind() == KindRepoPath && a.Repo != "":
			d = g.decideResolved(rv, a, a.Repo, a.Path)
		}
		if d != nil {
			return d
		}
	}
	return nil
}

// decideAction checks one action against mode, local roots and repository
// rules; decideResolved then decides it by what its repository really is.
// Repository and path are normalised first and the normalised form is
// written back into the decision's copy of the action. Tools normalise their
// own arguments with the same NormalizePath before they declare actions, so
// what a handler sends is what was checked; repository keys may differ in
// letter case only, which Artifactory ignores.
func (g *Guard) decideAction(tool string, a *Action) *Denied {
	if !a.Class.Valid() {
		// A tool declaring nonsense is a bug; refusing is the safe side.
		return &Denied{Reason: fmt.Sprintf("tool %s declared an unknown action class %q", tool, a.Class)}
	}
	kind := a.ResourceKind()
	if d := checkShape(tool, a, kind); d != nil {
		return d
	}
	if kind == KindLocal {
		// Local files are the server's machine, not JFrog: the roots decide,
		// whatever the mode (a download writes locally in read-only mode).
		// This is the early answer, by name; OpenLocal and LocalTarget
		// decide again on what they really open.
		real, err := g.roots.Resolve(a.Local)
		if err != nil {
			var d *Denied
			var missing *fs.PathError
			switch {
			case errors.As(err, &d):
				return d
			case errors.As(err, &missing):
				// Inside a root but not there (yet): not the policy's business;
				// the tool reports it when it resolves the path itself.
				return nil
			}
			return &Denied{Reason: err.Error()}
		}
		if d := g.own.checkOwn(a.Local, real); d != nil {
			return d
		}
		if a.Class == ClassRead {
			// A local file is read only to be uploaded.
			return g.policy.Limits.checkLocalUpload(real)
		}
		return nil
	}
	if d := g.policy.Limits.checkUpload(a.Bytes); d != nil {
		return d
	}
	if !g.mode.allows(a.Class) {
		return &Denied{
			Reason: fmt.Sprintf("%s is not allowed in %s mode", a, g.mode),
			Hint:   "this server is not permitted to do that; get_platform_info shows the effective policy",
		}
	}
	if kind != KindRepoPath {
		return g.decideKind(tool, a)
	}
	if a.AQL != nil {
		if d := checkAQLSize(a.AQL); d != nil {
			return d
		}
		if a.AQL.Domain != aql.DomainItems {
			return &Denied{Reason: "only items queries are allowed, not " + a.AQL.Domain, Hint: "write items.find(...)"}
		}
		if d := refuseReservedAQL(a.AQL); d != nil {
			return d
		}
		return nil // scoped once the policy allowed every action
	}
	if a.Repo == "" {
		return &Denied{Reason: fmt.Sprintf("tool %s declared a %s action without a repository", tool, a.Class)}
	}
	repo, d := g.checkRepoKey(a.Repo)
	if d != nil {
		return d
	}
	p, err := NormalizePath(a.Path)
	if err != nil {
		return &Denied{Reason: err.Error(), Hint: "give the path from the repository root, without '..', backslashes or encoded separators"}
	}
	if !g.policy.Allows(a.Class, repo, p) {
		return &Denied{
			Reason: fmt.Sprintf("%s %s is outside the policy", a.Class, joinRepoPath(repo, p)),
			Hint:   fmt.Sprintf("%s is allowed on: %s; get_platform_info shows the whole policy", a.Class, rulesText(g.policy.rules(a.Class))),
		}
	}
	if d := g.decideCache(a.Class, repo, p); d != nil {
		return d
	}
	a.Repo, a.Path = repo, p
	return nil
}

// Limits returns the per-call limits of the policy.
func (g *Guard) Limits() Limits { return g.policy.Limits }

// Effective is the compact, agent-readable view of what the guard allows.
type Effective struct {
	Mode          Mode              `json:"mode"`
	Toolsets      []string          `json:"toolsets,omitempty"`
	AllowedClass  []Class           `json:"allowed_classes"`
	Repositories  map[string]string `json:"repositories" jsonschema:"description=Action class -> repository globs (repo or repo/path-prefix) it is allowed on"`
	Builds        map[string]string `json:"builds,omitempty" jsonschema:"description=Verb (read/publish/promote) -> build name globs it is allowed on ([project/]name; a name alone is the default project)"`
	Bundles       map[string]string `json:"release_bundles,omitempty" jsonschema:"description=Verb (read/create/promote) -> release bundle name globs it is allowed on ([project/]name)"`
	Environments  map[string]string `json:"environments,omitempty" jsonschema:"description=promote_to -> environment name globs promotions may target"`
	ReleaseGates  []Gate            `json:"release_gates,omitempty"`
	LocalRoots    []string          `json:"local_roots,omitempty"`
	Limits        *Limits           `json:"limits,omitempty"`
	DisabledTools []string          `json:"disabled_tools,omitempty"`
}

// Effective describes the effective policy.
func (g *Guard) Effective() Effective {
	e := Effective{Mode: g.mode, Toolsets: g.toolsetList, LocalRoots: g.roots, ReleaseGates: g.policy.Gates, Repositories: map[string]string{}}
	for _, c := range []Class{ClassRead, ClassWrite, ClassDelete, ClassPromote, ClassAdmin} {
		if !g.mode.allows(c) {
			continue
		}
		e.AllowedClass = append(e.AllowedClass, c)
		if c != ClassAdmin {
			e.Repositories[string(c)] = rulesText(g.policy.rules(c))
		}
	}
	g.effectiveNames(&e)
	if g.policy.Limits != (Limits{}) {
		l := g.policy.Limits
		e.Limits = &l
	}
	for t := range g.disabled {
		e.DisabledTools = append(e.DisabledTools, t)
	}
	slices.Sort(e.DisabledTools)
	return e
}

// rulesText lists rules as the policy file writes them ("nothing" for none).
func rulesText[R fmt.Stringer](rules []R) string {
	if len(rules) == 0 {
		return "nothing"
	}
	parts := make([]string, len(rules))
	for i, r := range rules {
		parts[i] = r.String()
	}
	return strings.Join(parts, ", ")
}

func joinRepoPath(repo, p string) string {
	if p == "" {
		return repo
	}
	return repo + "/" + p
}

func actionStrings(as []Action) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.String()
	}
	return out
}
