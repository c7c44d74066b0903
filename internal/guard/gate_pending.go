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
