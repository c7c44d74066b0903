package tools

import (
	"maps"
	"slices"
)

// sortedKeys gives map keys in a stable order, so queries and requests built
// from maps are the same every time.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
