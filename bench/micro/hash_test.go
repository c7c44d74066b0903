// Package micro holds go test -bench microbenchmarks behind the transfer
// figures: the cost per byte of the three checksums, of the pattern the
// first tools/hashing.go used (one goroutine per hash, joined on every
// Write; kept as the record behind BENCHMARKS.md section 6), and of the
// fsync at the end of a download with and without early writeback.
//
//	go test -run '^$' -bench . -benchtime 2s ./bench/micro
package micro

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"hash"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// parallel3 mirrors tools.hasher: md5 and sha1 on two new goroutines,
// sha256 on the caller's, joined before Write returns.
type parallel3 struct {
	sha1, sha256, md5 hash.Hash
	wg                sync.WaitGroup
}

func newParallel3() *parallel3 {
	return &parallel3{sha1: sha1.New(), sha256: sha256.New(), md5: md5.New()}
}

func (h *parallel3) Write(p []byte) (int, error) {
	h.wg.Add(2)
	go func() { h.md5.Write(p); h.wg.Done() }()
	go func() { h.sha1.Write(p); h.wg.Done() }()
	h.sha256.Write(p)
	h.wg.Wait()
	return len(p), nil
}

func data(n int) []byte {
	b := make([]byte, n)
	r := rand.NewChaCha8([32]byte{1})
	_, _ = r.Read(b)
	return b
}

var chunks = []int{4 << 10, 32 << 10, 1 << 20}

// BenchmarkHash is each hash alone, sequential, per chunk size.
func BenchmarkHash(b *testing.B) {
	for _, alg := range []struct {
		name string
		new  func() hash.Hash
	}{{"md5", md5.New}, {"sha1", sha1.New}, {"sha256", sha256.New}} {
		for _, n := range chunks {
			buf := data(n)
			b.Run(alg.name+"/"+strconv.Itoa(n>>10)+"KiB", func(b *testing.B) {
				h := alg.new()
				b.SetBytes(int64(n))
				for b.Loop() {
					h.Write(buf)
				}
			})
		}
	}
}

// BenchmarkThreeSequential is md5+sha1+sha256 through io.MultiWriter on one
// goroutine (what the emulator does on deploy).
func BenchmarkThreeSequential(b *testing.B) {
	for _, n := range chunks {
		buf := data(n)
		b.Run(strconv.Itoa(n>>10)+"KiB", func(b *testing.B) {
			w := io.MultiWriter(md5.New(), sha1.New(), sha256.New())
			b.SetBytes(int64(n))
			for b.Loop() {
				_, _ = w.Write(buf)
			}
		})
	}
}

// BenchmarkThreeParallel is the tools.hasher pattern.
func BenchmarkThreeParallel(b *testing.B) {
	for _, n := range chunks {
		buf := data(n)
		b.Run(strconv.Itoa(n>>10)+"KiB", func(b *testing.B) {
			h := newParallel3()
			b.SetBytes(int64(n))
			for b.Loop() {
				_, _ = h.Write(buf)
			}
		})
	}
}

// BenchmarkSaveFile is download_artifact's save path without the network:
// copy into a new file through MultiWriter(file, hashes), with and without
// the final fsync, against a plain copy (what curl -o does).
func BenchmarkSaveFile(b *testing.B) {
	const size = 64 << 20
	src := data(size)
	dir := b.TempDir()
	cases := []struct {
		name  string
		hash  func() io.Writer
		fsync bool
	}{
		{"plain", nil, false},
		{"sha256", func() io.Writer { return sha256.New() }, false},
		{"three-parallel", func() io.Writer { return newParallel3() }, false},
		{"three-parallel+fsync", func() io.Writer { return newParallel3() }, true},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(size)
			i := 0
			for b.Loop() {
				i++
				p := filepath.Join(dir, strconv.Itoa(i))
				f, err := os.Create(p)
				if err != nil {
					b.Fatal(err)
				}
				var w io.Writer = f
				if c.hash != nil {
					w = io.MultiWriter(f, c.hash())
				}
				// 32 KiB writes: what a socket read typically hands over.
				for off := 0; off < size; off += 32 << 10 {
					if _, err := w.Write(src[off : off+32<<10]); err != nil {
						b.Fatal(err)
					}
				}
				if c.fsync {
					_ = f.Sync()
				}
				_ = f.Close()
				_ = os.Remove(p)
			}
		})
	}
}

// BenchmarkFsyncWriteback is the end of a download: 256 MiB written in 1 MiB
// writes, then fsync (download_artifact must not rename an unsynced file),
// with and without asking the kernel every 8 MiB to start writing what came
// so far (sync_file_range, as tools/writeback.go does). ns/op is the whole
// save; fsync-ms/op the wait at the end.
func BenchmarkFsyncWriteback(b *testing.B) {
	const size, chunk = 256 << 20, 8 << 20
	src := data(1 << 20)
	dir := b.TempDir()
	for _, writeback := range []bool{false, true} {
		b.Run(map[bool]string{false: "fsync-only", true: "writeback-every-8MiB"}[writeback], func(b *testing.B) {
			b.SetBytes(size)
			var fsyncWait time.Duration
			i := 0
			for b.Loop() {
				i++
				f, err := os.Create(filepath.Join(dir, strconv.Itoa(i)))
				if err != nil {
					b.Fatal(err)
				}
				for off := int64(0); off < size; off += 1 << 20 {
					if _, err := f.Write(src); err != nil {
						b.Fatal(err)
					}
					if writeback && (off+1<<20)%chunk == 0 {
						_ = unix.SyncFileRange(int(f.Fd()), off+1<<20-chunk, chunk, unix.SYNC_FILE_RANGE_WRITE)
					}
				}
				t := time.Now()
				if err := f.Sync(); err != nil {
					b.Fatal(err)
				}
				fsyncWait += time.Since(t)
				_ = f.Close()
				_ = os.Remove(f.Name())
			}
			b.ReportMetric(float64(fsyncWait.Milliseconds())/float64(i), "fsync-ms/op")
		})
	}
}
