package guard

import (
	"fmt"
	"strings"
)

// secretish names arguments whose values never reach the audit log.
var secretish = []string{"token", "password", "secret", "apikey", "api_key", "authorization", "credential"}

// bulky names arguments whose content is summarised by size: artifact
// content is not the audit log's business, and may be large or sensitive.
var bulky = map[string]bool{"content_text": true, "content_base64": true}

// redactArgs returns a copy of a call's arguments fit for the audit log.
func redactArgs(args map[string]any) map[string]any {
	if args == nil {
		return nil
	}
	out := make(map[string]any, len(args))
	for k, v := range args {
		lk := strings.ToLower(k)
		switch {
		case bulky[lk]:
			out[k] = fmt.Sprintf("[%d bytes]", len(fmt.Sprint(v)))
		case isSecretish(lk):
			out[k] = "[redacted]"
		default:
			out[k] = redactValue(v)
		}
	}
	return out
}

func redactValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return redactArgs(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = redactValue(e)
		}
		return out
	case string:
		if len(x) > 512 {
			return x[:512] + fmt.Sprintf("…[%d bytes]", len(x))
		}
	}
	return v
}

func isSecretish(k string) bool {
	for _, s := range secretish {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}
