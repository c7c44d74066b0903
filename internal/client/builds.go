package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// BuildTimeLayout is build-info's time format: milliseconds and an offset without a
// colon (build-info-go entities.TimeFormat; reference §2.10).
const BuildTimeLayout = "2006-01-02T15:04:05.000-0700"

// BuildInfo is the build-info JSON that PUT api/build takes and GET returns under
// "buildInfo" (build-info-go entities.BuildInfo: camelCase, omitempty).
type BuildInfo struct {
	Version        string            `json:"version,omitempty"`
	Name           string            `json:"name"`
	Number         string            `json:"number"`
	Started        string            `json:"started"`
	DurationMillis int64             `json:"durationMillis,omitempty"`
	Agent          *BuildAgent       `json:"agent,omitempty"`
	BuildAgent     *BuildAgent       `json:"buildAgent,omitempty"`
	Principal      string            `json:"artifactoryPrincipal,omitempty"`
	URL            string            `json:"url,omitempty"`
	Properties     map[string]string `json:"properties,omitempty"`
	VCS            []BuildVCS        `json:"vcs,omitempty"`
	Modules        []BuildModule     `json:"modules,omitempty"`
	// Statuses is the promotion history; the server keeps it, a publish never sends it.
	Statuses []PromotionStatus `json:"statuses,omitempty"`
}

// BuildAgent names the tool that produced a build (agent) or ran it (buildAgent).
type BuildAgent struct {
	Name    string `json:"name,omitempty"`
	Version string `json:"version,omitempty"`
}

// BuildVCS is one version-control entry of a build.
type BuildVCS struct {
	URL      string `json:"url,omitempty"`
	Revision string `json:"revision,omitempty"`
	Branch   string `json:"branch,omitempty"`
	Message  string `json:"message,omitempty"`
}

// BuildModule is one module: what it produced and what it consumed.
type BuildModule struct {
	ID           string            `json:"id"`
	Type         string            `json:"type,omitempty"`
	Artifacts    []BuildArtifact   `json:"artifacts,omitempty"`
	Dependencies []BuildDependency `json:"dependencies,omitempty"`
}

// BuildArtifact is a file a module produced. Checksums sit flat on the object.
type BuildArtifact struct {
	Name                   string `json:"name,omitempty"`
	Type                   string `json:"type,omitempty"`
	Path                   string `json:"path,omitempty"`
	OriginalDeploymentRepo string `json:"originalDeploymentRepo,omitempty"`
	SHA1                   string `json:"sha1,omitempty"`
	SHA256                 string `json:"sha256,omitempty"`
	MD5                    string `json:"md5,omitempty"`
}

// BuildDependency is a file a module consumed.
type BuildDependency struct {
	ID          string     `json:"id,omitempty"`
	Type        string     `json:"type,omitempty"`
	Scopes      []string   `json:"scopes,omitempty"`
	RequestedBy [][]string `json:"requestedBy,omitempty"`
	SHA1        string     `json:"sha1,omitempty"`
	SHA256      string     `json:"sha256,omitempty"`
	MD5         string     `json:"md5,omitempty"`
}

// PromotionStatus is one entry of a build's promotion history.
type PromotionStatus struct {
	Status     string `json:"status"`
	Comment    string `json:"comment,omitempty"`
	Repository string `json:"repository,omitempty"`
	Timestamp  string `json:"timestamp,omitempty"`
	User       string `json:"user,omitempty"`
	CIUser     string `json:"ciUser,omitempty"`
}

// PublishedBuild is GET api/build/<name>/<number>.
type PublishedBuild struct {
	URI       string    `json:"uri"`
	BuildInfo BuildInfo `json:"buildInfo"`
}

// BuildSummary is one entry of GET api/build.
type BuildSummary struct {
	// URI is "/" plus the escaped build name.
	URI         string `json:"uri"`
	LastStarted string `json:"lastStarted"`
}

// Name is the build name the URI stands for.
func (b BuildSummary) Name() string { return unescapeURITail(b.URI) }

// BuildRun is one entry of GET api/build/<name> ("buildsNumbers", sic).
type BuildRun struct {
	// URI is "/" plus the escaped build number.
	URI     string `json:"uri"`
	Started string `json:"started"`
}

// Number is the build number the URI stands for.
func (r BuildRun) Number() string { return unescapeURITail(r.URI) }

func unescapeURITail(u string) string {
	s := strings.TrimPrefix(u, "/")
	if d, err := url.PathUnescape(s); err == nil {
		return d
	}
	return s
}

func projectQuery(project string) url.Values {
	if project == "" {
		return nil
	}
	return url.Values{"project": {project}}
}

