package client

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxIdlePerHost is how many idle connections to JFrog are kept per host.
const maxIdlePerHost = 256

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
		// One server serves many agents at once (HTTP mode: up to 256
		// sessions per transport). With net/http's default of 2 idle
		// connections per host, every call beyond two in flight opens a new
		// connection to JFrog and closes it after: a TCP and TLS handshake per
		// call, and TIME_WAIT sockets that can use up the ephemeral ports
		// (bench/http saw 4,898 closes for 5,000 calls). Keep as many idle as
		// there can be calls in flight.
		tr.MaxIdleConnsPerHost = maxIdlePerHost
		tr.MaxIdleConns = maxIdlePerHost
		// net/http's 4 KiB read and write buffers are enough: large bodies
		// bypass them. An upload body goes to the socket in io.Copy's 32 KiB
		// pieces, a download is read 1 MiB at a time straight into the caller's
		// buffer, and json.Decoder's growing buffer asks for large reads itself
		// (strace and read counts in BENCHMARKS.md, "Transport buffers").
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
