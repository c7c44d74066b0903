package tools

import (
	"encoding/json"
	"sort"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
)

// Outcome is how a call ended: "ok", an error Code, or "bug" for a protocol
// error (a fault of this server).
type Outcome string

// The outcomes that are not error codes.
const (
	OutcomeOK  Outcome = "ok"
	OutcomeBug Outcome = "bug"
)

// Outcomes counts calls per tool and outcome, with their total duration. The
// wrapper records every call here at one point; /metrics exports Snapshot.
// The zero value is ready; a nil *Outcomes records nothing.
type Outcomes struct {
	mu     sync.Mutex
	counts map[outcomeKey]*OutcomeCount
}

type outcomeKey struct {
	tool    string
	outcome Outcome
}

// OutcomeCount is the calls of one tool that ended one way.
type OutcomeCount struct {
	Tool     string        `json:"tool"`
	Outcome  Outcome       `json:"outcome"`
	Calls    int64         `json:"calls"`
	Duration time.Duration `json:"duration_ns"`
}

func (o *Outcomes) record(tool string, outcome Outcome, took time.Duration) {
	if o == nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.counts == nil {
		o.counts = map[outcomeKey]*OutcomeCount{}
	}
	k := outcomeKey{tool, outcome}
	c := o.counts[k]
	if c == nil {
		c = &OutcomeCount{Tool: tool, Outcome: outcome}
		o.counts[k] = c
	}
	c.Calls++
	c.Duration += took
}

// Snapshot returns the counts so far, by tool then outcome.
func (o *Outcomes) Snapshot() []OutcomeCount {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]OutcomeCount, 0, len(o.counts))
	for _, c := range o.counts {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Tool != out[j].Tool {
			return out[i].Tool < out[j].Tool
		}
		return out[i].Outcome < out[j].Outcome
	})
	return out
}

// outcomeOf reads how a call ended from what the wrapper returns. An error
// result is always errorResult's {"error":{"code":...}}.
func outcomeOf(res *mcp.CallToolResult, err error) Outcome {
	switch {
	case err != nil || res == nil:
		return OutcomeBug
	case !res.IsError:
		return OutcomeOK
	}
	var body struct {
		Error struct {
			Code Code `json:"code"`
		} `json:"error"`
	}
	if len(res.Content) > 0 {
		if tc, ok := res.Content[0].(mcp.TextContent); ok && json.Unmarshal([]byte(tc.Text), &body) == nil && body.Error.Code != "" {
			return Outcome(body.Error.Code)
		}
	}
	return Outcome(CodeInternal)
}