func buildPath(name string, number ...string) (string, error) {
	if strings.TrimSpace(name) == "" {
		return "", errors.New("client: build name is empty")
	}
	p := "api/build/" + escapeSegment(name)
	for _, n := range number {
		if strings.TrimSpace(n) == "" {
			return "", errors.New("client: build number is empty")
		}
		p += "/" + escapeSegment(n)
	}
	return p, nil
}

// PublishBuildInfo sends PUT api/build[?project=] (200, 201 or 204; servers answer
// 204). Publishing a name, number and started that exist replaces that run, so a
// replay is harmless and the core may retry it.
func (a *Artifactory) PublishBuildInfo(ctx context.Context, project string, bi *BuildInfo) error {
	if bi == nil || strings.TrimSpace(bi.Name) == "" || strings.TrimSpace(bi.Number) == "" || bi.Started == "" {
		return errors.New("client: build info needs a name, a number and a started time")
	}
	body, err := json.Marshal(bi)
	if err != nil {
		return fmt.Errorf("client: encode build info: %w", err)
	}
	h := http.Header{}
	h.Set("Content-Type", "application/vnd.org.jfrog.artifactory+json")
	req := Request{Surface: SurfaceArtifactory, Method: http.MethodPut, Path: "api/build", Query: projectQuery(project),
		Header: h, Body: bytes.NewReader(body)}
	return a.c.doJSON(ctx, req, nil)
}

