package tools

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
)

// hashBytes hashes content held in memory (small inline uploads).
func hashBytes(b []byte) Checksums {
	s1, s256, m5 := sha1.Sum(b), sha256.Sum256(b), md5.Sum(b)
	return Checksums{SHA256: hex.EncodeToString(s256[:]), SHA1: hex.EncodeToString(s1[:]), MD5: hex.EncodeToString(m5[:])}
}

// hashedCopy reads src in 1 MiB batches, writes each batch to dst (when dst
// is not nil) and hashes it on another goroutine, so hashing overlaps the
// reading and writing instead of adding to them: a 1 GiB download takes
// about as long as the slower of the two, not their sum. Batches are read
// straight into reused buffers and never copied again; memory stays under
// (hashQueue+2) MiB. It returns the bytes copied and the hex digest of what
// was read (also after an error, of the part that was read).
func hashedCopy(dst io.Writer, src io.Reader, h hash.Hash) (int64, string, error) {
	queue := make(chan []byte, hashQueue) // read and written, waiting to be hashed
	// hashed, ready for reuse; room for every buffer, so the hasher never blocks
	free := make(chan []byte, hashQueue+2)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for b := range queue {
			h.Write(b)
			free <- b
		}
	}()
	n, err := fillBatches(dst, src, queue, free)
	close(queue)
	<-done
	return n, hex.EncodeToString(h.Sum(nil)), err
}

const (
	hashQueue = 4       // batches waiting to be hashed
	hashBatch = 1 << 20 // bytes per batch: smaller hand-offs cost more in wake-ups than they save
)

// fillBatches is hashedCopy's reading side.
func fillBatches(dst io.Writer, src io.Reader, queue chan<- []byte, free <-chan []byte) (int64, error) {
	var n int64
	made := 0
	for {
		var b []byte
		select {
		case b = <-free:
		default:
			if made < hashQueue+2 {
				b, made = make([]byte, hashBatch), made+1
			} else {
				b = <-free // all buffers in flight: wait for the hasher
			}
		}
		// Not io.ReadFull: it reports a source's own io.ErrUnexpectedEOF (a
		// body shorter than its Content-Length) as a clean end.
		k, err := 0, error(nil)
		for k < len(b) && err == nil {
			var m int
			m, err = src.Read(b[k:])
			k += m
		}
		if k > 0 {
			if dst != nil {
				if _, werr := dst.Write(b[:k]); werr != nil {
					return n, werr
				}
			}
			n += int64(k)
			queue <- b[:k]
		}
		switch {
		case err == io.EOF:
			return n, nil
		case err != nil:
			return n, err
		}
	}
}
