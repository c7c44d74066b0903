package guard

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jfrog-mcp/jfrog-mcp/internal/aql"
)

func TestAQLCaps(t *testing.T) {
	var d *Denied
	_, err := ParseAQL(padTo(1 << 20))
	require.ErrorAs(t, err, &d)
	assert.Contains(t, d.Reason, "AQL query refused: the query is 1")
	assert.Contains(t, d.Reason, "at most 131072")
	assert.NotEmpty(t, d.Hint)

	// Under the byte cap but over the criteria cap: short keys, many branches.
	q := `items.find({"$or":[` + strings.Repeat(`{"name":"x"},`, MaxAQLCriteria) + `{"name":"x"}]})`
	require.Less(t, len(q), MaxAQLBytes)
	_, err = ParseAQL(q)
	require.ErrorAs(t, err, &d)
	assert.Contains(t, d.Reason, "criteria")

	parsed, err := ParseAQL(orQuery(1000))
	require.NoError(t, err)
	assert.NoError(t, check(restrictive(t), Action{Class: ClassRead, AQL: parsed}))

	_, err = ParseAQL("items.find({")
	var se *aql.SyntaxError
	assert.ErrorAs(t, err, &se)

	// A query built in code meets the same cap in the guard.
	branches := make([]*aql.Criteria, 3*MaxAQLCriteria)
	for i := range branches {
		branches[i] = aql.Object(aql.Eq("repo", "generic-local"))
	}
	built := &aql.Query{Domain: aql.DomainItems, Criteria: aql.Object(aql.OrOf(branches...))}
	err = check(restrictive(t), Action{Class: ClassRead, AQL: built})
	require.ErrorAs(t, err, &d)
	assert.Contains(t, d.Reason, "AQL query refused")
}
