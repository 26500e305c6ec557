package command

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
)

// progressView prints one line as each step starts and ends, and on a
// terminal a status line with the running steps' progress.
type progressView struct {
	s      *streams
	total  int
	mu     sync.Mutex
	ended  int
	status string // the status line on screen, if any
}

func newProgressView(s *streams, total int) *progressView {
	return &progressView{s: s, total: total}
}

func (v *progressView) setTotal(total int) {
	v.mu.Lock()
	v.total = total
	v.mu.Unlock()
}

func (v *progressView) line(format string, args ...any) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.clearLocked()
	fmt.Fprintf(v.s.stdout, format+"\n", args...)
}

func (v *progressView) clearLocked() {
	if v.status != "" {
		fmt.Fprint(v.s.stdout, "\r\x1b[K")
		v.status = ""
	}
}

func (v *progressView) clear() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.clearLocked()
}

func (v *progressView) Started(st *providers.Step) {
	v.line("%s: %s...", st.Address, st.Verb)
}

func (v *progressView) Finished(st *providers.Step, err error, elapsed time.Duration) {
	v.mu.Lock()
	v.ended++
	n, total := v.ended, v.total
	v.mu.Unlock()
	if err != nil {
		v.line("%s: %s %s after %s [%d/%d]", st.Address, st.Verb, v.s.errColor("failed"), elapsed.Round(time.Millisecond), n, total)
		return
	}
	v.line("%s: %s done in %s [%d/%d]", st.Address, st.Verb, elapsed.Round(time.Millisecond), n, total)
}

func (v *progressView) Skipped(st *providers.Step, reason string) {
	v.mu.Lock()
	v.ended++
	v.mu.Unlock()
	v.line("%s: %s skipped: %s", st.Address, st.Verb, reason)
}

// progressInterval is how often a long step prints a progress line when
// the output is not a terminal (a log, CI).
var progressInterval = 5 * time.Second

// progress gives a step's provider a Progress: a status line on a
// terminal, a line every progressInterval otherwise.
func (v *progressView) progress(st *providers.Step) providers.Progress {
	return &stepProgress{v: v, step: st, start: time.Now(), last: time.Now()}
}

type stepProgress struct {
	v           *progressView
	step        *providers.Step
	start, last time.Time
}

func (p *stepProgress) Update(done, total int64, unit string) {
	p.v.mu.Lock()
	defer p.v.mu.Unlock()
	elapsed := time.Since(p.start)
	if p.v.s.stdoutTTY {
		p.v.status = fmt.Sprintf("  %s: %s %s", p.step.Address, p.step.Verb, bar(done, total, unit, elapsed))
		fmt.Fprint(p.v.s.stdout, "\r\x1b[K"+p.v.status)
		return
	}
	// Without a terminal, no bar: as Terraform's "Still creating...", a
	// plain line now and then, so a log shows a long step is alive.
	if time.Since(p.last) >= progressInterval {
		p.last = time.Now()
		fmt.Fprintf(p.v.s.stdout, "%s: %s %s\n", p.step.Address, p.step.Verb, amount(done, total, unit, elapsed))
	}
}

// amount renders progress: "1.2GB of 4GB (31%, 180MB/s, 16s left)" for
// bytes, "generation 3 of 12" for log generations, "3 of 12 pages"
// otherwise.
func amount(done, total int64, unit string, elapsed time.Duration) string {
	left := timeLeft(done, total, elapsed)
	switch unit {
	case "bytes":
		s := org.Size(done).String()
		var parts []string
		if total > 0 {
			s += " of " + org.Size(total).String()
			parts = append(parts, fmt.Sprintf("%d%%", done*100/total))
		}
		if secs := elapsed.Seconds(); secs > 0 {
			parts = append(parts, org.Size(float64(done)/secs).String()+"/s")
		}
		if left != "" {
			parts = append(parts, left)
		}
		if len(parts) == 0 {
			return s
		}
		return s + " (" + strings.Join(parts, ", ") + ")"
	case "generations":
		s := fmt.Sprintf("generation %d", done)
		if total > 0 {
			s += fmt.Sprintf(" of %d", total)
		}
		if left != "" {
			s += " (" + left + ")"
		}
		return s
	}
	if done == 1 && total <= 0 {
		unit = strings.TrimSuffix(unit, "s") // "1 page", as the units are named in the plural
	}
	s := fmt.Sprintf("%d %s", done, unit)
	if total > 0 {
		s = fmt.Sprintf("%d of %d %s", done, total, unit)
	}
	if left != "" {
		s += " (" + left + ")"
	}
	return s
}

// timeLeft is what remains at the rate so far: "" until there is a rate
// and a total to measure against.
func timeLeft(done, total int64, elapsed time.Duration) string {
	if done <= 0 || total <= 0 || done >= total || elapsed <= 0 {
		return ""
	}
	left := time.Duration(float64(elapsed) * float64(total-done) / float64(done))
	if left < time.Second {
		return "less than 1s left"
	}
	return left.Round(time.Second).String() + " left"
}

// barWidth is the width of a progress bar, in characters.
const barWidth = 20

// bar is amount with a bar before it, for a terminal's status line:
// "[########            ] 1.2GB of 4GB (31%, 180MB/s, 16s left)".
func bar(done, total int64, unit string, elapsed time.Duration) string {
	if total <= 0 {
		return amount(done, total, unit, elapsed)
	}
	filled := int(min(done, total) * barWidth / total)
	return "[" + strings.Repeat("#", filled) + strings.Repeat(" ", barWidth-filled) + "] " + amount(done, total, unit, elapsed)
}
