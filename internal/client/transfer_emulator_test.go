package client_test

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/emulatortest"
)

// startEmu runs a seeded emulator and an admin client for it.
func startEmu(t *testing.T) (*emulatortest.Server, *client.Client) {
	t.Helper()
	emu := emulatortest.Start(t, emulator.DemoSeed())
	c, err := client.New(client.Config{URL: emu.URL, AccessToken: emu.AdminToken})
	require.NoError(t, err)
	return emu, c
}

func sumsOf(b []byte) client.Checksums {
	s1, s2, m := sha1.Sum(b), sha256.Sum256(b), md5.Sum(b)
	return client.Checksums{SHA1: hex.EncodeToString(s1[:]), SHA256: hex.EncodeToString(s2[:]), MD5: hex.EncodeToString(m[:])}
}

func TestDeployDownloadHeadAgainstEmulator(t *testing.T) {
	emu, c := startEmu(t)
	ctx := t.Context()
	content := bytes.Repeat([]byte("jfrog-mcp deploy test\n"), 1000)
	sums := sumsOf(content)

	res, err := c.Artifactory.Deploy(ctx, client.DeployRequest{
		Repo: "generic-local", Path: "up/dir/a b;c.bin",
		Body: bytes.NewReader(content), Size: int64(len(content)), Checksums: sums,
	})
	require.NoError(t, err)
	assert.Equal(t, "generic-local", res.Repo)
	assert.Equal(t, "/up/dir/a b;c.bin", res.Path)
	assert.Equal(t, sums, res.Checksums)
	assert.Equal(t, sums, res.OriginalChecksums)
	assert.Equal(t, "22000", res.Size, "size is a string on the wire")
	assert.Contains(t, res.DownloadURI, "/generic-local/up/dir/a%20b%3Bc.bin")
	assert.Equal(t, int64(len(content)), emu.Emu.DeployBodyBytes("generic-local", "up/dir/a b;c.bin"))

	dl, err := c.Artifactory.Download(ctx, "generic-local", "up/dir/a b;c.bin")
	require.NoError(t, err)
	got, err := io.ReadAll(dl.Body)
	require.NoError(t, err)
	require.NoError(t, dl.Body.Close())
	assert.Equal(t, content, got)
	assert.Equal(t, int64(len(content)), dl.Size)
	assert.Equal(t, sums, dl.Checksums)
	assert.NotEmpty(t, dl.ContentType)

	head, err := c.Artifactory.Head(ctx, "generic-local", "up/dir/a b;c.bin")
	require.NoError(t, err)
	assert.Equal(t, int64(len(content)), head.Size)
	assert.Equal(t, sums, head.Checksums)
	assert.False(t, head.LastModified.IsZero())
	assert.False(t, head.Folder)

	folder, err := c.Artifactory.Head(ctx, "generic-local", "up/dir")
	require.NoError(t, err)
	assert.True(t, folder.Folder)
	_, err = c.Artifactory.Download(ctx, "generic-local", "up/dir")
	assert.ErrorIs(t, err, client.ErrIsFolder)

	_, err = c.Artifactory.Head(ctx, "generic-local", "up/nope")
	assert.True(t, client.IsNotFound(err), "%v", err)
	_, err = c.Artifactory.Download(ctx, "generic-local", "up/nope")
	assert.True(t, client.IsNotFound(err), "%v", err)
}

func TestDeployStreamsWithGetBodyAndEmptyFile(t *testing.T) {
	emu, c := startEmu(t)
	ctx := t.Context()
	content := []byte("reopened")
	opened := 0
	res, err := c.Artifactory.Deploy(ctx, client.DeployRequest{
		Repo: "generic-local", Path: "reopen.txt", Size: int64(len(content)),
		GetBody: func() (io.ReadCloser, error) { opened++; return io.NopCloser(bytes.NewReader(content)), nil },
	})
	require.NoError(t, err)
	assert.Equal(t, 1, opened, "GetBody supplies the first body when Body is nil")
	assert.Equal(t, sumsOf(content), res.Checksums)

	// An unknown-length body (Size -1) is sent chunked and still stored whole.
	res, err = c.Artifactory.Deploy(ctx, client.DeployRequest{
		Repo: "generic-local", Path: "chunked.txt", Size: -1, Body: io.MultiReader(strings.NewReader("ab"), strings.NewReader("cd")),
	})
	require.NoError(t, err)
	assert.Equal(t, "4", res.Size)

	res, err = c.Artifactory.Deploy(ctx, client.DeployRequest{Repo: "generic-local", Path: "empty.txt", Size: 0})
	require.NoError(t, err)
	assert.Equal(t, "0", res.Size)
	assert.Equal(t, int64(0), emu.Emu.DeployBodyBytes("generic-local", "empty.txt"))
}

