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
	"slices"
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
	CmdTools    = "tools"
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
	// Emulator command only. AdminToken is from the environment
	// (JFROG_MCP_EMULATOR_ADMIN_TOKEN): a flag would show it in every
	// process listing.
	DataDir    string
	SeedFile   string
	AdminToken string
	// Warnings to log once the logger exists (e.g. a deprecated API key).
	Warnings []string
	// JFrogCLI is set when the URL and credentials came from the JFrog CLI's
	// configuration (no URL in flags or environment, or --server-id).
	JFrogCLI *JFrogCLIServer
	// Format is how the tools command prints the catalog: markdown or json.
	Format string
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

// flagValues receives the flags of a command line before they are checked
// and copied into a Config.
type flagValues struct {
	cfg                                     Config
	mode, toolsets, logLevel, roots, server string
	version                                 bool
}

// flagSet declares the flags of cmd: only its own groups, so that its
// --help lists only what it takes and another command's flag is an error.
// Defaults come from the environment.
func (v *flagValues) flagSet(cmd *Command, getenv func(string) string) *flag.FlagSet {
	env := func(names ...string) string {
		for _, n := range names {
			if s := strings.TrimSpace(getenv(n)); s != "" {
				return s
			}
		}
		return ""
	}
	cfg := &v.cfg
	fs := flag.NewFlagSet("jfrog-mcp "+cmd.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	for _, g := range cmd.flags {
		switch g {
		case logFlags:
			fs.StringVar(&v.logLevel, "log-level", env("JFROG_MCP_LOG_LEVEL"), "debug, info, warn or error (env JFROG_MCP_LOG_LEVEL; default info)")
		case serverFlags:
			fs.StringVar(&cfg.JFrog.URL, "url", env("JFROG_URL", "JF_URL"), "JFrog Platform URL (env JFROG_URL)")
			fs.StringVar(&v.server, "server-id", "", "use this server of the JFrog CLI's configuration (jf c add); without a URL in flags or env, its default server is used")
			fs.BoolVar(&cfg.Sandbox, "sandbox", false, "serve the built-in JFrog emulator with demo data (mode write)")
			fs.StringVar(&v.roots, "local-roots", env("JFROG_MCP_LOCAL_ROOTS"), "directories upload/download may use, separated by '"+string(os.PathListSeparator)+"' (env JFROG_MCP_LOCAL_ROOTS; default: the working directory for stdio, none for http); 'none' disables local files")
			fs.StringVar(&cfg.AuditLog, "audit-log", env("JFROG_MCP_AUDIT_LOG"), "append guard decisions as JSON lines to this file (env JFROG_MCP_AUDIT_LOG; default stderr)")
			fs.StringVar(&cfg.PolicyFile, "policy", env("JFROG_MCP_POLICY"), "policy file (YAML) (env JFROG_MCP_POLICY)")
			fallthrough
		case policyFlags:
			fs.StringVar(&cfg.Profile, "profile", env("JFROG_MCP_PROFILE"), "profile of the policy file to apply (env JFROG_MCP_PROFILE)")
			fs.StringVar(&v.mode, "mode", env("JFROG_MCP_MODE"), "read-only, write or admin (env JFROG_MCP_MODE; default read-only, write with --sandbox)")
			fs.StringVar(&v.toolsets, "toolsets", env("JFROG_MCP_TOOLSETS"), "comma-separated toolsets to enable, or all (env JFROG_MCP_TOOLSETS)")
			if g == policyFlags {
				fs.StringVar(&v.roots, "local-roots", env("JFROG_MCP_LOCAL_ROOTS"), "directories upload/download may use, separated by '"+string(os.PathListSeparator)+"', or 'none' (env JFROG_MCP_LOCAL_ROOTS)")
			}
		case httpFlags:
			fs.StringVar(&cfg.Listen, "listen", "127.0.0.1:8080", "address to listen on")
			fs.Func("allowed-origins", "comma-separated browser origins (scheme://host[:port]) allowed besides the server's own; they get CORS headers", func(s string) error {
				for _, o := range strings.Split(s, ",") {
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
		case formatFlags:
			fs.StringVar(&cfg.Format, "format", "markdown", "markdown or json")
		case emulatorFlags:
			fs.StringVar(&cfg.Listen, "listen", "127.0.0.1:8081", "address to listen on")
			fs.StringVar(&cfg.DataDir, "data", "", "directory for the emulator's blobs and state, kept across restarts with the admin token (default: a temporary directory, removed at exit); JFROG_MCP_EMULATOR_ADMIN_TOKEN sets the admin token")
			fs.StringVar(&cfg.SeedFile, "seed", "", "seed file (JSON); default: the demo data")
		}
	}
	return fs
}

// Parse reads args (without the program name) and the environment. The
// command may stand anywhere among the flags; --help and help print to
// usage and return ErrHelp.
func Parse(args []string, getenv func(string) string, usage io.Writer) (*Config, error) {
	cmd, explicit, positional, flagArgs, err := splitCommandLine(args)
	if err != nil {
		return nil, err
	}
	var v flagValues
	fs := v.flagSet(cmd, getenv)
	if !explicit {
		// The bare binary: the top-level flags are the default command's,
		// plus --version.
		fs.BoolVar(&v.version, "version", false, "print the version")
	}
	if err := fs.Parse(flagArgs); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			name := cmd.Name
			if !explicit {
				name = "" // `jfrog-mcp --help`: the commands
			}
			_ = PrintHelp(usage, name)
			return nil, ErrHelp
		}
		return nil, &UsageError{fmt.Sprintf("%v (jfrog-mcp help %s lists its flags)", err, cmd.Name)}
	}
	cfg := &v.cfg
	cfg.Command = cmd.Name
	switch {
	case v.version:
		cfg.Command = CmdVersion
		return cfg, nil
	case cmd.Name == CmdHelp:
		if len(positional) > 1 {
			return nil, &UsageError{"usage: jfrog-mcp help [COMMAND]"}
		}
		name := ""
		if len(positional) == 1 {
			name = positional[0]
		}
		if err := PrintHelp(usage, name); err != nil {
			return nil, err
		}
		return nil, ErrHelp
	case cmd.Name == CmdPolicy:
		// jfrog-mcp policy check FILE [flags]
		if len(positional) != 2 || positional[0] != "check" {
			return nil, &UsageError{"usage: " + cmd.Usage}
		}
		cfg.PolicyFile = positional[1]
	case len(positional) > 0:
		return nil, &UsageError{fmt.Sprintf("unexpected argument %q (usage: %s)", positional[0], cmd.Usage)}
	}
	if v.logLevel != "" || slices.Contains(cmd.flags, logFlags) {
		if cfg.LogLevel, err = parseLevel(v.logLevel); err != nil {
			return nil, &UsageError{err.Error()}
		}
	}
	if v.mode != "" {
		if cfg.Mode, err = guard.ParseMode(v.mode); err != nil {
			return nil, &UsageError{err.Error()}
		}
	}
	if v.toolsets != "" {
		for _, t := range strings.Split(v.toolsets, ",") {
			if t = strings.TrimSpace(t); t != "" {
				cfg.Toolsets = append(cfg.Toolsets, t)
			}
		}
	}
	switch {
	case v.roots == "none":
		cfg.LocalRootsSet = true
	case v.roots != "":
		cfg.LocalRoots, cfg.LocalRootsSet = filepath.SplitList(v.roots), true
	}
	if cfg.Command == CmdTools && cfg.Format != "markdown" && cfg.Format != "json" {
		return nil, &UsageError{fmt.Sprintf("unknown --format %q: use markdown or json", cfg.Format)}
	}
	if cfg.Command == CmdEmulator {
		cfg.AdminToken = strings.TrimSpace(getenv("JFROG_MCP_EMULATOR_ADMIN_TOKEN"))
	}
	if cfg.Command == CmdVersion || cfg.Command == CmdEmulator || cfg.Command == CmdPolicy || cfg.Command == CmdTools {
		return cfg, nil
	}
	env := func(names ...string) string {
		for _, n := range names {
			if s := strings.TrimSpace(getenv(n)); s != "" {
				return s
			}
		}
		return ""
	}
	serverID := v.server

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

	cfg.DefaultMode = guard.ModeReadOnly
	if cfg.Sandbox {
		cfg.DefaultMode = guard.ModeWrite
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
