package cmdlets

import (
	"fmt"
	"strings"
)

// Command is one invocation of a cmdlet found in a script: its name and
// its arguments as written, in order.
type Command struct {
	Name string
	Args []Arg
	// Piped is set when the command takes a pipeline's input (it follows
	// a | in the same statement).
	Piped bool
	Line  int
}

// Arg is a parameter name (-Name, or -Name:value) or a value.
type Arg struct {
	Param string // without its dash; empty for a value
	// Colon is set for -Name:value, whose value is Value.
	Colon bool
	Value string
}

func (a Arg) isValue() bool { return a.Param == "" }

// Commands finds every command a script runs, at any depth (inside
// script blocks, subexpressions and parentheses): a word in command
// position (a statement's start, or after |, =, ( or {) names one. It
// reads the subset of PowerShell exdr writes: single- and double-quoted
// strings, variables, groups, comments, the call operator.
func Commands(script string) ([]Command, error) {
	toks, err := lex(script)
	if err != nil {
		return nil, err
	}
	var out []Command
	walk(toks, &out)
	return out, nil
}

type tokKind int

const (
	tWord tokKind = iota
	tParam
	tString
	tVariable
	tGroup // ( ), { }, @( ), $( ), @{ }, [ ]: Inner holds its tokens
	tPipe
	tEnd // ; or a newline
	tComma
	tAssign
	tOther // an operator or a number's sign, the call operator
)

type token struct {
	kind  tokKind
	text  string
	colon bool // a parameter written -Name:
	inner []token
	line  int
}

// lex splits a script into tokens, groups nested.
func lex(s string) ([]token, error) {
	l := &lexer{src: s, line: 1}
	toks, closer, err := l.until(0)
	if err != nil {
		return nil, err
	}
	if closer != 0 {
		return nil, fmt.Errorf("line %d: %q closes nothing", l.line, closer)
	}
	return toks, nil
}

type lexer struct {
	src  string
	pos  int
	line int
}

const special = "(){}[];|,'\"=\n\r\t #`"

// until reads tokens until the byte that closes the group (0: the end).
// Long on purpose: a lexer's one switch over the next byte.
func (l *lexer) until(close byte) ([]token, byte, error) {
	var toks []token
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		start := l.line
		switch {
		case c == '\n':
			l.line++
			l.pos++
			toks = append(toks, token{kind: tEnd, text: "\n", line: start})
		case c == ' ' || c == '\t' || c == '\r':
			l.pos++
		case c == '`' && l.pos+1 < len(l.src) && (l.src[l.pos+1] == '\n' || l.src[l.pos+1] == '\r'):
			// A line continued.
			l.pos++
			for l.pos < len(l.src) && (l.src[l.pos] == '\r' || l.src[l.pos] == '\n') {
				if l.src[l.pos] == '\n' {
					l.line++
				}
				l.pos++
			}
		case c == '#':
			for l.pos < len(l.src) && l.src[l.pos] != '\n' {
				l.pos++
			}
		case c == ')' || c == '}' || c == ']':
			l.pos++
			if c != close {
				return nil, 0, fmt.Errorf("line %d: %q where %q was expected", start, c, closeName(close))
			}
			return toks, c, nil
		case c == '(' || c == '{' || c == '[' ||
			(c == '@' || c == '$') && l.pos+1 < len(l.src) && (l.src[l.pos+1] == '(' || l.src[l.pos+1] == '{'):
			open := c
			if c == '@' || c == '$' {
				l.pos++
				open = l.src[l.pos]
			}
			l.pos++
			want := map[byte]byte{'(': ')', '{': '}', '[': ']'}[open]
			inner, got, err := l.until(want)
			if err != nil {
				return nil, 0, err
			}
			if got != want {
				return nil, 0, fmt.Errorf("line %d: %q is never closed", start, open)
			}
			toks = append(toks, token{kind: tGroup, text: string(open), inner: inner, line: start})
		case c == ';':
			l.pos++
			toks = append(toks, token{kind: tEnd, text: ";", line: start})
		case c == '|':
			l.pos++
			toks = append(toks, token{kind: tPipe, text: "|", line: start})
		case c == ',':
			l.pos++
			toks = append(toks, token{kind: tComma, text: ",", line: start})
		case l.quoteAt(l.pos) > 0:
			text, err := l.single()
			if err != nil {
				return nil, 0, err
			}
			toks = append(toks, token{kind: tString, text: text, line: start})
		case c == '"':
			text, inner, err := l.double()
			if err != nil {
				return nil, 0, err
			}
			toks = append(toks, token{kind: tString, text: text, inner: inner, line: start})
		case c == '=' || (c == '+' || c == '-') && l.pos+1 < len(l.src) && l.src[l.pos+1] == '=':
			for l.pos < len(l.src) && l.src[l.pos] != '=' {
				l.pos++
			}
			l.pos++
			toks = append(toks, token{kind: tAssign, text: "=", line: start})
		case c == '$':
			toks = append(toks, token{kind: tVariable, text: l.word(), line: start})
		case c == '-' && l.pos+1 < len(l.src) && isLetter(l.src[l.pos+1]):
			l.pos++
			name := l.name()
			t := token{kind: tParam, text: name, line: start}
			if l.pos < len(l.src) && l.src[l.pos] == ':' {
				l.pos++
				t.colon = true
			}
			toks = append(toks, t)
		case c == '&' || c == '%' && (l.pos+1 == len(l.src) || l.src[l.pos+1] == ' '):
			l.pos++
			toks = append(toks, token{kind: tOther, text: string(c), line: start})
		default:
			toks = append(toks, token{kind: tWord, text: l.word(), line: start})
		}
	}
	// The end of the script: a caller that wanted a closer reports it
	// never came.
	return toks, 0, nil
}

