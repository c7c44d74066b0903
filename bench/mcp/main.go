// Command mcp measures jfrog-mcp's per-call targets over stdio against a
// separately started `jfrog-mcp emulator` (so the server's RSS is its own):
// cold start, per-call overhead against raw HTTP, RSS after many calls,
// tools/list size per mode, and result size against the raw AQL body.
//
//	go build -o /tmp/jfrog-mcp ./cmd/jfrog-mcp
//	go run ./bench/mcp -bin /tmp/jfrog-mcp
//
// The report is Markdown on stdout; progress goes to stderr.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jfrog-mcp/jfrog-mcp/bench/internal/benchutil"
)

type config struct {
	bin                  string
	cold, calls, warmup  int
	aqlFiles             int
	perfDir              string
	skipSandbox          bool
	coldTarget           time.Duration
	callTarget           time.Duration
	rssTarget, listLimit int64
	ratioTarget          float64
}

func main() {
	var cfg config
	flag.StringVar(&cfg.bin, "bin", "", "path to a built jfrog-mcp binary (required)")
	flag.IntVar(&cfg.cold, "cold", 20, "cold-start runs")
	flag.IntVar(&cfg.calls, "calls", 2000, "get_artifact_info calls (and raw HTTP pairs, and pings)")
	flag.IntVar(&cfg.warmup, "warmup", 100, "untimed calls of each kind first")
	flag.IntVar(&cfg.aqlFiles, "aql-files", 200, "files deployed for the AQL size comparison (and the query limit)")
	flag.StringVar(&cfg.perfDir, "perf", "", "if set, an extra untimed loop of get_artifact_info calls runs under `perf record` of the server; data written here")
	flag.BoolVar(&cfg.skipSandbox, "no-sandbox", false, "skip the informational --sandbox cold start")
	reportPath := flag.String("report", "", "write the Markdown report to this file (default: stderr, after the progress log)")
	flag.Parse()
	closeReport := openReport(*reportPath)
	defer closeReport()
	if cfg.bin == "" || cfg.cold < 1 || cfg.calls < 1 || cfg.aqlFiles < 1 {
		flag.Usage()
		os.Exit(2)
	}
	cfg.coldTarget, cfg.callTarget = 32*time.Millisecond, 300*time.Microsecond
	cfg.rssTarget, cfg.listLimit, cfg.ratioTarget = 30<<20, 24_000, 0.6
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "mcp:", err)
		os.Exit(1)
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// target is one line of the summary.
type target struct {
	name, measured, goal string
	met                  bool
}

func run(cfg config) error {
	b, err := benchutil.Setup(cfg.bin, "jfrog-mcp-bench-")
	if err != nil {
		return err
	}
	defer b.Close()
	bin, emu := b.Bin, b.Emu
	logf("emulator at %s (pid %d)", emu.URL, emu.Pid())
	h := &httpClient{base: emu.URL + "/artifactory/", token: emu.Token,
		c: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 8}}}

	var targets []target
	t, err := coldStart(cfg, bin, emu)
	if err != nil {
		return err
	}
	targets = append(targets, t)

	ts, err := perCall(cfg, bin, emu, h)
	if err != nil {
		return err
	}
	targets = append(targets, ts...)

	ts, err = perTool(cfg, bin, emu, h)
	if err != nil {
		return err
	}
	targets = append(targets, ts...)

	t, err = toolsList(cfg, bin, emu)
	if err != nil {
		return err
	}
	targets = append(targets, t)

	t, err = aqlSize(cfg, bin, emu, h)
	if err != nil {
		return err
	}
	targets = append(targets, t)

	fmt.Fprintln(report, "## Targets")
	fmt.Fprintln(report)
	fmt.Fprintln(report, "| target | measured | goal | met |")
	fmt.Fprintln(report, "|---|---:|---:|---|")
	for _, t := range targets {
		met := "**not met**"
		if t.met {
			met = "met"
		}
		fmt.Fprintf(report, "| %s | %s | %s | %s |\n", t.name, t.measured, t.goal, met)
	}
	return nil
}

