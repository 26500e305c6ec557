package bincodec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"reflect"
	"strings"
	"sync"
	"time"
)

// Marshal encodes v, a pointer to a value of plain data: exported struct
// fields, pointers, slices, arrays, maps, strings, numbers, booleans and
// time.Time. Interfaces, channels, functions and unexported fields are
// refused, so nothing can be silently lost.
func Marshal(v any) ([]byte, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return nil, errors.New("bincodec: Marshal needs a non-nil pointer")
	}
	c, err := codecFor(rv.Elem().Type())
	if err != nil {
		return nil, err
	}
	e := &encoder{strings: map[string]uint64{}}
	c.enc(e, rv.Elem())
	// The string table first, so that the decoder has every string before
	// the values that name them.
	out := binary.AppendUvarint(nil, uint64(len(e.table)))
	for _, s := range e.table {
		out = binary.AppendUvarint(out, uint64(len(s)))
		out = append(out, s...)
	}
	return append(out, e.buf...), nil
}

// Unmarshal decodes what Marshal wrote into v, a pointer to the same type.
// Bytes that are not such an encoding give an error, never a panic.
func Unmarshal(b []byte, v any) (err error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return errors.New("bincodec: Unmarshal needs a non-nil pointer")
	}
	c, err := codecFor(rv.Elem().Type())
	if err != nil {
		return err
	}
	d := &decoder{buf: b}
	defer func() {
		if r := recover(); r != nil {
			if de, ok := r.(decodeError); ok {
				err = de
				return
			}
			panic(r)
		}
	}()
	n := d.uvarint()
	if n > uint64(len(b)) {
		d.fail("string table too long")
	}
	d.table = make([]string, n)
	for i := range d.table {
		l := d.uvarint()
		d.table[i] = string(d.bytes(l))
	}
	c.dec(d, rv.Elem())
	if len(d.buf) != 0 {
		d.fail("trailing bytes")
	}
	return nil
}

// Fingerprint names the shape of T's type graph (every field's name and
// kind, recursively): an encoding made for another shape is another
// fingerprint's, and is never decoded into this one.
func Fingerprint(v any) string {
	h := fnv.New64a()
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		fmt.Fprintf(h, "%s/%s(", t.String(), t.Kind())
		if seen[t] {
			fmt.Fprint(h, "...)")
			return
		}
		seen[t] = true
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			walk(t.Elem())
		case reflect.Map:
			walk(t.Key())
			walk(t.Elem())
		case reflect.Struct:
			if t != timeType {
				for i := range t.NumField() {
					fmt.Fprint(h, t.Field(i).Name, ":")
					walk(t.Field(i).Type)
				}
			}
		}
		fmt.Fprint(h, ")")
	}
	walk(reflect.TypeOf(v))
	return fmt.Sprintf("%016x", h.Sum64())
}

type encoder struct {
	buf     []byte
	strings map[string]uint64
	table   []string
}

func (e *encoder) uvarint(n uint64) { e.buf = binary.AppendUvarint(e.buf, n) }

func (e *encoder) str(s string) {
	i, ok := e.strings[s]
	if !ok {
		i = uint64(len(e.table))
		e.strings[s] = i
		e.table = append(e.table, s)
	}
	e.uvarint(i)
}

type decoder struct {
	buf   []byte
	table []string
}

type decodeError struct{ msg string }

func (e decodeError) Error() string { return "bincodec: damaged encoding: " + e.msg }

func (d *decoder) fail(msg string) { panic(decodeError{msg}) }

func (d *decoder) uvarint() uint64 {
	n, k := binary.Uvarint(d.buf)
	if k <= 0 {
		d.fail("bad varint")
	}
	d.buf = d.buf[k:]
	return n
}

func (d *decoder) varint() int64 {
	n, k := binary.Varint(d.buf)
	if k <= 0 {
		d.fail("bad varint")
	}
	d.buf = d.buf[k:]
	return n
}

func (d *decoder) bytes(n uint64) []byte {
	if n > uint64(len(d.buf)) {
		d.fail("short")
	}
	b := d.buf[:n]
	d.buf = d.buf[n:]
	return b
}

// length reads a slice's or map's length, each element taking at least
// one byte: a damaged length cannot make a huge allocation.
func (d *decoder) length() (int, bool) {
	n := d.uvarint()
	if n == 0 {
		return 0, false // nil
	}
	if n-1 > uint64(len(d.buf)) {
		d.fail("length beyond the data")
	}
	return int(n - 1), true
}

type codec struct {
	enc func(*encoder, reflect.Value)
	dec func(*decoder, reflect.Value)
}

var (
	codecs   sync.Map // reflect.Type → *codec
	timeType = reflect.TypeOf(time.Time{})
)

func codecFor(t reflect.Type) (*codec, error) {
	if c, ok := codecs.Load(t); ok {
		return c.(*codec), nil
	}
	c, err := build(t, map[reflect.Type]*codec{})
	if err != nil {
		return nil, err
	}
	codecs.Store(t, c)
	return c, nil
}

