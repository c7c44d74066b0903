package emulator

import (
	"net/http"
	"strconv"
	"time"
)

// ControlPrefix is where ControlHandler serves; it is outside every JFrog
// path (/artifactory, /xray, /access) so no client can mistake it for one.
const ControlPrefix = "/_emulator/"

// ControlHandler lets an out-of-process test drive the emulator: POST
// /_emulator/xray/advance?seconds=N moves the Xray clock (AdvanceXrayClock),
// GET /_emulator/requests returns the request log. It has no
// authentication: serve it only on loopback, for tests.
func (e *Emulator) ControlHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+ControlPrefix+"xray/advance", func(w http.ResponseWriter, r *http.Request) {
		s, err := strconv.ParseFloat(r.URL.Query().Get("seconds"), 64)
		if err != nil || s < 0 || s > 86400 {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "seconds must be a number from 0 to 86400"})
			return
		}
		e.AdvanceXrayClock(time.Duration(s * float64(time.Second)))
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET "+ControlPrefix+"requests", func(w http.ResponseWriter, r *http.Request) {
		type rec struct {
			Method string `json:"method"`
			Path   string `json:"path"`
			Status int    `json:"status"`
		}
		out := []rec{}
		for _, q := range e.Requests() {
			out = append(out, rec{q.Method, q.Path, q.Status})
		}
		writeJSON(w, http.StatusOK, out)
	})
	return mux
}

// WithControl serves ControlHandler under ControlPrefix and the emulator
// everywhere else.
func (e *Emulator) WithControl() http.Handler {
	mux := http.NewServeMux()
	mux.Handle(ControlPrefix, e.ControlHandler())
	mux.Handle("/", e)
	return mux
}
