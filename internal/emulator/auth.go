package emulator

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"strings"
)

// Permission actions, named as in Artifactory permission targets. "deploy"
// is accepted as an alias of write because the UI calls it that.
const (
	actRead     = "read"
	actWrite    = "write"
	actDelete   = "delete"
	actAnnotate = "annotate"
	actManage   = "manage"
)

type user struct {
	name     string
	password string
	apiKey   string
	admin    bool
	perms    []grant
}

// grant gives actions on every repository whose key matches one of repos
// (shell globs, case-insensitive, like Artifactory's repo key matching).
type grant struct {
	repos   []string
	actions map[string]bool
}

type tokenInfo struct {
	id       string
	username string
	scope    string
	issuedAt int64
}

// principal is the caller of one request. anonymous means no credentials
// were sent; a bad credential never yields a principal.
type principal struct {
	user      *user
	token     *tokenInfo
	anonymous bool
}

func (p *principal) name() string {
	if p == nil || p.user == nil {
		return "anonymous"
	}
	return p.user.name
}

// can reports whether p may perform action on repoKey. Admins and "manage"
// holders may do anything, as in Artifactory.
func (p *principal) can(action, repoKey string) bool {
	if p == nil || p.user == nil {
		return false
	}
	if p.user.admin {
		return true
	}
	key := strings.ToLower(repoKey)
	for _, g := range p.user.perms {
		if !g.actions[action] && !g.actions[actManage] {
			continue
		}
		for _, pat := range g.repos {
			if ok, _ := path.Match(strings.ToLower(pat), key); ok {
				return true
			}
		}
	}
	return false
}

func (p *principal) isAdmin() bool { return p != nil && p.user != nil && p.user.admin }

// authenticate resolves the caller from the request headers in the order JCG
// sends them (reference §1.2). ok=false means credentials were present but
// wrong, which real servers answer with 401 even on endpoints that would
// allow anonymous access.
func (e *Emulator) authenticate(r *http.Request) (p *principal, ok bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, cred, _ := strings.Cut(h, " ")
		cred = strings.TrimSpace(cred)
		switch strings.ToLower(scheme) {
		case "bearer":
			return e.principalForToken(cred)
		case "basic":
			raw, err := base64.StdEncoding.DecodeString(cred)
			if err != nil {
				return nil, false
			}
			name, secret, _ := strings.Cut(string(raw), ":")
			u := e.users[name]
			if u == nil {
				return nil, false
			}
			if u.password != "" && subtle.ConstantTimeCompare([]byte(u.password), []byte(secret)) == 1 {
				return &principal{user: u}, true
			}
			if u.apiKey != "" && subtle.ConstantTimeCompare([]byte(u.apiKey), []byte(secret)) == 1 {
				return &principal{user: u}, true
			}
			// A token works as the Basic password, but only for its own subject.
			if t := e.tokens[secret]; t != nil && t.username == u.name {
				return &principal{user: u, token: t}, true
			}
			return nil, false
		default:
			return nil, false
		}
	}
	if key := r.Header.Get("X-JFrog-Art-Api"); key != "" {
		for _, u := range e.users {
			if u.apiKey != "" && subtle.ConstantTimeCompare([]byte(u.apiKey), []byte(key)) == 1 {
				return &principal{user: u}, true
			}
		}
		return e.principalForToken(key)
	}
	return &principal{anonymous: true}, true
}

// principalForToken must be called with e.mu held.
func (e *Emulator) principalForToken(tok string) (*principal, bool) {
	t := e.tokens[tok]
	if t == nil {
		return nil, false
	}
	u := e.users[t.username]
	if u == nil { // user deleted after the token was minted
		return nil, false
	}
	return &principal{user: u, token: t}, true
}

// mintToken issues a JWT-shaped access token. The signature is random bytes:
// nobody verifies it, but JCG decodes the payload (base64 *std* raw encoding,
// auth/authutils.go) to read sub/exp, so the token must be three dot-separated
// parts whose payload decodes under both std and url alphabets.
func (e *Emulator) mintToken(username string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	u := e.users[username]
	if u == nil {
		return "", fmt.Errorf("mint token: unknown user %q", username)
	}
	scope := "applied-permissions/user"
	if u.admin {
		scope = "applied-permissions/admin"
	}
	iat := e.now().Unix()
	header := b64(mustJSON(map[string]string{"ver": "2", "typ": "JWT", "alg": "RS256", "kid": e.platformID}))
	for {
		jti := newUUID()
		payload := b64(mustJSON(map[string]any{
			"ext": `{"revocable":"true"}`,
			"sub": fmt.Sprintf("jfac@%s/users/%s", e.platformID, username),
			"scp": scope,
			"aud": "*@*",
			"iss": "jfac@" + e.platformID,
			"iat": iat,
			"jti": jti,
		}))
		if strings.ContainsAny(payload, "-_") {
			continue // would not decode with the std alphabet JCG uses; pick another jti
		}
		sig := make([]byte, 256) // RS256 signatures are 256 bytes
		_, _ = rand.Read(sig)
		tok := header + "." + payload + "." + b64(sig)
		e.tokens[tok] = &tokenInfo{id: jti, username: username, scope: scope, issuedAt: iat}
		return tok, nil
	}
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// authFailure answers a failed authentication in the surface's own words.
func authFailure(w http.ResponseWriter, s surface, p *principal, ok bool) {
	switch {
	case !ok && s == surfaceXray:
		writeError(w, s, http.StatusUnauthorized, "Found invalid token")
	case !ok:
		writeError(w, s, http.StatusUnauthorized, "Bad credentials")
	default: // anonymous where credentials are required
		if s == surfaceArtifactory {
			w.Header().Set("WWW-Authenticate", `Basic realm="Artifactory Realm"`)
		}
		writeError(w, s, http.StatusUnauthorized, "Authentication is required")
	}
}

// requireAuth authenticates and rejects anonymous callers. It returns nil
// after writing the 401.
func (e *Emulator) requireAuth(w http.ResponseWriter, r *http.Request, s surface) *principal {
	p, ok := e.authenticate(r)
	if !ok || p.anonymous {
		authFailure(w, s, p, ok)
		return nil
	}
	return p
}

func parseActions(in []string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, a := range in {
		switch a = strings.ToLower(strings.TrimSpace(a)); a {
		case "deploy", actWrite:
			out[actWrite] = true
		case actRead, actDelete, actAnnotate, actManage:
			out[a] = true
		default:
			return nil, fmt.Errorf("unknown permission action %q (want read, write, deploy, delete, annotate, manage)", a)
		}
	}
	return out, nil
}
