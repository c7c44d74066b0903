package guard

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func stateOf(s ...string) func() ([]string, error) {
	return func() ([]string, error) { return s, nil }
}

func TestConfirmationBindsTheStateAcrossReplicas(t *testing.T) {
	secret := []byte("one secret for both replicas")
	a, err := New(Config{Policy: DefaultPolicy(ModeWrite), Secret: secret})
	require.NoError(t, err)
	b, err := New(Config{Policy: DefaultPolicy(ModeWrite), Secret: secret})
	require.NoError(t, err)
	seen := []string{"file r/a.txt 5e88", "created 1"}

	tok, _ := a.IssueConfirmation("c", "delete_artifact", "digest", seen)
	require.NoError(t, a.RedeemConfirmation(tok, "c", "delete_artifact", "digest", stateOf(seen...)))

	// The nonce is the fast path on one replica: no state is recomputed.
	called := false
	err = a.RedeemConfirmation(tok, "c", "delete_artifact", "digest", func() ([]string, error) { called = true; return seen, nil })
	assert.ErrorContains(t, err, "already used")
	assert.False(t, called, "a used token costs no upstream request")

	// The other replica does not know the nonce: the state decides.
	err = b.RedeemConfirmation(tok, "c", "delete_artifact", "digest", stateOf("absent r/a.txt"))
	var d *Denied
	require.ErrorAs(t, err, &d)
	assert.Contains(t, d.Reason, TargetChanged)
	gone := errors.New("not found")
	assert.Equal(t, gone, b.RedeemConfirmation(tok, "c", "delete_artifact", "digest", func() ([]string, error) { return nil, gone }),
		"a failure to recompute the plan is returned as it is")

	// A forged or mismatched token never reaches the state.
	for _, bad := range []string{tok + "x", "garbage"} {
		err := b.RedeemConfirmation(bad, "c", "delete_artifact", "digest", func() ([]string, error) { t.Fatal("state computed"); return nil, nil })
		assert.Error(t, err)
	}
	other, err := New(Config{Policy: DefaultPolicy(ModeWrite), Secret: []byte("another secret")})
	require.NoError(t, err)
	assert.ErrorContains(t, other.RedeemConfirmation(tok, "c", "delete_artifact", "digest", stateOf(seen...)), "not issued by this server")
}

// The fingerprint in the token is keyed: a caller who may write but not read
// cannot test a guess of the existing content's sha256 against it.
func TestConfirmationFingerprintIsKeyed(t *testing.T) {
	g1, err := New(Config{Secret: []byte("secret one")})
	require.NoError(t, err)
	g2, err := New(Config{Secret: []byte("secret two")})
	require.NoError(t, err)
	guess := []string{"plan", "replace r/x", "file r/x " + strings.Repeat("ab", 32)}
	claims := func(g *Guard) confirmClaims {
		tok, _ := g.IssueConfirmation("c", "upload_artifact", "d", guess)
		body, _, _ := strings.Cut(tok, ".")
		raw, err := base64.RawURLEncoding.DecodeString(body)
		require.NoError(t, err)
		var cl confirmClaims
		require.NoError(t, json.Unmarshal(raw, &cl))
		return cl
	}
	c1, c2 := claims(g1), claims(g2)
	assert.NotEqual(t, c1.State, c2.State, "the fingerprint depends on the secret")
	b, _ := json.Marshal(guess)
	plain := sha256.Sum256(b)
	for _, enc := range []string{hex.EncodeToString(plain[:]), base64.RawURLEncoding.EncodeToString(plain[:])} {
		assert.NotEqual(t, enc, c1.State)
	}
	assert.NotContains(t, c1.State, strings.Repeat("ab", 32))
}
