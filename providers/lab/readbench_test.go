package lab

import (
	"context"
	"os"
	"testing"
)

// BenchmarkReadAt reads the lab in EXDR_BENCH_LAB_ROOT (the lab folder a
// benchmark configuration's apply built, such as .exdr/lab beside it)
// as every plan does: every page of every database checksummed.
func BenchmarkReadAt(b *testing.B) {
	root := os.Getenv("EXDR_BENCH_LAB_ROOT")
	if root == "" {
		b.Skip("set EXDR_BENCH_LAB_ROOT to a lab's folder")
	}
	l, err := Open(root)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(root, "").Read(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	_ = l
}
