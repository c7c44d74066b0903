package aql

// And narrows q in place to items that also satisfy extra:
// the criteria become {"$and":[<existing>,<extra>]}. Wrapping (instead of
// appending a sibling) keeps the existing criteria intact as one operand,
// so nothing in them — $or, duplicate keys, $msp — can escape the extra
// condition. extra may be an object or a single member node.
//
// And does not check the domain: narrowing by "repo" only makes sense for
// items queries, which the caller must ensure.
func And(q *Query, extra *Criteria) {
	if extra == nil {
		return
	}
	if extra.Kind != KindObject {
		extra = Object(extra)
	}
	if q.Criteria == nil || len(q.Criteria.Children) == 0 {
		// Nothing to preserve; avoid emitting an empty {} operand, whose
		// acceptance inside $and by Artifactory is untested.
		q.Criteria = Object(AndOf(extra))
		return
	}
	q.Criteria = Object(AndOf(q.Criteria, extra))
}

// RepoIn builds {"$or":[{"repo":"a"},{"repo":"b"}]}. With no keys it
// returns {"repo":""}, which matches nothing (an empty $or is not valid
// AQL, and no repository has an empty key); callers should normally deny
// instead of narrowing to nothing.
func RepoIn(keys []string) *Criteria {
	if len(keys) == 0 {
		return Object(Eq("repo", ""))
	}
	branches := make([]*Criteria, len(keys))
	for i, k := range keys {
		branches[i] = Object(Eq("repo", k))
	}
	return Object(OrOf(branches...))
}
