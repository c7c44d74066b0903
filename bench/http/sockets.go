package main

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// TCP states as /proc/net/tcp writes them (include/net/tcp_states.h).
const (
	tcpEstablished = "01"
	tcpTimeWait    = "06"
)

// sockets lists the IPv4 sockets in a /proc/net/tcp table in state st
// whose local port (local=true) or remote port is port, as "local remote"
// address pairs. An accepted connection still waiting in the listen backlog
// is established too.
func sockets(table []byte, port int, local bool, st string) map[string]bool {
	set := map[string]bool{}
	for _, line := range strings.Split(string(table), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) < 4 || f[3] != st {
			continue
		}
		addr := f[2]
		if local {
			addr = f[1]
		}
		_, hexPort, ok := strings.Cut(addr, ":")
		if !ok {
			continue
		}
		if p, err := strconv.ParseUint(hexPort, 16, 16); err == nil && int(p) == port {
			set[f[1]+" "+f[2]] = true
		}
	}
	return set
}

// newIn counts the members of after that before lacks.
func newIn(before, after map[string]bool) int {
	n := 0
	for k := range after {
		if !before[k] {
			n++
		}
	}
	return n
}

func readTCP() []byte {
	b, _ := os.ReadFile("/proc/net/tcp")
	return b
}

// connSampler records the peak number of established connections to a
// listening port while it runs.
type connSampler struct {
	port int
	stop chan struct{}
	wg   sync.WaitGroup
	peak int
}

func sampleConns(port int, every time.Duration) *connSampler {
	s := &connSampler{port: port, stop: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			s.peak = max(s.peak, len(sockets(readTCP(), s.port, true, tcpEstablished)))
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// done stops sampling and returns the peak.
func (s *connSampler) done() int {
	close(s.stop)
	s.wg.Wait()
	return s.peak
}
