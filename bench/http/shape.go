package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jfrog-mcp/jfrog-mcp/bench/internal/benchutil"
)

// runShape runs one load phase against a fresh server and writes its
// section; it returns the summary row.
func runShape(cfg config, bin string, emu *benchutil.Emulator, s shape, run int, tools []toolCall) (string, error) {
	srv, url, port, err := startHTTP(bin, emu, s.stateless)
	if err != nil {
		return "", err
	}
	defer benchutil.StopProcess(srv.Cmd, 10*time.Second)
	emuPort, _ := strconv.Atoi(emu.URL[strings.LastIndexByte(emu.URL, ':')+1:])
	load0 := loadavg()
	logf("run %d, %s: %d clients × %d calls at %s (server pid %d, load %s)", run, s.label, cfg.clients, cfg.calls, url, srv.Pid(), load0)
	benchutil.ResetHWM(srv.Pid())
	cpu0, emuCPU0 := benchutil.CPUTime(srv.Pid()), benchutil.CPUTime(emu.Pid())
	tw0 := sockets(readTCP(), emuPort, false, tcpTimeWait)
	sampler := sampleConns(port, 20*time.Millisecond)
	t0 := time.Now()
	res := runLoad(url, cfg.clients, cfg.calls, tools, s.stream, cfg.think, cfg.callTimeout, cfg.maxTime)
	elapsed := time.Since(t0)
	peak := sampler.done() // the load phase's, not the teardown's
	cpu, emuCPU := benchutil.CPUTime(srv.Pid())-cpu0, benchutil.CPUTime(emu.Pid())-emuCPU0
	mem, _ := benchutil.ReadMem(srv.Pid())
	upstreamClosed := newIn(tw0, sockets(readTCP(), emuPort, false, tcpTimeWait))
	probe := ""
	if !s.stateless && !s.stream && cfg.sessionCap > 0 && res.errs.total() == 0 {
		if probe, err = probeSessionCap(url, cfg.clients, cfg.sessionCap); err != nil {
			probe = "**session cap probe failed**: " + err.Error()
		}
	}
	if !s.stateless {
		endAll(res.clients, res.errs)
	} else {
		for _, c := range res.clients {
			c.hc.CloseIdleConnections()
		}
	}
	load1 := loadavg()

	p := benchutil.Percentile
	fmt.Fprintf(report, "### Run %d: %s\n\n", run, s.label)
	fmt.Fprintf(report, "Load average before %s, after %s. Load phase %s wall (calls %s). "+
		"Client connections opened: %d; peak established at the server's port during it (sampled every 20 ms): %d.\n\n",
		load0, load1, elapsed.Round(time.Millisecond), res.wall.Round(time.Millisecond), res.dials, peak)
	fmt.Fprintln(report, "| what | calls | p50 | p90 | p99 | max |")
	fmt.Fprintln(report, "|---|---:|---:|---:|---:|---:|")
	row := func(label string, ds []time.Duration) {
		fmt.Fprintf(report, "| %s | %d | %s | %s | %s | %s |\n", label, len(ds),
			benchutil.Ms(p(ds, 50)), benchutil.Ms(p(ds, 90)), benchutil.Ms(p(ds, 99)), benchutil.Ms(p(ds, 100)))
	}
	row("handshake (initialize + initialized"+map[bool]string{true: " + GET stream", false: ""}[s.stream]+")", res.init)
	names := make([]string, 0, len(res.perTool))
	for n := range res.perTool {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		row("`"+n+"`", res.perTool[n])
	}
	row("**all tool calls**", res.all)
	fmt.Fprintln(report)
	calls := len(res.all)
	fmt.Fprintf(report, "Server: CPU %.0f ms over the phase (%.0f %% of one core; %.3f ms per call), VmRSS %s, VmHWM %s. "+
		"Emulator CPU %.0f ms. Server → emulator connections closed during the phase (new TIME_WAIT sockets; a lower bound when an earlier run's TIME_WAIT ports are reused): %d.\n\n",
		float64(cpu)/1e6, 100*float64(cpu)/float64(elapsed), float64(cpu)/1e6/float64(max(calls, 1)),
		benchutil.MiB(mem.RSS), benchutil.MiB(mem.HWM), float64(emuCPU)/1e6, upstreamClosed)
	if probe != "" {
		fmt.Fprintf(report, "Session cap: %s.\n\n", probe)
	}
	nerr := res.errs.total()
	if nerr == 0 && res.notRun == 0 {
		fmt.Fprintln(report, "Errors: none.")
	} else {
		fmt.Fprintf(report, "Errors: **%d**, calls not run: **%d**\n\n", nerr, res.notRun)
		for _, k := range res.errs.kinds() {
			fmt.Fprintf(report, "- %s × %d (first: %s)\n", k, res.errs.count[k], truncate(res.errs.first[k], 200))
		}
	}
	fmt.Fprintln(report)
	p99 := p(res.all, 99)
	met := nerr == 0 && res.notRun == 0 && p99 <= cfg.p99Target
	verdict := "**not met**"
	if met {
		verdict = "met"
	}
	logf("run %d, %s: %d calls, %d errors, %d not run, p99 %s", run, s.label, calls, nerr, res.notRun, benchutil.Ms(p99))
	return fmt.Sprintf("| %d | %s | %d | %d | %s | %s | %s | %.0f | %s |", run, s.label, calls, nerr+res.notRun,
		benchutil.Ms(p(res.all, 50)), benchutil.Ms(p99), benchutil.Ms(p(res.all, 100)),
		float64(calls)/res.wall.Seconds(), verdict), nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
