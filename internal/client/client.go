// Package client is the one HTTP core every JFrog call goes through. It serves three
// surfaces (Artifactory, Xray, Access) that share authentication, retries, error parsing
// and redacted debug logging, so tool code never builds URLs or reads error bodies itself.
package client

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/jfrog-mcp/jfrog-mcp/internal/buildinfo"
)

// Surface names one JFrog service behind the platform URL.
type Surface string

// The three surfaces this client talks to.
const (
	SurfaceArtifactory Surface = "artifactory"
	SurfaceXray        Surface = "xray"
	SurfaceAccess      Surface = "access"
)

// Defaults applied by New when the corresponding Config field is zero.
const (
	DefaultTimeout        = 30 * time.Second
	DefaultMaxRetries     = 3
	DefaultRetryBaseDelay = 200 * time.Millisecond
	// DefaultMaxAQLResponseBytes is the default Config.MaxAQLResponseBytes.
	DefaultMaxAQLResponseBytes = 64 << 20
)

// Config describes how to reach and authenticate to a JFrog Platform.
type Config struct {
	// URL is the platform URL, e.g. https://acme.jfrog.io (JFROG_URL).
	URL string
	// ArtifactoryURL, XrayURL and AccessURL override <URL>/artifactory, <URL>/xray and
	// <URL>/access for self-hosted installs with other context paths.
	ArtifactoryURL, XrayURL, AccessURL string

	// Credentials. Priority follows jfrog-client-go (reference §1.2): API key, then
	// access token, then user+password. Empty credentials mean anonymous access.
	AccessToken, User, Password, APIKey string

	// UserAgent defaults to buildinfo.UserAgent().
	UserAgent string
	// Timeout bounds the wait for response headers (not the body, so large downloads
	// can stream). Default 30s. Ignored when HTTPClient is set.
	Timeout time.Duration
	// MaxRetries is the number of retries after the first attempt. 0 means the default
	// (3); a negative value disables retries.
	MaxRetries int
	// RetryBaseDelay is the first backoff step. Default 200ms.
	RetryBaseDelay time.Duration
	// Logger receives debug request logs and the API-key deprecation warning.
	// Defaults to slog.Default(). Secrets are never logged.
	Logger *slog.Logger
	// HTTPClient overrides the transport. It is shallow-copied so a redirect guard can
	// be added without mutating the caller's client.
	HTTPClient *http.Client
	// MaxAQLResponseBytes caps how much of an AQL answer is read (default 64 MiB). AQL
	// results are decoded in memory, and an unbounded find() can return gigabytes.
	MaxAQLResponseBytes int64
}

// Client is a JFrog Platform client. It is safe for concurrent use.
type Client struct {
	Artifactory *Artifactory
	Xray        *Xray
	Access      *Access

	core *core
}

// core is the shared, immutable state behind a Client and its surfaces.
type core struct {
	bases      map[Surface]string
	creds      credentials
	userAgent  string
	maxRetries int
	baseDelay  time.Duration
	logger     *slog.Logger
	httpClient *http.Client
	warnAPIKey *sync.Once // shared by WithAuth copies so the warning is logged once
	maxAQL     int64
}

// New validates cfg and builds a Client. Errors name the environment variable that
// is missing or malformed, because that is what the operator has to fix.
func New(cfg Config) (*Client, error) {
	bases, err := resolveBases(cfg)
	if err != nil {
		return nil, err
	}
	creds, err := newCredentials(cfg)
	if err != nil {
		return nil, err
	}
	c := &core{
		bases:      bases,
		creds:      creds,
		userAgent:  cfg.UserAgent,
		maxRetries: cfg.MaxRetries,
		baseDelay:  cfg.RetryBaseDelay,
		logger:     cfg.Logger,
		warnAPIKey: new(sync.Once),
		maxAQL:     cfg.MaxAQLResponseBytes,
	}
	if c.maxAQL <= 0 {
		c.maxAQL = DefaultMaxAQLResponseBytes
	}
	if c.userAgent == "" {
		c.userAgent = buildinfo.UserAgent()
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	if c.baseDelay <= 0 {
		c.baseDelay = DefaultRetryBaseDelay
	}
	if c.logger == nil {
		c.logger = slog.Default()
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	c.httpClient = newHTTPClient(cfg.HTTPClient, timeout)
	c.warnDeprecatedAuth()
	return wrap(c), nil
}

// wrap builds the public Client around a core.
func wrap(c *core) *Client {
	return &Client{
		Artifactory: &Artifactory{c: c},
		Xray:        &Xray{c: c},
		Access:      &Access{c: c},
		core:        c,
	}
}

// BaseURL returns the normalised base URL of a surface, without a trailing slash, or
// "" for an unknown surface.
func (c *Client) BaseURL(s Surface) string { return c.core.bases[s] }

// resolveBases derives each surface's base URL from the platform URL and overrides.
func resolveBases(cfg Config) (map[Surface]string, error) {
	platform := ""
	if strings.TrimSpace(cfg.URL) != "" {
		p, err := normaliseURL("JFROG_URL", cfg.URL)
		if err != nil {
			return nil, err
		}
		// A very common mistake is JFROG_URL=https://host/artifactory; deriving
		// /artifactory/artifactory and /artifactory/xray from it would fail every call.
		platform = strings.TrimSuffix(p, "/artifactory")
	}
	overrides := []struct {
		s     Surface
		env   string
		value string
	}{
		{SurfaceArtifactory, "JFROG_ARTIFACTORY_URL", cfg.ArtifactoryURL},
		{SurfaceXray, "JFROG_XRAY_URL", cfg.XrayURL},
		{SurfaceAccess, "JFROG_ACCESS_URL", cfg.AccessURL},
	}
	bases := make(map[Surface]string, len(overrides))
	for _, o := range overrides {
		if strings.TrimSpace(o.value) != "" {
			u, err := normaliseURL(o.env, o.value)
			if err != nil {
				return nil, err
			}
			bases[o.s] = u
			continue
		}
		if platform == "" {
			return nil, fmt.Errorf("client: JFROG_URL is not set (needed to derive the %s URL; or set %s)", o.s, o.env)
		}
		bases[o.s] = platform + "/" + string(o.s)
	}
	return bases, nil
}

// normaliseURL checks that raw is an absolute http(s) URL and strips trailing slashes
// so paths can be appended with a single "/".
func normaliseURL(env, raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("client: %s is not a valid URL: %w", env, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("client: %s must start with http:// or https://, got %q", env, raw)
	}
	if u.Host == "" {
		return "", fmt.Errorf("client: %s has no host: %q", env, raw)
	}
	if u.User != nil {
		// Credentials in the URL would be logged with every request line.
		return "", fmt.Errorf("client: %s must not embed credentials; use the credential variables", env)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("client: %s must not have a query or fragment: %q", env, raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	return u.String(), nil
}
