package guard

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// NameRule allows one verb on builds, release bundles or environments whose
// name matches Name (a glob: * any run, ? one character, everything else
// literal and case-sensitive) in projects matching Project.
type NameRule struct {
	// Project is a glob over project keys; "" is the default project only
	// (a rule written without "project/"), "*" every project including
	// the default one.
	Project string
	Name    string
}

// everyName is the rule of a section the policy does not list: the mode
// alone decides.
var everyName = []NameRule{{Project: "*", Name: "*"}}

var projectGlob = regexp.MustCompile(`^[a-z0-9*?-]+$`)

// ParseNameRule reads "NAME_GLOB" (the default project) or
// "PROJECT_GLOB/NAME_GLOB". withProject false (environments) takes the whole
// text as the name.
func ParseNameRule(s string, withProject bool) (NameRule, error) {
	s = strings.TrimSpace(s)
	r := NameRule{Name: s}
	if withProject {
		if project, name, ok := strings.Cut(s, "/"); ok {
			if !projectGlob.MatchString(project) {
				return NameRule{}, fmt.Errorf("rule %q: project glob may use lower-case letters, digits, '-', '*' and '?'", s)
			}
			r = NameRule{Project: project, Name: name}
		}
	}
	if r.Name == "" {
		return NameRule{}, fmt.Errorf("rule %q has no name", s)
	}
	if err := checkName(strings.NewReplacer("*", "x", "?", "x").Replace(r.Name)); err != nil {
		return NameRule{}, fmt.Errorf("rule %q: %w", s, err)
	}
	return r, nil
}

func (r NameRule) String() string { return qualified(r.Project, r.Name) }

// allows reports whether the rule covers name in project ("" the default).
func (r NameRule) allows(project, name string) bool {
	return wildcardMatch(r.Project, project) && wildcardMatch(r.Name, name)
}

// wildcardMatch matches * (any run, '/' included) and ? (one rune); every
// other rune is literal. Two pointers with one backtrack point: linear in
// practice, never exponential.
func wildcardMatch(pattern, s string) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		if pi < len(pattern) {
			switch c := pattern[pi]; {
			case c == '*':
				star, mark = pi, si
				pi++
				continue
			case c == '?':
				_, n := utf8.DecodeRuneInString(s[si:])
				pi, si = pi+1, si+n
				continue
			case c == s[si]:
				pi, si = pi+1, si+1
				continue
			}
		}
		if star < 0 {
			return false
		}
		pi = star + 1
		_, n := utf8.DecodeRuneInString(s[mark:])
		mark += n
		si = mark
	}
	for pi < len(pattern) && pattern[pi] == '*' {
		pi++
	}
	return pi == len(pattern)
}

// NameRules are the rules of one policy section (builds, release bundles,
// environments) per verb. A nil list is "governed by the mode alone".
type NameRules struct {
	Read, Write, Promote []NameRule
}

// kindRules returns the rules that decide class c on kind k and the policy
// field they come from, or "" when no section applies (the mode decides).
func (p *Policy) kindRules(k Kind, c Class) ([]NameRule, string) {
	var set *NameRules
	var verbs map[Class]string
	switch k {
	case KindBuild:
		set = &p.Builds
		verbs = map[Class]string{ClassRead: "builds.read", ClassWrite: "builds.publish", ClassDelete: "builds.publish", ClassPromote: "builds.promote"}
	case KindReleaseBundle:
		set = &p.ReleaseBundles
		verbs = map[Class]string{ClassRead: "release_bundles.read", ClassWrite: "release_bundles.create", ClassDelete: "release_bundles.create", ClassPromote: "release_bundles.promote"}
	case KindEnvironment:
		set = &p.Environments
		verbs = map[Class]string{ClassPromote: "environments.promote_to"}
	default:
		return nil, ""
	}
	section := verbs[c]
	var rules []NameRule
	switch c {
	case ClassRead:
		rules = set.Read
	case ClassWrite, ClassDelete:
		rules = set.Write
	case ClassPromote:
		rules = set.Promote
	}
	if section == "" {
		return nil, ""
	}
	if rules == nil {
		rules = everyName
	}
	return rules, section
}

// effectiveNames adds the builds, release_bundles and environments sections
// to e, each verb only when the mode allows its class.
func (g *Guard) effectiveNames(e *Effective) {
	type verb struct {
		name  string
		class Class
	}
	for _, s := range []struct {
		kind  Kind
		to    *map[string]string
		verbs []verb
	}{
		{KindBuild, &e.Builds, []verb{{"read", ClassRead}, {"publish", ClassWrite}, {"promote", ClassPromote}}},
		{KindReleaseBundle, &e.Bundles, []verb{{"read", ClassRead}, {"create", ClassWrite}, {"promote", ClassPromote}}},
		{KindEnvironment, &e.Environments, []verb{{"promote_to", ClassPromote}}},
	} {
		for _, v := range s.verbs {
			if !g.mode.allows(v.class) {
				continue
			}
			rules, _ := g.policy.kindRules(s.kind, v.class)
			if *s.to == nil {
				*s.to = map[string]string{}
			}
			(*s.to)[v.name] = rulesText(rules)
		}
	}
}
