package tools

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// source is what is being uploaded: a local file opened once, which the
// hashing and every send (retries included) read by position from that one
// descriptor, or bytes.
type source struct {
	file    *guard.LocalFile
	content []byte
	size    int64
}

// reader reads the source from its start. A file is read to its end, not to
// size: a file that grew since the fstat must show it (the client's
// sizedReader then refuses to finish the upload).
func (s source) reader() io.Reader {
	if s.file == nil {
		return bytes.NewReader(s.content)
	}
	return io.NewSectionReader(s.file, 0, math.MaxInt64)
}

func (s source) open() (io.ReadCloser, error) { return io.NopCloser(s.reader()), nil }

// checksums reads a file source once for its sha256, which a checksum
// deploy needs before anything is sent. Inline content gets all three.
func (s source) checksums(ctx context.Context) (Checksums, error) {
	if s.file == nil {
		return hashBytes(s.content), nil
	}
	// Hashing is the first half of a file upload's progress, sending the second.
	r := progressFrom(ctx).reader(ctxReader{ctx, s.reader()}, 0, 2*s.size, "hashing")
	n, sum, err := hashedCopy(nil, r, sha256.New())
	if err != nil {
		return Checksums{}, fmt.Errorf("read %s: %w", s.file.Path, err)
	}
	if n != s.size {
		return Checksums{}, client.ErrSizeChanged // nothing was sent yet
	}
	return Checksums{SHA256: sum}, nil
}

// ctxReader ends a long local read when the call is cancelled: hashing a
// 10 GiB file takes seconds that nobody is waiting for any more.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// resolveSource is the first phase of an upload: what is sent. A local file
// is opened once, by the guard, which also holds it to limits.upload_bytes
// by the size of what it opened; every later phase reads that descriptor.
// The caller closes the source.
func resolveSource(d *Deps, in *UploadIn) (source, error) {
	if in.LocalPath == "" {
		return source{content: in.content, size: int64(len(in.content))}, nil
	}
	testHook("upload:open")
	f, err := d.Guard.OpenLocal(in.LocalPath)
	var denied *guard.Denied
	switch {
	case errors.As(err, &denied):
		return source{}, err
	case err != nil:
		return source{}, Errorf(CodeInvalidArgument, "check local_path", "cannot read %s: %v", in.LocalPath, err)
	}
	if !f.Info.IsRegular() {
		_ = f.Close()
		return source{}, Errorf(CodeInvalidArgument, "give a regular file", "%s is not a regular file", in.LocalPath)
	}
	return source{file: f, size: f.Info.Size}, nil
}

func (s source) close() {
	if s.file != nil {
		_ = s.file.Close()
	}
}
