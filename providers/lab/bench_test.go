package lab

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/exdr/exdr/org"
	"github.com/exdr/exdr/providers"
	"github.com/exdr/exdr/providers/lab/backup"
	"github.com/exdr/exdr/providers/lab/ese"
	"github.com/exdr/exdr/providers/lab/transport"
)

// bigDatabase writes a database file of n pages of items.
func bigDatabase(b *testing.B, path string, pages uint32) {
	b.Helper()
	hdr := &ese.Header{Kind: org.MailboxDB, Signature: 42, Identity: "BENCH\\SG\\DB", LogStream: 7}
	if err := ese.CreateEDB(path, hdr); err != nil {
		b.Fatal(err)
	}
	e, err := ese.OpenEDB(path, true)
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	payload := make([]byte, ese.MaxPayload)
	for i := range payload {
		payload[i] = byte('a' + i%26)
	}
	for n := uint32(1); n <= pages; n++ {
		if err := e.WritePage(&ese.Page{Number: n, Signature: 42, Payload: payload}); err != nil {
			b.Fatal(err)
		}
	}
	e.Hdr.Pages = pages
	e.WriteHeader()
}

// BenchmarkRestoreThroughput restores a 256 MiB database file from a
// backup set, every byte through a SHA-256 checked against the manifest,
// and copies the same file plainly in the same run: restore-MB/s over
// copy-MB/s is the ratio.
func BenchmarkRestoreThroughput(b *testing.B) {
	dir := b.TempDir()
	src := filepath.Join(dir, "set.edb")
	bigDatabase(b, src, 256<<20/ese.PageSize)
	want, err := backup.CopyVerified(src, filepath.Join(dir, "manifest-copy.edb"))
	if err != nil {
		b.Fatal(err)
	}
	want.Name = "set.edb"
	var restoreTime, copyTime time.Duration
	dst := filepath.Join(dir, "restored.edb")
	restore := func() {
		t := time.Now()
		if err := backup.RestoreFile(context.Background(), src, dst, want, nil); err != nil {
			b.Fatal(err)
		}
		restoreTime += time.Since(t)
		os.Remove(dst)
	}
	plain := func() {
		t := time.Now()
		if err := plainCopy(src, dst); err != nil {
			b.Fatal(err)
		}
		copyTime += time.Since(t)
		os.Remove(dst)
	}
	i := 0
	for b.Loop() {
		// Alternate which goes first, so neither always meets the
		// other's writeback.
		if i%2 == 0 {
			restore()
			plain()
		} else {
			plain()
			restore()
		}
		i++
	}
	mb := float64(want.Size) / (1 << 20) * float64(b.N)
	b.ReportMetric(mb/restoreTime.Seconds(), "restore-MB/s")
	b.ReportMetric(mb/copyTime.Seconds(), "copy-MB/s")
	b.ReportMetric(copyTime.Seconds()/restoreTime.Seconds(), "ratio")
}

// plainCopy is the baseline: the same bytes, written and synced as the
// restore writes them, nothing verified.
func plainCopy(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// BenchmarkLogReplay replays 16 full generations of page images into a
// database, as soft recovery does.
func BenchmarkLogReplay(b *testing.B) {
	const gens = 16
	l, err := Init(b.TempDir(), "Bench")
	if err != nil {
		b.Fatal(err)
	}
	for _, s := range buildSteps() {
		if err := l.Apply(context.Background(), s, nil); err != nil {
			b.Fatal(err)
		}
	}
	c, _ := l.Database(db1)
	e, _ := ese.OpenEDB(c.Path, true)
	defer e.Close()
	payload := make([]byte, ese.MaxPayload)
	var recs [][]byte
	for n := uint32(2); n < 2+120; n++ {
		recs = append(recs, ese.PageRecord(e.Hdr.Signature, n, payload))
	}
	for {
		cur, _ := c.Stream.Current()
		if cur > gens {
			break
		}
		if _, err := c.Stream.Append(recs...); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		e.Hdr.State, e.Hdr.LogRequired, e.Hdr.AttachLSN, e.Hdr.Pages = org.StateDirty, org.LogRange{Low: 1}, 0, ese.InitialPages
		// Every page older than every record, so each one is applied.
		for n := uint32(1); n <= ese.InitialPages; n++ {
			e.WritePage(&ese.Page{Number: n, Signature: e.Hdr.Signature})
		}
		if _, err := ese.ReplayInto(context.Background(), e, c.Stream, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(gens*b.N)/b.Elapsed().Seconds(), "generations/s")
}

// BenchmarkRestoreMailbox10k merges 10,000 items from a mounted recovery
// database into a fresh production mailbox, each item checked against
// those already there.
func BenchmarkRestoreMailbox10k(b *testing.B) {
	l, err := Init(b.TempDir(), "Bench")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, s := range buildSteps() {
		if err := l.Apply(ctx, s, nil); err != nil {
			b.Fatal(err)
		}
	}
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	must(l.Apply(ctx, &providers.Step{Verb: providers.VerbMount, Identity: db1}, nil))
	for range 10 {
		_, err := l.Traffic(ctx, transport.TrafficOptions{Mailboxes: 1, Items: 1000, Seed: 1})
		must(err)
	}
	sets, err := l.Backup(ctx, `MBX01\SG1`, org.BackupFull)
	must(err)
	const rsg, rdb = org.Identity(`MBX01\RSG`), org.Identity(`MBX01\RSG\DB1`)
	for _, s := range []*providers.Step{
		{Verb: providers.VerbCreateRecoveryGroup, Identity: rsg, Args: map[string]string{"server": "MBX01", "name": "RSG", "log_folder_path": `R:\RSG`}},
		{Verb: providers.VerbCreateRecoveryDB, Identity: rdb, Args: map[string]string{"storage_group": string(rsg), "name": "DB1", "edb_file_path": `R:\RSG\DB1.edb`, "recovery_of": string(db1)}},
		{Verb: providers.VerbAllowFileRestore, Identity: rdb, Args: map[string]string{"value": "true"}},
		{Verb: providers.VerbRestoreBackup, Identity: rdb, Args: map[string]string{"sets": sets[0].ID}},
		{Verb: providers.VerbHardRecovery, Identity: rdb, Args: map[string]string{"roll_forward": "false"}},
		{Verb: providers.VerbMount, Identity: rdb},
	} {
		must(l.Apply(ctx, s, nil))
	}
	i := 0
	for b.Loop() {
		target := fmt.Sprintf("target%03d", i)
		i++
		must(l.SetMailboxObject(target, db1, nil))
		must(l.Apply(ctx, &providers.Step{Verb: providers.VerbRestoreMailbox, Identity: rsg, Args: map[string]string{
			"rsg_database": string(rdb), "mailbox": "db1-user001", "target": target, "target_folder": "Recovered"}}, nil))
	}
	b.ReportMetric(float64(10000*b.N)/b.Elapsed().Seconds(), "items/s")
}
