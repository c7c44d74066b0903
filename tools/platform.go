package tools

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jfrog-mcp/jfrog-mcp/internal/client"
	"github.com/jfrog-mcp/jfrog-mcp/internal/guard"
)

// PlatformInfoIn takes no arguments.
type PlatformInfoIn struct{}

// SurfaceStatus is what one API surface answered.
type SurfaceStatus struct {
	Name      string `json:"name" jsonschema:"enum=artifactory,enum=xray,enum=access"`
	URL       string `json:"url"`
	Reachable bool   `json:"reachable"`
	Version   string `json:"version,omitempty"`
	Error     string `json:"error,omitempty"`
}

// Identity is who the server acts as upstream.
type Identity struct {
	Subject   string `json:"subject,omitempty"`
	Username  string `json:"username,omitempty"`
	TokenID   string `json:"token_id,omitempty"`
	ExpiresAt string `json:"expires_at,omitempty"`
	Error     string `json:"error,omitempty"`
}

// PlatformInfo is the result of get_platform_info.
type PlatformInfo struct {
	Sandbox  bool            `json:"sandbox,omitempty" jsonschema:"description=True when serving the built-in emulator with demo data"`
	Surfaces []SurfaceStatus `json:"surfaces"`
	Identity Identity        `json:"identity"`
	Policy   guard.Effective `json:"policy"`
}

var getPlatformInfo = Define(Tool[PlatformInfoIn, PlatformInfo]{
	Name:        "get_platform_info",
	Title:       "Platform info",
	Class:       guard.ClassRead,
	Annotations: ReadOnly,
	Actions:     func(*PlatformInfoIn) []guard.Action { return []guard.Action{guard.PlatformAction(guard.ClassRead)} },
	Description: "Which JFrog services answer, as whom, and what the policy allows. Call it first.",
	Docs:        "which services answer and their versions, who the server acts as, the effective policy",
	ErrorHints:  ErrorHints{CodeUnauthenticated: "JFrog refused this server's credentials: the operator must set JFROG_ACCESS_TOKEN (or JFROG_USER and JFROG_PASSWORD) to valid ones and restart; `jfrog-mcp doctor` checks the setup"},
	Handle:      platformInfo,
	Summary: func(_ *PlatformInfoIn, out *PlatformInfo) string {
		parts := make([]string, 0, len(out.Surfaces))
		for _, s := range out.Surfaces {
			state := "unreachable"
			if s.Reachable {
				state = s.Version
			}
			parts = append(parts, s.Name+" "+state)
		}
		return fmt.Sprintf("%s; mode %s", strings.Join(parts, ", "), out.Policy.Mode)
	},
})

// platformInfo asks the three surfaces at once: one slow or absent service
// (Xray is optional) must not hold up the answer about the others.
func platformInfo(ctx context.Context, d *Deps, _ *PlatformInfoIn, _ *guard.Decision) (*PlatformInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	c := d.Client
	out := &PlatformInfo{Sandbox: d.Sandbox, Policy: d.Guard.Effective(), Surfaces: make([]SurfaceStatus, 3)}
	probes := []func() (string, error){
		func() (string, error) {
			v, err := c.Artifactory.Version(ctx)
			if err != nil {
				return "", err
			}
			return v.Version, nil
		},
		func() (string, error) {
			v, err := c.Xray.Version(ctx)
			if err != nil {
				return "", err
			}
			return v.XrayVersion, nil
		},
		func() (string, error) {
			v, err := c.Access.Version(ctx)
			if err != nil {
				return "", err
			}
			return v.Version, nil
		},
	}
	surfaces := []client.Surface{client.SurfaceArtifactory, client.SurfaceXray, client.SurfaceAccess}
	errs := make([]error, len(probes))
	var wg sync.WaitGroup
	for i, probe := range probes {
		wg.Go(func() {
			s := SurfaceStatus{Name: string(surfaces[i]), URL: c.BaseURL(surfaces[i])}
			v, err := probe()
			switch {
			case err == nil:
				s.Reachable, s.Version = true, v
			case client.IsUnauthorized(err) || client.IsForbidden(err):
				// It answered: a refused token is not a network problem.
				s.Reachable, s.Error = true, err.Error()
			default:
				s.Error = err.Error()
			}
			errs[i] = err
			out.Surfaces[i] = s
		})
	}
	wg.Go(func() {
		who, err := c.Access.WhoAmI(ctx)
		if err != nil {
			out.Identity.Error = err.Error()
			return
		}
		out.Identity = Identity{Subject: who.Subject, Username: usernameOf(who.Subject), TokenID: who.TokenID}
		if who.Expiry > 0 {
			out.Identity.ExpiresAt = time.Unix(who.Expiry, 0).UTC().Format(time.RFC3339)
		}
	})
	wg.Wait()
	// Refused credentials make every other tool fail too: say so as the
	// error it is, with the fix, instead of a list of symptoms.
	if client.IsUnauthorized(errs[0]) {
		return nil, errs[0]
	}
	return out, nil
}

// usernameOf extracts "admin" from a subject like "jfac@01abc/users/admin".
func usernameOf(subject string) string {
	if i := strings.LastIndex(subject, "/users/"); i >= 0 {
		return subject[i+len("/users/"):]
	}
	return ""
}