// GetBuildInfo is GET api/build/<name>/<number>[?project=]. A missing build is a 404
// APIError (IsNotFound). number must be a real number; see LatestBuildNumber.
func (a *Artifactory) GetBuildInfo(ctx context.Context, project, name, number string) (*PublishedBuild, error) {
	p, err := buildPath(name, number)
	if err != nil {
		return nil, err
	}
	var out PublishedBuild
	if err := a.c.doJSON(ctx, Request{Surface: SurfaceArtifactory, Path: p, Query: projectQuery(project)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListBuilds is GET api/build[?project=]: every build name with its last start.
func (a *Artifactory) ListBuilds(ctx context.Context, project string) ([]BuildSummary, error) {
	var out struct {
		Builds []BuildSummary `json:"builds"`
	}
	if err := a.c.doJSON(ctx, Request{Surface: SurfaceArtifactory, Path: "api/build", Query: projectQuery(project)}, &out); err != nil {
		return nil, err
	}
	return out.Builds, nil
}

// ListBuildRuns is GET api/build/<name>[?project=]: the build's runs. A build without
// runs is a 404 APIError.
func (a *Artifactory) ListBuildRuns(ctx context.Context, project, name string) ([]BuildRun, error) {
	p, err := buildPath(name)
	if err != nil {
		return nil, err
	}
	var out struct {
		BuildsNumbers []BuildRun `json:"buildsNumbers"`
	}
	if err := a.c.doJSON(ctx, Request{Surface: SurfaceArtifactory, Path: p, Query: projectQuery(project)}, &out); err != nil {
		return nil, err
	}
	return out.BuildsNumbers, nil
}

// BuildInfoRepository is the repository holding a project's build infos, as JFrog's
// client computes it: "artifactory-build-info", or "<project>-build-info".
func BuildInfoRepository(project string) string {
	if project == "" || project == "default" {
		return "artifactory-build-info"
	}
	return project + "-build-info"
}

// LatestBuildNumber resolves LATEST the way JFrog's client does (reference §2.10):
// the newest file in the build-info repository's folder for name, whose file name is
// "<number>-<startedMillis>.json". "" means the build has no runs.
func (a *Artifactory) LatestBuildNumber(ctx context.Context, project, name string) (string, error) {
	q := fmt.Sprintf(`items.find({"type":"file","repo":%s,"path":{"$match":%s}}).include("name").sort({"$desc":["created"]}).limit(1)`,
		jsonString(BuildInfoRepository(project)), jsonString(encodeBuildInfoSegment(name)))
	res, err := a.AQL(ctx, q)
	if err != nil {
		return "", err
	}
	for _, raw := range res.Results {
		var row struct {
			Name string `json:"name"`
		}
		if err := json.Unmarshal(raw, &row); err != nil {
			return "", fmt.Errorf("client: LATEST lookup: %w", err)
		}
		if i := strings.LastIndex(row.Name, "-"); i > 0 {
			return decodeBuildInfoSegment(row.Name[:i]), nil
		}
	}
	return "", nil
}

// buildInfoSpecials are the characters JFrog's client percent-encodes in a build name
// it looks up in the build-info repository. AQL $match also reads '*' and '?' as
// wildcards, so encoding them keeps a name from matching other builds.
var buildInfoSpecials = map[rune]string{
	'/': "%2F", '\\': "%5C", '|': "%7C", '*': "%2A", '?': "%3F", '\'': "%22", ':': "%3A", ';': "%3B", '%': "%25",
}

func encodeBuildInfoSegment(v string) string {
	var b strings.Builder
	for _, c := range v {
		if c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' {
			c = ' '
		}
		if enc, ok := buildInfoSpecials[c]; ok {
			b.WriteString(enc)
		} else {
			b.WriteRune(c)
		}
	}
	s := strings.ReplaceAll(b.String(), "%2F ", "%2F%20")
	return strings.ReplaceAll(s, " %2F", "%20%2F")
}

func decodeBuildInfoSegment(v string) string {
	if d, err := url.PathUnescape(v); err == nil {
		return strings.ReplaceAll(d, `"`, "'") // JCG spells ' as %22
	}
	return v
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// PromotionRequest is the body of POST api/build/promote (reference §2.10). Copy,
// Dependencies and DryRun are always sent; the server's defaults (move, no
// dependencies, not dry) are not relied on.
type PromotionRequest struct {
	Status       string              `json:"status,omitempty"`
	Comment      string              `json:"comment,omitempty"`
	SourceRepo   string              `json:"sourceRepo,omitempty"`
	TargetRepo   string              `json:"targetRepo,omitempty"`
	Copy         bool                `json:"copy"`
	Dependencies bool                `json:"dependencies"`
	DryRun       bool                `json:"dryRun"`
	FailFast     bool                `json:"failFast"`
	Properties   map[string][]string `json:"properties,omitempty"`
}

// PromotionResult is the answer of a promotion: Artifactory's status messages.
type PromotionResult struct {
	Messages []Message `json:"messages"`
}

// Errors returns the ERROR-level messages.
func (r *PromotionResult) Errors() []string {
	return (&MoveCopyResult{Messages: r.Messages}).Errors()
}

// PromoteBuild sends POST api/build/promote/<name>/<number>[?project=]. Name and
// number are query-escaped as JFrog's client does (BuildUrlWithEscapingSlash). A
// refusal (400 with ERROR messages, 403, 404) is an APIError carrying the messages.
// It is never retried: a replay after an unseen success would promote twice.
func (a *Artifactory) PromoteBuild(ctx context.Context, project, name, number string, pr PromotionRequest) (*PromotionResult, error) {
	if strings.TrimSpace(name) == "" || strings.TrimSpace(number) == "" {
		return nil, errors.New("client: build name and number are required")
	}
	body, err := json.Marshal(pr)
	if err != nil {
		return nil, fmt.Errorf("client: encode promotion: %w", err)
	}
	h := http.Header{}
	h.Set("Content-Type", "application/vnd.org.jfrog.artifactory.build.PromotionRequest+json")
	req := Request{Surface: SurfaceArtifactory, Method: http.MethodPost,
		Path:  "api/build/promote/" + url.QueryEscape(name) + "/" + url.QueryEscape(number),
		Query: projectQuery(project), Header: h, Body: bytes.NewReader(body), NoRetry: true}
	var out PromotionResult
	if err := a.c.doJSON(ctx, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// FormatBuildTime renders t in build-info's format.
func FormatBuildTime(t time.Time) string { return t.Format(BuildTimeLayout) }

// ParseBuildTime reads build-info's format, and RFC 3339 as a courtesy.
func ParseBuildTime(s string) (time.Time, error) {
	for _, layout := range []string{BuildTimeLayout, time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("client: invalid build time %q (want %s)", s, BuildTimeLayout)
}

// DeleteBuildRuns sends POST api/build/delete for the given numbers of build name
// (every run with those numbers), keeping the artifacts. 200 or 204.
func (a *Artifactory) DeleteBuildRuns(ctx context.Context, project, name string, numbers []string) error {
	if strings.TrimSpace(name) == "" || len(numbers) == 0 {
		return errors.New("client: build name and at least one number are required")
	}
	body, err := json.Marshal(map[string]any{"buildName": name, "buildNumbers": numbers, "project": project, "deleteArtifacts": false, "deleteAll": false})
	if err != nil {
		return fmt.Errorf("client: encode build delete: %w", err)
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	// Deleting what is already gone deletes nothing more, so a replay is safe.
	req := Request{Surface: SurfaceArtifactory, Method: http.MethodPost, Path: "api/build/delete", Header: h,
		Body: bytes.NewReader(body), Idempotent: true}
	return a.c.doJSON(ctx, req, nil)
}
