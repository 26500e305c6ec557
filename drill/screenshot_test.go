package drill

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/exdr/exdr/org"
)

// The HTML report is opened in headless Chromium and its screenshot must
// show the timeline: bars in the reversible and irreversible colours and
// the red RTO line. Without Chromium (Debian's chromium package) the test
// says so and skips.
func TestHTMLTimelineScreenshot(t *testing.T) {
	r := sample()
	r.judge()
	img := screenshot(t, r)
	want := map[[3]uint8]string{{0x82, 0xb3, 0x66}: "reversible bar", {0xd6, 0xb6, 0x56}: "irreversible bar", {0xd3, 0x2f, 0x2f}: "RTO line"}
	seen := map[[3]uint8]bool{}
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			seen[rgb(img, x, y)] = true
		}
	}
	for c, what := range want {
		if !seen[c] {
			t.Errorf("the screenshot shows no %s (#%02x%02x%02x)", what, c[0], c[1], c[2])
		}
	}
}

// A recovery of two minutes against an objective of four hours: the
// bars still span most of the timeline, and the objective is still
// drawn (past the axis break).
func TestHTMLTimelineScreenshotShortRecovery(t *testing.T) {
	r := sample()
	r.Objectives.RTO = org.Duration(4 * time.Hour)
	r.EstimatedRTO = 2 * time.Minute
	r.Steps[0].Estimate, r.Steps[1].EstStart, r.Steps[1].Estimate = 110*time.Second, 110*time.Second, 10*time.Second
	r.judge()
	img := screenshot(t, r)
	reversible, red := [3]uint8{0x82, 0xb3, 0x66}, [3]uint8{0xd3, 0x2f, 0x2f}
	widest, sawRed := 0, false
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		run := 0
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			c := rgb(img, x, y)
			sawRed = sawRed || c == red
			if c == reversible {
				run++
				widest = max(widest, run)
			} else {
				run = 0
			}
		}
	}
	if widest < 300 {
		t.Errorf("the longest bar is %d pixels wide: a short recovery must fill its own scale, not shrink against a long objective", widest)
	}
	if !sawRed {
		t.Error("the screenshot shows no RTO mark")
	}
}

func rgb(img image.Image, x, y int) [3]uint8 {
	r, g, b, _ := img.At(x, y).RGBA()
	return [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8)}
}

// screenshot renders the report's HTML in headless Chromium, or skips.
func screenshot(t *testing.T, r *Report) image.Image {
	t.Helper()
	var browser string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			browser = p
			break
		}
	}
	if browser == "" {
		t.Skip("no Chromium on PATH (apt-get install chromium): the HTML report's screenshot is not checked")
	}
	dir := t.TempDir()
	var page bytes.Buffer
	if err := WriteHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	html, shot := filepath.Join(dir, "report.html"), filepath.Join(dir, "shot.png")
	if err := os.WriteFile(html, page.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	// A profile of its own and no background networking (this machine's
	// network is closed): without them Chromium has crashed under load.
	// A crash by signal is tried once more; a screenshot that comes out
	// wrong is never retried.
	var out []byte
	var err error
	for try := 0; try < 2; try++ {
		out, err = exec.Command(browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir="+filepath.Join(dir, fmt.Sprintf("profile%d", try)),
			"--window-size=1100,900", "--screenshot="+shot, "file://"+html).CombinedOutput()
		var exit *exec.ExitError
		if err == nil || !errors.As(err, &exit) || exit.ExitCode() != -1 {
			break
		}
	}
	if err != nil {
		t.Fatalf("%s: %v\n%s", browser, err, out)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}
