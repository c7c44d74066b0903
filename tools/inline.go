package tools

// MaxInlineUpload is the most bytes content_text or content_base64 may
// decode to; the transports size their message limit from it.
const MaxInlineUpload = maxInlineUpload
