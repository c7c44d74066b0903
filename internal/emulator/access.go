package emulator

import "net/http"

// accessRoutes is the Access REST API the emulator speaks.
var accessRoutes = []route{
	{path: "api/v1/system/ping", public: true, serve: func(_ *Emulator, w http.ResponseWriter, _ *http.Request, _ *principal, _ string) {
		writeText(w, http.StatusOK, "OK")
	}},
	{path: "api/v1/system/version", serve: func(_ *Emulator, w http.ResponseWriter, _ *http.Request, _ *principal, _ string) {
		writeJSON(w, http.StatusOK, map[string]string{"version": AccessVersion, "revision": accessRevision})
	}},
	{path: "api/v1/tokens/me", serve: func(e *Emulator, w http.ResponseWriter, r *http.Request, p *principal, _ string) {
		e.tokenMe(w, r, p)
	}},
}

// serveAccess handles everything under /access/ by its route table.
func (e *Emulator) serveAccess(w http.ResponseWriter, r *http.Request, rest string) {
	e.dispatch(accessRoutes, surfaceAccess, w, r, rest, func(w http.ResponseWriter, _ *http.Request, _ *principal, _ string) {
		writeError(w, surfaceAccess, http.StatusNotFound, "Not Found")
	})
}

// tokenInfoJSON is the Access token object (reference §4.3); times are
// epoch seconds. Emulator tokens never expire, so expiry is omitted.
type tokenInfoJSON struct {
	TokenID     string `json:"token_id"`
	Subject     string `json:"subject"`
	Expiry      int64  `json:"expiry,omitempty"`
	IssuedAt    int64  `json:"issued_at"`
	Issuer      string `json:"issuer"`
	Description string `json:"description,omitempty"`
	Refreshable bool   `json:"refreshable"`
	LastUsed    int64  `json:"last_used,omitempty"`
}

// tokenMe describes the token the caller authenticated with. A caller who
// used a password has no token to describe, so the answer is 404 like an
// unknown token id (real servers' behaviour here is unverified).
func (e *Emulator) tokenMe(w http.ResponseWriter, r *http.Request, p *principal) {
	if r.Method != http.MethodGet {
		writeError(w, surfaceAccess, http.StatusMethodNotAllowed, "Method Not Allowed")
		return
	}
	if p.token == nil {
		writeError(w, surfaceAccess, http.StatusNotFound, "Token not found: the request was not authenticated with an access token")
		return
	}
	t := p.token
	writeJSON(w, http.StatusOK, tokenInfoJSON{
		TokenID:  t.id,
		Subject:  "jfac@" + e.platformID + "/users/" + t.username,
		IssuedAt: t.issuedAt,
		Issuer:   "jfac@" + e.platformID,
		LastUsed: e.now().Unix(),
	})
}
