package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// AQLResult is the answer of POST api/search/aql. Each result is kept as raw JSON:
// its fields depend on the domain and the query's include(), and callers usually trim
// them, so decoding once into RawMessage avoids a second pass through maps.
type AQLResult struct {
	Results []json.RawMessage `json:"results"`
	Range   AQLRange          `json:"range"`
}

// AQLRange is the paging block of an AQL answer (reference §2.6).
type AQLRange struct {
	StartPos int64 `json:"start_pos"`
	EndPos   int64 `json:"end_pos"`
	Total    int64 `json:"total"`
	// Limit is present only when the query used .limit().
	Limit *int64 `json:"limit,omitempty"`
	// Notification is set when the server's hard limit trimmed the results.
	Notification string `json:"notification,omitempty"`
}

// AQL runs an AQL query (POST api/search/aql, raw body, text/plain). A syntax error
// is a 400 APIError carrying Artifactory's message. The answer is read up to
// Config.MaxAQLResponseBytes; a larger one is an error suggesting .limit().
func (a *Artifactory) AQL(ctx context.Context, query string) (*AQLResult, error) {
	if strings.TrimSpace(query) == "" {
		return nil, errors.New("client: AQL query is empty")
	}
	h := http.Header{}
	h.Set("Content-Type", "text/plain")
	h.Set("Accept", "application/json")
	req := Request{
		Surface: SurfaceArtifactory, Method: http.MethodPost, Path: "api/search/aql",
		Header: h, Body: strings.NewReader(query),
		// AQL is a read: find() has no side effects, so replaying it after a 429 (AQL
		// rate limiting on JFrog Cloud) or a dropped connection cannot change anything.
		Idempotent: true,
	}
	for attempt := 0; ; attempt++ {
		resp, err := a.c.do(ctx, req)
		if err != nil {
			return nil, err
		}
		out, err := decodeAQL(ctx, req, resp.Body, a.c.maxAQL)
		_ = resp.Body.Close()
		if again, aerr := a.c.againAfterCut(ctx, &req, nil, attempt, err); !again {
			return out, aerr
		}
	}
}

// decodeAQL decodes an AQL answer, reading at most limit bytes of it.
func decodeAQL(ctx context.Context, req Request, body io.Reader, limit int64) (*AQLResult, error) {
	cr := &countingReader{r: io.LimitReader(body, limit+1)}
	var out AQLResult
	if err := json.NewDecoder(cr).Decode(&out); err != nil {
		if cr.n > limit {
			return nil, fmt.Errorf("%s: AQL response is larger than %d bytes: %w", describe(req), limit, ErrResponseTooLarge)
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("%s: reading response: %w", describe(req), ctxErr)
		}
		if isConnReset(err) {
			return nil, fmt.Errorf("%s: %w: %w", describe(req), errAnswerCut, err)
		}
		return nil, fmt.Errorf("%s: %w (AQL): %w", describe(req), ErrNotJSON, err)
	}
	if out.Results == nil {
		out.Results = []json.RawMessage{}
	}
	return &out, nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
