package guard

import (
	"fmt"
	"os"
)

// checkUpload refuses content of size bytes when it is over
// limits.upload_bytes. It is the one place the limit is decided: for inline
// content from Action.Bytes, for a local file by its name while the call is
// checked and again by the descriptor OpenLocal opened.
func (l Limits) checkUpload(size int64) *Denied {
	if l.UploadBytes <= 0 || size <= l.UploadBytes {
		return nil
	}
	return &Denied{
		Reason: fmt.Sprintf("the upload is %d bytes, over the policy's limit of %d", size, l.UploadBytes),
		Hint:   "upload it outside the agent, or ask the operator to raise limits.upload_bytes",
	}
}

// checkLocalUpload is the early answer for a local file a call reads: the
// file is read only to be uploaded, so a file over the limit is refused
// before anything (a repository lookup, an overwrite plan) reaches JFrog.
// It goes by the resolved name; OpenLocal decides again on what it opens.
// Anything that cannot be stat'ed here is left to OpenLocal to report.
func (l Limits) checkLocalUpload(real string) *Denied {
	st, err := os.Stat(real)
	if err != nil || !st.Mode().IsRegular() {
		return nil
	}
	return l.checkUpload(st.Size())
}
