// Package config reads the server's configuration from flags and JFROG_*
// environment variables. Flags win over the environment. Secrets are read from
// the environment only: a flag would show them in every process listing.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// Commands the binary understands. stdio is the default.
const (
	CmdStdio    = "stdio"
	CmdHTTP     = "http"
	CmdEmulator = "emulator"
	CmdVersion  = "version"
	CmdPolicy   = "policy"
	CmdDoctor   = "doctor"
)

// Config is everything a command needs to run.
type Config struct {
	Command string
	JFrog   client.Config
	// Mode is set when a flag or JFROG_MCP_MODE says so; it then wins over
	// the policy file. DefaultMode applies when neither says.
	Mode        guard.Mode
	DefaultMode guard.Mode
	// PolicyFile and Profile select the guard policy; AuditLog is where
	// decisions go ("" means stderr).
	PolicyFile string
	Profile    string
	AuditLog   string
	Toolsets   []string
	LogLevel   slog.Level
	Sandbox    bool
	Listen     string
	// HTTP command only: browser origins allowed besides the server's own,
	// sessions and the bounds on connections (README "HTTP limits").
	AllowedOrigins []string
	Stateless      bool
	SessionIdle    time.Duration
	BodyTimeout    time.Duration
	IdleTimeout    time.Duration
	// LocalRoots are the directories upload/download may use, when a flag or
	// env says; otherwise the policy file's, otherwise DefaultLocalRoots: the
	// working directory for stdio (the user's own machine), none for http.
	LocalRoots        []string
	LocalRootsSet     bool
	DefaultLocalRoots []string
	// Emulator command only.
	DataDir  string
	SeedFile string
	// Warnings to log once the logger exists (e.g. a deprecated API key).
	Warnings []string
	// JFrogCLI is set when the URL and credentials came from the JFrog CLI's
	// configuration (no URL in flags or environment, or --server-id).
	JFrogCLI *JFrogCLIServer
}

// UsageError means the command line or environment is wrong; the process
// exits with status 2 and the message.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// ErrHelp is returned when -h/--help was asked for; usage was already printed.
var ErrHelp = flag.ErrHelp

// MissingURLMessage is what a user sees when nothing says where JFrog is.
const MissingURLMessage = "no JFrog URL: set JFROG_URL (or JF_URL) and JFROG_ACCESS_TOKEN (or JFROG_USER and JFROG_PASSWORD), " +
	"configure the JFrog CLI (jf c add), or run with --sandbox to try the built-in emulator with demo data"

