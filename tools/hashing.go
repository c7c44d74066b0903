package tools

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"hash"
)

// hashBytes hashes content held in memory (small inline uploads).
func hashBytes(b []byte) Checksums {
	s1, s256, m5 := sha1.Sum(b), sha256.Sum256(b), md5.Sum(b)
	return Checksums{SHA256: hex.EncodeToString(s256[:]), SHA1: hex.EncodeToString(s1[:]), MD5: hex.EncodeToString(m5[:])}
}

// asyncHash hashes what is written to it on its own goroutine, so hashing
// overlaps the I/O that feeds it instead of adding to it: a 1 GiB download
// then takes about as long as the slower of writing and hashing, not their
// sum. Writes are copied into a few reused 1 MiB batches; memory stays under
// (asyncQueue+2) MiB.
type asyncHash struct {
	h    hash.Hash
	ch   chan []byte // written, waiting to be hashed
	free chan []byte // hashed, ready for reuse
	cur  []byte      // the batch being filled
	done chan struct{}
}

const (
	asyncQueue = 4       // batches waiting to be hashed
	asyncBatch = 1 << 20 // bytes per batch
)

func newAsyncHash(h hash.Hash) *asyncHash {
	a := &asyncHash{h: h, ch: make(chan []byte, asyncQueue), free: make(chan []byte, asyncQueue+1), done: make(chan struct{})}
	go func() {
		defer close(a.done)
		for b := range a.ch {
			a.h.Write(b)
			select {
			case a.free <- b:
			default:
			}
		}
	}()
	return a
}

// Write collects p into 1 MiB batches: handing the hashing goroutine every
// small network read would cost more in wake-ups than the hashing itself.
func (a *asyncHash) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if a.cur == nil {
			select {
			case a.cur = <-a.free:
				a.cur = a.cur[:0]
			default:
				a.cur = make([]byte, 0, asyncBatch)
			}
		}
		k := min(len(p), cap(a.cur)-len(a.cur))
		a.cur = append(a.cur, p[:k]...)
		p = p[k:]
		if len(a.cur) == cap(a.cur) {
			a.flush()
		}
	}
	return n, nil
}

// flush hands the filled buffer to the hashing goroutine.
func (a *asyncHash) flush() {
	if len(a.cur) > 0 {
		a.ch <- a.cur
		a.cur = nil
	}
}

// sum waits for the queued writes and returns the hex digest. The hash may
// not be written to afterwards.
func (a *asyncHash) sum() string {
	a.flush()
	close(a.ch)
	<-a.done
	return hex.EncodeToString(a.h.Sum(nil))
}
