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
// sum. Writes are copied into a few pooled buffers; memory stays bounded by
// asyncQueue × the write size.
type asyncHash struct {
	h    hash.Hash
	ch   chan []byte // written, waiting to be hashed
	free chan []byte // hashed, ready for reuse
	done chan struct{}
}

const asyncQueue = 8

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

func (a *asyncHash) Write(p []byte) (int, error) {
	var buf []byte
	select {
	case buf = <-a.free:
	default:
	}
	buf = append(buf[:0], p...)
	a.ch <- buf
	return len(p), nil
}

// sum waits for the queued writes and returns the hex digest. The hash may
// not be written to afterwards.
func (a *asyncHash) sum() string {
	close(a.ch)
	<-a.done
	return hex.EncodeToString(a.h.Sum(nil))
}
