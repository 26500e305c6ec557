package host

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	"github.com/exdr/exdr/providers/lab/disk"
)

// The lab measures how fast its long steps go, so that the next plan
// estimates from this organization's own figures rather than defaults.
// Each verb keeps a running average, weighted towards recent runs.
const throughputFile = "throughput.json"

type measured struct {
	PerSecond float64 `json:"per_second"` // units a second: bytes, or log generations
	Runs      int     `json:"runs"`
}

// Measure records that a step moved units in elapsed time.
func (l *Host) Measure(verb string, units int64, elapsed time.Duration) {
	if units <= 0 || elapsed <= 0 {
		return
	}
	l.Mu.Lock()
	defer l.Mu.Unlock()
	all := l.loadThroughput()
	rate := float64(units) / elapsed.Seconds()
	m := all[verb]
	if m.Runs == 0 {
		m.PerSecond = rate
	} else {
		m.PerSecond = 0.7*rate + 0.3*m.PerSecond
	}
	m.Runs++
	all[verb] = m
	if b, err := json.MarshalIndent(all, "", "  "); err == nil {
		disk.WriteAtomic(filepath.Join(l.root, throughputFile), append(b, '\n'))
	}
}

func (l *Host) loadThroughput() map[string]measured {
	all := map[string]measured{}
	if b, err := os.ReadFile(filepath.Join(l.root, throughputFile)); err == nil {
		json.Unmarshal(b, &all)
	}
	return all
}

// Throughput returns the measured rates by verb, in units a second.
func (l *Host) Throughput() map[string]float64 {
	l.Mu.Lock()
	defer l.Mu.Unlock()
	out := map[string]float64{}
	for verb, m := range l.loadThroughput() {
		out[verb] = m.PerSecond
	}
	return out
}

// Measured is what the lab has measured of one verb.
type Measured struct {
	PerSecond float64
	Runs      int
}

// Measurements returns the measured rates with how many runs each stands on.
func (l *Host) Measurements() map[string]Measured {
	l.Mu.Lock()
	defer l.Mu.Unlock()
	out := map[string]Measured{}
	for verb, m := range l.loadThroughput() {
		out[verb] = Measured{PerSecond: m.PerSecond, Runs: m.Runs}
	}
	return out
}
