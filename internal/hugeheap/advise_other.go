//go:build !linux

package hugeheap

// Advise does nothing outside Linux, whose huge pages for anonymous
// memory are what it asks for, and reports false.
func Advise(size int) bool { return false }
