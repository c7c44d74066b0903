package guard

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPromotionIntoAGatedRepositoryIsRefused(t *testing.T) {
	p := DefaultPolicy(ModeWrite)
	p.Gates = []Gate{{Repos: []string{"*-prod-*", "release-local/app"}, MinSeverity: "high"}}
	g, err := New(Config{Policy: p})
	require.NoError(t, err)
	for _, repo := range []string{"libs-prod-local", "release-local"} {
		_, err := g.Check(t.Context(), Call{Tool: "promote_build", Toolset: "builds", Class: ClassPromote,
			Actions: []Action{{Class: ClassPromote, Repo: repo}}, Repos: allLocal{}})
		var d *Denied
		require.ErrorAs(t, err, &d, repo)
		assert.Contains(t, d.Reason, "cannot evaluate yet")
	}
	_, err = g.Check(t.Context(), Call{Tool: "promote_build", Toolset: "builds", Class: ClassPromote,
		Actions: []Action{{Class: ClassPromote, Repo: "staging-local"}}, Repos: allLocal{}})
	assert.NoError(t, err)
	_, err = g.Check(t.Context(), Call{Tool: "copy_artifacts", Toolset: "artifacts", Class: ClassWrite,
		Actions: []Action{{Class: ClassWrite, Repo: "libs-prod-local"}}, Repos: allLocal{}})
	assert.NoError(t, err, "gates are about promotion")
}
