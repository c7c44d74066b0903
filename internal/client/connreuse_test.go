package client_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/emulatortest"
)

// chunkedServer answers every request with body as a chunked answer (the
// header flushed first, as Artifactory streams AQL) and counts the TCP
// connections it accepted.
func chunkedServer(t *testing.T, body string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		_, _ = w.Write([]byte(body))
		// The value is complete; the final empty chunk follows a moment
		// later, as from a server that streams rows and then closes the
		// array. A client that stops reading at the end of the value has
		// not seen it yet.
		w.(http.Flusher).Flush()
		time.Sleep(2 * time.Millisecond)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &conns
}

// A JSON decoder stops at the end of the value, before the final empty chunk;
// unless the rest is read, Go's transport drops the connection at Close and
// every call opens a new one (a TLS handshake against a real server).
func TestChunkedAnswersReuseOneConnection(t *testing.T) {
	cases := map[string]struct {
		body string
		call func(c *client.Client) error
	}{
		"aql": {
			body: `{"results":[{"repo":"r","path":".","name":"a"}],"range":{"start_pos":0,"end_pos":1,"total":1}}` + "\n",
			call: func(c *client.Client) error { _, err := c.Artifactory.AQL(t.Context(), `items.find()`); return err },
		},
		"json": {
			body: `[{"key":"libs","type":"LOCAL","packageType":"generic"}]` + "\n",
			call: func(c *client.Client) error {
				_, err := c.Artifactory.ListRepositories(t.Context(), client.ListRepositoriesOptions{})
				return err
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srv, conns := chunkedServer(t, tc.body)
			c, err := client.New(client.Config{URL: srv.URL, AccessToken: "t"})
			require.NoError(t, err)
			for i := range 100 {
				require.NoError(t, tc.call(c), "call %d", i)
			}
			assert.Equal(t, int64(1), conns.Load(), "100 calls should share one connection")
		})
	}
}

// The emulator streams AQL as Artifactory does, so the whole path is tested
// with the framing a real server uses.
func TestEmulatorStreamsAQLChunked(t *testing.T) {
	emu := emulatortest.Start(t, emulator.DemoSeed())
	req, err := http.NewRequest(http.MethodPost, emu.URL+"/artifactory/api/search/aql", strings.NewReader(`items.find().limit(1)`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+emu.AdminToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, []string{"chunked"}, resp.TransferEncoding)
	assert.Equal(t, int64(-1), resp.ContentLength)
}

// Many calls in flight at once (an HTTP server serving many agents) keep
// their connections: net/http's default keeps only 2 idle per host, and
// every call beyond those would open and close a connection.
func TestConcurrentCallsKeepTheirConnections(t *testing.T) {
	srv, conns := chunkedServer(t, `[{"key":"libs","type":"LOCAL","packageType":"generic"}]`+"\n")
	c, err := client.New(client.Config{URL: srv.URL, AccessToken: "t"})
	require.NoError(t, err)
	const workers, rounds = 20, 10
	for range rounds {
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				_, err := c.Artifactory.ListRepositories(t.Context(), client.ListRepositoriesOptions{})
				assert.NoError(t, err)
			})
		}
		wg.Wait()
	}
	assert.LessOrEqual(t, conns.Load(), int64(workers), "%d rounds of %d concurrent calls", rounds, workers)
}
