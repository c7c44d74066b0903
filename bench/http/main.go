// Command http measures `jfrog-mcp http` under concurrent agents: N clients
// at once over streamable HTTP, each with its own keep-alive connection and
// session, against a separately started `jfrog-mcp emulator`. It reports
// latency percentiles per tool, every error, the server's RSS and CPU and
// its connections, for three client shapes: POST only, POST + the GET
// stream the official TypeScript SDK opens, and --stateless.
//
//	go build -o /tmp/jfrog-mcp ./cmd/jfrog-mcp
//	go run ./bench/http -bin /tmp/jfrog-mcp -report /tmp/http.md
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/jfrog-mcp/jfrog-mcp/bench/internal/benchutil"
)

type config struct {
	bin                  string
	clients, calls, runs int
	sessionCap           int
	callTimeout, maxTime time.Duration
	think                time.Duration
	p99Target            time.Duration
	shapes               string
}

func main() {
	var cfg config
	flag.StringVar(&cfg.bin, "bin", "", "path to a built jfrog-mcp binary (required)")
	flag.IntVar(&cfg.clients, "clients", 100, "concurrent clients, each its own connection pool and session")
	flag.IntVar(&cfg.calls, "calls", 50, "tool calls per client after its handshake")
	flag.IntVar(&cfg.runs, "runs", 3, "runs of every client shape, each against a fresh server")
	flag.IntVar(&cfg.sessionCap, "session-cap", 256, "the server's live-session cap, probed once per stateful run (0: no probe)")
	flag.DurationVar(&cfg.callTimeout, "call-timeout", 10*time.Second, "timeout of one call; a client stops at its first transport failure")
	flag.DurationVar(&cfg.think, "think", 0, "pause of a client before each call, uniform in [0.5, 1.5)×think (0: back to back, a closed loop at full load)")
	flag.DurationVar(&cfg.maxTime, "max-time", 2*time.Minute, "bound of one load phase")
	flag.StringVar(&cfg.shapes, "shapes", "post,stream,stateless", "client shapes to run: post (POST only), stream (+ GET stream, as the TypeScript SDK), stateless (server --stateless)")
	reportPath := flag.String("report", "", "write the Markdown report to this file (default: stderr, after the progress log)")
	flag.Parse()
	if cfg.bin == "" || cfg.clients < 1 || cfg.calls < 1 || cfg.runs < 1 {
		flag.Usage()
		os.Exit(2)
	}
	w, closeReport := benchutil.OpenReport(*reportPath)
	report = w
	cfg.p99Target = 20 * time.Millisecond
	err := run(cfg)
	closeReport()
	if err != nil {
		fmt.Fprintln(os.Stderr, "http:", err)
		os.Exit(1)
	}
}

// report receives the Markdown report; see -report.
var report io.Writer = os.Stderr

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

const (
	infoRepo = "generic-local"
	infoPath = "bench/http/app-1.0.jar"
)

// shape is one way of running the clients.
type shape struct {
	name, label string
	stateless   bool
	stream      bool
}

var allShapes = []shape{
	{"post", "stateful, POST only", false, false},
	{"stream", "stateful, POST + GET stream (TypeScript SDK)", false, true},
	{"stateless", "`--stateless`, POST only", true, false},
}

func run(cfg config) error {
	b, err := benchutil.Setup(cfg.bin, "jfrog-mcp-bench-http-")
	if err != nil {
		return err
	}
	defer b.Close()
	bin, emu := b.Bin, b.Emu
	logf("emulator at %s (pid %d)", emu.URL, emu.Pid())
	if err := seed(emu); err != nil {
		return err
	}
	tools := []toolCall{
		{"get_artifact_info", map[string]any{"repo": infoRepo, "path": infoPath}},
		{"list_repositories", map[string]any{}},
		{"run_aql", map[string]any{"query": `items.find({"repo":"` + infoRepo + `"}).include("repo","path","name","size","sha256")`, "limit": 5}},
	}
	var shapes []shape
	for _, s := range allShapes {
		if strings.Contains(","+cfg.shapes+",", ","+s.name+",") {
			shapes = append(shapes, s)
		}
	}
	pace := "back to back"
	if cfg.think > 0 {
		pace = "about " + cfg.think.String() + " apart"
	}
	fmt.Fprintf(report, "## HTTP: %d concurrent clients × %d tool calls, %s (%s)\n\n", cfg.clients, cfg.calls, pace, machine())
	fmt.Fprintf(report, "Each client has its own `http.Transport` (keep-alive, at most 1 connection, 2 with the GET stream) and session; "+
		"it does initialize + notifications/initialized, waits for all others, then %d calls rotating through `get_artifact_info` "+
		"(seeded 4 KiB file with properties), `list_repositories`, `run_aql` (limit 5); then DELETE. "+
		"Errors: transport, HTTP status ≠ 200, JSON-RPC error, `isError`. A fresh server per run and shape.\n\n", cfg.calls)
	var summary []string
	for r := 1; r <= cfg.runs; r++ {
		for _, s := range shapes {
			line, err := runShape(cfg, bin, emu, s, r, tools)
			if err != nil {
				return err
			}
			summary = append(summary, line)
		}
	}
	fmt.Fprintf(report, "### Summary (target: %d clients, 0 errors, p99 ≤ %s)\n\n", cfg.clients, benchutil.Ms(cfg.p99Target))
	fmt.Fprintln(report, "| run | shape | calls | errors | p50 | p99 | max | calls/s | target |")
	fmt.Fprintln(report, "|---:|---|---:|---:|---:|---:|---:|---:|---|")
	for _, l := range summary {
		fmt.Fprintln(report, l)
	}
	fmt.Fprintln(report)
	return nil
}

func seed(emu *benchutil.Emulator) error {
	content := bytes.Repeat([]byte("jfrog-mcp bench "), 256)
	url := emu.URL + "/artifactory/" + infoRepo + "/" + infoPath + ";team=bench;tier=gold"
	req, err := http.NewRequest(http.MethodPut, url, bytes.NewReader(content))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+emu.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("seed %s: %s: %s", url, resp.Status, b)
	}
	return nil
}

var listening = regexp.MustCompile(`msg=listening mcp=(http://127\.0\.0\.1:(\d+)/mcp)`)

// startHTTP runs `bin http --listen 127.0.0.1:0` and waits for the
// address it logs on stderr.
func startHTTP(bin string, emu *benchutil.Emulator, stateless bool) (*benchutil.Server, string, int, error) {
	args := []string{"http", "--listen", "127.0.0.1:0"}
	if stateless {
		args = append(args, "--stateless")
	}
	srv, err := benchutil.StartServer(bin, emu.Env(), args...)
	if err != nil {
		return nil, "", 0, err
	}
	for range 1500 {
		if m := listening.FindStringSubmatch(srv.Stderr()); m != nil {
			port, _ := strconv.Atoi(m[2])
			return srv, m[1], port, nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	benchutil.StopProcess(srv.Cmd, 5*time.Second)
	return nil, "", 0, fmt.Errorf("no listening line from %s: %s", bin, srv.Stderr())
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func machine() string {
	model := "?"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	return fmt.Sprintf("%s, %d CPUs, load average at start %s", model, runtime.NumCPU(), loadavg())
}
