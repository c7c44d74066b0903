//go:build !unix

package mcpserver

import "io"

// pollable is a no-op where stdin cannot be put on Go's poller.
func pollable(in io.Reader) (io.Reader, func()) { return in, func() {} }
