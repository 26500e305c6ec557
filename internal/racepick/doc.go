// Command racepick chooses which CLI scenarios (testdata/script) the race
// detector's run goes through. Every exdr a scenario runs is then a
// race-built process, five to ten times slower, and running all of them
// took 11 of CI's 19 minutes; so the race run takes the scenarios that
// reach the most of what the whole set reaches, per second of its time.
// The rest still run, without the detector, in the README's test command.
//
// It reads one coverage profile per scenario and the times of a race run,
// and picks greedily: each round, the scenario reaching the most
// statements no scenario picked so far reaches, per second it took under
// the race detector, until the picked ones reach -target percent of the
// statements the whole set reaches. Its answer goes into
// internal/command/race_scripts_test.go. To make the inputs:
//
//	source .ci/postgres.sh && start_test_postgres
//	for f in testdata/script/*.txtar; do n=$(basename $f .txtar)
//	  go test -count 1 -cover -coverpkg=./... ./internal/command \
//	    -run "TestScripts/$n\$" -coverprofile=/tmp/cov/$n.out
//	done
//	GORACE=atexit_sleep_ms=0 EXDR_RACE_ALL_SCRIPTS=1 go test -race -short \
//	  -count 1 -timeout 30m -v ./internal/command > /tmp/race.log
//	go run ./internal/racepick -cover /tmp/cov -times /tmp/race.log
//
// Imports (exdr): none.
package main
