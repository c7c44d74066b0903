package client

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// newHTTPClient returns the http.Client used for every request. The default transport
// bounds only the wait for response headers: http.Client.Timeout would also cut off a
// large artifact download that is still streaming.
func newHTTPClient(custom *http.Client, headerTimeout time.Duration) *http.Client {
	var hc http.Client
	if custom != nil {
		hc = *custom
	} else {
		var tr *http.Transport
		if dt, ok := http.DefaultTransport.(*http.Transport); ok {
			tr = dt.Clone()
		} else {
			tr = &http.Transport{Proxy: http.ProxyFromEnvironment}
		}
		tr.ResponseHeaderTimeout = headerTimeout
		// The 4 KiB defaults turn a 1 GiB artifact into a quarter of a million
		// socket writes and reads, which cost both ends CPU.
		tr.WriteBufferSize, tr.ReadBufferSize = 256<<10, 256<<10
		hc.Transport = tr
	}
	next := hc.CheckRedirect
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		// net/http drops Authorization on a cross-host redirect but not the API-key
		// header; downloads redirect to object storage, which must not see either.
		if len(via) > 0 && !sameHost(req.URL, via[0].URL) {
			req.Header.Del("Authorization")
			req.Header.Del(apiKeyHeader)
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &hc
}

func sameHost(a, b *url.URL) bool {
	return strings.EqualFold(a.Host, b.Host)
}