// ---- (a) cold start -------------------------------------------------------

func coldStart(cfg config, bin string, emu *benchutil.Emulator) (target, error) {
	logf("cold start: %d runs each", cfg.cold)
	startInit := func(env []string, args ...string) (time.Duration, error) {
		t0 := time.Now()
		srv, err := benchutil.StartServer(bin, env, args...)
		if err != nil {
			return 0, err
		}
		defer srv.Stop()
		c := newRPC(srv)
		if _, _, err := c.call("initialize", initParams(), 30*time.Second); err != nil {
			return 0, err
		}
		return time.Since(t0), nil
	}
	execWait := func(name string, args ...string) (time.Duration, error) {
		t0 := time.Now()
		out, err := exec.Command(name, args...).CombinedOutput()
		if err != nil {
			return 0, fmt.Errorf("%s: %w: %s", name, err, out)
		}
		return time.Since(t0), nil
	}
	type row struct {
		label string
		f     func() (time.Duration, error)
	}
	rows := []row{
		{"`jfrog-mcp stdio` (read-only, external emulator): exec → initialize reply", func() (time.Duration, error) { return startInit(emu.Env(), "stdio") }},
		{"`jfrog-mcp stdio --mode admin`: exec → initialize reply", func() (time.Duration, error) { return startInit(emu.Env(), "stdio", "--mode", "admin") }},
	}
	if !cfg.skipSandbox {
		rows = append(rows, row{"`jfrog-mcp --sandbox` (emulator in-process, seeded): exec → initialize reply",
			func() (time.Duration, error) { return startInit(nil, "--sandbox") }})
	}
	rows = append(rows,
		row{"`jfrog-mcp version`: exec → exit (runtime + package init, no server)", func() (time.Duration, error) { return execWait(bin, "version") }},
		row{"`/bin/true`: exec → exit (process spawn floor)", func() (time.Duration, error) { return execWait("/bin/true") }},
	)
	fmt.Fprintf(report, "## Cold start (%d runs each)\n\n", cfg.cold)
	fmt.Fprintln(report, "| what | p50 | min | max |")
	fmt.Fprintln(report, "|---|---:|---:|---:|")
	var main time.Duration
	for i, r := range rows {
		ds := make([]time.Duration, 0, cfg.cold)
		for range cfg.cold {
			d, err := r.f()
			if err != nil {
				return target{}, err
			}
			ds = append(ds, d)
		}
		p50 := benchutil.Percentile(ds, 50)
		if i == 0 {
			main = p50
		}
		fmt.Fprintf(report, "| %s | %s | %s | %s |\n", r.label, benchutil.Ms(p50), benchutil.Ms(benchutil.Percentile(ds, 0)), benchutil.Ms(benchutil.Percentile(ds, 100)))
	}
	fmt.Fprintln(report)
	if err := initTrace(bin); err != nil {
		logf("inittrace: %v", err)
	}
	return target{name: "cold start, exec → initialize reply (p50)", measured: benchutil.Ms(main),
		goal: "≤ " + benchutil.Ms(cfg.coldTarget), met: main <= cfg.coldTarget}, nil
}

var initLine = regexp.MustCompile(`^init (\S+) @[0-9.]+ ms, ([0-9.]+) ms clock, (\d+) bytes, (\d+) allocs`)

