package clixml

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Kind is what a Value holds.
type Kind int

const (
	Nil Kind = iota
	String
	Int // I32, I64, U32, U64, I16, U16, By, SB
	Bool
	Double // Db, Sg, D
	Time   // DT
	Duration
	Guid
	Bytes
	Object
)

// Value is one decoded value.
type Value struct {
	Kind Kind
	Str  string // String, Guid; a decimal's text
	Int  int64
	// Uint is an unsigned integer's exact value (U16, U32, U64, By);
	// Int then holds it too, at most 2^63-1: a U64 above that (an
	// unlimited size's byte count) is the ceiling there.
	Uint  uint64
	Bool  bool
	Float float64
	Time  time.Time
	Dur   time.Duration
	Bytes []byte
	Obj   *Obj
}

// Obj is a PowerShell object: its type names, most derived first, as
// serialized (deserialized ones start with "Deserialized."), what
// ToString() gave, its adapted properties (Props) and extended ones (MS),
// and, for collections and enums, its items, entries or underlying value.
type Obj struct {
	TypeNames []string
	ToString  string
	Props     map[string]Value
	Members   map[string]Value
	Items     []Value    // LST, IE, STK, QUE
	Entries   [][2]Value // DCT: key, value
	Inner     *Value     // an enum's or a wrapped primitive's value
	order     []string   // property names in document order
	refID     string
}

// Is reports whether the object has the type name, with or without the
// "Deserialized." prefix.
func (o *Obj) Is(name string) bool {
	for _, t := range o.TypeNames {
		if strings.EqualFold(strings.TrimPrefix(t, "Deserialized."), name) {
			return true
		}
	}
	return false
}

// Prop returns a property, adapted or extended, or a Nil value.
func (o *Obj) Prop(name string) Value {
	if o == nil {
		return Value{}
	}
	if v, ok := o.Props[name]; ok {
		return v
	}
	if v, ok := o.Members[name]; ok {
		return v
	}
	return Value{}
}

// Names are the adapted property names, in document order.
func (o *Obj) Names() []string { return o.order }

// Prop returns a property of an object value, or Nil.
func (v Value) Prop(name string) Value {
	if v.Kind != Object {
		return Value{}
	}
	return v.Obj.Prop(name)
}

// Text is the value as PowerShell would print it: strings as they are,
// objects by their ToString.
func (v Value) Text() string {
	switch v.Kind {
	case String, Guid:
		return v.Str
	case Int:
		return strconv.FormatInt(v.Int, 10)
	case Bool:
		if v.Bool {
			return "True"
		}
		return "False"
	case Double:
		return strconv.FormatFloat(v.Float, 'g', -1, 64)
	case Time:
		return v.Time.Format(time.RFC3339Nano)
	case Duration:
		return v.Dur.String()
	case Object:
		// A primitive wrapped in an object with note properties (what
		// Invoke-Command returns: a string carrying PSComputerName and
		// RunspaceId) has no ToString of its own: its value is Inner.
		if v.Obj.ToString == "" && v.Obj.Inner != nil {
			return v.Obj.Inner.Text()
		}
		return v.Obj.ToString
	}
	return ""
}

// maxDepth bounds nesting, so that a hostile document cannot exhaust the
// stack.
const maxDepth = 64

// Decode reads a CliXML document and returns its top-level objects.
//
// The document may be UTF-16LE or UTF-16BE with a byte-order mark
// (Export-Clixml's default, Unicode), or UTF-8 with or without one.
func Decode(r io.Reader) ([]Value, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	text, err := toUTF8(raw)
	if err != nil {
		return nil, err
	}
	d := &decoder{x: xml.NewDecoder(strings.NewReader(text)), objs: map[string]*Obj{}, types: map[string][]string{}}
	d.x.Strict = true
	// The text is UTF-8 by now, whatever its declaration says.
	d.x.CharsetReader = func(label string, input io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "utf-16", "utf-16le", "utf-16be", "unicode", "utf-8":
			return input, nil
		}
		return nil, fmt.Errorf("clixml: encoding %q is not one Export-Clixml writes", label)
	}
	for {
		tok, err := d.x.Token()
		if err == io.EOF {
			return nil, errors.New("clixml: no <Objs> element")
		}
		if err != nil {
			return nil, d.wrap(err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Local != "Objs" {
				return nil, d.errorf("the document is <%s>, not <Objs>", se.Name.Local)
			}
			vals, err := d.children(0)
			if err != nil {
				return nil, err
			}
			out := make([]Value, 0, len(vals))
			for _, nv := range vals {
				out = append(out, nv.v)
			}
			return out, d.rest()
		}
	}
}

