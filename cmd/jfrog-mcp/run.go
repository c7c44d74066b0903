package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"time"

	"golang.org/x/term"

	"github.com/jfrog-mcp/jfrog-mcp/internal/buildinfo"
	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/config"
	"github.com/jfrog-mcp/jfrog-mcp/internal/mcpserver"
	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// Exit codes: 2 is a usage or configuration problem the user must fix.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// run is main without the process: tests call it with their own streams.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) > 0 && args[0] == "config-snippet" {
		return configSnippet(args[1:], getenv, stdout, stderr)
	}
	cfg, err := config.Parse(args, getenv, stderr)
	var usage *config.UsageError
	switch {
	case errors.Is(err, config.ErrHelp):
		return exitOK
	case errors.As(err, &usage):
		fmt.Fprintln(stderr, "jfrog-mcp:", usage.Msg)
		return exitUsage
	case err != nil:
		fmt.Fprintln(stderr, "jfrog-mcp:", err)
		return exitError
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	for _, w := range cfg.Warnings {
		logger.Warn(w)
	}

	switch cfg.Command {
	case config.CmdVersion:
		fmt.Fprintln(stdout, "jfrog-mcp", buildinfo.Describe())
		return exitOK
	case config.CmdTools:
		err = printCatalog(stdout, cfg.Format)
	case config.CmdEmulator:
		err = runEmulator(ctx, cfg, stdout, logger)
	case config.CmdPolicy:
		if err = policyCheck(cfg, stdout); err != nil {
			fmt.Fprintln(stderr, "jfrog-mcp: policy:", err)
			return exitUsage
		}
	case config.CmdDoctor:
		if err = doctor(ctx, cfg, stdout, logger); errors.Is(err, errDoctorFailed) {
			return exitError
		}
	default:
		err = serve(ctx, cfg, stdin, stdout, stderr, logger)
	}
	if err != nil {
		fmt.Fprintln(stderr, "jfrog-mcp:", err)
		return exitError
	}
	return exitOK
}

// useSandbox starts the built-in emulator when cfg asks for it and points
// cfg's JFrog client at it; the function returned stops it.
func useSandbox(cfg *config.Config, logger *slog.Logger) (func(), error) {
	if !cfg.Sandbox {
		return func() {}, nil
	}
	sb, err := startSandbox(logger)
	if err != nil {
		return nil, err
	}
	cfg.JFrog = client.Config{URL: sb.URL, AccessToken: sb.Token}
	logger.Info("sandbox: serving the built-in JFrog emulator with demo data; nothing real is touched", "url", sb.URL)
	return sb.Close, nil
}

// serve runs the MCP server over stdio or HTTP.
func serve(ctx context.Context, cfg *config.Config, stdin io.Reader, stdout, stderr io.Writer, logger *slog.Logger) error {
	stopSandbox, err := useSandbox(cfg, logger)
	if err != nil {
		return err
	}
	defer stopSandbox()
	cfg.JFrog.Logger = logger
	c, err := client.New(cfg.JFrog)
	if err != nil {
		return fmt.Errorf("configure JFrog client: %w", err)
	}
	audit, closeAudit, err := auditWriter(cfg, stderr)
	if err != nil {
		return err
	}
	defer closeAudit()
	g, err := buildGuard(cfg, audit)
	if err != nil {
		return fmt.Errorf("configure guard: %w", err)
	}
	tools.RemoveStaleParts(g.Effective().LocalRoots, time.Hour, logger)
	s, names := mcpserver.New(&tools.Deps{Client: c, Guard: g, Logger: logger, Sandbox: cfg.Sandbox, Budget: g.Limits().ResponseBytes})
	logger.Debug("jfrog-mcp ready", "transport", cfg.Command, "mode", g.Mode(), "tools", len(names))

	if cfg.Command == config.CmdHTTP {
		h := mcpserver.Handler(s, mcpserver.HTTPOptions{AllowedOrigins: cfg.AllowedOrigins, Stateless: cfg.Stateless,
			SessionIdle: cfg.SessionIdle, BodyTimeout: cfg.BodyTimeout})
		return mcpserver.ServeHTTP(ctx, cfg.Listen, h, logger, mcpserver.ServeOptions{IdleTimeout: cfg.IdleTimeout}, func(a net.Addr) {
			logger.Info("listening", "mcp", "http://"+a.String()+"/mcp", "sse", "http://"+a.String()+"/sse")
		})
	}
	if isTerminal(stdin) {
		fmt.Fprintln(stderr, "jfrog-mcp speaks MCP on stdin/stdout: start it from an MCP client (e.g. command \"jfrog-mcp\", args [\"stdio\"]), not by hand. Ctrl-C to quit.")
	}
	return mcpserver.ServeStdio(ctx, s, stdin, stdout, logger)
}

// printCatalog prints every toolset and tool: docs/tools.md and the README
// table are this output.
func printCatalog(w io.Writer, format string) error {
	if format == "json" {
		b, err := tools.CatalogJSON()
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	_, err := io.WriteString(w, tools.CatalogMarkdown())
	return err
}

// isTerminal reports whether r is a terminal (a person typing). A character
// device is not enough: /dev/null is one, and `jfrog-mcp </dev/null` is no
// person.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
