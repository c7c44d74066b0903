package tools

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// Plan says what a destructive call would change. The call is made only
// when it comes back with the plan's confirm_token, or when the user
// accepts the plan through MCP elicitation.
type Plan struct {
	Summary      string   `json:"summary"`
	Changes      []string `json:"changes,omitempty"`
	ConfirmToken string   `json:"confirm_token,omitempty" jsonschema:"description=Call the tool again with exactly the same arguments plus this confirm_token to proceed"`
	ExpiresAt    string   `json:"expires_at,omitempty"`
	// state is what the plan saw (items and their sha256 ...), beyond what
	// Summary says; the token binds a keyed fingerprint of both, and
	// redeeming it recomputes the plan and compares. Never sent.
	state []string
}

// fingerprint is what the confirmation token binds: nil without a plan,
// so a call that needed a plan then and needs none now does not match.
func (p *Plan) fingerprint() []string {
	if p == nil {
		return nil
	}
	return append([]string{"plan", p.Summary}, p.state...)
}

// treeState is what a plan saw of one item: that it is absent, a file's
// sha256 and times, or every entry under a folder with its sha256 and time (a deep list of up
// to maxComparedFiles entries; a larger tree is marked, and changes beyond
// the list are not seen). it is the item's storage info when the caller
// already has it.
func treeState(ctx context.Context, d *Deps, repo, p string, it *client.StorageItem) ([]string, error) {
	art := d.Client.Artifactory
	if it == nil {
		var err error
		if it, err = existingItem(ctx, art, repo, p); err != nil {
			return nil, err
		}
	}
	at := repo + "/" + p
	switch {
	case it == nil:
		return []string{"absent " + at}, nil
	case !it.IsFolder():
		// The times tell a file deleted and deployed again with the same
		// content from the one the plan saw.
		return []string{"file " + at + " " + sha256Of(it.Checksums) + " " + it.Size + " " + it.Created + " " + it.LastModified}, nil
	}
	list, err := art.FileList(ctx, repo, p, client.FileListOptions{Deep: true, ListFolders: true, MaxFiles: maxComparedFiles})
	if err != nil {
		return nil, err
	}
	entries := make([]string, 0, len(list.Files))
	for _, f := range list.Files {
		entries = append(entries, f.URI+" "+strings.ToLower(f.SHA2)+" "+f.LastModified)
	}
	sort.Strings(entries)
	out := append([]string{"folder " + at}, entries...)
	if list.Truncated {
		out = append(out, "truncated")
	}
	return out, nil
}

// Pending is embedded in the results of two-phase tools: it is filled,
// instead of the rest of the result, while the call waits for confirmation.
type Pending struct {
	ConfirmationRequired bool  `json:"confirmation_required,omitempty"`
	Plan                 *Plan `json:"plan,omitempty"`
}

func (p *Pending) pending() *Pending { return p }

// pender is a result that embeds Pending.
type pender interface{ pending() *Pending }

// confirmKey is the argument that carries a confirmation token.
const confirmKey = "confirm_token"

// argsDigest identifies the exact arguments of a call, minus the token:
// json.Marshal sorts map keys, so equal arguments give equal digests.
func argsDigest(args map[string]any) string {
	rest := make(map[string]any, len(args))
	for k, v := range args {
		if k != confirmKey {
			rest[k] = v
		}
	}
	b, _ := json.Marshal(rest)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// confirmOrPlan runs the second phase: it returns proceed=true when the call
// may go ahead (a valid token, or a user who accepted), or a result to
// return instead (the plan with a token, or an error).
func (d *definition[In, Out]) confirmOrPlan(ctx context.Context, deps *Deps, in *In, args map[string]any, dec *guard.Decision) (proceed bool, res *mcp.CallToolResult, err error) {
	t := d.t
	caller, digest := CallerFrom(ctx), argsDigest(args)
	if token, _ := args[confirmKey].(string); token != "" {
		// The plan is made again: the token is good only for the state it
		// was issued with, on every replica that shares the secret.
		again := func() ([]string, error) {
			plan, err := t.Confirm(ctx, deps, in, dec)
			return plan.fingerprint(), err
		}
		if err := deps.Guard.RedeemConfirmation(token, caller, t.Name, digest, again); err != nil {
			r, ferr := d.fail(err)
			return false, r, ferr
		}
		return true, nil, nil
	}
	plan, err := t.Confirm(ctx, deps, in, dec)
	if err != nil {
		r, ferr := d.fail(err)
		return false, r, ferr
	}
	if plan == nil {
		return true, nil, nil // this particular call changes nothing irreversibly
	}
	if accepted, asked := elicit(ctx, plan); asked {
		if accepted {
			return true, nil, nil
		}
		return false, errorResult(Errorf(CodeGuardDenied, "nothing was changed; ask the user before trying again", "the user declined: %s", plan.Summary)), nil
	}
	token, exp := deps.Guard.IssueConfirmation(caller, t.Name, digest, plan.fingerprint())
	plan.ConfirmToken, plan.ExpiresAt = token, exp.UTC().Format(time.RFC3339)
	// Only the plan: the result type's other fields would go out as
	// placeholders (an empty repo, size 0, verified false) that an agent
	// could read as facts. Out embeds Pending (Define checks), so this is
	// a valid Out.
	body, err := json.Marshal(Pending{ConfirmationRequired: true, Plan: plan})
	if err != nil {
		return false, nil, fmt.Errorf("marshal plan: %w", err)
	}
	text := "confirmation required: " + plan.Summary + ". Nothing was changed yet; to proceed call " + t.Name +
		" again with the same arguments plus confirm_token.\n" + string(body)
	return false, &mcp.CallToolResult{Content: []mcp.Content{mcp.NewTextContent(text)}, StructuredContent: json.RawMessage(body)}, nil
}

// elicit asks the user to accept the plan when the client supports MCP
// elicitation. asked is false when it could not ask (then the token flow is
// used); a failed or cancelled request counts as declined.
func elicit(ctx context.Context, plan *Plan) (accepted, asked bool) {
	session, ok := server.ClientSessionFromContext(ctx).(server.SessionWithClientInfo)
	if !ok || session.GetClientCapabilities().Elicitation == nil {
		return false, false
	}
	srv := server.ServerFromContext(ctx)
	if srv == nil {
		return false, false
	}
	msg := plan.Summary
	if len(plan.Changes) > 0 {
		msg += ":\n- " + strings.Join(plan.Changes, "\n- ")
	}
	res, err := srv.RequestElicitation(ctx, mcp.ElicitationRequest{Params: mcp.ElicitationParams{
		Message: msg + "\nProceed?",
		RequestedSchema: map[string]any{
			"type":       "object",
			"properties": map[string]any{"confirm": map[string]any{"type": "boolean", "title": "Proceed", "description": "Make this change"}},
			"required":   []string{"confirm"},
		},
	}})
	if err != nil || res.Action != mcp.ElicitationResponseActionAccept {
		return false, true
	}
	content, _ := res.Content.(map[string]any)
	yes, _ := content["confirm"].(bool)
	return yes, true
}
