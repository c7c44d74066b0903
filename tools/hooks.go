package tools

import "sync/atomic"

// localHook lets a test act at a named point of a local file operation, such
// as swapping a file for a symlink between the guard's check and the open:
// races timed by a hook, not by sleeps. Nil outside tests.
var localHook atomic.Pointer[func(stage string)]

func testHook(stage string) {
	if h := localHook.Load(); h != nil {
		(*h)(stage)
	}
}