// build makes t's codec; building holds the codecs under construction, so
// that a recursive type refers to itself.
func build(t reflect.Type, building map[reflect.Type]*codec) (*codec, error) {
	if c, ok := building[t]; ok {
		return c, nil
	}
	c := &codec{}
	building[t] = c
	if t == timeType {
		c.enc = func(e *encoder, v reflect.Value) {
			b, _ := v.Interface().(time.Time).MarshalBinary()
			e.uvarint(uint64(len(b)))
			e.buf = append(e.buf, b...)
		}
		c.dec = func(d *decoder, v reflect.Value) {
			var tm time.Time
			if err := tm.UnmarshalBinary(d.bytes(d.uvarint())); err != nil {
				d.fail(err.Error())
			}
			v.Set(reflect.ValueOf(tm))
		}
		return c, nil
	}
	switch t.Kind() {
	case reflect.Bool:
		c.enc = func(e *encoder, v reflect.Value) {
			b := byte(0)
			if v.Bool() {
				b = 1
			}
			e.buf = append(e.buf, b)
		}
		c.dec = func(d *decoder, v reflect.Value) { v.SetBool(d.bytes(1)[0] != 0) }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		c.enc = func(e *encoder, v reflect.Value) { e.buf = binary.AppendVarint(e.buf, v.Int()) }
		c.dec = func(d *decoder, v reflect.Value) { v.SetInt(d.varint()) }
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		c.enc = func(e *encoder, v reflect.Value) { e.uvarint(v.Uint()) }
		c.dec = func(d *decoder, v reflect.Value) { v.SetUint(d.uvarint()) }
	case reflect.Float32, reflect.Float64:
		c.enc = func(e *encoder, v reflect.Value) {
			e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(v.Float()))
		}
		c.dec = func(d *decoder, v reflect.Value) {
			v.SetFloat(math.Float64frombits(binary.LittleEndian.Uint64(d.bytes(8))))
		}
	case reflect.String:
		c.enc = func(e *encoder, v reflect.Value) { e.str(v.String()) }
		c.dec = func(d *decoder, v reflect.Value) {
			i := d.uvarint()
			if i >= uint64(len(d.table)) {
				d.fail("string index")
			}
			v.SetString(d.table[i])
		}
	case reflect.Pointer:
		elem, err := build(t.Elem(), building)
		if err != nil {
			return nil, err
		}
		c.enc = func(e *encoder, v reflect.Value) {
			if v.IsNil() {
				e.buf = append(e.buf, 0)
				return
			}
			e.buf = append(e.buf, 1)
			elem.enc(e, v.Elem())
		}
		c.dec = func(d *decoder, v reflect.Value) {
			if d.bytes(1)[0] == 0 {
				return
			}
			p := reflect.New(t.Elem())
			elem.dec(d, p.Elem())
			v.Set(p)
		}
	case reflect.Slice:
		elem, err := build(t.Elem(), building)
		if err != nil {
			return nil, err
		}
		c.enc = func(e *encoder, v reflect.Value) {
			if v.IsNil() {
				e.uvarint(0)
				return
			}
			e.uvarint(uint64(v.Len()) + 1)
			for i := range v.Len() {
				elem.enc(e, v.Index(i))
			}
		}
		c.dec = func(d *decoder, v reflect.Value) {
			n, ok := d.length()
			if !ok {
				return
			}
			s := reflect.MakeSlice(t, n, n)
			for i := range n {
				elem.dec(d, s.Index(i))
			}
			v.Set(s)
		}
	case reflect.Array:
		elem, err := build(t.Elem(), building)
		if err != nil {
			return nil, err
		}
		c.enc = func(e *encoder, v reflect.Value) {
			for i := range v.Len() {
				elem.enc(e, v.Index(i))
			}
		}
		c.dec = func(d *decoder, v reflect.Value) {
			for i := range v.Len() {
				elem.dec(d, v.Index(i))
			}
		}
	case reflect.Map:
		key, err := build(t.Key(), building)
		if err != nil {
			return nil, err
		}
		elem, err := build(t.Elem(), building)
		if err != nil {
			return nil, err
		}
		c.enc = func(e *encoder, v reflect.Value) {
			if v.IsNil() {
				e.uvarint(0)
				return
			}
			e.uvarint(uint64(v.Len()) + 1)
			it := v.MapRange()
			for it.Next() {
				key.enc(e, it.Key())
				elem.enc(e, it.Value())
			}
		}
		c.dec = func(d *decoder, v reflect.Value) {
			n, ok := d.length()
			if !ok {
				return
			}
			m := reflect.MakeMapWithSize(t, n)
			k, x := reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
			for range n {
				k.SetZero()
				x.SetZero()
				key.dec(d, k)
				elem.dec(d, x)
				m.SetMapIndex(k, x)
			}
			v.Set(m)
		}
	case reflect.Struct:
		type field struct {
			index int
			c     *codec
		}
		var fields []field
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				return nil, fmt.Errorf("bincodec: %s.%s is unexported: it would be lost", t, f.Name)
			}
			fc, err := build(f.Type, building)
			if err != nil {
				return nil, err
			}
			fields = append(fields, field{i, fc})
		}
		c.enc = func(e *encoder, v reflect.Value) {
			for _, f := range fields {
				f.c.enc(e, v.Field(f.index))
			}
		}
		c.dec = func(d *decoder, v reflect.Value) {
			for _, f := range fields {
				f.c.dec(d, v.Field(f.index))
			}
		}
	default:
		return nil, fmt.Errorf("bincodec: %s (%s) cannot be encoded: %s", t, t.Kind(), strings.ToLower(t.Kind().String()))
	}
	return c, nil
}