// initTrace runs `version` with GODEBUG=inittrace=1 (median of 5 by total) and
// lists the costliest package initialisers.
func initTrace(bin string) error {
	type pkg struct {
		name  string
		ms    float64
		bytes int64
	}
	var best []pkg
	var bestTotal float64
	var totals []float64
	for range 5 {
		cmd := exec.Command(bin, "version")
		cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return err
		}
		var ps []pkg
		var total float64
		for _, l := range strings.Split(stderr.String(), "\n") {
			m := initLine.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			ms, _ := strconv.ParseFloat(m[2], 64)
			b, _ := strconv.ParseInt(m[3], 10, 64)
			ps = append(ps, pkg{m[1], ms, b})
			total += ms
		}
		totals = append(totals, total)
		if best == nil || total < bestTotal {
			best, bestTotal = ps, total
		}
	}
	sort.Slice(best, func(i, j int) bool { return best[i].ms > best[j].ms })
	var allBytes int64
	for _, p := range best {
		allBytes += p.bytes
	}
	fmt.Fprintf(report, "Package initialisation (`GODEBUG=inittrace=1 jfrog-mcp version`): median total %.1f ms clock over %d packages, %s allocated; costliest (fastest of 5 runs):\n\n",
		benchutil.MedianF(totals), len(best), benchutil.MiB(allBytes))
	fmt.Fprintln(report, "| package | init clock | allocated |")
	fmt.Fprintln(report, "|---|---:|---:|")
	for _, p := range best[:min(8, len(best))] {
		fmt.Fprintf(report, "| %s | %.2f ms | %s |\n", p.name, p.ms, benchutil.MiB(p.bytes))
	}
	fmt.Fprintln(report)
	return nil
}

// ---- (b)+(c) per-call overhead and RSS --------------------------------------

type httpClient struct {
	base, token string
	c           *http.Client
}

func (h *httpClient) do(method, path, ctype string, body []byte) ([]byte, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, h.base+path, r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+h.token)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := h.c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return b, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, b)
	}
	return b, nil
}

const (
	infoRepo = "generic-local"
	infoPath = "bench/info/app-1.0.jar"
)

