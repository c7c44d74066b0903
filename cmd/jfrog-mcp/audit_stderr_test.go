package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// session runs a stdio sandbox with args, makes one read and one write, and
// returns what went to stderr.
func auditSession(t *testing.T, args ...string) string {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	var stderr lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- run(ctx, append([]string{"stdio", "--sandbox"}, args...), inR, outW, &stderr, noEnv) }()
	replies := bufio.NewReader(outR)
	send := func(line string) {
		_, err := io.WriteString(inW, line+"\n")
		require.NoError(t, err)
		_, err = replies.ReadString('\n')
		require.NoError(t, err)
	}
	send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}`)
	_, _ = io.WriteString(inW, `{"jsonrpc":"2.0","method":"notifications/initialized"}`+"\n")
	send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_artifact_info","arguments":{"repo":"generic-local"}}}`)
	send(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"set_artifact_properties","arguments":{"repo":"generic-local","path":"","properties":{"k":"v"}}}}`)
	cancel()
	_ = inW.Close()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop")
	}
	return stderr.String()
}

func auditLines(s, tool string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, `"guard decision"`) && strings.Contains(l, `"tool":"`+tool+`"`) {
			n++
		}
	}
	return n
}

// Without --audit-log, stderr carries the decisions that change something
// (and refusals), not one line per read; --log-level debug or an audit file
// has every decision.
func TestAuditOnStderrLeavesOutReads(t *testing.T) {
	out := auditSession(t)
	assert.Equal(t, 0, auditLines(out, "get_artifact_info"), out)
	assert.Equal(t, 1, auditLines(out, "set_artifact_properties"), out)

	out = auditSession(t, "--log-level", "debug")
	assert.Equal(t, 1, auditLines(out, "get_artifact_info"))

	file := filepath.Join(t.TempDir(), "audit.jsonl")
	auditSession(t, "--audit-log", file)
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Equal(t, 1, auditLines(string(b), "get_artifact_info"), "the file keeps every decision")
	assert.Equal(t, 1, auditLines(string(b), "set_artifact_properties"))
}
