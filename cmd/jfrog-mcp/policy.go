package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/jfrog-mcp/jfrog-mcp/internal/config"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// buildGuard assembles the guard from the policy file (if any) and the
// command line: an explicit --mode or --local-roots wins over the file.
func buildGuard(cfg *config.Config, audit io.Writer) (*guard.Guard, error) {
	policy, err := loadPolicy(cfg)
	if err != nil {
		return nil, err
	}
	rootDirs := cfg.DefaultLocalRoots
	switch {
	case cfg.LocalRootsSet:
		rootDirs = cfg.LocalRoots
	case policy.LocalRoots != nil:
		rootDirs = policy.LocalRoots
	}
	roots, err := guard.NewLocalRoots(rootDirs)
	if err != nil {
		return nil, fmt.Errorf("configure local roots: %w", err)
	}
	toolsets, err := tools.EnabledToolsets(policy.Toolsets)
	if err != nil {
		return nil, err
	}
	return guard.New(guard.Config{
		Policy:     policy,
		Toolsets:   toolsets,
		LocalRoots: roots,
		Audit:      slog.New(slog.NewJSONHandler(audit, nil)).With("log", "audit"),
		Secret:     []byte(os.Getenv("JFROG_MCP_SECRET")),
	})
}

// loadPolicy reads the policy file and profile, then applies the mode and
// toolsets given on the command line.
func loadPolicy(cfg *config.Config) (guard.Policy, error) {
	policy := guard.DefaultPolicy("")
	if cfg.PolicyFile != "" {
		set, err := guard.LoadPolicyFile(cfg.PolicyFile)
		if err != nil {
			return guard.Policy{}, err
		}
		if err := checkToolsets(set); err != nil {
			return guard.Policy{}, err
		}
		if policy, err = set.Profile(cfg.Profile); err != nil {
			return guard.Policy{}, err
		}
	} else if cfg.Profile != "" {
		return guard.Policy{}, fmt.Errorf("--profile %s needs a policy file (--policy)", cfg.Profile)
	}
	switch {
	case cfg.Mode != "":
		policy.Mode = cfg.Mode
	case policy.Mode == "":
		policy.Mode = cfg.DefaultMode
	}
	if cfg.Toolsets != nil {
		policy.Toolsets = cfg.Toolsets
	}
	return policy, nil
}

// checkToolsets refuses a policy file naming an unknown toolset in any
// profile, not only in the one applied now.
func checkToolsets(set *guard.PolicySet) error {
	if _, err := tools.EnabledToolsets(set.Base.Toolsets); err != nil {
		return fmt.Errorf("toolsets: %w", err)
	}
	for name, p := range set.Profiles {
		if _, err := tools.EnabledToolsets(p.Toolsets); err != nil {
			return fmt.Errorf("profile %s: toolsets: %w", name, err)
		}
	}
	return nil
}

// auditWriter opens the audit log file, or returns stderr.
func auditWriter(cfg *config.Config, stderr io.Writer) (io.Writer, func(), error) {
	if cfg.AuditLog == "" {
		return stderr, func() {}, nil
	}
	f, err := os.OpenFile(cfg.AuditLog, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("open audit log: %w", err)
	}
	return f, func() { _ = f.Close() }, nil
}

// policyCheck validates a policy file and prints the effective policy.
// Local roots are shown as written and only warned about when missing: the
// check may run on another machine than the server.
func policyCheck(cfg *config.Config, stdout, stderr io.Writer) error {
	cfg.DefaultMode = guard.ModeReadOnly
	policy, err := loadPolicy(cfg)
	if err != nil {
		return err
	}
	toolsets, err := tools.EnabledToolsets(policy.Toolsets)
	if err != nil {
		return err
	}
	g, err := guard.New(guard.Config{Policy: policy, Toolsets: toolsets})
	if err != nil {
		return err
	}
	eff := g.Effective()
	eff.LocalRoots = policy.LocalRoots
	for _, r := range policy.LocalRoots {
		if st, err := os.Stat(r); err != nil || !st.IsDir() {
			fmt.Fprintf(stderr, "jfrog-mcp: policy: warning: local root %q is not a directory here\n", r)
		}
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(eff)
}
