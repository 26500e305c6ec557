// Package hclcodec writes a parsed HCL native-syntax body (hclsyntax.Body)
// to bytes and reads it back, so that exdr's configuration cache can keep
// each file's parse and skip hclsyntax.ParseConfig for a file that has not
// changed: decoding is several times cheaper than parsing, whose lexer
// counts columns by grapheme cluster.
//
// The encoding is exact: Decode(Encode(body)) is equal to the body as
// parsed, every range, value and traversal included, so that evaluation
// and its diagnostics cannot tell a decoded file from a parsed one. A tree
// the encoding cannot hold exactly (a node the parser only makes for
// syntax errors, a range in another file, a value a literal cannot have)
// is refused by Encode, and the caller parses that file every time.
//
// Decode reads bytes it did not necessarily write: it refuses anything
// malformed with an error and never panics, so a damaged cache costs a
// parse and nothing else. It also refuses the node shapes the parser
// never makes and hcl's evaluation panics on, so that a hand-made cache
// (one whose checksum was made to match) cannot crash exdr either; it can
// still say something else than the files, as any cache its owner
// rewrites can.
//
// Imports (exdr): none.
package hclcodec
