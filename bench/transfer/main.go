// Command transfer compares upload_artifact and download_artifact with curl
// on one large file, against a `jfrog-mcp emulator` process on loopback, and
// reports throughput and the MCP server's peak RSS as a Markdown table.
//
//	go build -o /tmp/jfrog-mcp ./cmd/jfrog-mcp
//	go run ./bench/transfer -bin /tmp/jfrog-mcp [-size 1073741824] [-n 3] [-perf DIR]
//
// Everything it writes lives in one temporary directory that is removed at
// the end (also on Ctrl-C).
package main

import (
	"context"
	crand "crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/jfrog-mcp/jfrog-mcp/bench/internal/benchutil"
)

type config struct {
	bin, curl, openssl, jcg, tmpParent, perfDir string
	size                                        int64
	runs, warmup                                int
	opTimeout                                   time.Duration
}

func main() {
	var cfg config
	flag.StringVar(&cfg.bin, "bin", "", "path to a built jfrog-mcp binary (required)")
	flag.Int64Var(&cfg.size, "size", 1<<30, "file size in bytes")
	flag.IntVar(&cfg.runs, "n", 3, "runs of each measurement; the median is reported")
	flag.IntVar(&cfg.warmup, "warmup", 1, "untimed runs of every operation first (page cache, CPU frequency, the emulator's first allocations)")
	flag.StringVar(&cfg.curl, "curl", "", "curl binary (default: curl on PATH; none skips the curl baseline)")
	flag.StringVar(&cfg.openssl, "openssl", "", "openssl binary for the hash-then-curl baseline (default: openssl on PATH; none skips it)")
	flag.StringVar(&cfg.jcg, "jcg", "", "jcg-transfer binary (built from e2e/jcg/cmd/jcg-transfer): adds JFrog's own client as a row; none skips it")
	flag.StringVar(&cfg.tmpParent, "tmp", "", "parent of the temporary directory (default: $TMPDIR); needs about 6×size free")
	flag.StringVar(&cfg.perfDir, "perf", "", "if set, one extra untimed run of each tool call under `perf record` of the server and emulator, data written here")
	flag.DurationVar(&cfg.opTimeout, "op-timeout", 10*time.Minute, "timeout of one transfer")
	reportPath := flag.String("report", "", "write the Markdown report to this file (default: stderr, after the progress log)")
	flag.Parse()
	closeReport := openReport(*reportPath)
	defer closeReport()
	if cfg.bin == "" || cfg.size <= 0 || cfg.runs < 1 {
		flag.Usage()
		os.Exit(2)
	}
	cfg.curl, cfg.openssl = binaryOrSkip(cfg.curl, "curl"), binaryOrSkip(cfg.openssl, "openssl")
	if cfg.jcg == "none" { // no default: JFrog's client is built on purpose (bench/README.md)
		cfg.jcg = ""
	}
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "transfer:", err)
		os.Exit(1)
	}
}

// binaryOrSkip resolves a baseline's -flag: "none" skips the baseline (""),
// an empty flag means the named tool on PATH (skipped if there is none).
func binaryOrSkip(flagValue, name string) string {
	switch flagValue {
	case "none":
		return ""
	case "":
		p, _ := exec.LookPath(name)
		return p
	}
	return flagValue
}

// cleanup runs registered functions once, last first, on return or signal.
type cleanup struct {
	mu  sync.Mutex
	fns []func()
}

