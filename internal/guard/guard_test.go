package guard

import (
	"bytes"
	"context"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestModesAllowClasses(t *testing.T) {
	cases := []struct {
		mode    Mode
		allowed []Class
	}{
		{ModeReadOnly, []Class{ClassRead}},
		{ModeWrite, []Class{ClassRead, ClassWrite, ClassDelete, ClassPromote}},
		{ModeAdmin, []Class{ClassRead, ClassWrite, ClassDelete, ClassPromote, ClassAdmin}},
	}
	for _, tc := range cases {
		t.Run(string(tc.mode), func(t *testing.T) {
			g, err := New(Config{Policy: DefaultPolicy(tc.mode)})
			require.NoError(t, err)
			assert.Equal(t, tc.allowed, g.Effective().AllowedClass)
			for _, c := range []Class{ClassRead, ClassWrite, ClassDelete, ClassPromote, ClassAdmin} {
				_, err := g.Check(context.Background(), Call{Tool: "t", Toolset: "artifacts", Class: ClassRead, Actions: []Action{{Class: c, Repo: "r"}}, Repos: allLocal{}})
				if contains(tc.allowed, c) {
					assert.NoError(t, err, c)
				} else {
					var d *Denied
					require.ErrorAs(t, err, &d, c)
					assert.Contains(t, d.Reason, string(c)+" r is not allowed in "+string(tc.mode))
				}
			}
		})
	}
}

func contains(cs []Class, c Class) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

func TestEnabledFollowsToolsetsAndMode(t *testing.T) {
	g, err := New(Config{Policy: Policy{Mode: ModeWrite, DisabledTools: []string{"delete_artifact"}}, Toolsets: []string{"artifacts"}})
	require.NoError(t, err)
	assert.True(t, g.Enabled("artifacts", "upload_artifact", ClassWrite))
	assert.False(t, g.Enabled("repositories", "list_repositories", ClassRead), "toolset off")
	assert.False(t, g.Enabled("artifacts", "delete_artifact", ClassDelete), "tool disabled")
	assert.False(t, g.Enabled("artifacts", "x", ClassAdmin), "admin class needs admin mode")
}

func TestConfigErrors(t *testing.T) {
	_, err := New(Config{Policy: Policy{Mode: "god"}})
	assert.ErrorContains(t, err, "unknown mode")
	g, err := New(Config{})
	require.NoError(t, err)
	assert.Equal(t, ModeReadOnly, g.Mode(), "read-only is the default")
	g, err = New(Config{Toolsets: []string{"platform", "artifacts"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"platform", "artifacts"}, g.Effective().Toolsets, "the catalog's order is kept")
}

func TestDeniedCallOfDisabledToolIsAudited(t *testing.T) {
	var buf bytes.Buffer
	g, err := New(Config{Policy: DefaultPolicy(ModeReadOnly), Audit: slog.New(slog.NewJSONHandler(&buf, nil))})
	require.NoError(t, err)
	_, err = g.Check(context.Background(), Call{Caller: "ci", Tool: "upload_artifact", Toolset: "artifacts", Class: ClassWrite,
		Actions: []Action{{Class: ClassWrite, Repo: "libs", Path: "a/b.jar"}}, Repos: allLocal{}})
	var d *Denied
	require.ErrorAs(t, err, &d)
	assert.Contains(t, d.Hint, "get_platform_info")
	assert.Contains(t, buf.String(), `"decision":"deny"`)
	assert.Contains(t, buf.String(), `"caller":"ci"`)
	assert.Contains(t, buf.String(), `"write libs/a/b.jar"`)
}

func TestParseMode(t *testing.T) {
	for in, want := range map[string]Mode{"read-only": ModeReadOnly, "READONLY": ModeReadOnly, "write": ModeWrite, " admin ": ModeAdmin} {
		got, err := ParseMode(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got)
	}
}
