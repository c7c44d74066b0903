package guard

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Policy is what a server may do. It comes from a YAML file (see
// PolicyFile) or, without one, from DefaultPolicy.
type Policy struct {
	Mode          Mode
	Toolsets      []string
	DisabledTools []string
	// Rules per action class; Read, Write, Delete and Promote (promote-to).
	Read, Write, Delete, Promote []Rule
	Gates                        []Gate
	LocalRoots                   []string
	Limits                       Limits
	// Builds and ReleaseBundles hold name rules per verb (Write is publish
	// for builds, create for bundles); Environments.Promote is promote_to.
	// A nil list is governed by the mode alone, like the repository rules.
	Builds, ReleaseBundles, Environments NameRules
}

// Gate keeps artifacts with Xray findings at or above a severity out of
// matching repositories. The check itself is wired to Xray by the release
// tools; the guard holds the configuration.
type Gate struct {
	Repos       []string `json:"repos"`
	MinSeverity string   `json:"block_at"`
}

// Limits bound single calls.
type Limits struct {
	UploadBytes   int64         `json:"upload_bytes,omitempty"`
	ResponseBytes int           `json:"response_bytes,omitempty"`
	TokenTTL      time.Duration `json:"token_ttl,omitempty"`
}

// DefaultPolicy is what a server without a policy file enforces: every
// repository readable, writes per mode on every repository, no gates.
func DefaultPolicy(mode Mode) Policy {
	all := []Rule{{Repo: "*"}}
	return Policy{Mode: mode, Read: all, Write: all, Delete: all, Promote: all}
}

// rules returns the rules for a class. Admin actions are not scoped by
// repository: admin mode is the scope.
func (p *Policy) rules(c Class) []Rule {
	switch c {
	case ClassRead:
		return p.Read
	case ClassWrite:
		return p.Write
	case ClassDelete:
		return p.Delete
	case ClassPromote:
		return p.Promote
	}
	return []Rule{{Repo: "*"}}
}

// Allows reports whether some rule of class c covers repo/path (both
// normalised). Artifactory's own repositories and routed keys (reserved.go)
// are never allowed, whatever the globs say, so rows of a query from them
// are dropped too.
func (p *Policy) Allows(c Class, repo, path string) bool {
	if reservedKey(repo) != "" {
		return false
	}
	for _, r := range p.rules(c) {
		if r.Allows(repo, path) {
			return true
		}
	}
	return false
}

// policyFile is the YAML form: the base policy and its profiles, each of
// which may set any field of the base. Every field is optional.
type policyFile struct {
	profileFile `yaml:",inline"`
	Profiles    map[string]profileFile `yaml:"profiles"`
}

type profileFile struct {
	Mode         *yamlMode   `yaml:"mode"`
	Toolsets     []string    `yaml:"toolsets"`
	Tools        *toolsFile  `yaml:"tools"`
	Repositories *reposFile  `yaml:"repositories"`
	ReleaseGates []gateFile  `yaml:"release_gates"`
	LocalRoots   []string    `yaml:"local_roots"`
	Limits       *limitsFile `yaml:"limits"`
	// Builds, ReleaseBundles and Environments are name globs per verb.
	Builds         *buildsFile  `yaml:"builds"`
	ReleaseBundles *bundlesFile `yaml:"release_bundles"`
	Environments   *envsFile    `yaml:"environments"`
}

type buildsFile struct {
	Read    *yamlProjectNames `yaml:"read"`
	Publish *yamlProjectNames `yaml:"publish"`
	Promote *yamlProjectNames `yaml:"promote"`
}

type bundlesFile struct {
	Read    *yamlProjectNames `yaml:"read"`
	Create  *yamlProjectNames `yaml:"create"`
	Promote *yamlProjectNames `yaml:"promote"`
}

type envsFile struct {
	PromoteTo *yamlNames `yaml:"promote_to"`
}

type toolsFile struct {
	Disable []string `yaml:"disable"`
}

type reposFile struct {
	Read      *yamlRules `yaml:"read"`
	Write     *yamlRules `yaml:"write"`
	Delete    *yamlRules `yaml:"delete"`
	PromoteTo *yamlRules `yaml:"promote_to"`
}

type gateFile struct {
	Repos   yamlRules    `yaml:"repos"`
	BlockAt yamlSeverity `yaml:"block_at"`
}

type limitsFile struct {
	UploadBytes   *yamlBytes    `yaml:"upload_bytes"`
	ResponseBytes *yamlBytes    `yaml:"response_bytes"`
	TokenTTL      *yamlDuration `yaml:"token_ttl"`
}

// The yaml* types validate as they decode, so an error names the line.

type yamlMode Mode

func (m *yamlMode) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseMode(n.Value)
	if err != nil {
		return lineErr(n, "mode", err)
	}
	*m = yamlMode(v)
	return nil
}

