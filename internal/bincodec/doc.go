// Package bincodec is a compact binary encoding of plain Go data, for
// exdr's cache of loaded configurations: unlike encoding/gob it keeps a
// pointer to a zero value apart from a nil one, and a nil slice or map
// apart from an empty one (the configuration's "set to false" against
// "not set"), and unlike encoding/json it decodes a 10,000-database
// organization in a fraction of the time its parse takes. Strings are
// written once and referred to by number.
//
// Imports (exdr): none.
package bincodec
