package aql

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// RelativeTime is the argument of $before / $last, e.g. "3d", "2w", "1mo".
type RelativeTime struct {
	N    int64
	Unit string // canonical: "ms", "s", "minutes", "d", "w", "mo", "y"
}

// relativeUnits maps every documented spelling to its canonical unit.
// The list is the one in the AQL docs (relative-time operators); there is
// no hours unit there, so "h" is refused rather than guessed.
var relativeUnits = map[string]string{
	"ms": "ms", "mills": "ms",
	"s": "s", "seconds": "s",
	"minutes": "minutes",
	"d":       "d", "days": "d",
	"w": "w", "weeks": "w",
	"mo": "mo", "months": "mo",
	"y": "y", "years": "y",
}

// ParseRelativeTime parses "<digits><unit>".
func ParseRelativeTime(s string) (RelativeTime, error) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return RelativeTime{}, fmt.Errorf("invalid relative time %q", s)
	}
	n, err := strconv.ParseInt(s[:i], 10, 32)
	if err != nil {
		return RelativeTime{}, fmt.Errorf("invalid relative time %q", s)
	}
	unit, ok := relativeUnits[s[i:]]
	if !ok {
		return RelativeTime{}, fmt.Errorf("invalid relative time unit in %q", s)
	}
	return RelativeTime{N: n, Unit: unit}, nil
}

// Since returns now minus the relative time. Months and years use calendar
// arithmetic (AddDate), the rest fixed durations.
func (r RelativeTime) Since(now time.Time) time.Time {
	n := r.N
	// back subtracts n units, saturating instead of overflowing
	// time.Duration (~292 years) for absurd inputs.
	back := func(unit time.Duration) time.Time {
		if n > int64(math.MaxInt64/unit) {
			return now.Add(-time.Duration(math.MaxInt64))
		}
		return now.Add(-time.Duration(n) * unit)
	}
	switch r.Unit {
	case "ms":
		return back(time.Millisecond)
	case "s":
		return back(time.Second)
	case "minutes":
		return back(time.Minute)
	case "d":
		return now.AddDate(0, 0, -int(n))
	case "w":
		return now.AddDate(0, 0, -7*int(n))
	case "mo":
		return now.AddDate(0, -int(n), 0)
	case "y":
		return now.AddDate(-int(n), 0, 0)
	}
	return now
}