type decoder struct {
	x     *xml.Decoder
	objs  map[string]*Obj     // by RefId
	types map[string][]string // TN by RefId
}

type named struct {
	name string
	v    Value
}

func (d *decoder) errorf(format string, args ...any) error {
	line, col := d.x.InputPos()
	return fmt.Errorf("clixml: line %d, column %d: %s", line, col, fmt.Sprintf(format, args...))
}

func (d *decoder) wrap(err error) error {
	line, col := d.x.InputPos()
	return fmt.Errorf("clixml: line %d, column %d: %w", line, col, err)
}

// rest checks that nothing but whitespace and comments follows </Objs>.
func (d *decoder) rest() error {
	for {
		tok, err := d.x.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return d.wrap(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return d.errorf("<%s> after </Objs>", t.Name.Local)
		case xml.CharData:
			if strings.TrimSpace(string(t)) != "" {
				return d.errorf("text after </Objs>")
			}
		}
	}
}

// children decodes the value elements inside the current element up to
// its end tag.
func (d *decoder) children(depth int) ([]named, error) {
	if depth > maxDepth {
		return nil, d.errorf("objects nested more than %d deep", maxDepth)
	}
	var out []named
	for {
		tok, err := d.x.Token()
		if err != nil {
			if err == io.EOF {
				return nil, d.errorf("the document ends inside an element")
			}
			return nil, d.wrap(err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return out, nil
		case xml.StartElement:
			v, err := d.value(t, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, named{attr(t, "N"), v})
		case xml.CharData:
			if strings.TrimSpace(string(t)) != "" {
				return nil, d.errorf("unexpected text %q", truncate(string(t)))
			}
		}
	}
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func truncate(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// text reads an element's character data up to its end tag.
func (d *decoder) text() (string, error) {
	var b strings.Builder
	for {
		tok, err := d.x.Token()
		if err != nil {
			if err == io.EOF {
				return "", d.errorf("the document ends inside an element")
			}
			return "", d.wrap(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			b.Write(t)
		case xml.EndElement:
			return b.String(), nil
		case xml.StartElement:
			return "", d.errorf("<%s> inside a value that holds text", t.Name.Local)
		}
	}
}

// value decodes one value element whose start tag was just read.
func (d *decoder) value(se xml.StartElement, depth int) (Value, error) {
	tag := se.Name.Local
	switch tag {
	case "Obj":
		o, err := d.object(se, depth)
		if err != nil {
			return Value{}, err
		}
		return Value{Kind: Object, Obj: o}, nil
	case "Ref":
		id := attr(se, "RefId")
		o, ok := d.objs[id]
		if !ok {
			return Value{}, d.errorf("<Ref RefId=%q> names no earlier object", id)
		}
		if err := d.x.Skip(); err != nil {
			return Value{}, d.wrap(err)
		}
		return Value{Kind: Object, Obj: o}, nil
	case "Nil":
		if err := d.x.Skip(); err != nil {
			return Value{}, d.wrap(err)
		}
		return Value{}, nil
	}
	s, err := d.text()
	if err != nil {
		return Value{}, err
	}
	return d.primitive(tag, s)
}

// object decodes an <Obj>: its type names (TN, or TNRef to earlier ones),
// ToString, Props, MS, and a collection or dictionary or inner value.
func (d *decoder) object(se xml.StartElement, depth int) (*Obj, error) {
	if depth > maxDepth {
		return nil, d.errorf("objects nested more than %d deep", maxDepth)
	}
	o := &Obj{Props: map[string]Value{}, Members: map[string]Value{}, refID: attr(se, "RefId")}
	if o.refID != "" {
		if _, dup := d.objs[o.refID]; dup {
			return nil, d.errorf("two objects with RefId %q", o.refID)
		}
		d.objs[o.refID] = o // before the children: they may refer back to it
	}
	for {
		tok, err := d.x.Token()
		if err != nil {
			if err == io.EOF {
				return nil, d.errorf("the document ends inside <Obj>")
			}
			return nil, d.wrap(err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return o, nil
		case xml.CharData:
			if strings.TrimSpace(string(t)) != "" {
				return nil, d.errorf("unexpected text %q in <Obj>", truncate(string(t)))
			}
		case xml.StartElement:
			if err := d.objectPart(o, t, depth); err != nil {
				return nil, err
			}
		}
	}
}

func (d *decoder) objectPart(o *Obj, t xml.StartElement, depth int) error {
	switch t.Name.Local {
	case "TN":
		names, err := d.typeNames()
		if err != nil {
			return err
		}
		o.TypeNames = names
		if id := attr(t, "RefId"); id != "" {
			d.types[id] = names
		}
	case "TNRef":
		id := attr(t, "RefId")
		names, ok := d.types[id]
		if !ok {
			return d.errorf("<TNRef RefId=%q> names no earlier type list", id)
		}
		o.TypeNames = names
		return d.skip()
	case "ToString":
		s, err := d.text()
		if err != nil {
			return err
		}
		o.ToString = unescape(s)
	case "Props", "MS":
		kids, err := d.children(depth)
		if err != nil {
			return err
		}
		into := o.Props
		if t.Name.Local == "MS" {
			into = o.Members
		}
		for _, k := range kids {
			if k.name == "" {
				return d.errorf("a property without a name (N) in <%s>", t.Name.Local)
			}
			if t.Name.Local == "Props" {
				if _, dup := into[k.name]; !dup {
					o.order = append(o.order, k.name)
				}
			}
			into[k.name] = k.v
		}
	case "LST", "IE", "STK", "QUE":
		kids, err := d.children(depth)
		if err != nil {
			return err
		}
		for _, k := range kids {
			o.Items = append(o.Items, k.v)
		}
	case "DCT":
		return d.dictionary(o, depth)
	default:
		v, err := d.value(t, depth+1)
		if err != nil {
			return err
		}
		o.Inner = &v
	}
	return nil
}

func (d *decoder) skip() error {
	if err := d.x.Skip(); err != nil {
		return d.wrap(err)
	}
	return nil
}

func (d *decoder) typeNames() ([]string, error) {
	var names []string
	for {
		tok, err := d.x.Token()
		if err != nil {
			if err == io.EOF {
				return nil, d.errorf("the document ends inside <TN>")
			}
			return nil, d.wrap(err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return names, nil
		case xml.StartElement:
			if t.Name.Local != "T" {
				return nil, d.errorf("<%s> in <TN>, where only <T> belongs", t.Name.Local)
			}
			s, err := d.text()
			if err != nil {
				return nil, err
			}
			names = append(names, unescape(s))
		}
	}
}

// dictionary reads <DCT>: <En> entries, each a Key and a Value.
func (d *decoder) dictionary(o *Obj, depth int) error {
	for {
		tok, err := d.x.Token()
		if err != nil {
			if err == io.EOF {
				return d.errorf("the document ends inside <DCT>")
			}
			return d.wrap(err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			if t.Name.Local != "En" {
				return d.errorf("<%s> in <DCT>, where only <En> belongs", t.Name.Local)
			}
			kids, err := d.children(depth)
			if err != nil {
				return err
			}
			var e [2]Value
			var got [2]bool
			for _, k := range kids {
				switch k.name {
				case "Key":
					e[0], got[0] = k.v, true
				case "Value":
					e[1], got[1] = k.v, true
				}
			}
			if !got[0] {
				return d.errorf("a dictionary entry without a Key")
			}
			o.Entries = append(o.Entries, e)
		}
	}
}
