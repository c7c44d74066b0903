package tools

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

type pingIn struct {
	Repo string `json:"repo" jsonschema:"required"`
}
type pingOut struct {
	OK bool `json:"ok"`
}

func validTool() Tool[pingIn, pingOut] {
	return Tool[pingIn, pingOut]{
		Name: "ping_repo", Title: "Ping", Description: "Ping.",
		Class: guard.ClassRead, Annotations: ReadOnly,
		Actions: func(in *pingIn) []guard.Action { return []guard.Action{{Class: guard.ClassRead, Repo: in.Repo}} },
		Handle: func(context.Context, *Deps, *pingIn, *guard.Decision) (*pingOut, error) {
			return &pingOut{OK: true}, nil
		},
	}
}

func TestDefineRefusesInconsistentTools(t *testing.T) {
	cases := map[string]func(*Tool[pingIn, pingOut]){
		"bad name":              func(t *Tool[pingIn, pingOut]) { t.Name = "PingRepo" },
		"no description":        func(t *Tool[pingIn, pingOut]) { t.Description = "" },
		"unknown class":         func(t *Tool[pingIn, pingOut]) { t.Class = "fly" },
		"missing annotation":    func(t *Tool[pingIn, pingOut]) { t.Annotations.OpenWorld = nil },
		"read-only write tool":  func(t *Tool[pingIn, pingOut]) { t.Class = guard.ClassWrite },
		"read-only destructive": func(t *Tool[pingIn, pingOut]) { t.Annotations.Destructive = yes },
		"no handler":            func(t *Tool[pingIn, pingOut]) { t.Handle = nil },
		"no actions":            func(t *Tool[pingIn, pingOut]) { t.Actions = nil },
	}
	require.NotPanics(t, func() { Define(validTool()) })
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			tool := validTool()
			mutate(&tool)
			assert.Panics(t, func() { Define(tool) })
		})
	}
}

func TestDefineRefusesNonObjectSchemas(t *testing.T) {
	assert.Panics(t, func() {
		Define(Tool[string, pingOut]{
			Name: "bad_input", Title: "x", Description: "x", Class: guard.ClassRead, Annotations: ReadOnly,
			Actions: func(*string) []guard.Action { return []guard.Action{guard.PlatformAction(guard.ClassRead)} },
			Handle:  func(context.Context, *Deps, *string, *guard.Decision) (*pingOut, error) { return nil, nil },
		})
	})
}

func TestFitBudget(t *testing.T) {
	items := make([]int, 100)
	for i := range items {
		items[i] = 1000000 + i
	}
	l := Paginate(items, 10, 50)
	b, err := fitBudget(&l, 400)
	require.NoError(t, err)
	assert.LessOrEqual(t, len(b), 400)
	var got List[int]
	require.NoError(t, json.Unmarshal(b, &got))
	assert.True(t, got.Truncated)
	assert.True(t, got.HasMore)
	assert.Equal(t, 10+len(got.Items), *got.NextOffset)
	assert.Equal(t, 1000010, got.Items[0])

	// Under budget: untouched.
	l = Paginate(items, 0, 3)
	b, err = fitBudget(&l, 10_000)
	require.NoError(t, err)
	got = List[int]{}
	require.NoError(t, json.Unmarshal(b, &got))
	assert.False(t, got.Truncated)
	assert.Len(t, got.Items, 3)

	// A single object over budget is refused, not cut silently.
	_, err = fitBudget(&pingOut{OK: true}, 5)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, CodeInvalidArgument, e.Code)
}

func TestPaginate(t *testing.T) {
	l := Paginate([]string{"a", "b", "c"}, 2, 5)
	assert.Equal(t, []string{"c"}, l.Items)
	assert.False(t, l.HasMore)
	assert.Nil(t, l.NextOffset)
	l = Paginate([]string{"a", "b", "c"}, 7, 5)
	assert.NotNil(t, l.Items, "an empty page is [] not null, so it matches the output schema")
	assert.Empty(t, l.Items)
}

