package org

import (
	"strconv"
	"strings"
)

// Address names a resource in the configuration: mailbox_database.DB1, or
// mailbox.users["alice"] for one instance of a block with for_each.
type Address struct {
	Kind Kind
	Name string // the block label
	Key  string // the for_each key; empty when the block has no for_each
	// Keyed is true for an instance of a for_each block, so that the key ""
	// can be told apart from no key at all.
	Keyed bool
}

func (a Address) String() string {
	// One concatenation, one allocation: the planner asks for addresses
	// a hundred thousand times a plan at 10,000 databases, and a
	// builder grown piece by piece allocated two or three times each.
	if !a.Keyed {
		return a.Kind.String() + "." + a.Name
	}
	return a.Kind.String() + "." + a.Name + "[" + strconv.Quote(a.Key) + "]"
}

// Block is the address of the block an instance came from, without its key.
func (a Address) Block() Address {
	return Address{Kind: a.Kind, Name: a.Name}
}

// Less orders addresses by kind, then name, then key, which is the order
// every rendering uses.
func (a Address) Less(b Address) bool {
	if a.Kind != b.Kind {
		return a.Kind < b.Kind
	}
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	if a.Keyed != b.Keyed {
		return !a.Keyed
	}
	return a.Key < b.Key
}

// Compare is Less as a three-way comparison, for slices.SortFunc.
func (a Address) Compare(b Address) int {
	switch {
	case a == b:
		return 0
	case a.Less(b):
		return -1
	}
	return 1
}

// Identity is an Exchange identity as the Management Shell spells it:
// MBX01, MBX01\SG1, MBX01\SG1\DB1. Exchange compares identities without
// regard to case.
type Identity string

// Join appends a child name: Identity("MBX01").Join("SG1") is MBX01\SG1.
func (id Identity) Join(name string) Identity {
	return id + `\` + Identity(name)
}

// Parts splits the identity at its backslashes.
func (id Identity) Parts() []string {
	return strings.Split(string(id), `\`)
}

// Key folds case so that two identities Exchange would treat as the same
// compare equal as map keys.
func (id Identity) Key() string {
	return strings.ToLower(string(id))
}

// SameFolder reports whether two Windows paths name one folder: case and
// a trailing backslash aside.
func SameFolder(a, b string) bool {
	return strings.EqualFold(strings.TrimRight(a, `\`), strings.TrimRight(b, `\`))
}
