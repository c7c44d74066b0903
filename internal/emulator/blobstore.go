package emulator

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// checksums are lower-case hex digests.
type checksums struct {
	SHA1   string
	SHA256 string
	MD5    string
}

// blobStore is a content-addressed store: <dir>/blobs/<sha256[:2]>/<sha256>.
// Content is streamed to a temp file while all three digests are computed in
// one pass, then renamed into place, so nothing is ever held whole in memory.
// Blobs are immutable and never deleted while the emulator runs, which lets
// readers open them without holding the metadata lock.
type blobStore struct {
	dir string

	mu     sync.RWMutex
	bySHA1 map[string]string // sha1 -> sha256, for checksum deploy by sha1
	byMD5  map[string]string // md5 -> sha256
	full   map[string]checksums
}

func newBlobStore(dataDir string) (*blobStore, error) {
	dir := filepath.Join(dataDir, "blobs")
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o750); err != nil {
		return nil, fmt.Errorf("create blob store: %w", err)
	}
	return &blobStore{dir: dir, bySHA1: map[string]string{}, byMD5: map[string]string{}, full: map[string]checksums{}}, nil
}

func (b *blobStore) path(sha256 string) string {
	return filepath.Join(b.dir, sha256[:2], sha256)
}

// pendingBlob is content that has been written and hashed but not yet
// committed; a deploy whose client checksums do not match discards it.
type pendingBlob struct {
	store *blobStore
	tmp   string
	size  int64
	sums  checksums
}

// write streams r into a temp file, hashing as it goes.
func (b *blobStore) write(r io.Reader) (*pendingBlob, error) {
	f, err := os.CreateTemp(filepath.Join(b.dir, "tmp"), "upload-")
	if err != nil {
		return nil, fmt.Errorf("create temp blob: %w", err)
	}
	h1, h256, h5 := sha1.New(), sha256.New(), md5.New()
	n, copyErr := io.Copy(io.MultiWriter(f, h1, h256, h5), r)
	closeErr := f.Close()
	if err := errors.Join(copyErr, closeErr); err != nil {
		os.Remove(f.Name())
		return nil, fmt.Errorf("write blob: %w", err)
	}
	return &pendingBlob{store: b, tmp: f.Name(), size: n, sums: checksums{
		SHA1:   hex.EncodeToString(h1.Sum(nil)),
		SHA256: hex.EncodeToString(h256.Sum(nil)),
		MD5:    hex.EncodeToString(h5.Sum(nil)),
	}}, nil
}

// commit moves the temp file to its content address. If the blob already
// exists the temp file is simply dropped: identical content, identical name.
func (p *pendingBlob) commit() error {
	dst := p.store.path(p.sums.SHA256)
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		p.discard()
		return fmt.Errorf("commit blob: %w", err)
	}
	if _, err := os.Stat(dst); err == nil {
		p.discard()
	} else if err := os.Rename(p.tmp, dst); err != nil {
		p.discard()
		return fmt.Errorf("commit blob: %w", err)
	}
	p.store.index(p.sums)
	return nil
}

func (p *pendingBlob) discard() { os.Remove(p.tmp) }

func (b *blobStore) index(s checksums) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.bySHA1[s.SHA1] = s.SHA256
	b.byMD5[s.MD5] = s.SHA256
	b.full[s.SHA256] = s
}

// lookup finds a stored blob by whichever checksums the client sent. Every
// checksum given must agree, otherwise the blob is not "the" blob the client
// means. sha1/md5 lookups only know blobs written during this run, because
// the on-disk layout is addressed by sha256 alone.
func (b *blobStore) lookup(want checksums) (checksums, int64, bool) {
	b.mu.RLock()
	sha := want.SHA256
	if sha == "" && want.SHA1 != "" {
		sha = b.bySHA1[want.SHA1]
	}
	if sha == "" && want.MD5 != "" {
		sha = b.byMD5[want.MD5]
	}
	b.mu.RUnlock()
	if len(sha) != 64 {
		return checksums{}, 0, false
	}
	st, err := os.Stat(b.path(sha))
	if err != nil {
		return checksums{}, 0, false
	}
	got, ok := b.sumsFor(sha)
	if !ok {
		// Blob left by an earlier run with this DataDir: rehash once to learn
		// its sha1/md5.
		f, err := os.Open(b.path(sha))
		if err != nil {
			return checksums{}, 0, false
		}
		p, err := b.write(f)
		f.Close()
		if err != nil {
			return checksums{}, 0, false
		}
		got = p.sums
		if err := p.commit(); err != nil {
			return checksums{}, 0, false
		}
	}
	if (want.SHA1 != "" && want.SHA1 != got.SHA1) || (want.MD5 != "" && want.MD5 != got.MD5) || got.SHA256 != sha {
		return checksums{}, 0, false
	}
	return got, st.Size(), true
}

func (b *blobStore) sumsFor(sha256 string) (checksums, bool) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	s, ok := b.full[sha256]
	return s, ok
}

func (b *blobStore) open(sha256 string) (*os.File, error) {
	return os.Open(b.path(sha256))
}
