package connstr

import (
	"strings"
)

const redacted = "REDACTED"

// isURL says whether s is in the URL form.
func isURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// HasPassword says whether a connection string carries a password. A
// string that cannot be read is taken to carry one.
func HasPassword(s string) bool {
	return Redact(s) != s
}

// Readable says whether s reads as a connection string: a postgres://
// URL, or key=value words.
func Readable(s string) bool {
	if isURL(s) {
		return true
	}
	_, ok := redactWords(s)
	return ok
}

// Redact is s with its password replaced by REDACTED; a string that
// cannot be read is cut after its scheme, or to nothing.
func Redact(s string) string {
	if isURL(s) {
		return redactURL(s)
	}
	out, ok := redactWords(s)
	if !ok {
		return redacted
	}
	return out
}

// redactURL hides the password of the userinfo (between "://" and the
// last "@" before the path) and a password= query parameter, by the
// text alone: a URL Go's parser refuses (a bad escape, a space) is still
// read this way.
func redactURL(s string) string {
	scheme, rest, _ := strings.Cut(s, "://")
	authEnd := strings.IndexAny(rest, "/?")
	if authEnd < 0 {
		authEnd = len(rest)
	}
	authority, tail := rest[:authEnd], rest[authEnd:]
	if strings.ContainsAny(authority, "=&'\\ \t") {
		// Not a host a server could have: what it holds is not known.
		return scheme + "://" + redacted
	}
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		userinfo, host := authority[:at], authority[at+1:]
		if user, _, has := strings.Cut(userinfo, ":"); has {
			authority = user + ":" + redacted + "@" + host
		}
	} else if strings.Count(authority, ":") > 1 && !strings.HasPrefix(authority, "[") {
		// Not readable as a host list: may hide a password.
		return scheme + "://" + redacted
	}
	if path, query, ok := strings.Cut(tail, "?"); ok {
		params := strings.Split(query, "&")
		for i, p := range params {
			if k, _, _ := strings.Cut(p, "="); strings.EqualFold(k, "password") {
				params[i] = k + "=" + redacted
			}
		}
		tail = path + "?" + strings.Join(params, "&")
	}
	return scheme + "://" + authority + tail
}

// redactWords reads key = value words as libpq does: spaces around "=",
// a value in single quotes with \' and \\ inside, or a bare value up to
// the next space with backslash escapes. ok is false for text that is
// not such words.
func redactWords(s string) (string, bool) {
	var b strings.Builder
	i := 0
	for {
		start := i
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		b.WriteString(s[start:i])
		if i == len(s) {
			return b.String(), true
		}
		keyStart := i
		for i < len(s) && !isSpace(s[i]) && s[i] != '=' {
			i++
		}
		key := s[keyStart:i]
		if key == "" {
			return "", false
		}
		sepStart := i
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i == len(s) || s[i] != '=' {
			return "", false
		}
		i++
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		sep := s[sepStart:i]
		valStart := i
		if i < len(s) && s[i] == '\'' {
			i++
			for i < len(s) && s[i] != '\'' {
				if s[i] == '\\' {
					i++
				}
				i++
			}
			if i >= len(s) {
				return "", false // an unclosed quote
			}
			i++
		} else {
			for i < len(s) && !isSpace(s[i]) {
				if s[i] == '\\' {
					i++
				}
				i++
			}
			i = min(i, len(s))
		}
		value := s[valStart:i]
		if strings.EqualFold(key, "password") {
			value = redacted
		}
		b.WriteString(key + sep + value)
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}
