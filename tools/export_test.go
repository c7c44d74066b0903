package tools

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
