package mcpserver

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// Session defaults, documented in README.md.
const (
	DefaultSessionIdle = 30 * time.Minute
	DefaultMaxSessions = 256
)

// errUnknownSession is what a request with an id the server did not issue,
// or one that ended, gets: 404, after which a client starts a new session.
var errUnknownSession = errors.New("unknown or ended session")

// sessions issues session ids and knows which are live. It serves both the
// streamable transport (as mcp-go's SessionIdManager) and legacy SSE (as
// its session id generator). Only live sessions are kept: an ended id is
// forgotten, so memory is bounded by max, and an id the map does not hold is
// unknown whether it was made up, deleted or expired.
type sessions struct {
	idle time.Duration
	max  int
	now  func() time.Time

	mu   sync.Mutex
	live map[string]*session
	stop chan struct{}
	once sync.Once
}

// session is one live id: when it was last used, and how to end the streams
// open on it when it ends.
type session struct {
	last    time.Time
	streams map[*context.CancelFunc]struct{}
}

func newSessions(idle time.Duration, limit int) *sessions {
	if idle <= 0 {
		idle = DefaultSessionIdle
	}
	if limit <= 0 {
		limit = DefaultMaxSessions
	}
	m := &sessions{idle: idle, max: limit, now: time.Now, live: map[string]*session{}, stop: make(chan struct{})}
	go m.sweepEvery(max(idle/4, 10*time.Millisecond))
	return m
}

// Generate issues a new id, or "" when max sessions are live; the HTTP layer
// refuses such a request with 503 before it gets here (full), so "" only
// happens when two callers race for the last place.
func (m *sessions) Generate() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.live) >= m.max {
		m.sweepLocked()
		if len(m.live) >= m.max {
			return ""
		}
	}
	id := "mcp-session-" + rand.Text()
	m.live[id] = &session{last: m.now(), streams: map[*context.CancelFunc]struct{}{}}
	return id
}

// Validate reports a live id as such and counts the request as use.
func (m *sessions) Validate(id string) (isTerminated bool, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.live[id]
	if !ok || m.expired(s) {
		m.endLocked(id)
		return false, errUnknownSession
	}
	s.last = m.now()
	return false, nil
}

// Terminate ends a session: its id is forgotten and its open streams end.
func (m *sessions) Terminate(id string) (isNotAllowed bool, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.endLocked(id)
	return false, nil
}

// full reports whether no new session can start.
func (m *sessions) full() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.live) >= m.max {
		m.sweepLocked()
	}
	return len(m.live) >= m.max
}

// stream ties ctx to session id: the returned context ends when the session
// does (DELETE, expiry, shutdown), which closes a long-lived stream that
// would otherwise outlive its session. ok is false for an unknown id.
func (m *sessions) stream(ctx context.Context, id string) (context.Context, func(), bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, live := m.live[id]
	if !live || m.expired(s) {
		m.endLocked(id)
		return ctx, func() {}, false
	}
	s.last = m.now()
	ctx, cancel := context.WithCancel(ctx)
	key := &cancel
	s.streams[key] = struct{}{}
	return ctx, func() {
		cancel()
		m.mu.Lock()
		delete(s.streams, key)
		m.mu.Unlock()
	}, true
}

// watch ends cancel with session id.
func (m *sessions) watch(id string, cancel context.CancelFunc) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if s, ok := m.live[id]; ok {
		s.streams[&cancel] = struct{}{}
	}
}

func (m *sessions) expired(s *session) bool { return m.now().Sub(s.last) > m.idle }

func (m *sessions) endLocked(id string) {
	s, ok := m.live[id]
	if !ok {
		return
	}
	for c := range s.streams {
		(*c)()
	}
	delete(m.live, id)
}

func (m *sessions) sweepLocked() {
	for id, s := range m.live {
		if m.expired(s) {
			m.endLocked(id)
		}
	}
}

// sweepEvery ends idle sessions, so that an idle session's open stream is
// closed and its id forgotten even if no request comes to notice.
func (m *sessions) sweepEvery(d time.Duration) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
			m.mu.Lock()
			m.sweepLocked()
			m.mu.Unlock()
		}
	}
}

// close ends every session and the sweeper.
func (m *sessions) close() {
	m.once.Do(func() { close(m.stop) })
	m.mu.Lock()
	defer m.mu.Unlock()
	for id := range m.live {
		m.endLocked(id)
	}
}

// withSessionCaller makes each MCP session its own caller for confirmation
// tokens and the audit log, until callers authenticate. The caller is a hash
// of the session id: the id itself lets whoever holds it act in the session,
// so it stays out of logs. Requests without a session (--stateless, or a
// protocol version without sessions) are one caller, "http".
func withSessionCaller(ctx context.Context) context.Context {
	if cs := server.ClientSessionFromContext(ctx); cs != nil && cs.SessionID() != "" {
		sum := sha256.Sum256([]byte(cs.SessionID()))
		return tools.WithCaller(ctx, "session-"+hex.EncodeToString(sum[:6]))
	}
	return tools.WithCaller(ctx, "http")
}
