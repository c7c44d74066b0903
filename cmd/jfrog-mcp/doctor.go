package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/config"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
	"github.com/jfrog-mcp/jfrog-mcp/internal/mcpserver"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// check is one line of the doctor's table.
type check struct {
	name, status, detail, fix string
}

const (
	statusOK   = "ok"
	statusWarn = "warn"
	statusFail = "FAIL"
)

// errDoctorFailed makes the process exit 1 after the table was printed.
var errDoctorFailed = errors.New("doctor found problems")

// doctor checks what a server with this configuration would meet: the
// policy, the tools it would register, each surface (reachable, version,
// authenticated, identity), and whether the policy's repository rules match
// repositories that exist. It prints a table with a fix for each failure.
func doctor(ctx context.Context, cfg *config.Config, stdout io.Writer, logger *slog.Logger) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var checks []check
	add := func(c check) { checks = append(checks, c) }

	stopSandbox, err := useSandbox(cfg, logger)
	if err != nil {
		return err
	}
	defer stopSandbox()
	add(configCheck(cfg))
	cfg.JFrog.Logger = logger
	c, err := client.New(cfg.JFrog)
	if err != nil {
		add(check{"configuration", statusFail, err.Error(), "fix the URL (JFROG_URL or --url)"})
		return printChecks(stdout, checks)
	}
	g, err := buildGuard(cfg, io.Discard)
	if err != nil {
		add(check{"policy", statusFail, err.Error(), "fix the policy file; `jfrog-mcp policy check FILE` shows the line and field"})
		return printChecks(stdout, checks)
	}
	eff := g.Effective()
	add(check{"policy", statusOK, fmt.Sprintf("mode %s, toolsets %s", eff.Mode, strings.Join(eff.Toolsets, ",")), ""})
	_, names := mcpserver.New(&tools.Deps{Client: c, Guard: g, Logger: logger})
	if len(names) == 0 {
		add(check{"mcp", statusFail, "no tool would be registered", "enable a toolset (--toolsets) or a mode that allows its tools (--mode)"})
	} else {
		add(check{"mcp", statusOK, fmt.Sprintf("%d tools: %s", len(names), strings.Join(names, ", ")), ""})
	}

	xrayNeeded := slices.Contains(eff.Toolsets, "xray")
	for _, s := range surfaceChecks(ctx, c, xrayNeeded) {
		add(s)
	}
	add(identityCheck(ctx, c))
	for _, rc := range repositoryChecks(ctx, c, cfg) {
		add(rc)
	}
	return printChecks(stdout, checks)
}

func configCheck(cfg *config.Config) check {
	from := "flags and environment"
	if cfg.JFrogCLI != nil {
		from = fmt.Sprintf("JFrog CLI server %s (%s)", cfg.JFrogCLI.ServerID, cfg.JFrogCLI.File)
	}
	creds := "no credentials"
	switch {
	case cfg.JFrog.AccessToken != "":
		creds = "access token"
	case cfg.JFrog.User != "" && cfg.JFrog.Password != "":
		creds = "user " + cfg.JFrog.User + " and password"
	case cfg.JFrog.APIKey != "":
		creds = "API key (deprecated)"
	}
	url := cfg.JFrog.URL
	if url == "" {
		url = cfg.JFrog.ArtifactoryURL
	}
	c := check{"configuration", statusOK, fmt.Sprintf("%s from %s, %s", url, from, creds), ""}
	if creds == "no credentials" {
		c.status, c.fix = statusWarn, "set JFROG_ACCESS_TOKEN (or JFROG_USER and JFROG_PASSWORD)"
	}
	return c
}

// surfaceChecks asks each surface for its version: that shows whether it
// answers and whether it accepts the credentials.
func surfaceChecks(ctx context.Context, c *client.Client, xrayNeeded bool) []check {
	type probe struct {
		surface  client.Surface
		version  func() (string, error)
		optional bool
	}
	probes := []probe{
		{client.SurfaceArtifactory, func() (string, error) {
			v, err := c.Artifactory.Version(ctx)
			if err != nil {
				return "", err
			}
			return v.Version, nil
		}, false},
		{client.SurfaceXray, func() (string, error) {
			v, err := c.Xray.Version(ctx)
			if err != nil {
				return "", err
			}
			return v.XrayVersion, nil
		}, !xrayNeeded},
		{client.SurfaceAccess, func() (string, error) {
			v, err := c.Access.Version(ctx)
			if err != nil {
				return "", err
			}
			return v.Version, nil
		}, false},
	}
	out := make([]check, 0, len(probes))
	for _, p := range probes {
		name, url := string(p.surface), c.BaseURL(p.surface)
		v, err := p.version()
		if err == nil {
			out = append(out, check{name, statusOK, "version " + v + " at " + url, ""})
			continue
		}
		chk := failureCheck(name, url, err)
		if p.optional && chk.status == statusFail && !client.IsUnauthorized(err) {
			chk.status = statusWarn
			chk.fix += " (the xray toolset is not enabled, so the server works without it)"
		}
		out = append(out, chk)
	}
	return out
}

