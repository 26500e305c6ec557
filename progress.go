package main

import (
	"fmt"
	"sync"
	"time"

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
	n := v.ended
	v.mu.Unlock()
	if err != nil {
		v.line("%s: %s %s after %s [%d/%d]", st.Address, st.Verb, v.s.errColor("failed"), elapsed.Round(time.Millisecond), n, v.total)
		return
	}
	v.line("%s: %s done in %s [%d/%d]", st.Address, st.Verb, elapsed.Round(time.Millisecond), n, v.total)
}

func (v *progressView) Skipped(st *providers.Step, reason string) {
	v.mu.Lock()
	v.ended++
	v.mu.Unlock()
	v.line("%s: %s skipped: %s", st.Address, st.Verb, reason)
}

// progress gives a step's provider a Progress that updates the status
// line, on a terminal only.
func (v *progressView) progress(st *providers.Step) providers.Progress {
	if !v.s.stdoutTTY {
		return nil
	}
	return stepProgress{v: v, step: st}
}

type stepProgress struct {
	v    *progressView
	step *providers.Step
}

func (p stepProgress) Update(done, total int64, unit string) {
	p.v.mu.Lock()
	defer p.v.mu.Unlock()
	p.v.status = fmt.Sprintf("  %s: %s %d/%d %s", p.step.Address, p.step.Verb, done, total, unit)
	fmt.Fprint(p.v.s.stdout, "\r\x1b[K"+p.v.status)
}
