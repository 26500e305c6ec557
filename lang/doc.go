// Package lang turns a directory of *.exdr.hcl files into an org.Org: it
// parses the files, resolves variables, locals and references between
// blocks, expands for_each, evaluates functions, checks the result against
// Exchange 2007's rules and formats files in the canonical style.
//
// Every problem with a configuration comes back as hcl.Diagnostics with the
// source range it concerns, never as a flattened error string, so the CLI
// can print it with its snippet.
//
// A load can be kept (Options.Cache, cache.go): a configuration loaded
// again with the same inputs is decoded from the cache instead of parsed
// and evaluated; every input is in the key, and every file read on the
// way is read again before the entry is used. Below it, the syntax cache
// (syntaxcache.go) keeps each file's parse tree by name and content, so
// that a load after an edit parses the edited files alone.
//
// lang must never import planner, executor or providers.
//
// Imports (exdr): internal/atomicfile, internal/bincodec, internal/connstr, internal/hclcodec, internal/redact, org.
package lang
