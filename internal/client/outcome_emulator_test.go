package client_test

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator"
	"github.com/jfrog-mcp/jfrog-mcp/internal/emulator/emulatortest"
)

// faultFixture is a seeded emulator and a client with fast retries.
func faultFixture(t *testing.T) (*emulatortest.Server, *client.Artifactory) {
	t.Helper()
	emu := emulatortest.Start(t, emulator.DemoSeed())
	c, err := client.New(client.Config{URL: emu.URL, AccessToken: emu.AdminToken, RetryBaseDelay: time.Millisecond,
		Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	return emu, c.Artifactory
}

func putContent(t *testing.T, a *client.Artifactory, path string, content []byte) {
	t.Helper()
	_, err := a.Deploy(t.Context(), client.DeployRequest{Repo: "generic-local", Path: path, Body: bytes.NewReader(content), Size: int64(len(content))})
	require.NoError(t, err)
}

func lostAnswer(t *testing.T, err error) *client.LostAnswerError {
	t.Helper()
	var lost *client.LostAnswerError
	require.True(t, errors.As(err, &lost), "want a LostAnswerError, got %v", err)
	return lost
}

// requestsAre waits until the emulator has logged want requests with method
// and path: a request whose connection a fault took over is logged when its
// handler returns, which can be after the client has moved on. The client
// call has returned by then, so no more will come.
func requestsAre(t *testing.T, emu *emulatortest.Server, method, path string, want int, msg string) {
	t.Helper()
	require.Eventually(t, func() bool { return countOf(emu, method, path) >= want }, 5*time.Second, time.Millisecond, msg)
	assert.Equal(t, want, countOf(emu, method, path), msg)
}

// countOf counts the requests the emulator received with method and path.
func countOf(emu *emulatortest.Server, method, path string) int {
	n := 0
	for _, r := range emu.Emu.Requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

func TestDeployWhoseAnswerIsLost(t *testing.T) {
	content := bytes.Repeat([]byte("lost answer "), 1000)
	sums := sumsOf(content)
	deploy := func(a *client.Artifactory, path string, props map[string][]string) (*client.DeployResult, error) {
		return a.Deploy(t.Context(), client.DeployRequest{Repo: "generic-local", Path: path, Size: int64(len(content)),
			Checksums: client.Checksums{SHA256: sums.SHA256}, Properties: props,
			GetBody: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(content)), nil }})
	}

	t.Run("stored every time, never answered: verified at the target", func(t *testing.T) {
		emu, a := faultFixture(t)
		emu.Emu.Faults().Inject(emulator.FaultRule{Method: http.MethodPut, PathPrefix: "/artifactory/generic-local/lost/", LoseAnswer: true})
		res, err := deploy(a, "lost/a.bin", map[string][]string{"qa": {"passed"}})
		require.NoError(t, err)
		assert.True(t, res.VerifiedAfterLostAnswer)
		assert.Equal(t, sums, res.Checksums)
		assert.Equal(t, "/lost/a.bin", res.Path)
		assert.NotEmpty(t, res.DownloadURI)
		assert.Equal(t, 1+client.DefaultMaxRetries, emu.Emu.Faults().Performed(http.MethodPut), "each attempt was stored and its answer lost")
	})

	t.Run("never arrives: nothing stored, safe to retry", func(t *testing.T) {
		emu, a := faultFixture(t)
		emu.Emu.Faults().Inject(emulator.FaultRule{Method: http.MethodPut, PathPrefix: "/artifactory/generic-local/lost/", Reset: true})
		_, err := deploy(a, "lost/b.bin", nil)
		lost := lostAnswer(t, err)
		assert.True(t, lost.Checked)
		assert.True(t, lost.Retryable)
		assert.Contains(t, lost.Error(), "nothing is stored at the target")
		assert.Zero(t, emu.Emu.Faults().Performed(http.MethodPut))
	})

	t.Run("the content is there but not the properties: not this deploy", func(t *testing.T) {
		emu, a := faultFixture(t)
		putContent(t, a, "lost/c.bin", content)
		emu.Emu.Faults().Inject(emulator.FaultRule{Method: http.MethodPut, PathPrefix: "/artifactory/generic-local/lost/", Reset: true})
		_, err := deploy(a, "lost/c.bin", map[string][]string{"qa": {"passed"}})
		lost := lostAnswer(t, err)
		assert.True(t, lost.Retryable)
		assert.Contains(t, lost.Error(), "not the properties")
	})
}

func TestCopyAndMoveWhoseAnswerIsLost(t *testing.T) {
	ref := func(p string) client.ItemRef { return client.ItemRef{Repo: "generic-local", Path: p} }
	cases := []struct {
		name, op string
		setup    func(t *testing.T, a *client.Artifactory)
		src, dst string
		fault    emulator.FaultRule
		done     bool
		retry    bool
		// removeSource: another client removes the source first.
		removeSource bool
	}{
		{name: "copy of a file, done", op: "copy", src: "s/f.txt", dst: "d/f.txt", fault: emulator.FaultRule{LoseAnswer: true}, done: true},
		{name: "copy into a folder, done", op: "copy", src: "s/f.txt", dst: "d",
			setup: func(t *testing.T, a *client.Artifactory) { putContent(t, a, "d/other.txt", []byte("o")) },
			fault: emulator.FaultRule{LoseAnswer: true}, done: true},
		{name: "copy of a folder, done", op: "copy", src: "s", dst: "copy-of-s", fault: emulator.FaultRule{LoseAnswer: true}, done: true},
		{name: "copy of a folder into a folder, done", op: "copy", src: "s", dst: "d",
			setup: func(t *testing.T, a *client.Artifactory) { putContent(t, a, "d/other.txt", []byte("o")) },
			fault: emulator.FaultRule{LoseAnswer: true}, done: true},
		{name: "copy never arrived", op: "copy", src: "s/f.txt", dst: "d/f.txt", fault: emulator.FaultRule{Reset: true}, retry: true},
		{name: "copy of a folder never arrived", op: "copy", src: "s", dst: "copy-of-s", fault: emulator.FaultRule{Reset: true}, retry: true},
		{name: "copy whose answer was cut off", op: "copy", src: "s/f.txt", dst: "d/f.txt", fault: emulator.FaultRule{TruncateBody: true}, done: true},
		{name: "copy answered 502 by a gateway", op: "copy", src: "s/f.txt", dst: "d/f.txt", fault: emulator.FaultRule{Status: http.StatusBadGateway}, retry: true},
		{name: "move of a file, done", op: "move", src: "s/f.txt", dst: "d/f.txt", fault: emulator.FaultRule{LoseAnswer: true}, done: true},
		{name: "move of a folder, done", op: "move", src: "s", dst: "moved-s", fault: emulator.FaultRule{LoseAnswer: true}, done: true},
		{name: "move never arrived", op: "move", src: "s/f.txt", dst: "d/f.txt", fault: emulator.FaultRule{Reset: true}, retry: true},
		{name: "move of a folder never arrived", op: "move", src: "s", dst: "moved-s", fault: emulator.FaultRule{Reset: true}, retry: true},
		{name: "move whose source another client removed", op: "move", src: "s/f.txt", dst: "d/f.txt",
			fault: emulator.FaultRule{Reset: true}, removeSource: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			emu, a := faultFixture(t)
			putContent(t, a, "s/f.txt", []byte("file content"))
			putContent(t, a, "s/sub/g.txt", []byte("nested content"))
			if tc.setup != nil {
				tc.setup(t, a)
			}
			rule := tc.fault
			rule.Method, rule.PathPrefix, rule.Times = http.MethodPost, "/artifactory/api/"+tc.op+"/", 1
			emu.Emu.Faults().Inject(rule)
			if tc.removeSource {
				require.NoError(t, a.DeleteItem(t.Context(), "generic-local", tc.src))
			}
			op := a.Copy
			if tc.op == "move" {
				op = a.Move
			}
			res, err := op(t.Context(), ref(tc.src), ref(tc.dst), false)
			if tc.done {
				require.NoError(t, err)
				assert.True(t, res.VerifiedAfterLostAnswer)
				require.Len(t, res.Messages, 1)
				assert.Contains(t, res.Messages[0].Message, "answer was lost")
				return
			}
			lost := lostAnswer(t, err)
			assert.True(t, lost.Checked, lost.Error())
			assert.Equal(t, tc.retry, lost.Retryable, lost.Error())
			if tc.retry {
				_, err = op(t.Context(), ref(tc.src), ref(tc.dst), false)
				require.NoError(t, err, "retrying is safe")
				_, err = a.StorageItem(t.Context(), "generic-local", tc.dst)
				require.NoError(t, err)
			}
		})
	}
}

