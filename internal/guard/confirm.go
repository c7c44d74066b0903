package guard

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"
)

// ConfirmTTL is how long a confirmation token stays valid.
const ConfirmTTL = 5 * time.Minute

// confirmer issues and redeems confirmation tokens for destructive calls. A
// token is bound to the tool, the exact arguments (by digest), the caller
// and a fingerprint of the state its plan saw, signed with HMAC-SHA256, and
// short-lived. Redeeming recomputes the plan: a token whose call was already
// made (on this replica or another sharing the secret) or whose target
// changed since no longer matches the state, so single use holds without
// shared storage. The in-memory nonce set is the fast path on one replica
// and closes the window between two redemptions of the same state.
type confirmer struct {
	secret []byte
	now    func() time.Time
	mu     sync.Mutex
	nonces map[string]time.Time // nonce -> expiry, pruned as they expire
}

func newConfirmer(secret []byte, now func() time.Time) (*confirmer, error) {
	if len(secret) == 0 {
		secret = make([]byte, 32)
		if _, err := rand.Read(secret); err != nil {
			return nil, fmt.Errorf("confirmation secret: %w", err)
		}
	}
	if now == nil {
		now = time.Now
	}
	return &confirmer{secret: secret, now: now, nonces: map[string]time.Time{}}, nil
}

type confirmClaims struct {
	Tool   string `json:"t"`
	Caller string `json:"c"`
	Digest string `json:"d"`
	// State is HMAC(secret, state): a caller cannot test guesses about
	// what it may not read (a write-only area's checksums) against it.
	State string `json:"s,omitempty"`
	Exp   int64  `json:"e"`
	Nonce string `json:"n"`
}

func (c *confirmer) sign(payload []byte) []byte {
	m := hmac.New(sha256.New, c.secret)
	m.Write(payload)
	return m.Sum(nil)
}

// stateMAC is the keyed fingerprint of what a plan saw. The parts are
// JSON-encoded so that no two different lists give the same input, and the
// key is separated from the token signature's use of the secret.
func (c *confirmer) stateMAC(state []string) string {
	if state == nil {
		state = []string{}
	}
	b, _ := json.Marshal(state)
	m := hmac.New(sha256.New, c.secret)
	m.Write([]byte("jfrog-mcp confirmation state\x00"))
	m.Write(b)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// IssueConfirmation returns a token for exactly this call and the state
// its plan saw (for a delete the items and their sha256, for an overwrite
// the existing sha256 ...), in any canonical order the tool chooses.
func (g *Guard) IssueConfirmation(caller, tool, digest string, state []string) (string, time.Time) {
	c := g.confirm
	nonce := make([]byte, 12)
	_, _ = rand.Read(nonce)
	exp := c.now().Add(ConfirmTTL)
	claims, _ := json.Marshal(confirmClaims{Tool: tool, Caller: caller, Digest: digest, State: c.stateMAC(state), Exp: exp.Unix(), Nonce: base64.RawURLEncoding.EncodeToString(nonce)})
	enc := base64.RawURLEncoding
	return enc.EncodeToString(claims) + "." + enc.EncodeToString(c.sign(claims)), exp
}

// TargetChanged is the reason a token is refused when the state its plan
// saw is not the state now.
const TargetChanged = "the target changed since the plan; call again without confirm_token to see the new plan"

// RedeemConfirmation accepts a token once, for the call it was issued for,
// when the state its plan saw is still the state now. state recomputes the
// plan's state; it runs only for a token that is otherwise valid and unused
// here, and its error (say, the item is gone) is returned as it is.
func (g *Guard) RedeemConfirmation(token, caller, tool, digest string, state func() ([]string, error)) error {
	c := g.confirm
	refuse := func(why string) error {
		return &Denied{Reason: "confirm_token refused: " + why, Hint: "call again without confirm_token to get a fresh plan and token"}
	}
	enc := base64.RawURLEncoding
	body, sig, ok := strings.Cut(token, ".")
	if !ok {
		return refuse("malformed")
	}
	claims, err1 := enc.DecodeString(body)
	mac, err2 := enc.DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, c.sign(claims)) {
		return refuse("not issued by this server")
	}
	var cl confirmClaims
	if err := json.Unmarshal(claims, &cl); err != nil {
		return refuse("malformed")
	}
	switch {
	case cl.Tool != tool:
		return refuse("it was issued for " + cl.Tool)
	case cl.Caller != caller:
		return refuse("it was issued to another caller")
	case cl.Digest != digest:
		return refuse("the arguments differ from the ones it was issued for")
	case c.now().Unix() >= cl.Exp:
		return refuse("it expired")
	case c.used(cl.Nonce, false):
		return refuse("it was already used")
	}
	now, err := state()
	if err != nil {
		return err
	}
	if !hmac.Equal([]byte(cl.State), []byte(c.stateMAC(now))) {
		return &Denied{Reason: "confirm_token refused: " + TargetChanged, Hint: "nothing was changed; the new plan shows what the call would do now"}
	}
	// Checked again and marked at once: two redemptions racing on this
	// replica both passed the first check while the state was recomputed.
	if c.used(cl.Nonce, true) {
		return refuse("it was already used")
	}
	return nil
}

// used reports whether nonce was redeemed here; mark records it (until the
// token's expiry) when it was not. Expired nonces are pruned on the way.
func (c *confirmer) used(nonce string, mark bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	for n, exp := range c.nonces {
		if now.After(exp) {
			delete(c.nonces, n)
		}
	}
	if _, seen := c.nonces[nonce]; seen {
		return true
	}
	if mark {
		c.nonces[nonce] = now.Add(ConfirmTTL)
	}
	return false
}
