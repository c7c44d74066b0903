// Package benchutil holds what the benchmark programs under bench/ share:
// starting the jfrog-mcp emulator and server as separate processes, reading
// their memory and CPU use from /proc, and simple statistics. Linux only.
package benchutil

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Emulator is a running `jfrog-mcp emulator` process.
type Emulator struct {
	URL, Token string
	Cmd        *exec.Cmd
	stderr     *os.File
}

// FreePort returns a loopback port that was free a moment ago.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// StartEmulator runs `bin emulator --listen 127.0.0.1:PORT --data dataDir`
// and waits for its JFROG_URL=… JFROG_ACCESS_TOKEN=… line. Its stderr goes to
// dataDir/../emulator.log.
func StartEmulator(bin, dataDir string) (*Emulator, error) {
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, err
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ { // the free port may be taken meanwhile
		port, err := FreePort()
		if err != nil {
			return nil, err
		}
		e, err := startEmulator(bin, dataDir, port)
		if err == nil {
			return e, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

func startEmulator(bin, dataDir string, port int) (*Emulator, error) {
	logf, err := os.Create(dataDir + ".log")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "emulator", "--listen", fmt.Sprintf("127.0.0.1:%d", port), "--data", dataDir)
	cmd.Stderr = logf
	out, err := cmd.StdoutPipe()
	if err != nil {
		logf.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start emulator: %w", err)
	}
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(out).ReadString('\n')
		line <- s
		_, _ = io.Copy(io.Discard, out)
	}()
	e := &Emulator{Cmd: cmd, stderr: logf}
	select {
	case s := <-line:
		for _, f := range strings.Fields(s) {
			if v, ok := strings.CutPrefix(f, "JFROG_URL="); ok {
				e.URL = v
			}
			if v, ok := strings.CutPrefix(f, "JFROG_ACCESS_TOKEN="); ok {
				e.Token = v
			}
		}
	case <-time.After(15 * time.Second):
	}
	if e.URL == "" || e.Token == "" {
		e.Stop()
		log, _ := os.ReadFile(dataDir + ".log")
		return nil, fmt.Errorf("emulator did not print JFROG_URL and JFROG_ACCESS_TOKEN; stderr: %s", bytes.TrimSpace(log))
	}
	return e, nil
}

// Restart stops the emulator and starts a new one on the same address with
// an empty store in dataDir. The new one mints a new Token; the admin's
// password stays "password", so a server configured with BasicAuthEnv keeps
// working across restarts.
func (e *Emulator) Restart(bin, dataDir string) (*Emulator, error) {
	port, err := strconv.Atoi(e.URL[strings.LastIndexByte(e.URL, ':')+1:])
	if err != nil {
		return nil, fmt.Errorf("emulator URL %s has no port", e.URL)
	}
	e.Stop()
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, err
	}
	return startEmulator(bin, dataDir, port)
}

// BasicAuthEnv is like Env but authenticates as the emulator's admin with a
// password, which outlives a Restart (tokens do not).
func (e *Emulator) BasicAuthEnv() []string {
	return []string{"JFROG_URL=" + e.URL, "JFROG_USER=admin", "JFROG_PASSWORD=password"}
}

// Pid is the emulator's process id.
func (e *Emulator) Pid() int { return e.Cmd.Process.Pid }

// Env is the environment a jfrog-mcp server needs to reach this emulator.
func (e *Emulator) Env() []string {
	return []string{"JFROG_URL=" + e.URL, "JFROG_ACCESS_TOKEN=" + e.Token}
}

// Stop sends SIGTERM and waits up to 10 s, then kills.
func (e *Emulator) Stop() {
	StopProcess(e.Cmd, 10*time.Second)
	e.stderr.Close()
}

// StopProcess terminates a child gracefully, then forcibly.
func StopProcess(cmd *exec.Cmd, grace time.Duration) {
	if cmd == nil || cmd.Process == nil {
		return
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(grace):
		_ = cmd.Process.Kill()
		<-done
	}
}

// Mem is a process's resident set: now and its peak (high-water mark), in bytes.
type Mem struct{ RSS, HWM int64 }

// ReadMem reads VmRSS and VmHWM from /proc/<pid>/status.
func ReadMem(pid int) (Mem, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return Mem{}, err
	}
	var m Mem
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		var dst *int64
		switch k {
		case "VmRSS":
			dst = &m.RSS
		case "VmHWM":
			dst = &m.HWM
		default:
			continue
		}
		f := strings.Fields(v) // "12345 kB"
		if len(f) >= 1 {
			n, _ := strconv.ParseInt(f[0], 10, 64)
			*dst = n << 10
		}
	}
	return m, nil
}