func closeName(c byte) string {
	if c == 0 {
		return "the end"
	}
	return string(c)
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func (l *lexer) name() string {
	start := l.pos
	for l.pos < len(l.src) && (isLetter(l.src[l.pos]) || l.src[l.pos] >= '0' && l.src[l.pos] <= '9' || l.src[l.pos] == '_') {
		l.pos++
	}
	return l.src[start:l.pos]
}

// word reads up to the next special character: a bare word, a number,
// a variable with its member accesses ($g.Server.Name), a type's static
// member (::Method).
func (l *lexer) word() string {
	start := l.pos
	l.pos++
	for l.pos < len(l.src) && !strings.ContainsRune(special, rune(l.src[l.pos])) && l.quoteAt(l.pos) == 0 {
		l.pos++
	}
	return l.src[start:l.pos]
}

// singleQuotes are the characters PowerShell opens and closes a
// single-quoted string with: the apostrophe and U+2018 to U+201B.
var singleQuotes = []string{"'", "\u2018", "\u2019", "\u201a", "\u201b"}

// quoteAt is the length of the single-quote character at i, or 0.
func (l *lexer) quoteAt(i int) int {
	for _, q := range singleQuotes {
		if strings.HasPrefix(l.src[i:], q) {
			return len(q)
		}
	}
	return 0
}

// single reads a single-quoted string, a doubled quote character an
// escaped one; it returns the string's value.
func (l *lexer) single() (string, error) {
	start := l.line
	l.pos += l.quoteAt(l.pos)
	var b strings.Builder
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		if n := l.quoteAt(l.pos); n > 0 {
			if m := l.quoteAt(l.pos + n); m > 0 {
				b.WriteString(l.src[l.pos+n : l.pos+n+m])
				l.pos += n + m
				continue
			}
			l.pos += n
			return b.String(), nil
		}
		if c == '\n' {
			l.line++
		}
		b.WriteByte(c)
		l.pos++
	}
	return "", fmt.Errorf("line %d: a single-quoted string is never closed", start)
}

