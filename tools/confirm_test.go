package tools_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/tools"
)

// A confirmation token is refused when reused, expired, issued for other
// arguments or another tool, or forged.
func TestConfirmTokenIsBoundAndSingleUse(t *testing.T) {
	clock := &fakeClock{now: time.Now()}
	h := newHarness(t, harnessOpts{now: clock.Now})
	for _, p := range []string{"a.txt", "b.txt", "c.txt"} {
		ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "tok/" + p, "content_text": p}))
	}
	plan := func(path string) string {
		out := ok[tools.DeleteResult](t, h.call(t, "delete_artifact", map[string]any{"repo": "generic-local", "path": path}))
		require.True(t, out.ConfirmationRequired)
		return out.Plan.ConfirmToken
	}
	refused := func(args map[string]any, why string) {
		t.Helper()
		e := failed(t, h.call(t, "delete_artifact", args))
		assert.Equal(t, tools.CodeGuardDenied, e.Code)
		assert.Contains(t, e.Message, why)
		assert.Contains(t, e.Hint, "without confirm_token")
	}

	tokA := plan("tok/a.txt")
	refused(map[string]any{"repo": "generic-local", "path": "tok/b.txt", "confirm_token": tokA}, "arguments differ")
	refused(map[string]any{"repo": "generic-local", "path": "tok/a.txt", "confirm_token": tokA + "x"}, "not issued by this server")
	refused(map[string]any{"repo": "generic-local", "path": "tok/a.txt", "confirm_token": "garbage"}, "malformed")
	e := failed(t, h.call(t, "move_artifacts", map[string]any{"from_repo": "generic-local", "from_path": "tok/a.txt", "to_repo": "generic-local", "dry_run": false, "confirm_token": tokA}))
	assert.Contains(t, e.Message, "issued for delete_artifact")

	ok[tools.DeleteResult](t, h.call(t, "delete_artifact", map[string]any{"repo": "generic-local", "path": "tok/a.txt", "confirm_token": tokA}))
	refused(map[string]any{"repo": "generic-local", "path": "tok/a.txt", "confirm_token": tokA}, "already used")

	tokC := plan("tok/c.txt")
	clock.Advance(6 * time.Minute)
	refused(map[string]any{"repo": "generic-local", "path": "tok/c.txt", "confirm_token": tokC}, "expired")
	still := ok[tools.ArtifactInfo](t, h.call(t, "get_artifact_info", map[string]any{"repo": "generic-local", "path": "tok/c.txt"}))
	assert.Equal(t, "file", still.Type)
}

// A client that supports elicitation is asked instead of getting a token.
func TestConfirmByElicitation(t *testing.T) {
	for _, tc := range []struct {
		name    string
		answer  *mcp.ElicitationResult
		deleted bool
	}{
		{"accepted", &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept, Content: map[string]any{"confirm": true}}}, true},
		{"declined", &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionDecline}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			asked := make(chan string, 1)
			h := newHarness(t, harnessOpts{elicit: func(ctx context.Context, r mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
				asked <- r.Params.Message
				return tc.answer, nil
			}})
			ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "el/x.txt", "content_text": "x"}))
			res := h.call(t, "delete_artifact", map[string]any{"repo": "generic-local", "path": "el/x.txt"})
			assert.Contains(t, <-asked, "delete file generic-local/el/x.txt")
			if tc.deleted {
				out := ok[tools.DeleteResult](t, res)
				assert.True(t, out.Deleted)
			} else {
				e := failed(t, res)
				assert.Equal(t, tools.CodeGuardDenied, e.Code)
				assert.Contains(t, e.Message, "declined")
			}
		})
	}
}

type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time          { return c.now }
func (c *fakeClock) Advance(d time.Duration) { c.now = c.now.Add(d) }

var _ mcpclient.ElicitationHandler = elicitFunc(nil)

type elicitFunc func(ctx context.Context, r mcp.ElicitationRequest) (*mcp.ElicitationResult, error)

func (f elicitFunc) Elicit(ctx context.Context, r mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	return f(ctx, r)
}

// A pending result is the plan and nothing else: the result type's other
// fields (repo "", size 0, verified false) would read as facts.
func TestPendingResultIsOnlyThePlan(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	ok[tools.UploadResult](t, h.call(t, "upload_artifact", map[string]any{"repo": "generic-local", "path": "pending/a.txt", "content_text": "a"}))
	for name, call := range map[string]struct {
		tool string
		args map[string]any
	}{
		"delete":    {"delete_artifact", map[string]any{"repo": "generic-local", "path": "pending/a.txt"}},
		"overwrite": {"upload_artifact", map[string]any{"repo": "generic-local", "path": "pending/a.txt", "content_text": "b", "overwrite": true}},
		"move":      {"move_artifacts", map[string]any{"from_repo": "generic-local", "from_path": "pending/a.txt", "to_repo": "generic-local", "to_path": "pending/b.txt", "dry_run": false}},
	} {
		t.Run(name, func(t *testing.T) {
			res := h.call(t, call.tool, call.args)
			require.False(t, res.IsError, text(res))
			b, err := json.Marshal(res.StructuredContent)
			require.NoError(t, err)
			var got map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(b, &got))
			keys := make([]string, 0, len(got))
			for k := range got {
				keys = append(keys, k)
			}
			assert.ElementsMatch(t, []string{"confirmation_required", "plan"}, keys, string(b))
		})
	}
}
