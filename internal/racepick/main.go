package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

func main() {
	coverDir := flag.String("cover", "", "folder of coverage profiles, one per scenario: NAME.out")
	timesFile := flag.String("times", "", "output of go test -race -v ./internal/command")
	target := flag.Float64("target", 90, "percent of the statements the whole set reaches that the picked scenarios must reach")
	flag.Parse()
	if *coverDir == "" || *timesFile == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: racepick -cover DIR -times RACE_LOG [-target PERCENT]")
		os.Exit(2)
	}
	if err := run(os.Stdout, *coverDir, *timesFile, *target); err != nil {
		fmt.Fprintln(os.Stderr, "racepick:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, coverDir, timesFile string, target float64) error {
	log, err := os.ReadFile(timesFile)
	if err != nil {
		return err
	}
	times, err := readTimes(bytes.NewReader(log))
	if err != nil {
		return err
	}
	profiles, err := filepath.Glob(filepath.Join(coverDir, "*.out"))
	if err != nil {
		return err
	}
	reach := map[string]blocks{}
	for _, p := range profiles {
		name := strings.TrimSuffix(filepath.Base(p), ".out")
		if _, ok := times[name]; !ok {
			return fmt.Errorf("%s: no time for scenario %s in %s: run the race log and the profiles from the same scripts", p, name, timesFile)
		}
		profile, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		b, err := readProfile(bytes.NewReader(profile))
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		reach[name] = b
	}
	if len(reach) == 0 {
		return fmt.Errorf("no coverage profiles (*.out) in %s", coverDir)
	}
	picks, total := pick(reach, times, target)
	fmt.Fprintf(w, "// %d of %d scenarios; of the %d statements the whole set reaches:\n", len(picks), len(reach), total)
	for _, p := range picks {
		fmt.Fprintf(w, "\t%q, // %.1f%% after it, %.0f s of race time in all\n", p.name, p.percent, p.seconds)
	}
	return nil
}

// blocks maps a covered block ("file:line.col,line.col") to its
// statement count.
type blocks map[string]int

var profileLine = regexp.MustCompile(`^(\S+:\d+\.\d+,\d+\.\d+) (\d+) (\d+)$`)

// readProfile reads a Go coverage profile (go test -coverprofile) and
// keeps the blocks that ran at least once.
func readProfile(r io.Reader) (blocks, error) {
	b := blocks{}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if line == 1 && strings.HasPrefix(text, "mode:") {
			continue
		}
		m := profileLine.FindStringSubmatch(text)
		if m == nil {
			return nil, fmt.Errorf("line %d is not a coverage block: %q", line, text)
		}
		stmts, _ := strconv.Atoi(m[2])
		count, _ := strconv.Atoi(m[3])
		if count > 0 {
			b[m[1]] = stmts
		}
	}
	return b, sc.Err()
}

var passLine = regexp.MustCompile(`--- (?:PASS|FAIL|SKIP): TestScripts/(\S+) \(([0-9.]+)s\)`)

// readTimes reads each scenario's time from go test -v output.
func readTimes(r io.Reader) (map[string]float64, error) {
	times := map[string]float64{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if m := passLine.FindStringSubmatch(sc.Text()); m != nil {
			s, err := strconv.ParseFloat(m[2], 64)
			if err != nil {
				return nil, err
			}
			times[m[1]] = s
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(times) == 0 {
		return nil, fmt.Errorf("no scenario times (--- PASS: TestScripts/NAME (Ns)): was it run with -v?")
	}
	return times, nil
}

type picked struct {
	name    string
	percent float64
	seconds float64
}

// pick chooses scenarios greedily by new statements reached per second
// until target percent of all reached statements are reached; it
// returns them in the order chosen and the number of statements the
// whole set reaches. Ties go to the name first in order, so the answer
// does not depend on map order.
func pick(reach map[string]blocks, times map[string]float64, target float64) ([]picked, int) {
	all := blocks{}
	for _, b := range reach {
		for k, n := range b {
			all[k] = n
		}
	}
	total := 0
	for _, n := range all {
		total += n
	}
	names := make([]string, 0, len(reach))
	for n := range reach {
		names = append(names, n)
	}
	sort.Strings(names)
	got := map[string]bool{}
	chosen := map[string]bool{}
	covered, seconds := 0, 0.0
	var out []picked
	for total > 0 && float64(covered) < target/100*float64(total) {
		best, bestValue, bestGain := "", 0.0, 0
		for _, n := range names {
			if chosen[n] {
				continue
			}
			gain := 0
			for k, s := range reach[n] {
				if !got[k] {
					gain += s
				}
			}
			// A scenario under a second is counted as a second: the
			// process starts alone cost that much under the detector.
			v := float64(gain) / max(times[n], 1)
			if gain > 0 && v > bestValue {
				best, bestValue, bestGain = n, v, gain
			}
		}
		if best == "" {
			break
		}
		chosen[best] = true
		for k := range reach[best] {
			got[k] = true
		}
		covered += bestGain
		seconds += times[best]
		out = append(out, picked{best, 100 * float64(covered) / float64(total), seconds})
	}
	return out, total
}
