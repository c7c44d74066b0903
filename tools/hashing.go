package tools

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"sync"
)

// hasher computes sha1, sha256 and md5 of everything written to it, the
// three in parallel: md5 alone runs at about half the speed of the others,
// and a 1 GiB upload should not wait for three hashes one after another.
type hasher struct {
	sha1, sha256, md5 hash.Hash
	wg                sync.WaitGroup
}

func newHasher() *hasher {
	return &hasher{sha1: sha1.New(), sha256: sha256.New(), md5: md5.New()}
}

func (h *hasher) Write(p []byte) (int, error) {
	h.wg.Add(2)
	go func() { h.md5.Write(p); h.wg.Done() }()
	go func() { h.sha1.Write(p); h.wg.Done() }()
	h.sha256.Write(p)
	h.wg.Wait()
	return len(p), nil
}

func (h *hasher) sums() Checksums {
	return Checksums{
		SHA256: hex.EncodeToString(h.sha256.Sum(nil)),
		SHA1:   hex.EncodeToString(h.sha1.Sum(nil)),
		MD5:    hex.EncodeToString(h.md5.Sum(nil)),
	}
}

// hashBytes hashes content held in memory (small inline uploads).
func hashBytes(b []byte) Checksums {
	h := newHasher()
	_, _ = h.Write(b)
	return h.sums()
}
