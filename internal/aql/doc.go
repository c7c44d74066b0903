// Package aql parses Artifactory Query Language (AQL) text into an AST,
// prints it back canonically, and analyses which repositories a query can
// reach.
//
// It is shared by two consumers with opposite needs:
//
//   - the emulator (internal/emulator/aqlengine) evaluates parsed queries and
//     wants the parser to be at least as permissive as Artifactory for the
//     queries real clients (JFrog CLI / jfrog-client-go, the JFrog MCP
//     server) send;
//   - the permission guard must find every repository a query can reach and
//     narrow it, so anything ambiguous is either rejected with a
//     *SyntaxError or analysed conservatively (see Query.AnalyzeRepos).
//
// Grammar accepted (whitespace and newlines allowed between all tokens):
//
//	<domain>.find(<criteria>?)[.include("f",...)][.sort({"$asc"|"$desc":["f",...]})]
//	    [.offset(N)][.transitive()][.limit(N)][.distinct(true|false)]
//
// Modifiers must appear at most once each and in exactly that order: it is
// Artifactory's documented order (include, sort, offset, limit, distinct)
// with .transitive() slotted where jfrog-client-go emits it
// (.sort().offset().transitive().limit()).
//
// The criteria JSON is read with a json.Decoder token stream rather than
// into map[string]any, so key order and duplicate keys survive: order is
// needed for faithful re-printing, and duplicates are legal AQL (the JFrog
// docs' own $msp example repeats "@license", and jfrog-client-go emits two
// sibling "$or" keys when exclusions are combined with a pattern).
// Duplicate keys in one object are evaluated as an implicit $and, like any
// other siblings.
package aql