func TestDeleteWhoseAnswerIsLost(t *testing.T) {
	const path = "/artifactory/generic-local/del/f.txt"
	t.Run("done and answer lost: reported done, no second delete", func(t *testing.T) {
		emu, a := faultFixture(t)
		putContent(t, a, "del/f.txt", []byte("x"))
		emu.Emu.Faults().Inject(emulator.FaultRule{Method: http.MethodDelete, PathPrefix: path, LoseAnswer: true})
		require.NoError(t, a.DeleteItem(t.Context(), "generic-local", "del/f.txt"))
		assert.Equal(t, 1, emu.Emu.Faults().Performed(http.MethodDelete))
		requestsAre(t, emu, http.MethodDelete, path, 1, "no second DELETE was sent")
	})

	t.Run("never arrived: looked at, then sent again", func(t *testing.T) {
		emu, a := faultFixture(t)
		putContent(t, a, "del/f.txt", []byte("x"))
		emu.Emu.Faults().Inject(emulator.FaultRule{Method: http.MethodDelete, PathPrefix: path, Reset: true, Times: 1})
		require.NoError(t, a.DeleteItem(t.Context(), "generic-local", "del/f.txt"))
		assert.Equal(t, 1, emu.Emu.Faults().Performed(http.MethodDelete))
		requestsAre(t, emu, http.MethodDelete, path, 2, "the reset one and the retry")
		_, err := a.StorageItem(t.Context(), "generic-local", "del/f.txt")
		assert.True(t, client.IsNotFound(err))
	})

	t.Run("never arrives: retries exhausted, the item is still there", func(t *testing.T) {
		emu, a := faultFixture(t)
		putContent(t, a, "del/f.txt", []byte("x"))
		emu.Emu.Faults().Inject(emulator.FaultRule{Method: http.MethodDelete, PathPrefix: path, Reset: true})
		err := a.DeleteItem(t.Context(), "generic-local", "del/f.txt")
		api, ok := client.AsAPIError(err)
		require.True(t, ok, "%v", err)
		assert.Zero(t, api.Status)
		assert.True(t, api.Retryable)
		requestsAre(t, emu, http.MethodDelete, path, 1+client.DefaultMaxRetries, "every attempt")
		_, err = a.StorageItem(t.Context(), "generic-local", "del/f.txt")
		assert.NoError(t, err)
	})
}