type yamlRules []Rule

func (r *yamlRules) UnmarshalYAML(n *yaml.Node) error {
	var items []string
	if n.Kind == yaml.ScalarNode {
		items = []string{n.Value}
	} else if err := n.Decode(&items); err != nil {
		return lineErr(n, "repositories", errors.New("want a list of repository globs"))
	}
	for i, s := range items {
		rule, err := ParseRule(s)
		if err != nil {
			at := n
			if n.Kind == yaml.SequenceNode && i < len(n.Content) {
				at = n.Content[i]
			}
			return lineErr(at, "repositories", err)
		}
		*r = append(*r, rule)
	}
	return nil
}

// yamlProjectNames are "[project/]name" globs (builds, release bundles);
// yamlNames are plain name globs (environments).
type (
	yamlProjectNames []NameRule
	yamlNames        []NameRule
)

func (r *yamlProjectNames) UnmarshalYAML(n *yaml.Node) error {
	rules, err := decodeNameRules(n, true)
	*r = rules
	return err
}

func (r *yamlNames) UnmarshalYAML(n *yaml.Node) error {
	rules, err := decodeNameRules(n, false)
	*r = rules
	return err
}

// decodeNameRules reads a glob or a list of globs; an error names the line
// and the section of the offending entry.
func decodeNameRules(n *yaml.Node, withProject bool) ([]NameRule, error) {
	field := "builds/release_bundles"
	if !withProject {
		field = "environments"
	}
	var items []string
	if n.Kind == yaml.ScalarNode {
		items = []string{n.Value}
	} else if err := n.Decode(&items); err != nil {
		return nil, lineErr(n, field, errors.New("want a list of name globs"))
	}
	rules := make([]NameRule, 0, len(items))
	for i, s := range items {
		rule, err := ParseNameRule(s, withProject)
		if err != nil {
			at := n
			if n.Kind == yaml.SequenceNode && i < len(n.Content) {
				at = n.Content[i]
			}
			return nil, lineErr(at, field, err)
		}
		rules = append(rules, rule)
	}
	return rules, nil
}

// Severities from least to most severe, as Xray spells them.
var Severities = []string{"Unknown", "Information", "Low", "Medium", "High", "Critical"}

type yamlSeverity string

func (s *yamlSeverity) UnmarshalYAML(n *yaml.Node) error {
	for _, sev := range Severities {
		if strings.EqualFold(sev, n.Value) {
			*s = yamlSeverity(sev)
			return nil
		}
	}
	return lineErr(n, "block_at", fmt.Errorf("unknown severity %q: use one of %s", n.Value, strings.Join(Severities, ", ")))
}

type yamlBytes int64

func (b *yamlBytes) UnmarshalYAML(n *yaml.Node) error {
	v, err := parseBytes(n.Value)
	if err != nil {
		return lineErr(n, "limits", err)
	}
	*b = yamlBytes(v)
	return nil
}

type yamlDuration time.Duration

func (d *yamlDuration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || v <= 0 {
		return lineErr(n, "token_ttl", fmt.Errorf("%q is not a positive duration like 1h or 30m", n.Value))
	}
	*d = yamlDuration(v)
	return nil
}

func lineErr(n *yaml.Node, field string, err error) error {
	return fmt.Errorf("line %d: %s: %w", n.Line, field, err)
}

// parseBytes reads 1048576, 512KiB, 100MiB, 1GiB, 2GB.
func parseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("%q is not a positive size like 100MiB", s)
	}
	return v * mult, nil
}

// PolicySet is a base policy and its named profiles.
type PolicySet struct {
	Base     Policy
	Profiles map[string]Policy
}

// LoadPolicyFile reads and validates a policy file.
func LoadPolicyFile(path string) (*PolicySet, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read policy: %w", err)
	}
	set, err := ParsePolicy(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return set, nil
}

// ParsePolicy validates YAML policy text. Unknown fields are errors: a typo
// in a security policy must not silently mean "allow".
func ParsePolicy(b []byte) (*PolicySet, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var f policyFile
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, cleanYAMLError(err)
	}
	// Mode stays empty unless the file sets it: the command line's default
	// (read-only, or write for --sandbox) then applies.
	base := DefaultPolicy("")
	if err := apply(&base, f.profileFile); err != nil {
		return nil, err
	}
	set := &PolicySet{Base: base, Profiles: map[string]Policy{}}
	for name, pf := range f.Profiles {
		p := base
		p.Read, p.Write, p.Delete, p.Promote = slices.Clone(base.Read), slices.Clone(base.Write), slices.Clone(base.Delete), slices.Clone(base.Promote)
		if err := apply(&p, pf); err != nil {
			return nil, fmt.Errorf("profile %s: %w", name, err)
		}
		set.Profiles[name] = p
	}
	return set, nil
}

