package micro

import (
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkLocalFileRead is the reading side of an upload's hashing pass and
// body: 1 MiB reads of a cached 64 MiB file by read(2) on the file (what
// upload did when it opened the file by name for each pass) and by pread(2)
// through io.SectionReader on one descriptor (what it does since it keeps
// the descriptor the guard opened).
func BenchmarkLocalFileRead(b *testing.B) {
	const size = 64 << 20
	p := filepath.Join(b.TempDir(), "f")
	if err := os.WriteFile(p, data(size), 0o600); err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 1<<20)
	drain := func(r io.Reader) {
		for {
			if _, err := r.Read(buf); err != nil {
				if err != io.EOF {
					b.Fatal(err)
				}
				return
			}
		}
	}
	b.Run("read", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			f, err := os.Open(p)
			if err != nil {
				b.Fatal(err)
			}
			drain(f)
			_ = f.Close()
		}
	})
	b.Run("pread", func(b *testing.B) {
		f, err := os.Open(p)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		b.SetBytes(size)
		for b.Loop() {
			drain(io.NewSectionReader(f, 0, math.MaxInt64))
		}
	})
}