func (c *cleanup) add(f func()) { c.mu.Lock(); c.fns = append(c.fns, f); c.mu.Unlock() }
func (c *cleanup) run() {
	c.mu.Lock()
	fns := c.fns
	c.fns = nil
	c.mu.Unlock()
	for i := len(fns) - 1; i >= 0; i-- {
		fns[i]()
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// sample is one timed operation.
type sample struct {
	dur               time.Duration
	serverHWM, emuHWM int64
	serverCPU, emuCPU time.Duration
}

func run(cfg config) error {
	if err := benchutil.CheckProc(); err != nil {
		return err
	}
	bin, err := filepath.Abs(cfg.bin)
	if err != nil {
		return err
	}
	var cl cleanup
	defer cl.run()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		logf("interrupted: cleaning up")
		cl.run()
		os.Exit(130)
	}()

	warnPageReporting()
	tmp, err := os.MkdirTemp(cfg.tmpParent, "jfrog-mcp-transfer-")
	if err != nil {
		return err
	}
	cl.add(func() { _ = os.RemoveAll(tmp) })
	if cfg.perfDir != "" {
		if cfg.perfDir, err = filepath.Abs(cfg.perfDir); err != nil {
			return err
		}
	}

	curlSrc := filepath.Join(tmp, "curl-src.bin")
	toolSrc := filepath.Join(tmp, "tool-src.bin")
	jcgSrc := filepath.Join(tmp, "jcg-src.bin")
	srcs := []string{curlSrc, toolSrc}
	if cfg.jcg != "" {
		srcs = append(srcs, jcgSrc)
	}
	logf("writing %d random files of %d bytes in %s", len(srcs), cfg.size, tmp)
	for _, p := range srcs {
		if err := writeRandom(p, cfg.size); err != nil {
			return err
		}
	}

	emuData := func(run int) string { return filepath.Join(tmp, fmt.Sprintf("emulator-data-%d", run)) }
	emu, err := benchutil.StartEmulator(bin, emuData(0))
	if err != nil {
		return err
	}
	cl.add(func() { emu.Stop() }) // whichever emulator runs by then
	logf("emulator at %s (pid %d)", emu.URL, emu.Pid())

	// A password, not a token: the emulator restarts for every run (below),
	// and a restart mints a new token.
	srv, err := benchutil.StartServer(bin, emu.BasicAuthEnv(), "stdio", "--mode", "write", "--local-roots", tmp)
	if err != nil {
		return err
	}
	cl.add(srv.Stop)
	c := client.NewClient(transport.NewIO(srv.Stdout, srv.Stdin, nil))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := c.Start(ctx); err != nil {
		return err
	}
	init := mcp.InitializeRequest{}
	init.Params.ClientInfo = mcp.Implementation{Name: "jfrog-mcp-bench-transfer", Version: "1"}
	ictx, icancel := context.WithTimeout(ctx, 30*time.Second)
	ir, err := c.Initialize(ictx, init)
	icancel()
	if err != nil {
		return fmt.Errorf("initialize: %w (server stderr: %s)", err, srv.Stderr())
	}
	baseline, _ := benchutil.ReadMem(srv.Pid())
	logf("MCP server pid %d, protocol %s, RSS after initialize %s", srv.Pid(), ir.ProtocolVersion, benchutil.MiB(baseline.RSS))

	hwmReset := benchutil.ResetHWM(srv.Pid()) && benchutil.ResetHWM(emu.Pid())
	if !hwmReset {
		logf("cannot reset VmHWM via clear_refs: peaks are lifetime peaks")
	}
	measure := func(name string, f func() error) (sample, error) {
		// Every operation writes 1 GiB to disk (the emulator's blob store or
		// the downloaded file). Without a sync the next operation pays for
		// the previous one's writeback, and whichever runs second loses by
		// up to 40 %: measured with two plain curl uploads in a row.
		syscall.Sync()
		benchutil.ResetHWM(srv.Pid())
		benchutil.ResetHWM(emu.Pid())
		sc0, ec0 := benchutil.CPUTime(srv.Pid()), benchutil.CPUTime(emu.Pid())
		start := time.Now()
		err := f()
		d := time.Since(start)
		if err != nil {
			return sample{}, fmt.Errorf("%s: %w", name, err)
		}
		sm, _ := benchutil.ReadMem(srv.Pid())
		em, _ := benchutil.ReadMem(emu.Pid())
		s := sample{dur: d, serverHWM: sm.HWM, emuHWM: em.HWM,
			serverCPU: benchutil.CPUTime(srv.Pid()) - sc0, emuCPU: benchutil.CPUTime(emu.Pid()) - ec0}
		logf("%-34s %8.3f s %8.1f MB/s  server HWM %s, CPU %.2fs; emulator HWM %s, CPU %.2fs", name, d.Seconds(),
			float64(cfg.size)/d.Seconds()/1e6, benchutil.MiB(s.serverHWM), s.serverCPU.Seconds(), benchutil.MiB(s.emuHWM), s.emuCPU.Seconds())
		return s, nil
	}
	call := func(name string, args map[string]any) (*mcp.CallToolResult, error) {
		cctx, ccancel := context.WithTimeout(ctx, cfg.opTimeout)
		defer ccancel()
		req := mcp.CallToolRequest{}
		req.Params.Name, req.Params.Arguments = name, args
		res, err := c.CallTool(cctx, req)
		if err != nil {
			return nil, fmt.Errorf("%w (server stderr: %s)", err, tail(srv.Stderr(), 2000))
		}
		if res.IsError {
			return nil, fmt.Errorf("tool error: %s", resultText(res))
		}
		return res, nil
	}
	curl := func(args ...string) error {
		cctx, ccancel := context.WithTimeout(ctx, cfg.opTimeout)
		defer ccancel()
		base := []string{"-sS", "-f", "-H", "Authorization: Bearer " + emu.Token}
		out, err := exec.CommandContext(cctx, cfg.curl, append(base, args...)...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("curl: %w: %s", err, out)
		}
		return nil
	}
	art := emu.URL + "/artifactory/generic-local/"
	jcg := func(args ...string) error {
		cctx, ccancel := context.WithTimeout(ctx, cfg.opTimeout)
		defer ccancel()
		cmd := exec.CommandContext(cctx, cfg.jcg, append([]string{"-url", emu.URL + "/artifactory"}, args...)...)
		cmd.Env = append(os.Environ(), "JFROG_ACCESS_TOKEN="+emu.Token)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("jcg-transfer: %w: %s", err, out)
		}
		return nil
	}

	results := map[string][]sample{}
	// Warm-up runs do everything a run does and record nothing.
	warm := true
	add := func(k string, s sample) {
		if !warm {
			results[k] = append(results[k], s)
		}
	}
	for i := 0; i < cfg.warmup+cfg.runs; i++ {
		warm = i < cfg.warmup
		// Each run starts with an empty emulator store: kept, the 2 GiB every
		// run stores would fill the page cache after a few runs, and the
		// later runs would pay for reclaiming it (runs 8-10 of 10 on a
		// 24 GiB machine swung by 50 %).
		if i > 0 {
			next, err := emu.Restart(bin, emuData(i))
			if err != nil {
				return err
			}
			emu = next
			if err := os.RemoveAll(emuData(i - 1)); err != nil {
				return err
			}
		}
		// Fresh content each run: no upload can be deduplicated, and the
		// checksum deploys of the tool and of JCG must miss (404).
		for _, p := range srcs {
			if err := freshHead(p); err != nil {
				return err
			}
		}
		toolPath := fmt.Sprintf("bench/tool-%d.bin", i)
		curlUp := func() error {
			s, err := measure(fmt.Sprintf("run %d curl upload", i+1), func() error {
				return curl("-T", curlSrc, "-o", os.DevNull, art+"bench/curl.bin")
			})
			add("curl-up", s)
			return err
		}
		toolUp := func() error {
			s, err := measure(fmt.Sprintf("run %d upload_artifact", i+1), func() error {
				res, err := call("upload_artifact", map[string]any{"repo": "generic-local", "path": toolPath, "local_path": toolSrc})
				if err == nil && structBool(res, "deployed_by_checksum") {
					err = errors.New("upload of new content was deployed by checksum: the content was not fresh")
				}
				return err
			})
			add("tool-up", s)
			return err
		}
		// The same job done by hand: hash first (a checksum deploy and
		// JFrog's 409 on damaged bytes both need the sha256 before the body),
		// then send it along. openssl, because coreutils' sha256sum has no
		// SHA-NI here and takes 6 s per GiB.
		curlSumUp := func() error {
			s, err := measure(fmt.Sprintf("run %d openssl sha256 + curl -T", i+1), func() error {
				out, err := exec.Command(cfg.openssl, "dgst", "-sha256", "-r", curlSrc).Output()
				if err != nil {
					return fmt.Errorf("openssl: %w", err)
				}
				sum, _, _ := strings.Cut(string(out), " ")
				return curl("-H", "X-Checksum-Sha256: "+sum, "-T", curlSrc, "-o", os.DevNull, art+"bench/curl-sum.bin")
			})
			add("curl-sum-up", s)
			return err
		}
		// JFrog's own client, as `jf rt upload` runs it: sha1, md5 and
		// sha256 first, a checksum deploy, then the body with all three.
		jcgUp := func() error {
			s, err := measure(fmt.Sprintf("run %d jfrog-client-go upload", i+1), func() error {
				return jcg("upload", jcgSrc, "generic-local/bench/jcg.bin")
			})
			add("jcg-up", s)
			return err
		}
		// Rotate who goes first, so page cache and writeback favour none.
		order := rotate(i, when(cfg.curl != "", curlUp), toolUp, when(cfg.curl != "" && cfg.openssl != "", curlSumUp), when(cfg.jcg != "", jcgUp))
		for _, f := range order {
			if err := f(); err != nil {
				return err
			}
		}
		s, err := measure(fmt.Sprintf("run %d upload_artifact (known)", i+1), func() error {
			res, err := call("upload_artifact", map[string]any{"repo": "generic-local", "path": toolPath + ".again", "local_path": toolSrc})
			if err == nil && !structBool(res, "deployed_by_checksum") {
				err = errors.New("re-upload of known content was not deployed by checksum")
			}
			return err
		})
		if err != nil {
			return err
		}
		add("tool-reup", s)

		curlOut := filepath.Join(tmp, fmt.Sprintf("curl-dl-%d.bin", i))
		toolOut := filepath.Join(tmp, fmt.Sprintf("tool-dl-%d.bin", i))
		curlDown := func() error {
			s, err := measure(fmt.Sprintf("run %d curl download", i+1), func() error {
				return curl("-o", curlOut, art+"bench/curl.bin")
			})
			add("curl-down", s)
			if err == nil {
				err = checkSize(curlOut, cfg.size)
			}
			_ = os.Remove(curlOut)
			return err
		}
		toolDown := func() error {
			s, err := measure(fmt.Sprintf("run %d download_artifact", i+1), func() error {
				_, err := call("download_artifact", map[string]any{"repo": "generic-local", "path": toolPath, "local_path": toolOut})
				return err
			})
			add("tool-down", s)
			if err == nil {
				err = checkSize(toolOut, cfg.size)
			}
			_ = os.Remove(toolOut)
			return err
		}
		jcgDown := func() error {
			dir := filepath.Join(tmp, fmt.Sprintf("jcg-dl-%d", i))
			s, err := measure(fmt.Sprintf("run %d jfrog-client-go download", i+1), func() error {
				return jcg("download", "generic-local/bench/curl.bin", dir)
			})
			add("jcg-down", s)
			if err == nil {
				err = checkSize(filepath.Join(dir, "curl.bin"), cfg.size)
			}
			_ = os.RemoveAll(dir)
			return err
		}
		order = rotate(i, when(cfg.curl != "", curlDown), toolDown, when(cfg.jcg != "", jcgDown))
		for _, f := range order {
			if err := f(); err != nil {
				return err
			}
		}
	}

	if cfg.perfDir != "" {
		if err := profile(cfg, ctx, srv.Pid(), emu.Pid(), toolSrc, tmp, call); err != nil {
			logf("perf: %v", err)
		}
	}

	final, _ := benchutil.ReadMem(srv.Pid())
	printReport(cfg, results, baseline, final, ir.ProtocolVersion, hwmReset)
	return nil
}