// apply overlays the fields a file sets onto p.
func apply(p *Policy, f profileFile) error {
	if f.Mode != nil {
		p.Mode = Mode(*f.Mode)
	}
	if f.Toolsets != nil {
		// Names only: the tool catalog knows the toolsets and resolves them.
		p.Toolsets = f.Toolsets
	}
	if f.Tools != nil {
		p.DisabledTools = f.Tools.Disable
	}
	if r := f.Repositories; r != nil {
		for _, x := range []struct {
			from *yamlRules
			to   *[]Rule
		}{{r.Read, &p.Read}, {r.Write, &p.Write}, {r.Delete, &p.Delete}, {r.PromoteTo, &p.Promote}} {
			if x.from != nil {
				*x.to = []Rule(*x.from)
			}
		}
	}
	if b := f.Builds; b != nil {
		setNames(&p.Builds.Read, (*[]NameRule)(b.Read))
		setNames(&p.Builds.Write, (*[]NameRule)(b.Publish))
		setNames(&p.Builds.Promote, (*[]NameRule)(b.Promote))
	}
	if b := f.ReleaseBundles; b != nil {
		setNames(&p.ReleaseBundles.Read, (*[]NameRule)(b.Read))
		setNames(&p.ReleaseBundles.Write, (*[]NameRule)(b.Create))
		setNames(&p.ReleaseBundles.Promote, (*[]NameRule)(b.Promote))
	}
	if e := f.Environments; e != nil {
		setNames(&p.Environments.Promote, (*[]NameRule)(e.PromoteTo))
	}
	if f.ReleaseGates != nil {
		p.Gates = nil
		for _, g := range f.ReleaseGates {
			gate := Gate{MinSeverity: string(g.BlockAt)}
			for _, r := range g.Repos {
				gate.Repos = append(gate.Repos, r.String())
			}
			if gate.MinSeverity == "" || len(gate.Repos) == 0 {
				return errors.New("release_gates: each gate needs repos and block_at")
			}
			p.Gates = append(p.Gates, gate)
		}
	}
	if f.LocalRoots != nil {
		p.LocalRoots = f.LocalRoots
	}
	if l := f.Limits; l != nil {
		if l.UploadBytes != nil {
			p.Limits.UploadBytes = int64(*l.UploadBytes)
		}
		if l.ResponseBytes != nil {
			p.Limits.ResponseBytes = int(*l.ResponseBytes)
		}
		if l.TokenTTL != nil {
			p.Limits.TokenTTL = time.Duration(*l.TokenTTL)
		}
	}
	return nil
}

// setNames overlays a section's list when the file sets it; an explicit
// empty list allows nothing, so it must stay non-nil.
func setNames(to, from *[]NameRule) {
	if from != nil {
		*to = append([]NameRule{}, *from...)
	}
}

// cleanYAMLError keeps yaml's "line N: ..." but drops its Go type names.
func cleanYAMLError(err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: unmarshal errors:\n")
	msg = strings.ReplaceAll(msg, " in type guard.policyFile", "")
	msg = strings.ReplaceAll(msg, " in type guard.profileFile", "")
	msg = strings.ReplaceAll(msg, " in type guard.reposFile", "")
	msg = strings.ReplaceAll(msg, " in type guard.limitsFile", "")
	msg = strings.ReplaceAll(msg, " in type guard.toolsFile", "")
	msg = strings.ReplaceAll(msg, " in type guard.gateFile", "")
	for _, t := range []string{"buildsFile", "bundlesFile", "envsFile"} {
		msg = strings.ReplaceAll(msg, " in type guard."+t, "")
	}
	return errors.New(strings.TrimSpace(msg))
}

// Profile returns the named profile, or the base policy for "".
func (s *PolicySet) Profile(name string) (Policy, error) {
	if name == "" {
		return s.Base, nil
	}
	p, ok := s.Profiles[name]
	if !ok {
		names := make([]string, 0, len(s.Profiles))
		for n := range s.Profiles {
			names = append(names, n)
		}
		slices.Sort(names)
		return Policy{}, fmt.Errorf("no profile %q in the policy (profiles: %s)", name, strings.Join(names, ", "))
	}
	return p, nil
}
