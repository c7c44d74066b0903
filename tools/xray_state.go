package tools

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// Scan states the xray tools report. "not_indexed", "indexing_off" and
// "scanning" are answers, not errors: each comes with a hint.
const (
	stateDone         = "done"
	stateScanning     = "scanning"
	stateNotIndexed   = "not_indexed"
	stateIndexingOff  = "indexing_off"
	stateFailed       = "failed"
	statePartial      = "partial"
	stateNotSupported = "not_supported"
)

var stateHints = map[string]string{
	stateScanning:     "Xray is scanning it; call get_scan_status with wait_seconds to wait, then ask again",
	stateNotIndexed:   "Xray has not indexed it yet (it was deployed recently); call get_scan_status with wait_seconds",
	stateIndexingOff:  "the repository has Xray indexing off, so it is never scanned; ask an administrator to enable indexing for it",
	stateFailed:       "Xray's scan failed; an administrator can see why in Xray and rescan it",
	statePartial:      "only part of the scan finished; wait and call again",
	stateNotSupported: "Xray does not scan this package type",
}

// artifactScan is where Xray is with one artifact.
type artifactScan struct {
	State string
	Time  string
}

// scanOfArtifact reads the artifact's scan status. NOT_SCANNED becomes
// indexing_off when the repository has indexing off, else not_indexed.
func scanOfArtifact(ctx context.Context, d *Deps, repo, path string) (*artifactScan, error) {
	st, err := d.Client.Xray.ArtifactStatus(ctx, repo, path)
	if err != nil {
		return nil, err
	}
	s := &artifactScan{Time: st.Overall.Time}
	switch st.Overall.Status {
	case client.ScanDone:
		s.State = stateDone
	case client.ScanScanning:
		s.State = stateScanning
	case client.ScanPending:
		s.State = stateNotIndexed
	case client.ScanFailed:
		s.State = stateFailed
	case client.ScanPartial:
		s.State = statePartial
	case client.ScanNotSupported:
		s.State = stateNotSupported
	default:
		s.State = stateNotIndexed
		cfg, err := d.Client.Artifactory.GetRepository(ctx, repo)
		if err != nil {
			return nil, err
		}
		if on, _ := cfg["xrayIndex"].(bool); !on {
			s.State = stateIndexingOff
		}
	}
	return s, nil
}

// finished reports whether a state will not change without a new scan.
func finished(state string) bool {
	return state == stateDone || state == stateFailed || state == stateIndexingOff || state == stateNotSupported
}

// maxWait is the most any call waits for a scan: the policy's scan_wait, or
// 600 s.
func maxWait(d *Deps) time.Duration {
	if w := d.Guard.Limits().ScanWait; w > 0 {
		return min(w, 600*time.Second)
	}
	return 600 * time.Second
}

// waitFor polls check with backoff (0.5 s doubling to 5 s) until it reports
// done or the wait ends, sending a progress notification per poll. It
// returns at once when ctx ends. check returns the current state.
func waitFor(ctx context.Context, d *Deps, seconds int, what string, check func(context.Context) (string, error)) (string, error) {
	wait := min(time.Duration(seconds)*time.Second, maxWait(d))
	deadline := time.Now().Add(wait)
	p := progressFrom(ctx)
	delay := 500 * time.Millisecond
	for n := int64(1); ; n++ {
		state, err := check(ctx)
		if err != nil || finished(state) {
			return state, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return state, nil
		}
		p.update(n, 0, fmt.Sprintf("%s: %s, waiting up to %ds more", what, state, int(left.Round(time.Second)/time.Second)))
		t := time.NewTimer(min(delay, left))
		select {
		case <-ctx.Done():
			t.Stop()
			return state, ctx.Err()
		case <-t.C:
		}
		delay = min(delay*2, 5*time.Second)
	}
}

// severityRank orders Xray severities; unknown spellings rank lowest.
func severityRank(s string) int {
	for i, v := range guard.Severities {
		if strings.EqualFold(v, s) {
			return i
		}
	}
	return 0
}

// canonSeverity spells a severity as Xray does.
func canonSeverity(s string) string {
	if i := slices.IndexFunc(guard.Severities, func(v string) bool { return strings.EqualFold(v, s) }); i >= 0 {
		return guard.Severities[i]
	}
	return s
}

// stripBinMgr turns Xray's "<artifactory-id>/<repo>/<path>" into repo, path.
func stripBinMgr(p string) (string, string) {
	parts := strings.SplitN(strings.TrimPrefix(p, "/"), "/", 3)
	if len(parts) < 3 {
		return "", ""
	}
	return parts[1], strings.TrimSuffix(parts[2], "/")
}

// checkPage bounds offset and limit; 0 means the tool's default limit.
func checkPage(offset, limit, maxLimit int) error {
	if offset < 0 || limit < 0 || limit > maxLimit {
		return Errorf(CodeInvalidArgument, "", "offset must be ≥ 0 and limit from 1 to %d", maxLimit)
	}
	return nil
}