func TestHashedCopy(t *testing.T) {
	data := make([]byte, 7<<20+3) // more batches than buffers, and a partial last one
	for i := range data {
		data[i] = byte(i * 13)
	}
	for name, src := range map[string]func() io.Reader{
		"whole reads":    func() io.Reader { return bytes.NewReader(data) },
		"short reads":    func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) },
		"data with EOF":  func() io.Reader { return iotest.DataErrReader(bytes.NewReader(data)) },
		"one byte reads": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data[:70_000])) },
		"empty":          func() io.Reader { return bytes.NewReader(nil) },
	} {
		t.Run(name, func(t *testing.T) {
			r := src()
			want, _ := io.ReadAll(src())
			var dst bytes.Buffer
			n, sum, err := hashedCopy(&dst, r, sha256.New())
			require.NoError(t, err)
			assert.Equal(t, int64(len(want)), n)
			assert.Equal(t, hashBytes(want).SHA256, sum)
			assert.True(t, bytes.Equal(want, dst.Bytes()), "dst got other bytes than src gave")

			_, sum, err = hashedCopy(nil, src(), sha256.New())
			require.NoError(t, err)
			assert.Equal(t, hashBytes(want).SHA256, sum, "without a dst")
		})
	}
	t.Run("read error", func(t *testing.T) {
		boom := errors.New("connection reset")
		n, _, err := hashedCopy(io.Discard, io.MultiReader(bytes.NewReader(data[:2<<20+5]), iotest.ErrReader(boom)), sha256.New())
		assert.ErrorIs(t, err, boom)
		assert.Equal(t, int64(2<<20+5), n, "what arrived before the error is counted")
	})
	t.Run("truncated body is an error, not an end", func(t *testing.T) {
		_, _, err := hashedCopy(io.Discard, io.MultiReader(bytes.NewReader(data[:100]), iotest.ErrReader(io.ErrUnexpectedEOF)), sha256.New())
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	})
	t.Run("write error", func(t *testing.T) {
		full := errors.New("no space left on device")
		_, _, err := hashedCopy(failingWriter{full}, bytes.NewReader(data), sha256.New())
		assert.ErrorIs(t, err, full)
	})
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

func TestChecksumPrePassStopsWhenCancelled(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f.bin")
	require.NoError(t, os.WriteFile(p, make([]byte, 3<<20), 0o600))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f := openForTest(t, p)
	_, err := source{file: f, size: 3 << 20}.checksums(ctx)
	assert.ErrorIs(t, err, context.Canceled)

	sums, err := source{file: f, size: 3 << 20}.checksums(context.Background())
	require.NoError(t, err)
	assert.Equal(t, hashBytes(make([]byte, 3<<20)).SHA256, sums.SHA256)
}

// A file that is not the size it had when the upload began is caught by the
// pre-pass, before anything is sent.
func TestChecksumPrePassNoticesAResizedFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f.bin")
	require.NoError(t, os.WriteFile(p, make([]byte, 3<<20), 0o600))
	f := openForTest(t, p)
	for _, size := range []int64{3<<20 - 1, 3<<20 + 1} {
		_, err := source{file: f, size: size}.checksums(t.Context())
		assert.ErrorIs(t, err, client.ErrSizeChanged, "stat said %d bytes", size)
	}
}

// openForTest opens p as an upload source, the way the guard does.
func openForTest(t *testing.T, p string) *guard.LocalFile {
	t.Helper()
	f, err := os.Open(p)
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	return &guard.LocalFile{File: f, Path: p}
}

func TestLocalFileErrorsAreForTheAgent(t *testing.T) {
	full := fmt.Errorf("download to /data/app.jar: %w", &fs.PathError{Op: "write", Path: "/data/.app.jar.part-1", Err: syscall.ENOSPC})
	e, ok := classify(full, nil)
	require.True(t, ok, "a full local disk is not a bug in the server")
	assert.Equal(t, CodeInvalidArgument, e.Code)
	assert.Contains(t, e.Message, "no space left on device")
	assert.Contains(t, e.Hint, "local_path")

	e, ok = classify(fmt.Errorf("rename into /data/app.jar: %w", &os.LinkError{Op: "rename", Old: "/data/.app.jar.part-1", New: "/data/app.jar", Err: syscall.EISDIR}), nil)
	require.True(t, ok)
	assert.Equal(t, CodeInvalidArgument, e.Code)

	e, ok = classify(fmt.Errorf("read a/b: %w", io.ErrUnexpectedEOF), nil)
	require.True(t, ok)
	assert.Equal(t, CodeUpstreamUnavailable, e.Code)
	assert.True(t, e.Retryable)

	e, ok = classify(fmt.Errorf("artifactory POST api/search/aql: %w", client.ErrResponseTooLarge), nil)
	require.True(t, ok)
	assert.Equal(t, CodeInvalidArgument, e.Code)
	assert.Contains(t, e.Hint, "narrow the query")

	_, ok = classify(errors.New("nil map"), nil)
	assert.False(t, ok, "anything else stays a bug")
}