// rotate returns the operations that will run (nil for one skipped by its
// flag) turned left by i, so each goes first in turn. A skipped operation
// must not keep its place in the turn: it would give the one after it a
// second turn at going first.
func rotate(i int, ops ...func() error) []func() error {
	var on []func() error
	for _, op := range ops {
		if op != nil {
			on = append(on, op)
		}
	}
	k := i % len(on)
	return append(on[k:], on[:k]...)
}

// when is op if the tool it needs was given, else nil (skipped).
func when(given bool, op func() error) func() error {
	if !given {
		return nil
	}
	return op
}

// profile runs one untimed upload and download with perf recording both
// processes (call-graphs; Go keeps frame pointers).
func profile(cfg config, ctx context.Context, srvPid, emuPid int, src, tmp string,
	call func(string, map[string]any) (*mcp.CallToolResult, error)) error {
	if err := os.MkdirAll(cfg.perfDir, 0o755); err != nil {
		return err
	}
	perf, err := exec.LookPath("perf")
	if err != nil {
		return err
	}
	if err := freshHead(src); err != nil {
		return err
	}
	record := func(name string, f func() error) error {
		out := filepath.Join(cfg.perfDir, name+".perf.data")
		cmd := exec.Command(perf, "record", "-q", "-F", "499", "-g", "-p", fmt.Sprintf("%d,%d", srvPid, emuPid), "-o", out)
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			return err
		}
		time.Sleep(300 * time.Millisecond) // let perf attach
		ferr := f()
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
		logf("perf data: %s (server pid %d, emulator pid %d)", out, srvPid, emuPid)
		return ferr
	}
	if err := record("upload", func() error {
		_, err := call("upload_artifact", map[string]any{"repo": "generic-local", "path": "bench/perf.bin", "local_path": src})
		return err
	}); err != nil {
		return err
	}
	out := filepath.Join(tmp, "perf-dl.bin")
	defer os.Remove(out)
	return record("download", func() error {
		_, err := call("download_artifact", map[string]any{"repo": "generic-local", "path": "bench/perf.bin", "local_path": out})
		return err
	})
}

