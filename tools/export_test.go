package tools

import "github.com/mark3labs/mcp-go/server"

// SetMaxComparedFiles lowers the folder-comparison bound for a test and
// returns the function that restores it. Tests that use it must not run in
// parallel with others that copy or move folders.
func SetMaxComparedFiles(n int) (restore func()) {
	old := maxComparedFiles
	maxComparedFiles = n
	return func() { maxComparedFiles = old }
}

// SetLocalHook calls hook at the named stages of uploads and downloads
// ("upload:open", "upload:hashed", "download:created", "download:commit")
// and returns the function that removes it.
func SetLocalHook(hook func(stage string)) (restore func()) {
	localHook.Store(&hook)
	return func() { localHook.Store(nil) }
}

// RegisterExtra adds a tool that is not in the catalog to srv, in toolset,
// as the catalog's tools are registered: a test's throw-away tool goes
// through the same wrapper.
func RegisterExtra(srv *server.MCPServer, d *Deps, toolset string, def Definition) {
	if d.mentions == nil {
		d.mentions = newMentions(map[string]bool{})
	}
	srv.AddTools(def.serverTool(d, toolset))
}
