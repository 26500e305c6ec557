package command

import (
	"fmt"
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
	text := fmt.Sprintf("%s: %s %s", p.step.Address, p.step.Verb, amount(done, total, unit, time.Since(p.start)))
	if p.v.s.stdoutTTY {
		p.v.status = "  " + text
		fmt.Fprint(p.v.s.stdout, "\r\x1b[K"+p.v.status)
		return
	}
	if time.Since(p.last) >= progressInterval {
		p.last = time.Now()
		fmt.Fprintln(p.v.s.stdout, text)
	}
}

// amount renders progress: "1.2 GB of 4 GB (31%, 180 MB/s)" for bytes,
// "3 of 12 logs" otherwise.
func amount(done, total int64, unit string, elapsed time.Duration) string {
	if unit != "bytes" {
		if total > 0 {
			return fmt.Sprintf("%d of %d %s", done, total, unit)
		}
		return fmt.Sprintf("%d %s", done, unit)
	}
	s := org.Size(done).String()
	if total > 0 {
		s += fmt.Sprintf(" of %s (%d%%", org.Size(total), done*100/total)
	} else {
		s += " ("
	}
	if secs := elapsed.Seconds(); secs > 0 {
		s += fmt.Sprintf(", %s/s", org.Size(float64(done)/secs))
	}
	return s + ")"
}
