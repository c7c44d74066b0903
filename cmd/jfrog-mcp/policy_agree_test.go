package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startsWith reports whether `jfrog-mcp stdio --sandbox --policy FILE` gets
// past its configuration (it then serves until its empty input ends), and
// what it said when it did not.
func startsWith(t *testing.T, file string, extra ...string) (bool, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var stderr bytes.Buffer
	code := run(ctx, append([]string{"stdio", "--sandbox", "--policy", file}, extra...), strings.NewReader(""), io.Discard, &stderr, noEnv)
	return code == exitOK, stderr.String()
}

func checks(t *testing.T, file string, extra ...string) (bool, string) {
	t.Helper()
	var stderr bytes.Buffer
	code := run(context.Background(), append([]string{"policy", "check", file}, extra...), nil, io.Discard, &stderr, noEnv)
	return code == exitOK, stderr.String()
}

// `policy check` must fail exactly when the server would refuse to start:
// a check that passes a policy the server then refuses (or the reverse)
// is worse than none.
func TestPolicyCheckAgreesWithServerStart(t *testing.T) {
	examples, err := filepath.Glob("../../examples/policies/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, examples)
	for i := range examples {
		examples[i], err = filepath.Abs(examples[i])
		require.NoError(t, err)
	}
	broken := map[string]string{
		"unknown tool in tools.disable": "tools:\n  disable: [move_artifact]\n",
		"missing local root":            "local_roots: [\"./no-such-dir\"]\n",
		"misspelt field":                "repositories:\n  wirte: ['*']\n",
		"unknown toolset":               "toolsets: [artefacts]\n",
		"unknown mode":                  "mode: superuser\n",
		"bad size":                      "limits:\n  upload_bytes: lots\n",
	}
	t.Chdir(t.TempDir())
	for name, body := range broken {
		p, err := filepath.Abs(strings.ReplaceAll(name, " ", "-") + ".yaml")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		examples = append(examples, p)
	}
	for _, dist := range []bool{false, true} {
		if dist {
			require.NoError(t, os.Mkdir("dist", 0o755))
		}
		for _, f := range examples {
			t.Run(filepath.Base(f), func(t *testing.T) {
				ok, why := checks(t, f)
				started, said := startsWith(t, f)
				assert.Equal(t, started, ok, "policy check said %q; the server said %q", why, said)
				if _, isBroken := broken[strings.ReplaceAll(strings.TrimSuffix(filepath.Base(f), ".yaml"), "-", " ")]; isBroken {
					assert.False(t, ok, "a broken policy must fail the check")
				}
			})
		}
	}
}
