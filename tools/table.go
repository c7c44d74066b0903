package tools

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
)

// itemFieldOrder is the column order of AQL items rows: Artifactory's own
// field order, then anything else alphabetically.
var itemFieldOrder = []string{"repo", "path", "name", "type", "size", "created", "created_by", "modified", "modified_by", "updated",
	"depth", "sha256", "actual_sha1", "actual_md5", "original_sha1", "original_md5", "virtual_repos", "properties", "stats"}

// tabulate turns AQL rows (objects that repeat every key) into columns and
// rows of values, and hoists the values every row shares. The model reads
// each key and each shared value once: for a typical result that halves
// what it reads compared with the raw API body.
func tabulate(rows []map[string]any) (columns []string, common map[string]any, table [][]any) {
	seen := map[string]bool{}
	for _, r := range rows {
		for k := range r {
			seen[k] = true
		}
	}
	for _, k := range itemFieldOrder {
		if seen[k] {
			columns = append(columns, k)
			delete(seen, k)
		}
	}
	columns = append(columns, slices.Sorted(func(yield func(string) bool) {
		for k := range seen {
			if !yield(k) {
				return
			}
		}
	})...)

	if len(rows) > 1 {
		common = map[string]any{}
		kept := columns[:0]
		for _, c := range columns {
			v, ok := rows[0][c]
			shared := ok && isScalar(v)
			for _, r := range rows[1:] {
				if !shared {
					break
				}
				w, ok := r[c]
				shared = ok && reflect.DeepEqual(v, w)
			}
			if shared {
				common[c] = v
			} else {
				kept = append(kept, c)
			}
		}
		columns = kept
		if len(common) == 0 {
			common = nil
		}
	}
	table = make([][]any, len(rows))
	for i, r := range rows {
		row := make([]any, len(columns))
		for j, c := range columns {
			row[j] = r[c]
		}
		table[i] = row
	}
	return columns, common, table
}

func isScalar(v any) bool {
	switch v.(type) {
	case string, float64, bool, nil, json.Number:
		return true
	}
	return false
}

// propertyMap turns AQL's [{"key":k,"value":v},…] into {k:[v,…]}, the shape
// every other tool uses, and a smaller one.
func propertyMap(v any) any {
	list, ok := v.([]any)
	if !ok {
		return v
	}
	out := map[string][]string{}
	for _, e := range list {
		kv, ok := e.(map[string]any)
		if !ok {
			return v
		}
		k, _ := kv["key"].(string)
		val, _ := kv["value"].(string)
		out[k] = append(out[k], val)
	}
	return out
}

// columnsText is a readable list of column names for summaries.
func columnsText(cols []string) string { return strings.Join(cols, ", ") }
