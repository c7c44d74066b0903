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
// token is bound to the tool, the exact arguments (by digest) and the
// caller, signed with HMAC-SHA256, short-lived, and single-use.
type confirmer struct {
	secret []byte
	now    func() time.Time
	mu     sync.Mutex
	used   map[string]time.Time // nonce -> expiry, pruned as they expire
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
	return &confirmer{secret: secret, now: now, used: map[string]time.Time{}}, nil
}

type confirmClaims struct {
	Tool   string `json:"t"`
	Caller string `json:"c"`
	Digest string `json:"d"`
	Exp    int64  `json:"e"`
	Nonce  string `json:"n"`
}

func (c *confirmer) sign(payload []byte) []byte {
	m := hmac.New(sha256.New, c.secret)
	m.Write(payload)
	return m.Sum(nil)
}

// IssueConfirmation returns a token for exactly this call.
func (g *Guard) IssueConfirmation(caller, tool, digest string) (string, time.Time) {
	c := g.confirm
	nonce := make([]byte, 12)
	_, _ = rand.Read(nonce)
	exp := c.now().Add(ConfirmTTL)
	claims, _ := json.Marshal(confirmClaims{Tool: tool, Caller: caller, Digest: digest, Exp: exp.Unix(), Nonce: base64.RawURLEncoding.EncodeToString(nonce)})
	enc := base64.RawURLEncoding
	return enc.EncodeToString(claims) + "." + enc.EncodeToString(c.sign(claims)), exp
}

// RedeemConfirmation accepts a token once, for the call it was issued for.
func (g *Guard) RedeemConfirmation(token, caller, tool, digest string) error {
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
	now := c.now()
	switch {
	case cl.Tool != tool:
		return refuse("it was issued for " + cl.Tool)
	case cl.Caller != caller:
		return refuse("it was issued to another caller")
	case cl.Digest != digest:
		return refuse("the arguments differ from the ones it was issued for")
	case now.Unix() >= cl.Exp:
		return refuse("it expired")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for n, exp := range c.used {
		if now.After(exp) {
			delete(c.used, n)
		}
	}
	if _, seen := c.used[cl.Nonce]; seen {
		return refuse("it was already used")
	}
	c.used[cl.Nonce] = time.Unix(cl.Exp, 0)
	return nil
}
