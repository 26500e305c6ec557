package benchgen

import (
	"os"
	"strconv"
	"testing"
)

func TestZZWrite(t *testing.T) {
	dir := os.Getenv("ZZDIR")
	if dir == "" {
		t.Skip()
	}
	s, _ := strconv.Atoi(os.Getenv("ZZS"))
	if err := Write(dir, Files(s, 10, 5)); err != nil {
		t.Fatal(err)
	}
}
