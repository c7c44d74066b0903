package mcpserver

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// JSON-RPC error codes the transports answer with themselves.
const (
	codeInvalidRequest = -32600
)

// rpcError is a JSON-RPC error response.
type rpcError struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Error   struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func newRPCError(id string, code int, msg string) []byte {
	e := rpcError{JSONRPC: "2.0", ID: json.RawMessage("null")}
	if id != "" && json.Valid([]byte(id)) {
		e.ID = json.RawMessage(id)
	}
	e.Error.Code, e.Error.Message = code, msg
	b, _ := json.Marshal(e)
	return b
}

// Messages mcp-go would mishandle, answered before it sees them.
var (
	// MCP 2025-06-18 removed JSON-RPC batching, and this server negotiates
	// 2025-06-18 or later with current clients; mcp-go answers a batch with a
	// parse error (HTTP) or not at all. Older protocol versions allowed
	// batches; they get the same answer, as mcp-go cannot serve one.
	errBatch = "Invalid Request: JSON-RPC batches are not supported (MCP 2025-06-18 and later forbid them): send one message at a time"
	// MCP requires a string or integer id; mcp-go takes id null for a
	// notification and never answers.
	errNullID = "Invalid Request: a request id must be a string or an integer, not null"
)

// edgeError returns the answer for a message the transport refuses itself,
// or nil. prefix is the message or its start (enough for its first keys).
func edgeError(prefix []byte) []byte {
	t := bytes.TrimLeft(prefix, " \t\r\n")
	if len(t) > 0 && t[0] == '[' {
		return newRPCError("", codeInvalidRequest, errBatch)
	}
	if h := head(prefix); h.id == "null" && h.method != "" {
		return newRPCError("", codeInvalidRequest, errNullID)
	}
	return nil
}

// tooLong is the answer for a message over the size limit; id is the id
// found at its start, if any, so the caller's request is answered.
func tooLong(id string, limit int) []byte {
	return newRPCError(id, codeInvalidRequest, fmt.Sprintf("Invalid Request: message over the %d-byte limit: pass large content through local_path instead of inline", limit))
}