// Parse reads args (without the program name) and the environment.
func Parse(args []string, getenv func(string) string, usage io.Writer) (*Config, error) {
	cfg := &Config{Command: CmdStdio}
	var policyArg string // the FILE of "policy check FILE"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case CmdStdio, CmdHTTP, CmdEmulator, CmdVersion, CmdDoctor:
			cfg.Command, args = args[0], args[1:]
		case CmdPolicy:
			// jfrog-mcp policy check FILE [--profile NAME]
			if len(args) < 3 || args[1] != "check" {
				return nil, &UsageError{"usage: jfrog-mcp policy check FILE [--profile NAME]"}
			}
			cfg.Command, policyArg, args = CmdPolicy, args[2], args[3:]
		default:
			return nil, &UsageError{fmt.Sprintf("unknown command %q: use stdio, http, emulator, policy, doctor or version", args[0])}
		}
	}
	env := func(names ...string) string {
		for _, n := range names {
			if v := strings.TrimSpace(getenv(n)); v != "" {
				return v
			}
		}
		return ""
	}

	fs := flag.NewFlagSet("jfrog-mcp "+cfg.Command, flag.ContinueOnError)
	fs.SetOutput(usage)
	var mode, toolsets, logLevel, roots, serverID string
	fs.StringVar(&cfg.JFrog.URL, "url", env("JFROG_URL", "JF_URL"), "JFrog Platform URL (env JFROG_URL)")
	fs.StringVar(&mode, "mode", env("JFROG_MCP_MODE"), "read-only, write or admin (env JFROG_MCP_MODE; default read-only, write with --sandbox)")
	fs.StringVar(&toolsets, "toolsets", env("JFROG_MCP_TOOLSETS"), "comma-separated toolsets to enable, or all (env JFROG_MCP_TOOLSETS)")
	fs.StringVar(&logLevel, "log-level", env("JFROG_MCP_LOG_LEVEL"), "debug, info, warn or error (env JFROG_MCP_LOG_LEVEL; default info)")
	fs.StringVar(&roots, "local-roots", env("JFROG_MCP_LOCAL_ROOTS"), "directories upload/download may use, separated by '"+string(os.PathListSeparator)+"' (env JFROG_MCP_LOCAL_ROOTS; default: the working directory for stdio, none for http); 'none' disables local files")
	fs.StringVar(&cfg.PolicyFile, "policy", env("JFROG_MCP_POLICY"), "policy file (YAML) (env JFROG_MCP_POLICY)")
	fs.StringVar(&cfg.Profile, "profile", env("JFROG_MCP_PROFILE"), "profile of the policy file to apply (env JFROG_MCP_PROFILE)")
	fs.StringVar(&cfg.AuditLog, "audit-log", env("JFROG_MCP_AUDIT_LOG"), "append guard decisions as JSON lines to this file (env JFROG_MCP_AUDIT_LOG; default stderr)")
	fs.StringVar(&serverID, "server-id", "", "use this server of the JFrog CLI's configuration (jf c add); without a URL in flags or env, its default server is used")
	fs.BoolVar(&cfg.Sandbox, "sandbox", false, "serve the built-in JFrog emulator with demo data (mode write)")
	switch cfg.Command {
	case CmdHTTP:
		fs.StringVar(&cfg.Listen, "listen", "127.0.0.1:8080", "address to listen on")
		fs.Func("allowed-origins", "comma-separated browser origins (scheme://host[:port]) allowed besides the server's own; they get CORS headers", func(v string) error {
			for _, o := range strings.Split(v, ",") {
				if o = strings.TrimSpace(o); o != "" {
					cfg.AllowedOrigins = append(cfg.AllowedOrigins, o)
				}
			}
			return nil
		})
		fs.BoolVar(&cfg.Stateless, "stateless", false, "streamable HTTP without sessions (behind a load balancer); all requests are then one caller")
		fs.DurationVar(&cfg.SessionIdle, "session-idle", 30*time.Minute, "end a session unused this long")
		fs.DurationVar(&cfg.BodyTimeout, "body-timeout", 30*time.Second, "most time to receive a request body")
		fs.DurationVar(&cfg.IdleTimeout, "idle-timeout", 2*time.Minute, "close a keep-alive connection idle this long")
	case CmdEmulator:
		fs.StringVar(&cfg.Listen, "listen", "127.0.0.1:8081", "address to listen on")
		fs.StringVar(&cfg.DataDir, "data", "", "directory for the emulator's blobs and state (default: a temporary directory)")
		fs.StringVar(&cfg.SeedFile, "seed", "", "seed file (JSON); default: the demo data")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, ErrHelp
		}
		return nil, &UsageError{err.Error()}
	}
	if policyArg != "" {
		cfg.PolicyFile = policyArg
	}
	if fs.NArg() > 0 {
		return nil, &UsageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if cfg.Command == CmdVersion || cfg.Command == CmdEmulator || cfg.Command == CmdPolicy {
		return cfg, nil
	}

	cfg.JFrog.ArtifactoryURL = env("JFROG_ARTIFACTORY_URL")
	cfg.JFrog.XrayURL = env("JFROG_XRAY_URL")
	cfg.JFrog.AccessURL = env("JFROG_ACCESS_URL")
	cfg.JFrog.AccessToken = env("JFROG_ACCESS_TOKEN", "JF_ACCESS_TOKEN")
	cfg.JFrog.User = env("JFROG_USER", "JF_USER")
	cfg.JFrog.Password = env("JFROG_PASSWORD", "JF_PASSWORD")
	cfg.JFrog.APIKey = env("JFROG_API_KEY")
	if cfg.JFrog.APIKey != "" {
		cfg.Warnings = append(cfg.Warnings, "JFROG_API_KEY is a legacy API key, which JFrog has deprecated: use an access token (JFROG_ACCESS_TOKEN)")
	}

	var err error
	if cfg.LogLevel, err = parseLevel(logLevel); err != nil {
		return nil, &UsageError{err.Error()}
	}
	if mode != "" {
		if cfg.Mode, err = guard.ParseMode(mode); err != nil {
			return nil, &UsageError{err.Error()}
		}
	}
	cfg.DefaultMode = guard.ModeReadOnly
	if cfg.Sandbox {
		cfg.DefaultMode = guard.ModeWrite
	}
	if toolsets != "" {
		for _, t := range strings.Split(toolsets, ",") {
			if t = strings.TrimSpace(t); t != "" {
				cfg.Toolsets = append(cfg.Toolsets, t)
			}
		}
	}
	switch {
	case roots == "none":
		cfg.LocalRootsSet = true
	case roots != "":
		cfg.LocalRoots, cfg.LocalRootsSet = filepath.SplitList(roots), true
	}
	if cfg.Command == CmdStdio {
		wd, err := os.Getwd()
		if err != nil {
			return nil, fmt.Errorf("working directory: %w", err)
		}
		cfg.DefaultLocalRoots = []string{wd}
	}
	if !cfg.Sandbox && (serverID != "" || cfg.JFrog.URL == "" && cfg.JFrog.ArtifactoryURL == "") {
		if serverID != "" {
			// --server-id names the CLI's server: its URLs, not the environment's.
			cfg.JFrog.URL, cfg.JFrog.ArtifactoryURL, cfg.JFrog.XrayURL = "", "", ""
		}
		cli, err := readJFrogCLIServer(getenv, serverID, &cfg.JFrog)
		switch {
		case errors.Is(err, errNoJFrogCLIConfig) && serverID != "":
			return nil, &UsageError{fmt.Sprintf("--server-id %s: no JFrog CLI configuration found (looked in $JFROG_CLI_HOME_DIR or ~/.jfrog); add the server with `jf c add %s`", serverID, serverID)}
		case errors.Is(err, errNoJFrogCLIConfig):
			return nil, &UsageError{MissingURLMessage}
		case err != nil:
			return nil, &UsageError{err.Error()}
		}
		cfg.JFrogCLI = cli
		if cli.Refreshable {
			cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("the JFrog CLI renews the access token of server %s with its refresh token; jfrog-mcp does not: once the token expires, run any jf command to renew it, or set JFROG_ACCESS_TOKEN", cli.ServerID))
		}
	}
	if !cfg.Sandbox && cfg.JFrog.AccessToken == "" && cfg.JFrog.User == "" && cfg.JFrog.APIKey == "" {
		cfg.Warnings = append(cfg.Warnings, "no JFrog credentials: requests go out anonymous, and most will be refused; set JFROG_ACCESS_TOKEN (or JFROG_USER and JFROG_PASSWORD)")
	}
	if cfg.Command == CmdHTTP {
		if err := checkLoopback(cfg.Listen); err != nil {
			return nil, &UsageError{err.Error()}
		}
	}
	return cfg, nil
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if s == "" {
		return slog.LevelInfo, nil
	}
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("unknown log level %q: use debug, info, warn or error", s)
	}
	return l, nil
}

// checkLoopback refuses to serve beyond this machine: callers are not
// authenticated yet, and an open MCP server is an open door to JFrog.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("bad --listen %q: %v", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("refusing to listen on %s: caller authentication is not available yet, so the server binds to loopback only (e.g. 127.0.0.1:8080)", addr)
}