func perCall(cfg config, bin string, emu *benchutil.Emulator, h *httpClient) ([]target, error) {
	content := bytes.Repeat([]byte("jfrog-mcp bench "), 256) // 4 KiB
	if _, err := h.do(http.MethodPut, infoRepo+"/"+infoPath+";team=bench;tier=gold;build.number=42", "", content); err != nil {
		return nil, err
	}
	srv, err := benchutil.StartServer(bin, emu.Env(), "stdio")
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	c := newRPC(srv)
	if err := c.handshake(); err != nil {
		return nil, err
	}
	afterInit, _ := benchutil.ReadMem(srv.Pid())
	args := map[string]any{"repo": infoRepo, "path": infoPath}
	toolCall := func() (time.Duration, error) {
		t0 := time.Now()
		tr, _, _, err := c.tool("get_artifact_info", args)
		d := time.Since(t0)
		if err == nil && !strings.Contains(tr.text(), `"team":["bench"]`) {
			err = fmt.Errorf("get_artifact_info returned no properties: %s", tr.text())
		}
		return d, err
	}
	storage := "api/storage/" + infoRepo + "/" + infoPath
	rawPair := func() (time.Duration, time.Duration, error) {
		t0 := time.Now()
		if _, err := h.do(http.MethodGet, storage, "", nil); err != nil {
			return 0, 0, err
		}
		t1 := time.Now()
		if _, err := h.do(http.MethodGet, storage+"?properties", "", nil); err != nil {
			return 0, 0, err
		}
		return t1.Sub(t0), time.Since(t1), nil
	}
	badArgs := map[string]any{"path": infoPath} // no repo: refused by input validation
	invalidCall := func() (time.Duration, error) {
		t0 := time.Now()
		_, _, _, err := c.tool("get_artifact_info", badArgs)
		d := time.Since(t0)
		if err == nil || !strings.Contains(err.Error(), "repo") {
			return d, fmt.Errorf("expected a validation error naming repo, got %v", err)
		}
		return d, nil
	}
	ping := func() (time.Duration, error) {
		t0 := time.Now()
		_, _, err := c.call("ping", nil, 30*time.Second)
		return time.Since(t0), err
	}

	logf("per-call: %d warm-up, then %d get_artifact_info calls interleaved with %d raw HTTP pairs, then %d pings and %d invalid calls", cfg.warmup, cfg.calls, cfg.calls, cfg.calls, cfg.calls)
	for range cfg.warmup {
		if _, err := toolCall(); err != nil {
			return nil, err
		}
		if _, _, err := rawPair(); err != nil {
			return nil, err
		}
		if _, err := ping(); err != nil {
			return nil, err
		}
		if _, err := invalidCall(); err != nil {
			return nil, err
		}
	}
	cpu0 := benchutil.CPUTime(srv.Pid())
	tool := make([]time.Duration, 0, cfg.calls)
	rawStorage := make([]time.Duration, 0, cfg.calls)
	rawProps := make([]time.Duration, 0, cfg.calls)
	rawBoth := make([]time.Duration, 0, cfg.calls)
	for i := range cfg.calls {
		doTool := func() error {
			d, err := toolCall()
			tool = append(tool, d)
			return err
		}
		doRaw := func() error {
			a, b, err := rawPair()
			rawStorage, rawProps, rawBoth = append(rawStorage, a), append(rawProps, b), append(rawBoth, a+b)
			return err
		}
		first, second := doTool, doRaw
		if i%2 == 1 {
			first, second = doRaw, doTool
		}
		if err := first(); err != nil {
			return nil, err
		}
		if err := second(); err != nil {
			return nil, err
		}
	}
	toolCPU := benchutil.CPUTime(srv.Pid()) - cpu0
	pings := make([]time.Duration, 0, cfg.calls)
	for range cfg.calls {
		d, err := ping()
		if err != nil {
			return nil, err
		}
		pings = append(pings, d)
	}
	invalid := make([]time.Duration, 0, cfg.calls)
	for range cfg.calls {
		d, err := invalidCall()
		if err != nil {
			return nil, err
		}
		invalid = append(invalid, d)
	}
	mem, err := benchutil.ReadMem(srv.Pid())
	if err != nil {
		return nil, err
	}

	p := benchutil.Percentile
	fmt.Fprintf(report, "## Per-call overhead (%d calls each, interleaved, after %d warm-up)\n\n", cfg.calls, cfg.warmup)
	fmt.Fprintf(report, "`get_artifact_info {repo:%q, path:%q}` makes two requests: `GET /artifactory/%s` and `GET …?properties`. "+
		"It is compared with the same two GETs sent back to back by this program (Go net/http, keep-alive). "+
		"Added per call = tool p50 − raw pair p50.\n\n", infoRepo, infoPath, storage)
	fmt.Fprintln(report, "| what | p50 | p90 | p99 |")
	fmt.Fprintln(report, "|---|---:|---:|---:|")
	line := func(label string, ds []time.Duration) {
		fmt.Fprintf(report, "| %s | %s | %s | %s |\n", label, benchutil.Ms(p(ds, 50)), benchutil.Ms(p(ds, 90)), benchutil.Ms(p(ds, 99)))
	}
	line("MCP `tools/call get_artifact_info` round trip", tool)
	line("raw `GET api/storage/…` + `GET …?properties`", rawBoth)
	line("raw `GET api/storage/…` alone", rawStorage)
	line("raw `GET …?properties` alone", rawProps)
	line("MCP `ping` round trip (stdio transport floor)", pings)
	line("MCP `tools/call` refused by input validation (no upstream request)", invalid)
	added50, added90 := p(tool, 50)-p(rawBoth, 50), p(tool, 90)-p(rawBoth, 90)
	fmt.Fprintf(report, "| **added by MCP + tool** (tool − raw pair) | **%s** | %s | |\n\n", benchutil.Ms(added50), benchutil.Ms(added90))
	fmt.Fprintf(report, "Server CPU during the %d tool calls: %.0f ms (%.3f ms per call; the raw pairs cost the server nothing).\n\n",
		cfg.calls, float64(toolCPU)/1e6, float64(toolCPU)/1e6/float64(cfg.calls))

	fmt.Fprintf(report, "## Server memory\n\n| when | VmRSS | VmHWM (peak) |\n|---|---:|---:|\n")
	fmt.Fprintf(report, "| after initialize | %s | %s |\n", benchutil.MiB(afterInit.RSS), benchutil.MiB(afterInit.HWM))
	fmt.Fprintf(report, "| after %d × 4 warm-up, %d get_artifact_info, %d pings, %d invalid calls | %s | %s |\n\n", cfg.warmup, cfg.calls, cfg.calls, cfg.calls, benchutil.MiB(mem.RSS), benchutil.MiB(mem.HWM))

	if cfg.perfDir != "" {
		if err := perfCalls(cfg, srv.Pid(), toolCall); err != nil {
			logf("perf: %v", err)
		}
	}
	return []target{
		{name: "added latency per call (p50, tool − raw HTTP pair)", measured: benchutil.Ms(added50), goal: "≤ " + benchutil.Ms(cfg.callTarget), met: added50 <= cfg.callTarget},
		{name: fmt.Sprintf("server RSS after %d calls (VmRSS; peak VmHWM %s)", cfg.calls, benchutil.MiB(mem.HWM)), measured: benchutil.MiB(mem.RSS),
			goal: "≤ " + benchutil.MiB(cfg.rssTarget), met: mem.RSS <= cfg.rssTarget && mem.HWM <= cfg.rssTarget},
	}, nil
}