func printReport(cfg config, r map[string][]sample, baseline, final benchutil.Mem, proto string, hwmReset bool) {
	mbps := func(ss []sample) float64 {
		xs := make([]float64, len(ss))
		for i, s := range ss {
			xs[i] = float64(cfg.size) / s.dur.Seconds() / 1e6
		}
		return benchutil.MedianF(xs)
	}
	med := func(ss []sample, f func(sample) float64) float64 {
		xs := make([]float64, len(ss))
		for i, s := range ss {
			xs[i] = f(s)
		}
		return benchutil.MedianF(xs)
	}
	peak := func(ss []sample, f func(sample) int64) int64 {
		var m int64
		for _, s := range ss {
			m = max(m, f(s))
		}
		return m
	}
	fmt.Fprintf(report, "## Transfer: %s (%d bytes), median of %d runs, MCP protocol %s\n\n", benchutil.MiB(cfg.size), cfg.size, cfg.runs, proto)
	fmt.Fprintln(report, "| operation | median time | median MB/s | vs curl | MCP server peak RSS | emulator peak RSS | server CPU (median) | emulator CPU (median) |")
	fmt.Fprintln(report, "|---|---:|---:|---:|---:|---:|---:|---:|")
	row := func(label, key, vs string) {
		ss := r[key]
		if len(ss) == 0 {
			return
		}
		ratio := "–"
		if base := r[vs]; vs != "" && len(base) > 0 {
			ratio = fmt.Sprintf("%.0f%%", 100*mbps(ss)/mbps(base))
		}
		server := benchutil.MiB(peak(ss, func(s sample) int64 { return s.serverHWM }))
		if strings.HasPrefix(key, "curl") || strings.HasPrefix(key, "jcg") {
			server = "(idle) " + server
		}
		fmt.Fprintf(report, "| %s | %.3f s | %.0f | %s | %s | %s | %.2f s | %.2f s |\n", label,
			med(ss, func(s sample) float64 { return s.dur.Seconds() }), mbps(ss), ratio, server,
			benchutil.MiB(peak(ss, func(s sample) int64 { return s.emuHWM })),
			med(ss, func(s sample) float64 { return s.serverCPU.Seconds() }),
			med(ss, func(s sample) float64 { return s.emuCPU.Seconds() }))
	}
	row("curl -T (upload)", "curl-up", "")
	row("openssl dgst -sha256, then curl -T with X-Checksum-Sha256", "curl-sum-up", "curl-up")
	row("upload_artifact, new content", "tool-up", "curl-up")
	row("upload_artifact, known content (checksum deploy)", "tool-reup", "")
	row("jfrog-client-go upload (`jf rt upload`: sha1, md5, sha256, checksum deploy, body)", "jcg-up", "curl-up")
	row("curl -o (download)", "curl-down", "")
	row("download_artifact", "tool-down", "curl-down")
	row("jfrog-client-go download (`jf rt download`: 3 ranges in parallel, then merged)", "jcg-down", "curl-down")
	if len(r["curl-sum-up"]) > 0 && len(r["tool-up"]) > 0 {
		fmt.Fprintf(report, "\nupload_artifact against hash-then-curl (the same job by hand): %.0f%%\n", 100*mbps(r["tool-up"])/mbps(r["curl-sum-up"]))
	}
	// The same ratios run by run: each run's pair shares the machine's state
	// of the moment, so their median is less sensitive to drift between runs
	// than the ratio of the two medians.
	paired := func(tool, base string) string {
		t, b := r[tool], r[base]
		if len(t) == 0 || len(t) != len(b) {
			return "–"
		}
		xs := make([]float64, len(t))
		for i := range t {
			xs[i] = b[i].dur.Seconds() / t[i].dur.Seconds()
		}
		// The spread says how far one batch can be trusted: the middle half
		// of the runs, and the extremes.
		slices.Sort(xs)
		q := func(f float64) float64 { return 100 * xs[int(f*float64(len(xs)-1)+0.5)] }
		return fmt.Sprintf("%.0f%% (middle half %.0f–%.0f%%, all %.0f–%.0f%%)", 100*benchutil.MedianF(xs), q(0.25), q(0.75), q(0), q(1))
	}
	fmt.Fprintf(report, "\nMedian of the per-run ratios to curl (%d runs after %d untimed): upload %s; download %s.\n",
		cfg.runs, cfg.warmup, paired("tool-up", "curl-up"), paired("tool-down", "curl-down"))
	all := append(append(append([]sample{}, r["tool-up"]...), r["tool-down"]...), r["tool-reup"]...)
	fmt.Fprintln(report)
	fmt.Fprintf(report, "MCP server RSS after initialize: %s; after all runs: %s; peak during any tool transfer: %s",
		benchutil.MiB(baseline.RSS), benchutil.MiB(final.RSS), benchutil.MiB(peak(all, func(s sample) int64 { return s.serverHWM })))
	if !hwmReset {
		fmt.Fprint(report, " (VmHWM could not be reset: lifetime peaks)")
	}
	fmt.Fprintln(report, ".")
	fmt.Fprintln(report, "MB/s = 10^6 bytes/s. Peak RSS is VmHWM, reset (clear_refs 5) before each operation. CPU is user+system from /proc/<pid>/stat.")
}

