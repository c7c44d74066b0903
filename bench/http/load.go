package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// toolCall is one of the calls the clients interleave.
type toolCall struct {
	name string
	args map[string]any
}

// errorLog counts failures by kind, with the first message of each.
type errorLog struct {
	mu    sync.Mutex
	count map[string]int
	first map[string]string
}

func newErrorLog() *errorLog {
	return &errorLog{count: map[string]int{}, first: map[string]string{}}
}

func (l *errorLog) add(what string, err error) {
	kind := "other"
	var re *rpcError
	if errors.As(err, &re) {
		kind = re.kind
	}
	kind = what + ": " + kind
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.count[kind] == 0 {
		l.first[kind] = err.Error()
	}
	l.count[kind]++
}

func (l *errorLog) total() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, c := range l.count {
		n += c
	}
	return n
}

func (l *errorLog) kinds() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	ks := make([]string, 0, len(l.count))
	for k := range l.count {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// loadResult is what one load phase measured.
type loadResult struct {
	init    []time.Duration            // initialize + notifications/initialized, per client
	perTool map[string][]time.Duration // successful and failed calls alike
	all     []time.Duration
	wall    time.Duration // from the start signal to the last client done
	notRun  int           // calls a client skipped after a transport failure or the deadline
	errs    *errorLog
	dials   int64 // TCP connections the clients opened
	clients []*mcpClient
}

// runLoad starts n clients at once; each handshakes (and opens its GET
// stream if stream), waits for all others, then makes calls tool calls,
// rotating through tools starting at its own offset, pausing about think
// before each. A client that meets a
// transport failure (a timeout: it could not get a connection or an answer)
// stops, so a stuck phase ends within callTimeout; the whole phase ends by
// deadline.
func runLoad(url string, n, calls int, tools []toolCall, stream bool, think, callTimeout, deadline time.Duration) *loadResult {
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	res := &loadResult{perTool: map[string][]time.Duration{}, errs: newErrorLog()}
	var dials atomic.Int64
	conns := 1
	if stream {
		conns = 2 // the GET stream holds one for the whole session
	}
	type clientOut struct {
		init   time.Duration
		ds     map[string][]time.Duration
		notRun int
	}
	outs := make([]clientOut, n)
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	done.Add(n)
	res.clients = make([]*mcpClient, n)
	for i := range n {
		c := newClient(url, &dials, conns)
		res.clients[i] = c
		go func() {
			defer done.Done()
			out := &outs[i]
			out.ds = map[string][]time.Duration{}
			t0 := time.Now()
			cctx, ccancel := context.WithTimeout(ctx, callTimeout)
			err := c.handshake(cctx)
			if err == nil && stream {
				err = c.openStream(ctx) // lives until the session ends
			}
			ccancel()
			out.init = time.Since(t0)
			ready.Done()
			if err != nil {
				res.errs.add("initialize", err)
				out.notRun = calls
				return
			}
			select {
			case <-start:
			case <-ctx.Done():
				out.notRun = calls
				return
			}
			for k := range calls {
				if think > 0 { // a uniform pause in [0.5, 1.5)×think: agents do not call in step
					pause(ctx, time.Duration((0.5+rand.Float64())*float64(think)))
				}
				if ctx.Err() != nil {
					out.notRun = calls - k
					return
				}
				tc := tools[(i+k)%len(tools)]
				cctx, ccancel := context.WithTimeout(ctx, callTimeout)
				t := time.Now()
				err := c.tool(cctx, tc.name, tc.args)
				d := time.Since(t)
				ccancel()
				out.ds[tc.name] = append(out.ds[tc.name], d)
				if err != nil {
					res.errs.add(tc.name, err)
					var re *rpcError
					if errors.As(err, &re) && re.kind == "transport" {
						out.notRun = calls - k - 1
						return
					}
				}
			}
		}()
	}
	waitOrDeadline(&ready, ctx)
	t0 := time.Now()
	close(start)
	done.Wait()
	res.wall = time.Since(t0)
	for _, o := range outs {
		res.init = append(res.init, o.init)
		res.notRun += o.notRun
		for name, ds := range o.ds {
			res.perTool[name] = append(res.perTool[name], ds...)
			res.all = append(res.all, ds...)
		}
	}
	res.dials = dials.Load()
	return res
}

func pause(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

func waitOrDeadline(wg *sync.WaitGroup, ctx context.Context) {
	ch := make(chan struct{})
	go func() { wg.Wait(); close(ch) }()
	select {
	case <-ch:
	case <-ctx.Done():
	}
}

// endAll deletes every client's session, in parallel, then closes their
// connections.
func endAll(clients []*mcpClient, errs *errorLog) {
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := c.end(ctx); err != nil {
				errs.add("DELETE", err)
			}
		}()
	}
	wg.Wait()
	for _, c := range clients {
		c.hc.CloseIdleConnections()
	}
}

// probeSessionCap opens sessions until limit are live (live are already),
// then one more, which must get 503; then ends the extra ones. The extra
// sessions share one connection: a session is not tied to a connection, and
// this probes the session cap, not the connection limit.
func probeSessionCap(url string, live, limit int) (string, error) {
	var dials atomic.Int64
	shared := newClient(url, &dials, 1)
	var extra []*mcpClient
	defer func() { endAll(extra, newErrorLog()) }()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for i := live; i < limit; i++ {
		c := &mcpClient{url: url, hc: shared.hc, dials: &dials}
		if err := c.handshake(ctx); err != nil {
			return "", fmt.Errorf("session %d of %d refused: %w", i+1, limit, err)
		}
		extra = append(extra, c)
	}
	c := &mcpClient{url: url, hc: shared.hc, dials: &dials}
	err := c.handshake(ctx)
	var re *rpcError
	if !errors.As(err, &re) || re.kind != "http 503" {
		return "", fmt.Errorf("session %d: want 503, got %v", limit+1, err)
	}
	return fmt.Sprintf("sessions %d..%d opened next to the %d clients' (%d live), all accepted; session %d got 503 (%s)", live+1, limit, live, limit, limit+1, re.msg), nil
}
