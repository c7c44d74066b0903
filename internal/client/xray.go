package client

import (
	"context"
	"net/http"
)

// Xray is the Xray surface (<platform>/xray).
type Xray struct{ c *core }

// XrayVersion is GET api/v1/system/version.
type XrayVersion struct {
	XrayVersion  string `json:"xray_version"`
	XrayRevision string `json:"xray_revision"`
}

// Version calls GET api/v1/system/version. Callers use it to pick between API
// variants (e.g. the build-scan results endpoint changed at 3.77.0).
func (x *Xray) Version(ctx context.Context) (*XrayVersion, error) {
	var v XrayVersion
	req := Request{Surface: SurfaceXray, Method: http.MethodGet, Path: "api/v1/system/version"}
	if err := x.c.doJSON(ctx, req, &v); err != nil {
		return nil, err
	}
	return &v, nil
}