// writeRandom fills path with size pseudo-random bytes (ChaCha8, random seed).
func writeRandom(path string, size int64) error {
	var seed [32]byte
	_, _ = crand.Read(seed[:])
	rng := rand.NewChaCha8(seed)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	buf := make([]byte, 1<<20)
	for left := size; left > 0; {
		n := int(min(left, int64(len(buf))))
		_, _ = rng.Read(buf[:n])
		if _, err := f.Write(buf[:n]); err != nil {
			f.Close()
			return err
		}
		left -= int64(n)
	}
	return f.Close()
}

// warnPageReporting says when the VM hands free memory back to its host. A
// page handed back costs a host fault when the guest touches it again, and
// every transfer puts 1 GiB of new data in the page cache: on this project's
// CI-class VM, writing 1 GiB took 0.3 s of system time into memory the guest
// kept and 2.5-5 s into memory it had given back, so a transfer's time
// depended on which it got, not on who sent the bytes. BENCHMARKS.md says how
// the figures were taken.
func warnPageReporting() {
	b, err := os.ReadFile("/sys/module/page_reporting/parameters/page_reporting_order")
	if err != nil {
		return // not a VM with free page reporting
	}
	if order, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && order <= 10 {
		logf("free page reporting is on (page_reporting_order=%d): transfer times will swing by +-50%%; see BENCHMARKS.md", order)
	}
}

// freshHead overwrites the first bytes with new random ones: new content
// (and checksums) without rewriting the whole file.
func freshHead(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	var b [32]byte
	_, _ = crand.Read(b[:])
	if _, err := f.WriteAt(b[:], 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func checkSize(path string, want int64) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if st.Size() != want {
		return fmt.Errorf("%s has %d bytes, want %d", path, st.Size(), want)
	}
	return nil
}

func resultText(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if t, ok := c.(mcp.TextContent); ok {
			b.WriteString(t.Text)
		}
	}
	return b.String()
}

func structBool(res *mcp.CallToolResult, key string) bool {
	m, ok := res.StructuredContent.(map[string]any)
	if !ok {
		return strings.Contains(resultText(res), `"`+key+`":true`)
	}
	v, _ := m[key].(bool)
	return v
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

var _ = io.Discard

// report receives the Markdown report; see -report.
var report io.Writer = os.Stderr

func openReport(path string) func() {
	w, closeFn := benchutil.OpenReport(path)
	report = w
	return closeFn
}
