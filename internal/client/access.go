package client

import (
	"context"
	"net/http"
	"time"
)

// Access is the Access surface (<platform>/access): tokens, projects, permissions.
type Access struct{ c *core }

// TokenInfo is GET api/v1/tokens/me. Times are epoch seconds; Expiry and LastUsed are
// zero when the server omits them (non-expiring or never-used tokens).
type TokenInfo struct {
	TokenID     string `json:"token_id"`
	Subject     string `json:"subject"`
	Expiry      int64  `json:"expiry,omitempty"`
	IssuedAt    int64  `json:"issued_at,omitempty"`
	Issuer      string `json:"issuer,omitempty"`
	Description string `json:"description,omitempty"`
	Refreshable bool   `json:"refreshable"`
	LastUsed    int64  `json:"last_used,omitempty"`
}

// ExpiresAt returns the expiry time, or the zero time for a non-expiring token.
func (t *TokenInfo) ExpiresAt() time.Time { return epoch(t.Expiry) }

// IssuedAtTime returns the issue time, or the zero time when unknown.
func (t *TokenInfo) IssuedAtTime() time.Time { return epoch(t.IssuedAt) }

// LastUsedAt returns the last-use time, or the zero time when unknown.
func (t *TokenInfo) LastUsedAt() time.Time { return epoch(t.LastUsed) }

func epoch(secs int64) time.Time {
	if secs == 0 {
		return time.Time{}
	}
	return time.Unix(secs, 0).UTC()
}

// WhoAmI calls GET api/v1/tokens/me (Access 7.53.1+) to describe the token in use.
func (a *Access) WhoAmI(ctx context.Context) (*TokenInfo, error) {
	var t TokenInfo
	req := Request{Surface: SurfaceAccess, Method: http.MethodGet, Path: "api/v1/tokens/me"}
	if err := a.c.doJSON(ctx, req, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// AccessVersion is GET api/v1/system/version. Only version is relied on; the
// endpoint is seen in the wild but not in JFrog's clients (reference §4.1).
type AccessVersion struct {
	Version  string `json:"version"`
	Revision string `json:"revision,omitempty"`
}

// Version calls GET api/v1/system/version.
func (a *Access) Version(ctx context.Context) (*AccessVersion, error) {
	var v AccessVersion
	req := Request{Surface: SurfaceAccess, Method: http.MethodGet, Path: "api/v1/system/version"}
	if err := a.c.doJSON(ctx, req, &v); err != nil {
		return nil, err
	}
	return &v, nil
}
