// Package token holds WIT source positions and positioned errors, in the
// style of go/token and go/scanner: a FileSet maps compact Pos values back
// to file:line:col and to the source line an error points at.
package token

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// Pos is a position in a FileSet: the file's base plus a byte offset.
// The zero Pos is "no position".
type Pos int

// NoPos is the zero Pos.
const NoPos Pos = 0

// IsValid reports whether p is a real position.
func (p Pos) IsValid() bool { return p != NoPos }

// Position is a human-readable source position.
type Position struct {
	Filename string
	Offset   int // byte offset, from 0
	Line     int // from 1
	Column   int // byte column, from 1
}

// IsValid reports whether the position names a line.
func (p Position) IsValid() bool { return p.Line > 0 }

func (p Position) String() string {
	s := p.Filename
	if p.IsValid() {
		if s != "" {
			s += ":"
		}
		s += fmt.Sprintf("%d:%d", p.Line, p.Column)
	}
	if s == "" {
		s = "-"
	}
	return s
}

// File is one source file in a FileSet.
type File struct {
	name string
	base int
	src  []byte
	// lines are the offsets of line starts, found on first use (only
	// positions that are printed need them).
	lines     []int
	linesOnce sync.Once
}

// lineStarts returns the offsets of the line starts.
func (f *File) lineStarts() []int {
	f.linesOnce.Do(func() {
		f.lines = make([]int, 1, bytes.Count(f.src, []byte{'\n'})+1)
		for i, c := range f.src {
			if c == '\n' {
				f.lines = append(f.lines, i+1)
			}
		}
	})
	return f.lines
}

// Name returns the file's name as it was added.
func (f *File) Name() string { return f.name }

// Source returns the file's contents.
func (f *File) Source() []byte { return f.src }

// Pos returns the Pos of a byte offset in f.
func (f *File) Pos(offset int) Pos { return Pos(f.base + offset) }

// Offset returns the byte offset of p in f.
func (f *File) Offset(p Pos) int { return int(p) - f.base }

// Position returns the file:line:col of a byte offset.
func (f *File) Position(offset int) Position {
	offset = max(0, min(offset, len(f.src)))
	lines := f.lineStarts()
	i := sort.Search(len(lines), func(i int) bool { return lines[i] > offset }) - 1
	return Position{Filename: f.name, Offset: offset, Line: i + 1, Column: offset - lines[i] + 1}
}

// Line returns the text of line n (from 1), without its line break.
func (f *File) Line(n int) string {
	lines := f.lineStarts()
	if n < 1 || n > len(lines) {
		return ""
	}
	start := lines[n-1]
	end := len(f.src)
	if n < len(lines) {
		end = lines[n] - 1
	}
	return strings.TrimRight(string(f.src[start:end]), "\r")
}

// FileSet is a set of source files sharing one Pos space.
type FileSet struct {
	base  int
	files []*File
}

// NewFileSet returns an empty FileSet.
func NewFileSet() *FileSet { return &FileSet{base: 1} }

// AddFile adds a file with its contents and returns it.
func (s *FileSet) AddFile(name string, src []byte) *File {
	f := &File{name: name, base: s.base, src: src}
	s.base += len(src) + 1
	s.files = append(s.files, f)
	return f
}

// File returns the file holding p, or nil.
func (s *FileSet) File(p Pos) *File {
	for _, f := range s.files {
		if int(p) >= f.base && int(p) <= f.base+len(f.src) {
			return f
		}
	}
	return nil
}

// Position returns the file:line:col of p.
func (s *FileSet) Position(p Pos) Position {
	if f := s.File(p); f != nil {
		return f.Position(f.Offset(p))
	}
	return Position{}
}

// Error is one positioned error: where, what, and the source line it is on.
type Error struct {
	Pos  Position
	Msg  string
	Line string // the source line at Pos, shown with a caret under the column
}

func (e *Error) Error() string {
	s := e.Pos.String() + ": " + e.Msg
	if e.Line != "" && e.Pos.Column > 0 {
		line, col := excerpt(e.Line, e.Pos.Column-1)
		caret := strings.Map(func(r rune) rune {
			if r == '\t' {
				return '\t'
			}
			return ' '
		}, line[:col])
		s += "\n    " + line + "\n    " + caret + "^"
	}
	return s
}

// maxExcerpt bounds the part of a source line an error shows: a longer
// line (generated WIT may put a whole file on one) shows the window
// around the column, its cut ends marked with "…".
const maxExcerpt = 160

// excerpt returns the part of line to show and the byte offset of col in
// it (col is a byte offset in line, clamped to it).
func excerpt(line string, col int) (string, int) {
	col = min(col, len(line))
	if len(line) <= maxExcerpt {
		return line, col
	}
	start := max(0, col-maxExcerpt/2)
	end := min(len(line), start+maxExcerpt)
	start = max(0, end-maxExcerpt)
	for start > 0 && !utf8.RuneStart(line[start]) {
		start++ // never cut a character in two
	}
	for end < len(line) && !utf8.RuneStart(line[end]) {
		end--
	}
	out, at := line[start:end], col-start
	if start > 0 {
		out, at = "…"+out, at+len("…")
	}
	if end < len(line) {
		out += "…"
	}
	return out, at
}

// NewError returns an Error at p with the source line filled in.
func (s *FileSet) NewError(p Pos, format string, args ...any) *Error {
	pos := s.Position(p)
	e := &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
	if f := s.File(p); f != nil {
		e.Line = f.Line(pos.Line)
	}
	return e
}

// ErrorList is a list of errors, sortable by position.
type ErrorList []*Error

// Add appends an error.
func (l *ErrorList) Add(e *Error) { *l = append(*l, e) }

func (l ErrorList) Len() int      { return len(l) }
func (l ErrorList) Swap(i, j int) { l[i], l[j] = l[j], l[i] }
func (l ErrorList) Less(i, j int) bool {
	a, b := l[i].Pos, l[j].Pos
	if a.Filename != b.Filename {
		return a.Filename < b.Filename
	}
	return a.Offset < b.Offset
}

// Sort sorts the list by file and offset.
func (l ErrorList) Sort() { sort.Stable(l) }

func (l ErrorList) Error() string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Err returns l as an error, or nil when it is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}
