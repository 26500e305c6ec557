package bincodec

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

type inner struct {
	Name  string
	Flag  *bool
	Count *int
	When  time.Time
}

type sample struct {
	A     int
	B     uint16
	F     float64
	S     string
	P     *inner
	L     []*inner
	Empty []string
	Nil   []string
	M     map[string]inner
	NilM  map[string]bool
	Arr   [3]byte
	Rec   *sample
	Dur   time.Duration
	Bytes []byte
}

// The values the cache must keep apart come back apart: a pointer to
// false and a nil pointer, an empty slice and a nil one.
func TestRoundTripKeepsZeroPointersAndEmptySlices(t *testing.T) {
	f, zero := false, 0
	in := &sample{A: -5, B: 7, F: 1.5, S: "O'Brien ’ $(x)", P: &inner{Name: "x", Flag: &f, Count: &zero},
		L: []*inner{nil, {Name: "y"}}, Empty: []string{}, M: map[string]inner{"k": {When: time.Date(2026, 12, 3, 7, 0, 0, 5, time.UTC)}},
		Arr: [3]byte{1, 2, 3}, Rec: &sample{S: "inner"}, Dur: time.Hour, Bytes: []byte{}}
	b, err := Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out sample
	if err := Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, &out) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", out, *in)
	}
	if out.P.Flag == nil || out.Empty == nil || out.Nil != nil || out.NilM != nil {
		t.Fatal("a pointer to false or an empty slice came back as nil, or nil as empty")
	}
}

// Random values of the sample's shape survive the round trip.
func TestRoundTripProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		in := randomSample(r, 3)
		b, err := Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		var out sample
		if err := Unmarshal(b, &out); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if !reflect.DeepEqual(in, &out) {
			t.Fatalf("case %d:\n got %+v\nwant %+v", i, out, *in)
		}
	}
}

func randomSample(r *rand.Rand, depth int) *sample {
	s := &sample{A: r.IntN(1<<20) - 1<<19, B: uint16(r.UintN(1 << 16)), F: r.Float64(), S: randomString(r), Dur: time.Duration(r.Int64())}
	if r.IntN(2) == 0 {
		b := r.IntN(2) == 0
		n := r.IntN(3)
		s.P = &inner{Name: randomString(r), Flag: &b, Count: &n, When: time.Unix(r.Int64N(1<<40), r.Int64N(1e9)).UTC()}
	}
	switch r.IntN(3) {
	case 1:
		s.Empty = []string{}
	case 2:
		s.Empty = []string{randomString(r), randomString(r)}
	}
	if r.IntN(2) == 0 {
		s.M = map[string]inner{}
		for range r.IntN(4) {
			s.M[randomString(r)] = inner{Name: randomString(r)}
		}
	}
	if depth > 0 && r.IntN(2) == 0 {
		s.Rec = randomSample(r, depth-1)
	}
	return s
}

func randomString(r *rand.Rand) string {
	runes := []rune("ab'’\"$() \\\x00é")
	b := make([]rune, r.IntN(6))
	for i := range b {
		b[i] = runes[r.IntN(len(runes))]
	}
	return string(b)
}

// What cannot be kept whole is refused at once.
func TestRefusesWhatItWouldLose(t *testing.T) {
	type hidden struct{ secret int }
	type iface struct{ V any }
	for _, v := range []any{&hidden{}, &iface{}} {
		if _, err := Marshal(v); err == nil {
			t.Errorf("%T encoded", v)
		}
	}
}

// Damaged encodings give an error, never a panic or a huge allocation.
func FuzzUnmarshal(f *testing.F) {
	good, _ := Marshal(randomSample(rand.New(rand.NewPCG(3, 4)), 2))
	f.Add(good)
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, b []byte) {
		var s sample
		_ = Unmarshal(b, &s)
	})
}

// The fingerprint changes with the shape.
func TestFingerprintFollowsTheShape(t *testing.T) {
	type v1 struct{ A int }
	type v2 struct{ A string }
	type v3 struct{ B int }
	if Fingerprint(v1{}) == Fingerprint(v2{}) || Fingerprint(v1{}) == Fingerprint(v3{}) || Fingerprint(sample{}) != Fingerprint(sample{}) {
		t.Fatal("fingerprints do not follow the shape")
	}
}
