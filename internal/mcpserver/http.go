package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/mark3labs/mcp-go/server"
)

// HTTPHandler serves streamable HTTP at /mcp, legacy SSE at /sse and /message,
// and /healthz, on one mux. Both MCP transports reject a loopback request whose
// Host is not loopback (DNS-rebinding protection, on by default in mcp-go).
type HTTPHandler struct {
	mux        *http.ServeMux
	sse        *server.SSEServer
	streamable *server.StreamableHTTPServer
}

// Handler builds the HTTP handler for s.
func Handler(s *server.MCPServer) *HTTPHandler {
	h := &HTTPHandler{
		mux:        http.NewServeMux(),
		streamable: server.NewStreamableHTTPServer(s),
		// No base URL: the endpoint event then carries a relative /message
		// URL, which works whether the client came via localhost or 127.0.0.1.
		sse: server.NewSSEServer(s, server.WithKeepAlive(true)),
	}
	h.mux.Handle("/mcp", h.streamable)
	h.mux.Handle("/sse", h.sse)
	h.mux.Handle("/message", h.sse)
	h.mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	return h
}

func (h *HTTPHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// closeStreams ends open SSE streams: they never go idle, so without this a
// graceful shutdown would always wait out its whole grace period.
func (h *HTTPHandler) closeStreams() {
	h.sse.CloseSessions()
	h.streamable.CloseSessions(context.Background())
}

// ServeHTTP listens on addr and serves h until ctx ends, then shuts down
// gracefully, giving in-flight calls up to five seconds. ready, if not nil,
// receives the bound address once the listener is up.
func ServeHTTP(ctx context.Context, addr string, h http.Handler, logger *slog.Logger, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if c, ok := h.(interface{ closeStreams() }); ok {
		srv.RegisterOnShutdown(c.closeStreams)
	}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// Whatever is still open after the grace period is closed.
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("shut down: %w", err)
	}
	_ = srv.Close()
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
