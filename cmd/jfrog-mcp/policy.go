package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"slices"
	"strings"

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
	if err := checkDisabledTools(policy.DisabledTools); err != nil {
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
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("local roots: %w: create the directory before the server starts, or change local_roots (--local-roots)", err)
	}
	if err != nil {
		return nil, fmt.Errorf("local roots: %w", err)
	}
	toolsets, err := tools.EnabledToolsets(policy.Toolsets)
	if err != nil {
		return nil, err
	}
	return guard.New(guard.Config{
		Policy:     policy,
		Toolsets:   toolsets,
		LocalRoots: roots,
		OwnFiles:   ownFiles(cfg),
		Audit:      slog.New(slog.NewJSONHandler(audit, &slog.HandlerOptions{Level: auditLevel(cfg)})).With("log", "audit"),
		Secret:     []byte(os.Getenv("JFROG_MCP_SECRET")),
	})
}

// checkDisabledTools refuses a tools.disable entry that names no tool: a
// misspelt name would leave the tool enabled, a safety control doing nothing.
func checkDisabledTools(names []string) error {
	known := map[string]bool{}
	for _, d := range tools.All() {
		known[d.Name()] = true
	}
	for _, n := range names {
		if !known[strings.TrimSpace(n)] {
			all := make([]string, 0, len(known))
			for k := range known {
				all = append(all, k)
			}
			slices.Sort(all)
			return fmt.Errorf("tools.disable: unknown tool %q (tools: %s)", n, strings.Join(all, ", "))
		}
	}
	return nil
}

// ownFiles are the files local file tools must never read or write,
// whatever the roots allow: the policy (a download over it would be the agent
// writing its own permissions), the audit log, the executable and the JFrog
// CLI configuration it took credentials from.
func ownFiles(cfg *config.Config) []guard.OwnFile {
	own := []guard.OwnFile{{Path: cfg.PolicyFile, What: "the policy file"}, {Path: cfg.AuditLog, What: "the audit log"}}
	if exe, err := os.Executable(); err == nil {
		own = append(own, guard.OwnFile{Path: exe, What: "the executable"})
	}
	if cfg.JFrogCLI != nil {
		own = append(own, guard.OwnFile{Path: cfg.JFrogCLI.File, What: "the JFrog CLI configuration (credentials)"})
	}
	return own
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

// auditLevel is what the audit log keeps: a file every decision; stderr,
// shared with the logs, what --log-level shows (at info: writes, deletes and
// refusals, while allowed reads are debug).
func auditLevel(cfg *config.Config) slog.Level {
	if cfg.AuditLog != "" {
		return slog.LevelDebug
	}
	return cfg.LogLevel
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

// policyCheck validates a policy file and prints the effective policy. It
// builds the guard exactly as the server does at start, so it fails exactly
// when the server would refuse to start (local roots included: they are
// resolved here, in this working directory, as the server would).
func policyCheck(cfg *config.Config, stdout io.Writer) error {
	cfg.DefaultMode = guard.ModeReadOnly
	g, err := buildGuard(cfg, io.Discard)
	if err != nil {
		return err
	}
	eff := g.Effective()
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(eff)
}