// ResetHWM resets a process's peak RSS to its current RSS (clear_refs 5), so
// the next ReadMem shows the peak of what happened in between. It reports
// whether that worked; when not, VmHWM stays the lifetime peak.
func ResetHWM(pid int) bool {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0) == nil
}

// CPUTime is user+system CPU time of a live process, from /proc/<pid>/stat
// (clock ticks of 10 ms, the Linux USER_HZ everywhere that matters).
func CPUTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:]) // f[0] is field 3 (state); utime is field 14, stime 15
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+st) * 10 * time.Millisecond
}

// Server is a `jfrog-mcp stdio` process whose pipes the caller owns.
type Server struct {
	Cmd    *exec.Cmd
	Stdin  io.WriteCloser
	Stdout io.ReadCloser
	stderr *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() > 1<<20 { // keep the tail only
		l.b.Reset()
	}
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// StartServer starts bin with args and extra environment, stdin/stdout as pipes.
func StartServer(bin string, env []string, args ...string) (*Server, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	s := &Server{Cmd: cmd, stderr: &lockedBuffer{}}
	cmd.Stderr = s.stderr
	var err error
	if s.Stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	if s.Stdout, err = cmd.StdoutPipe(); err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	return s, nil
}

// Pid is the server's process id.
func (s *Server) Pid() int { return s.Cmd.Process.Pid }

// Stderr is what the server logged so far (the last MiB at most).
func (s *Server) Stderr() string { return s.stderr.String() }

// Stop closes stdin (a stdio server exits on EOF) and waits, then terminates.
func (s *Server) Stop() {
	_ = s.Stdin.Close()
	done := make(chan struct{})
	go func() { _ = s.Cmd.Wait(); close(done) }()
	select {
	case <-done:
		return
	case <-time.After(5 * time.Second):
	}
	_ = s.Cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = s.Cmd.Process.Kill()
		<-done
	}
}

// Percentile of sorted-or-not durations (nearest rank); p in [0,100].
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	k := int(float64(len(s))*p/100+0.5) - 1
	k = max(0, min(len(s)-1, k))
	return s[k]
}

// MedianF is the median of floats.
func MedianF(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// MiB formats bytes as MiB with one decimal.
func MiB(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// Ms formats a duration in milliseconds with three decimals.
func Ms(d time.Duration) string { return fmt.Sprintf("%.3f ms", float64(d)/1e6) }

// WithTimeout is context.WithTimeout on Background, for brevity.
func WithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}

// ErrNotLinux is returned where /proc is needed and absent.
var ErrNotLinux = errors.New("benchutil: /proc is not available (Linux only)")

// CheckProc fails early off Linux.
func CheckProc() error {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		return ErrNotLinux
	}
	return nil
}

// OpenReport opens where a bench program writes its Markdown report: a file,
// or stderr when path is empty. Bench programs never write to stdout, like
// everything else in this repository outside cmd/.
func OpenReport(path string) (io.Writer, func()) {
	if path == "" {
		return os.Stderr, func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(2)
	}
	return f, func() { _ = f.Close() }
}

// Bench is what every bench program starts with: the binary's absolute
// path, a temporary directory and an emulator serving from it.
type Bench struct {
	Bin, Tmp string
	Emu      *Emulator
}

// Setup checks /proc, makes a temporary directory named for prefix and
// starts the emulator of bin in it; Ctrl-C or SIGTERM stops the emulator,
// removes the directory and exits 130. Close does both on a normal return.
func Setup(bin, prefix string) (*Bench, error) {
	if err := CheckProc(); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(bin)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", prefix)
	if err != nil {
		return nil, err
	}
	emu, err := StartEmulator(abs, filepath.Join(tmp, "emulator-data"))
	if err != nil {
		_ = os.RemoveAll(tmp)
		return nil, err
	}
	b := &Bench{Bin: abs, Tmp: tmp, Emu: emu}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		b.Close()
		os.Exit(130)
	}()
	return b, nil
}

// Close stops the emulator and removes the temporary directory.
func (b *Bench) Close() {
	b.Emu.Stop()
	_ = os.RemoveAll(b.Tmp)
}