func perfCalls(cfg config, pid int, call func() (time.Duration, error)) error {
	perf, err := exec.LookPath("perf")
	if err != nil {
		return err
	}
	dir, err := filepath.Abs(cfg.perfDir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	out := filepath.Join(dir, "calls.perf.data")
	cmd := exec.Command(perf, "record", "-q", "-F", "1999", "-g", "-p", fmt.Sprint(pid), "-o", out)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	time.Sleep(300 * time.Millisecond)
	for range cfg.calls {
		if _, err := call(); err != nil {
			break
		}
	}
	_ = cmd.Process.Signal(os.Interrupt)
	_ = cmd.Wait()
	logf("perf data: %s (server pid %d)", out, pid)
	return nil
}

// ---- (d) tools/list size ------------------------------------------------------

func toolsList(cfg config, bin string, emu *benchutil.Emulator) (target, error) {
	type toolInfo struct {
		name                  string
		total, in, out, descr int
	}
	modes := []struct{ label, flag string }{{"read-only (default)", ""}, {"write", "write"}, {"admin", "admin"}}
	fmt.Fprintln(report, "## tools/list size (bytes of the JSON-RPC `result`, compact as sent, all pages)")
	fmt.Fprintln(report)
	fmt.Fprintln(report, "| mode | tools | result bytes | outputSchema bytes | inputSchema bytes | description bytes |")
	fmt.Fprintln(report, "|---|---:|---:|---:|---:|---:|")
	var defaultBytes, maxBytes int
	var largest []toolInfo
	for _, m := range modes {
		args := []string{"stdio"}
		if m.flag != "" {
			args = append(args, "--mode", m.flag)
		}
		srv, err := benchutil.StartServer(bin, emu.Env(), args...)
		if err != nil {
			return target{}, err
		}
		c := newRPC(srv)
		if err := c.handshake(); err != nil {
			srv.Stop()
			return target{}, err
		}
		var total, nIn, nOut, nDescr int
		var tools []toolInfo
		cursor := ""
		for page := 0; page < 50; page++ {
			var params any
			if cursor != "" {
				params = map[string]any{"cursor": cursor}
			}
			raw, _, err := c.call("tools/list", params, 30*time.Second)
			if err != nil {
				srv.Stop()
				return target{}, err
			}
			total += len(raw)
			var res struct {
				Tools      []json.RawMessage `json:"tools"`
				NextCursor string            `json:"nextCursor"`
			}
			if err := json.Unmarshal(raw, &res); err != nil {
				srv.Stop()
				return target{}, err
			}
			for _, t := range res.Tools {
				var f struct {
					Name         string          `json:"name"`
					Description  string          `json:"description"`
					InputSchema  json.RawMessage `json:"inputSchema"`
					OutputSchema json.RawMessage `json:"outputSchema"`
				}
				_ = json.Unmarshal(t, &f)
				ti := toolInfo{name: f.Name, total: len(t), in: len(f.InputSchema), out: len(f.OutputSchema), descr: len(f.Description)}
				tools = append(tools, ti)
				nIn, nOut, nDescr = nIn+ti.in, nOut+ti.out, nDescr+ti.descr
			}
			if cursor = res.NextCursor; cursor == "" {
				break
			}
		}
		srv.Stop()
		fmt.Fprintf(report, "| %s | %d | %d | %d | %d | %d |\n", m.label, len(tools), total, nOut, nIn, nDescr)
		if m.flag == "" {
			defaultBytes = total
		}
		maxBytes = max(maxBytes, total)
		largest = tools
	}
	sort.Slice(largest, func(i, j int) bool { return largest[i].total > largest[j].total })
	fmt.Fprintln(report)
	fmt.Fprintln(report, "Largest tool definitions (admin mode):")
	fmt.Fprintln(report)
	fmt.Fprintln(report, "| tool | bytes | outputSchema | inputSchema | description |")
	fmt.Fprintln(report, "|---|---:|---:|---:|---:|")
	for _, t := range largest[:min(6, len(largest))] {
		fmt.Fprintf(report, "| %s | %d | %d | %d | %d |\n", t.name, t.total, t.out, t.in, t.descr)
	}
	fmt.Fprintln(report)
	return target{name: "tools/list, output schemas included (default mode; largest mode)", measured: fmt.Sprintf("%d B; %d B", defaultBytes, maxBytes),
		goal: fmt.Sprintf("≤ %d B", cfg.listLimit), met: int64(defaultBytes) <= cfg.listLimit}, nil
}

// ---- (e) result size vs the raw AQL body ---------------------------------------

func aqlSize(cfg config, bin string, emu *benchutil.Emulator, h *httpClient) (target, error) {
	logf("AQL: deploying %d files", cfg.aqlFiles)
	for i := range cfg.aqlFiles {
		body := []byte(strings.Repeat(fmt.Sprintf("artifact %d\n", i), 1+i%7))
		if _, err := h.do(http.MethodPut, fmt.Sprintf("%s/bench/aql/pkg-%03d/artifact-%03d.tgz", infoRepo, i, i), "", body); err != nil {
			return target{}, err
		}
	}
	srv, err := benchutil.StartServer(bin, emu.Env(), "stdio")
	if err != nil {
		return target{}, err
	}
	defer srv.Stop()
	c := newRPC(srv)
	if err := c.handshake(); err != nil {
		return target{}, err
	}
	n := cfg.aqlFiles
	queries := []struct{ label, q string }{
		{"default fields", fmt.Sprintf(`items.find({"repo":"%s","path":{"$match":"bench/aql/*"}}).limit(%d)`, infoRepo, n)},
		{"include name, path, size, sha256", fmt.Sprintf(`items.find({"repo":"%s","path":{"$match":"bench/aql/*"}}).include("name","path","size","sha256").limit(%d)`, infoRepo, n)},
	}
	fmt.Fprintf(report, "## Result size: `run_aql` vs the raw AQL response (%d rows)\n\n", n)
	fmt.Fprintln(report, "Raw = body of `POST /artifactory/api/search/aql` with the same query (the emulator pretty-prints it with 2-space indentation, as Artifactory does). "+
		"Text = the tool result's text content (summary line + compact JSON), what a model reads. structuredContent = the JSON object in the result.")
	fmt.Fprintln(report)
	fmt.Fprintln(report, "| query | raw body | raw body compacted | tool text | text / raw | structuredContent | structured / raw | whole JSON-RPC line |")
	fmt.Fprintln(report, "|---|---:|---:|---:|---:|---:|---:|---:|")
	var mainRatio float64
	var whatIf []string
	for i, q := range queries {
		raw, err := h.do(http.MethodPost, "api/search/aql", "text/plain", []byte(q.q))
		if err != nil {
			return target{}, err
		}
		var rr struct {
			Results []json.RawMessage `json:"results"`
		}
		if err := json.Unmarshal(raw, &rr); err != nil {
			return target{}, err
		}
		var compact bytes.Buffer
		_ = json.Compact(&compact, raw)
		tr, _, line, err := c.tool("run_aql", map[string]any{"query": q.q, "limit": n})
		if err != nil {
			return target{}, err
		}
		var sc struct {
			Items []json.RawMessage `json:"items"`
		}
		_ = json.Unmarshal(tr.StructuredContent, &sc)
		if len(rr.Results) != n || len(sc.Items) != n {
			return target{}, fmt.Errorf("AQL %q: raw returned %d rows, run_aql %d; want %d", q.q, len(rr.Results), len(sc.Items), n)
		}
		text := len(tr.text())
		ratio := float64(text) / float64(len(raw))
		if i == 0 {
			mainRatio = ratio
		}
		whatIf = append(whatIf, fmt.Sprintf("%s: %d B (%.2f× raw)", q.label, trimmedSize(sc.Items, tr.text()), float64(trimmedSize(sc.Items, tr.text()))/float64(len(raw))))
		fmt.Fprintf(report, "| %s | %d | %d | %d | %.2f | %d | %.2f | %d |\n", q.label, len(raw), compact.Len(), text, ratio,
			len(tr.StructuredContent), float64(len(tr.StructuredContent))/float64(len(raw)), line)
	}
	fmt.Fprintln(report)
	fmt.Fprintf(report, "Query (first row): `%s`\n\n", queries[0].q)
	fmt.Fprintf(report, "What-if (not the product's behaviour): the same text with, in every row, `repo` dropped (the query names it), `type` dropped when \"file\", "+
		"and `modified`/`updated`/`modified_by` dropped when equal to `created`/`created_by`: %s.\n\n", strings.Join(whatIf, "; "))
	return target{name: "what the model reads / raw API body (run_aql, default fields)", measured: fmt.Sprintf("%.2f×", mainRatio),
		goal: fmt.Sprintf("≤ %.1f×", cfg.ratioTarget), met: mainRatio <= cfg.ratioTarget}, nil
}

// trimmedSize is the text size if rows left out what the query or another
// field already says: an estimate of what a leaner row shape would save.
func trimmedSize(items []json.RawMessage, text string) int {
	var before, after int
	for _, it := range items {
		var m map[string]any
		if json.Unmarshal(it, &m) != nil {
			continue
		}
		b, _ := json.Marshal(m)
		before += len(b)
		delete(m, "repo")
		if m["type"] == "file" {
			delete(m, "type")
		}
		for _, k := range []string{"modified", "updated"} {
			if v, ok := m[k]; ok && v == m["created"] {
				delete(m, k)
			}
		}
		if v, ok := m["modified_by"]; ok && v == m["created_by"] {
			delete(m, "modified_by")
		}
		b, _ = json.Marshal(m)
		after += len(b)
	}
	return len(text) - before + after
}

// report receives the Markdown report; see -report.
var report io.Writer = os.Stderr

func openReport(path string) func() {
	w, closeFn := benchutil.OpenReport(path)
	report = w
	return closeFn
}
