package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/jfrog-mcp/jfrog-mcp/bench/internal/benchutil"
)

// toolCase is one tool call and the HTTP requests that do the same work by
// hand; the difference of their p50s is what MCP and the tool add.
type toolCase struct {
	tool string
	args map[string]any
	// raw returns the requests to replay, given the tool's first result
	// (search tools report the AQL they ran, so the raw side sends exactly it).
	raw func(first json.RawMessage) ([]rawReq, error)
}

type rawReq struct {
	method, path, ctype string
	body                []byte
}

func aqlOf(first json.RawMessage) ([]rawReq, error) {
	var out struct {
		AQL string `json:"aql"`
	}
	if err := json.Unmarshal(first, &out); err != nil || out.AQL == "" {
		return nil, fmt.Errorf("no aql in the result: %s", first)
	}
	return []rawReq{{http.MethodPost, "api/search/aql", "text/plain", []byte(out.AQL)}}, nil
}

func fixed(rs ...rawReq) func(json.RawMessage) ([]rawReq, error) {
	return func(json.RawMessage) ([]rawReq, error) { return rs, nil }
}

// perTool measures the added latency of each tool that a benchmark can call
// over and over without changing the outcome: every read tool, and the
// idempotent property write. Calls are interleaved with their raw
// equivalents, as in perCall.
func perTool(cfg config, bin string, emu *benchutil.Emulator, h *httpClient) ([]target, error) {
	srv, err := benchutil.StartServer(bin, append(emu.Env(), "JFROG_MCP_MODE=write"), "stdio")
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	c := newRPC(srv)
	if err := c.handshake(); err != nil {
		return nil, err
	}
	storage := "api/storage/" + infoRepo + "/" + infoPath
	cases := []toolCase{
		{"run_aql", map[string]any{"query": `items.find({"repo":"` + infoRepo + `"}).include("repo","path","name","size","sha256")`, "limit": 20}, aqlOf},
		{"search_artifacts", map[string]any{"repos": []string{infoRepo}, "name": "*.jar"}, aqlOf},
		{"list_repositories", map[string]any{}, fixed(rawReq{http.MethodGet, "api/repositories", "", nil})},
		{"download_artifact", map[string]any{"repo": infoRepo, "path": infoPath}, fixed(rawReq{http.MethodGet, infoRepo + "/" + infoPath, "", nil})},
		{"set_artifact_properties", map[string]any{"repo": infoRepo, "path": infoPath, "properties": map[string]any{"qa": "passed"}},
			fixed(rawReq{http.MethodPut, storage + "?properties=qa=passed", "", nil}, rawReq{http.MethodGet, storage + "?properties", "", nil})},
	}
	n := max(cfg.calls/2, 1)
	fmt.Fprintf(report, "## Added latency per tool (%d calls each, interleaved with the same requests sent by hand, after %d warm-up)\n\n", n, cfg.warmup)
	fmt.Fprintln(report, "| tool | raw requests | tool p50 | raw p50 | **added p50** | added p90 | server CPU per call |")
	fmt.Fprintln(report, "|---|---|---:|---:|---:|---:|---:|")
	var worst time.Duration
	worstTool := ""
	for _, tc := range cases {
		tr, _, _, err := c.tool(tc.tool, tc.args)
		if err != nil {
			return nil, err
		}
		reqs, err := tc.raw(tr.StructuredContent)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", tc.tool, err)
		}
		call := func() (time.Duration, error) {
			t0 := time.Now()
			_, _, _, err := c.tool(tc.tool, tc.args)
			return time.Since(t0), err
		}
		raw := func() (time.Duration, error) {
			t0 := time.Now()
			for _, r := range reqs {
				if _, err := h.do(r.method, r.path, r.ctype, r.body); err != nil {
					return 0, err
				}
			}
			return time.Since(t0), nil
		}
		for range cfg.warmup {
			if _, err := call(); err != nil {
				return nil, err
			}
			if _, err := raw(); err != nil {
				return nil, err
			}
		}
		tool, rawDs := make([]time.Duration, 0, n), make([]time.Duration, 0, n)
		// The raw requests cost the server nothing, so its CPU time over the
		// loop is the tools' own: a figure that load on the machine does not move.
		cpu0 := benchutil.CPUTime(srv.Pid())
		for i := range n {
			a, b := call, raw
			if i%2 == 1 {
				a, b = raw, call
			}
			da, err := a()
			if err != nil {
				return nil, err
			}
			db, err := b()
			if err != nil {
				return nil, err
			}
			if i%2 == 1 {
				da, db = db, da
			}
			tool, rawDs = append(tool, da), append(rawDs, db)
		}
		cpu := (benchutil.CPUTime(srv.Pid()) - cpu0) / time.Duration(n)
		p := benchutil.Percentile
		added50, added90 := p(tool, 50)-p(rawDs, 50), p(tool, 90)-p(rawDs, 90)
		fmt.Fprintf(report, "| `%s` | %d | %s | %s | **%s** | %s | %s |\n", tc.tool, len(reqs), benchutil.Ms(p(tool, 50)), benchutil.Ms(p(rawDs, 50)),
			benchutil.Ms(added50), benchutil.Ms(added90), benchutil.Ms(cpu))
		if added50 > worst {
			worst, worstTool = added50, tc.tool
		}
	}
	fmt.Fprintln(report)
	return []target{{name: "added latency per call, worst tool (p50: " + worstTool + ")", measured: benchutil.Ms(worst),
		goal: "≤ " + benchutil.Ms(cfg.callTarget), met: worst <= cfg.callTarget}}, nil
}