func TestChecksumDeployAgainstEmulator(t *testing.T) {
	emu, c := startEmu(t)
	ctx := t.Context()
	content := []byte(strings.Repeat("known content ", 800))
	sums := sumsOf(content)
	_, err := c.Artifactory.Deploy(ctx, client.DeployRequest{Repo: "generic-local", Path: "orig/k.bin", Body: bytes.NewReader(content), Size: int64(len(content))})
	require.NoError(t, err)

	res, err := c.Artifactory.Deploy(ctx, client.DeployRequest{
		Repo: "generic-local", Path: "linked/k.bin", Checksums: sums, ChecksumOnly: true,
	})
	require.NoError(t, err)
	assert.Equal(t, sums, res.Checksums)
	assert.Equal(t, int64(0), emu.Emu.DeployBodyBytes("generic-local", "linked/k.bin"), "checksum deploy sends no body")
	item, err := c.Artifactory.StorageItem(ctx, "generic-local", "linked/k.bin")
	require.NoError(t, err)
	assert.Equal(t, "11200", item.Size)

	// The SHA-256 alone is enough (it also travels in X-Checksum, as JCG sends it).
	_, err = c.Artifactory.Deploy(ctx, client.DeployRequest{
		Repo: "generic-local", Path: "linked/k2.bin", Checksums: client.Checksums{SHA256: sums.SHA256}, ChecksumOnly: true,
	})
	require.NoError(t, err)

	unknown := sumsOf([]byte("never uploaded"))
	_, err = c.Artifactory.Deploy(ctx, client.DeployRequest{Repo: "generic-local", Path: "linked/u.bin", Checksums: unknown, ChecksumOnly: true})
	assert.True(t, client.IsNotFound(err), "unknown checksum is a 404 so the caller deploys the body: %v", err)

	_, err = c.Artifactory.Deploy(ctx, client.DeployRequest{Repo: "generic-local", Path: "linked/none.bin", ChecksumOnly: true})
	require.Error(t, err, "checksum-only without checksums is refused locally")
}

func TestDeployChecksumMismatchIs409(t *testing.T) {
	_, c := startEmu(t)
	content := []byte("actual content")
	wrong := sumsOf([]byte("other content"))
	_, err := c.Artifactory.Deploy(t.Context(), client.DeployRequest{
		Repo: "generic-local", Path: "bad.txt", Body: bytes.NewReader(content), Size: int64(len(content)),
		Checksums: client.Checksums{SHA256: wrong.SHA256},
	})
	require.Equal(t, http.StatusConflict, client.StatusCode(err), "%v", err)
	api, _ := client.AsAPIError(err)
	assert.Contains(t, api.Message, "Checksum policy")
	assert.True(t, client.IsChecksumMismatch(err))
	assert.False(t, client.IsChecksumMismatch(&client.APIError{Status: http.StatusConflict,
		Message: "The repository 'libs-release-local' rejected the resolution of an artifact due to its snapshot/release handling policy."}),
		"another 409 of a deploy")
	_, err = c.Artifactory.StorageItem(t.Context(), "generic-local", "bad.txt")
	assert.True(t, client.IsNotFound(err), "a rejected deploy stores nothing")
}

// A streamed body that is not the announced size (a file still being written,
// or truncated) fails with ErrSizeChanged before its last byte is sent, so the
// request ends short of its Content-Length and nothing is stored. It must not
// store the first Size bytes and report a failure, which is what net/http does
// by itself with a body that goes on.
func TestDeployOfABodyThatIsNotItsSizeStoresNothing(t *testing.T) {
	emu, c := startEmu(t)
	content := bytes.Repeat([]byte("0123456789abcdef"), 200<<10/16) // 200 KiB: several of net/http's 32 KiB writes
	// A MultiReader is not in memory as far as the client can tell.
	stream := func(parts ...[]byte) io.Reader {
		rs := make([]io.Reader, len(parts))
		for i, p := range parts {
			rs[i] = bytes.NewReader(p)
		}
		return io.MultiReader(rs...)
	}
	cases := map[string]io.Reader{
		"longer":          stream(content, []byte("x")),
		"shorter":         stream(content[:len(content)-1]),
		"empty":           stream(),
		"longer by a lot": stream(content, content),
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			path := "sized/" + strings.ReplaceAll(name, " ", "-") + ".bin"
			_, err := c.Artifactory.Deploy(t.Context(), client.DeployRequest{
				Repo: "generic-local", Path: path, Body: body, Size: int64(len(content)),
			})
			require.ErrorIs(t, err, client.ErrSizeChanged)
			_, err = c.Artifactory.StorageItem(t.Context(), "generic-local", path)
			assert.True(t, client.IsNotFound(err), "nothing stored: %v", err)
		})
	}

	t.Run("exactly its size, in pieces", func(t *testing.T) {
		res, err := c.Artifactory.Deploy(t.Context(), client.DeployRequest{
			Repo: "generic-local", Path: "sized/exact.bin", Body: stream(content[:7], content[7:]), Size: int64(len(content)),
		})
		require.NoError(t, err)
		assert.Equal(t, sumsOf(content), res.Checksums)
		assert.Equal(t, int64(len(content)), emu.Emu.DeployBodyBytes("generic-local", "sized/exact.bin"))
	})

	t.Run("a retried body is held to the size too", func(t *testing.T) {
		emu.Emu.Faults().Inject(emulator.FaultRule{Method: http.MethodPut, PathPrefix: "/artifactory/generic-local/sized/retried.bin", Status: http.StatusServiceUnavailable, Times: 1})
		opened := 0
		_, err := c.Artifactory.Deploy(t.Context(), client.DeployRequest{
			Repo: "generic-local", Path: "sized/retried.bin", Size: int64(len(content)),
			GetBody: func() (io.ReadCloser, error) {
				opened++
				if opened == 1 {
					return io.NopCloser(stream(content)), nil
				}
				return io.NopCloser(stream(content, []byte("grown"))), nil
			},
		})
		require.ErrorIs(t, err, client.ErrSizeChanged)
		assert.Equal(t, 2, opened, "the 503 was retried with a fresh body")
		_, err = c.Artifactory.StorageItem(t.Context(), "generic-local", "sized/retried.bin")
		assert.True(t, client.IsNotFound(err), "nothing stored: %v", err)
	})
}