// JFrog answering after the client's header timeout is a lost answer too:
// a change that was made is reported done; one that shows nothing is a
// deploy safe to retry, and an unknown for a copy (JFrog may still be at it).
func TestChangesAnsweredTooLate(t *testing.T) {
	// The header timeout is short against the hold, long against a loopback
	// answer on a loaded machine (every request of these subtests has it).
	late := func(t *testing.T) (*emulatortest.Server, *client.Artifactory) {
		emu := emulatortest.Start(t, emulator.DemoSeed())
		c, err := client.New(client.Config{URL: emu.URL, AccessToken: emu.AdminToken, RetryBaseDelay: time.Millisecond,
			Timeout: 400 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
		require.NoError(t, err)
		putContent(t, c.Artifactory, "s/f.txt", []byte("file content"))
		return emu, c.Artifactory
	}
	content := []byte("late")
	deploy := func(a *client.Artifactory) (*client.DeployResult, error) {
		return a.Deploy(t.Context(), client.DeployRequest{Repo: "generic-local", Path: "late/a.txt", Size: int64(len(content)),
			Checksums: sumsOf(content), Body: bytes.NewReader(content)})
	}
	ref := func(p string) client.ItemRef { return client.ItemRef{Repo: "generic-local", Path: p} }

	t.Run("deploy done", func(t *testing.T) {
		emu, a := late(t)
		emu.Emu.Faults().Inject(emulator.FaultRule{Method: http.MethodPut, PathPrefix: "/artifactory/generic-local/late/", AnswerAfter: 2500 * time.Millisecond, Times: 1})
		res, err := deploy(a)
		require.NoError(t, err)
		assert.True(t, res.VerifiedAfterLostAnswer)
	})
	t.Run("deploy not done", func(t *testing.T) {
		emu, a := late(t)
		emu.Emu.Faults().Inject(emulator.FaultRule{Method: http.MethodPut, PathPrefix: "/artifactory/generic-local/late/", Latency: 2500 * time.Millisecond, Times: 1})
		_, err := deploy(a)
		lost := lostAnswer(t, err)
		assert.True(t, lost.Checked)
		assert.True(t, lost.Retryable, "a PUT of the same content is safe to repeat even if the first is still at work")
	})
	t.Run("copy done", func(t *testing.T) {
		emu, a := late(t)
		emu.Emu.Faults().Inject(emulator.FaultRule{Method: http.MethodPost, PathPrefix: "/artifactory/api/copy/", AnswerAfter: 2500 * time.Millisecond, Times: 1})
		res, err := a.Copy(t.Context(), ref("s/f.txt"), ref("d/f.txt"), false)
		require.NoError(t, err)
		assert.True(t, res.VerifiedAfterLostAnswer)
	})
	t.Run("copy not seen: unknown, not safe to retry", func(t *testing.T) {
		emu, a := late(t)
		emu.Emu.Faults().Inject(emulator.FaultRule{Method: http.MethodPost, PathPrefix: "/artifactory/api/copy/", Latency: 2500 * time.Millisecond, Times: 1})
		_, err := a.Copy(t.Context(), ref("s/f.txt"), ref("d/f.txt"), false)
		lost := lostAnswer(t, err)
		assert.False(t, lost.Checked)
		assert.False(t, lost.Retryable)
	})
	t.Run("delete done", func(t *testing.T) {
		emu, a := late(t)
		emu.Emu.Faults().Inject(emulator.FaultRule{Method: http.MethodDelete, PathPrefix: "/artifactory/generic-local/s/", AnswerAfter: 2500 * time.Millisecond, Times: 1})
		require.NoError(t, a.DeleteItem(t.Context(), "generic-local", "s/f.txt"))
		requestsAre(t, emu, http.MethodDelete, "/artifactory/generic-local/s/f.txt", 1, "no second DELETE was sent")
	})
}

// When looking fails too (JFrog gone), nothing is known: a copy is not
// safe to send again, a deploy is (the same PUT once more).
func TestLostAnswerWhenLookingFailsToo(t *testing.T) {
	emu, a := faultFixture(t)
	putContent(t, a, "s/f.txt", []byte("x"))
	emu.Emu.Faults().Inject(emulator.FaultRule{PathPrefix: "/artifactory/", Reset: true})
	_, err := a.Copy(t.Context(), client.ItemRef{Repo: "generic-local", Path: "s/f.txt"}, client.ItemRef{Repo: "generic-local", Path: "d/f.txt"}, false)
	lost := lostAnswer(t, err)
	assert.False(t, lost.Checked)
	assert.False(t, lost.Retryable)

	content := []byte("y")
	_, err = a.Deploy(t.Context(), client.DeployRequest{Repo: "generic-local", Path: "s/g.txt", Body: bytes.NewReader(content),
		Size: int64(len(content)), Checksums: sumsOf(content)})
	lost = lostAnswer(t, err)
	assert.False(t, lost.Checked)
	assert.True(t, lost.Retryable)
}