func identityCheck(ctx context.Context, c *client.Client) check {
	who, err := c.Access.WhoAmI(ctx)
	if err != nil {
		chk := failureCheck("identity", c.BaseURL(client.SurfaceAccess), err)
		if client.StatusCode(err) == http.StatusNotFound {
			chk.status, chk.fix = statusWarn, "this Access version has no tokens/me (7.53.1+); the identity cannot be shown"
		}
		return chk
	}
	detail := who.Subject
	if who.Expiry > 0 {
		exp := who.ExpiresAt()
		detail += ", token expires " + exp.UTC().Format(time.RFC3339)
		if time.Until(exp) < 7*24*time.Hour {
			return check{"identity", statusWarn, detail, "the token expires within a week: create a new one"}
		}
	}
	return check{"identity", statusOK, detail, ""}
}

// repositoryChecks lists the repositories the identity sees and reports
// policy rules that match none of them: a misspelt key in a policy silently
// allows nothing.
func repositoryChecks(ctx context.Context, c *client.Client, cfg *config.Config) []check {
	repos, err := c.Artifactory.ListRepositories(ctx, client.ListRepositoriesOptions{})
	if err != nil {
		return []check{failureCheck("repositories", c.BaseURL(client.SurfaceArtifactory), err)}
	}
	policy, err := loadPolicy(cfg)
	if err != nil {
		return nil // reported by the policy check
	}
	keys := make([]string, len(repos))
	for i, r := range repos {
		keys[i] = strings.ToLower(r.Key)
	}
	out := []check{{"repositories", statusOK, fmt.Sprintf("%d visible to this identity", len(keys)), ""}}
	if len(keys) == 0 {
		out[0].status, out[0].fix = statusWarn, "the identity sees no repository: give it read permission, or use another token"
	}
	for _, cls := range []struct {
		name  string
		rules []guard.Rule
	}{{"read", policy.Read}, {"write", policy.Write}, {"delete", policy.Delete}, {"promote_to", policy.Promote}} {
		for _, r := range cls.rules {
			if slices.ContainsFunc(keys, func(k string) bool { return r.Allows(k, r.PathPrefix) }) {
				continue
			}
			out = append(out, check{"policy " + cls.name, statusWarn,
				fmt.Sprintf("rule %q matches no repository this identity sees", r.String()),
				"check the key's spelling in the policy file, or the identity's permissions"})
		}
	}
	return out
}

// failureCheck words an upstream error for a person: refused credentials,
// missing permission, wrong URL, or no answer at all.
func failureCheck(name, url string, err error) check {
	switch st := client.StatusCode(err); {
	case st == http.StatusUnauthorized:
		return check{name, statusFail, "credentials refused (401) at " + url,
			"create a new access token and set JFROG_ACCESS_TOKEN (or fix JFROG_USER/JFROG_PASSWORD)"}
	case st == http.StatusForbidden:
		return check{name, statusFail, "forbidden (403) at " + url, "give this identity the permission, or use another token"}
	case st == http.StatusNotFound:
		return check{name, statusFail, "not found (404) at " + url, "check the URL; a per-surface override (JFROG_ARTIFACTORY_URL, JFROG_XRAY_URL, JFROG_ACCESS_URL) may be needed"}
	case st != 0:
		return check{name, statusFail, fmt.Sprintf("answered %d at %s", st, url), "the service is unhealthy: try again later or ask its administrator"}
	}
	return check{name, statusFail, "no answer from " + url + ": " + err.Error(), "check the URL (JFROG_URL or --url) and that this machine reaches it"}
}

func printChecks(w io.Writer, checks []check) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CHECK\tSTATUS\tDETAIL\tFIX")
	failed := false
	for _, c := range checks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.name, c.status, c.detail, c.fix)
		failed = failed || c.status == statusFail
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if failed {
		return errDoctorFailed
	}
	return nil
}
