package client

import (
	"errors"
	"net/http"
	"strings"
)

// jfrog-client-go treats a "token" with this prefix and at least this length as a
// legacy API key (http/httpclient/client.go IsApiKey); a Bearer header would be refused.
const (
	apiKeyPrefix    = "AKCp8"
	apiKeyMinLength = 73
	apiKeyHeader    = "X-JFrog-Art-Api"
)

// credentials holds the secrets of one identity. It has no String method and is never
// passed to a logger.
type credentials struct {
	token, user, password, apiKey string
}

// newCredentials validates the credential combination in cfg.
func newCredentials(cfg Config) (credentials, error) {
	cr := credentials{
		token:    strings.TrimSpace(cfg.AccessToken),
		user:     strings.TrimSpace(cfg.User),
		password: cfg.Password,
		apiKey:   strings.TrimSpace(cfg.APIKey),
	}
	if cr.password != "" && cr.user == "" && cr.token == "" && cr.apiKey == "" {
		return cr, errors.New("client: JFROG_USER is not set (required with JFROG_PASSWORD)")
	}
	if cr.user != "" && cr.password == "" && cr.token == "" && cr.apiKey == "" {
		return cr, errors.New("client: JFROG_PASSWORD or JFROG_ACCESS_TOKEN is not set (required with JFROG_USER)")
	}
	return cr, nil
}

// looksLikeAPIKey mirrors jfrog-client-go's IsApiKey.
func looksLikeAPIKey(s string) bool {
	return strings.HasPrefix(s, apiKeyPrefix) && len(s) >= apiKeyMinLength
}

// usesAPIKey reports whether requests will authenticate with a legacy API key.
func (cr credentials) usesAPIKey() bool {
	return cr.apiKey != "" || looksLikeAPIKey(cr.token)
}

// apply sets the authentication header on req, first matching rule wins (reference
// §1.2). It deliberately deletes any caller-supplied Authorization first so a stray
// header cannot override the configured identity.
func (cr credentials) apply(req *http.Request) {
	req.Header.Del("Authorization")
	req.Header.Del(apiKeyHeader)
	switch {
	case cr.apiKey != "" && cr.user != "":
		req.SetBasicAuth(cr.user, cr.apiKey)
	case cr.apiKey != "":
		req.Header.Set(apiKeyHeader, cr.apiKey)
	case cr.token != "" && looksLikeAPIKey(cr.token) && cr.user != "":
		req.SetBasicAuth(cr.user, cr.token)
	case cr.token != "" && looksLikeAPIKey(cr.token):
		// jfrog-client-go would send Basic with an empty user, which Artifactory
		// rejects; the API-key header is what works without a user.
		req.Header.Set(apiKeyHeader, cr.token)
	case cr.token != "":
		req.Header.Set("Authorization", "Bearer "+cr.token)
	case cr.password != "":
		req.SetBasicAuth(cr.user, cr.password)
	}
}

// warnDeprecatedAuth logs, once per configured identity, that API keys are deprecated.
func (c *core) warnDeprecatedAuth() {
	if !c.creds.usesAPIKey() {
		return
	}
	c.warnAPIKey.Do(func() {
		c.logger.Warn("JFrog API keys are deprecated; use an access token (JFROG_ACCESS_TOKEN) instead")
	})
}
