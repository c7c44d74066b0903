// Package aqlengine evaluates parsed AQL queries (internal/aql) over the
// emulator's items, producing Artifactory-shaped responses.
//
// Scope: the items domain (Execute) and the builds domain's own fields
// and properties (ExecuteBuilds). Other domains, related-domain criteria
// the emulator has no data for (item-to-build relations, archive entries,
// release bundles), and such includes return *UnsupportedError, so a
// caller never mistakes "not modelled" for "no results".
//
// Semantics follow the JFrog REST API reference §2.6; choices where the
// docs are silent are marked in comments and in the package tests.
package aqlengine