// double reads a double-quoted string (backtick escapes, "" an escaped
// quote); its text is kept as written, expansions and all.
//
// A $( ) inside it runs when the string is expanded: its commands are
// returned as tokens, so that they are found like any other.
func (l *lexer) double() (string, []token, error) {
	start := l.line
	l.pos++
	begin := l.pos
	var inner []token
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == '`':
			l.pos += 2
			continue
		case c == '$' && l.pos+1 < len(l.src) && l.src[l.pos+1] == '(':
			l.pos += 2
			toks, _, err := l.until(')')
			if err != nil {
				return "", nil, err
			}
			inner = append(inner, token{kind: tGroup, text: "(", inner: toks, line: l.line})
			continue
		case c == '"' && l.pos+1 < len(l.src) && l.src[l.pos+1] == '"':
			l.pos += 2
			continue
		case c == '"':
			l.pos++
			return l.src[begin : l.pos-1], inner, nil
		case c == '\n':
			l.line++
		}
		l.pos++
	}
	return "", nil, fmt.Errorf("line %d: a double-quoted string is never closed", start)
}

// keywords start statements that are not commands.
var keywords = map[string]bool{"if": true, "elseif": true, "else": true, "foreach": true, "for": true, "while": true, "do": true,
	"switch": true, "try": true, "catch": true, "finally": true, "param": true, "return": true, "throw": true, "continue": true,
	"break": true, "function": true, "trap": true, "exit": true, "in": true}

// walk finds the commands in a token list and in every group in it.
func walk(toks []token, out *[]Command) {
	commandPos, piped := true, false
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t.kind {
		case tEnd:
			commandPos, piped = true, false
			continue
		case tPipe:
			commandPos, piped = true, true
			continue
		case tAssign:
			commandPos, piped = true, false
			continue
		case tGroup:
			walk(t.inner, out)
			// After a statement's condition or a script block, a new
			// statement may start (if (...) { ... } else { ... }).
			commandPos = t.text == "{" || t.text == "("
			continue
		case tOther:
			commandPos = false // & eseutil.exe ...: a program, not a cmdlet
			continue
		case tString:
			walk(t.inner, out) // the $( ) an expandable string runs
		}
		if !commandPos || t.kind != tWord {
			commandPos = false
			continue
		}
		commandPos = false
		if keywords[strings.ToLower(t.text)] {
			commandPos = strings.EqualFold(t.text, "return") || strings.EqualFold(t.text, "throw") || strings.EqualFold(t.text, "else")
			continue
		}
		cmd := Command{Name: t.text, Piped: piped, Line: t.line}
		j := i + 1
		for ; j < len(toks); j++ {
			a := toks[j]
			if a.kind == tEnd || a.kind == tPipe {
				break
			}
			switch a.kind {
			case tParam:
				arg := Arg{Param: a.text, Colon: a.colon}
				if a.colon && j+1 < len(toks) {
					j++
					arg.Value = valueText(toks, &j, out)
				}
				cmd.Args = append(cmd.Args, arg)
			case tComma:
				// A stray comma: PowerShell would fail; a value list is
				// read whole by valueText.
				cmd.Args = append(cmd.Args, Arg{Value: ","})
			default:
				cmd.Args = append(cmd.Args, Arg{Value: valueText(toks, &j, out)})
			}
		}
		*out = append(*out, cmd)
		i = j - 1
		piped = false
	}
}

// valueText is the value at toks[*j], with the comma-separated values
// after it joined (an array argument: -ArgumentList $a, $b); the
// commands inside any group among them are walked too.
func valueText(toks []token, j *int, out *[]Command) string {
	if toks[*j].kind == tGroup || toks[*j].kind == tString {
		walk(toks[*j].inner, out)
	}
	parts := []string{text(toks[*j])}
	for *j+2 < len(toks) && toks[*j+1].kind == tComma && toks[*j+2].kind != tParam && toks[*j+2].kind != tEnd && toks[*j+2].kind != tPipe {
		*j += 2
		if toks[*j].kind == tGroup || toks[*j].kind == tString {
			walk(toks[*j].inner, out)
		}
		parts = append(parts, text(toks[*j]))
	}
	return strings.Join(parts, ", ")
}

func text(t token) string {
	switch t.kind {
	case tGroup:
		return t.text + "…"
	case tString:
		return "'" + t.text + "'"
	}
	return t.text
}
