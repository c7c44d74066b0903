package guard

import (
	"fmt"
	"strings"
)

// gateDenies decides the release gates for a promotion into repo. Gates
// are evaluated against Xray by a later step; until then a gated target
// cannot be shown to pass, and a gate never fails open, so the promotion
// is refused. This function is the whole of that rule: the Xray
// evaluation replaces it rather than adding to it.
func (g *Guard) gateDenies(repo string) *Denied {
	for _, gate := range g.policy.Gates {
		for _, pat := range gate.Repos {
			// A gate written for a path inside a repository gates the
			// whole repository here: promotion keeps paths, and refusing
			// more is the side a gate errs on.
			repoPat, _, _ := strings.Cut(pat, "/")
			if globMatch(repoPat, repo) {
				return &Denied{
					Reason: fmt.Sprintf("%s is behind a release gate (no Xray finding at or above %s), which this server cannot evaluate yet", repo, gate.MinSeverity),
					Hint:   "promote to a repository without a release gate, or ask the operator; get_platform_info shows the gates",
				}
			}
		}
	}
	return nil
}

// CanReadBuild reports whether the builds.read rules let the server see
// build name in project ("" the default project); Decision.Visible uses it
// to hide builds from lists.
func (g *Guard) CanReadBuild(project, name string) bool {
	if !g.mode.allows(ClassRead) || checkName(name) != nil {
		return false
	}
	rules, section := g.policy.kindRules(KindBuild, ClassRead)
	if section == "" {
		return true
	}
	for _, r := range rules {
		if r.allows(project, name) {
			return true
		}
	}
	return false
}
