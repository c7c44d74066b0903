package mcpserver

import (
	"context"
	"io"
	"log/slog"

	"github.com/mark3labs/mcp-go/server"
)

// StdioOptions configures stdio; zero values take the defaults.
type StdioOptions struct {
	// MaxLine caps one message line (MaxMessageBytes).
	MaxLine int
}

// ServeStdio serves s on in/out until ctx ends or in reaches EOF. Nothing but
// protocol may be written to out; logs go to the logger (stderr). opts is
// optional (at most one).
func ServeStdio(ctx context.Context, s *server.MCPServer, in io.Reader, out io.Writer, logger *slog.Logger, opts ...StdioOptions) error {
	var o StdioOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	st := server.NewStdioServer(s)
	st.SetErrorLogger(slog.NewLogLogger(logger.Handler(), slog.LevelError))
	in, restore := pollable(in)
	defer restore()
	d := newDrain(out)
	err := st.Listen(ctx, newLines(in, o.MaxLine, d), d)
	if err == nil || ctx.Err() != nil || err == io.EOF {
		return nil
	}
	return err
}
