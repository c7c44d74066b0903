package tools

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWritebackFileRequestsContiguousRanges(t *testing.T) {
	type span struct{ off, n int64 }
	var spans []span
	real := startWriteback
	startWriteback = func(fd uintptr, off, n int64) {
		spans = append(spans, span{off, n})
		real(fd, off, n) // the real call too, on a real file
	}
	t.Cleanup(func() { startWriteback = real })

	data := make([]byte, 3*writebackChunk+12345)
	for i := range data {
		data[i] = byte(i * 31)
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	require.NoError(t, err)
	w := newWritebackFile(f)
	for off := 0; off < len(data); off += 256 << 10 {
		n, err := w.Write(data[off:min(off+256<<10, len(data))])
		require.NoError(t, err)
		require.Equal(t, min(256<<10, len(data)-off), n)
	}
	require.NoError(t, f.Sync())
	require.NoError(t, f.Close())

	got, err := os.ReadFile(f.Name())
	require.NoError(t, err)
	assert.True(t, bytes.Equal(data, got), "content written through the writeback wrapper differs")
	require.Len(t, spans, 3, "one writeback request per full chunk; the tail is left to the fsync")
	var next int64
	for _, s := range spans {
		assert.Equal(t, next, s.off, "ranges follow each other without gaps")
		assert.GreaterOrEqual(t, s.n, int64(writebackChunk))
		next = s.off + s.n
	}
}
