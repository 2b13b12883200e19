"""nginx's configuration syntax, read the way ``ngx_conf_read_token`` reads it.

A file is a sequence of directives: words separated by blanks, ended by ``;`` or by a block in
braces. ``#`` starts a comment and quotes start a quoted word only at the start of a word;
``${`` does not open a block (``${name}`` is a variable, also in envsubst templates); a
backslash escapes the next character, and ``\\"``, ``\\'``, ``\\\\``, ``\\t``, ``\\r``, ``\\n`` are
unescaped as nginx does. OpenResty's ``*_by_lua_block { ... }`` bodies are Lua, not nginx
syntax: they are skipped by matching braces outside Lua strings and comments.

The parser is a loop over the text with an explicit stack (no recursion, time linear in the
size), and refuses blocks nested deeper than ``MAX_NESTING``.
"""

from __future__ import annotations

import re

from corsguard.audit.nginx import Directive

# Real configurations nest http > server > location > location > if: a handful of levels.
MAX_NESTING = 100

# One token after optional blanks: 1 comment, 2 ; { }, 3 and 4 quoted, 5 a word, 6 a quote that
# is never closed. Lines are counted only where one is needed (a directive's first word). A word
# is matched by runs of plain characters (it ends the pattern, so it never backtracks); a quoted
# word one character at a time, so that an unclosed quote fails in linear time.
_TOKEN = re.compile(
    r"""
    [ \t\r\n]*
    (?:
      (\#[^\n]*)
    | ([;{}])
    | "((?:\\[\s\S]|[^"\\])*)"
    | '((?:\\[\s\S]|[^'\\])*)'
    | ((?!["'])(?:[^ \t\r\n;{\\$]+|\\[\s\S]|\$\{?)+)
    | (["'])
    )
    """,
    re.VERBOSE,
)
# What may follow a quoted word (else nginx reports 'unexpected "x"').
_AFTER_QUOTE = frozenset(" \t\r\n;{)")
_ESCAPE = re.compile(r"\\([\s\S])")
_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "t": "\t", "r": "\r", "n": "\n"}
# Lua inside a *_by_lua_block: what can hold a brace that does not count.
_LUA = re.compile(
    r"""
      "(?:\\[\s\S]|[^"\\\n])*"
    | '(?:\\[\s\S]|[^'\\\n])*'
    | --\[(?P<c>=*)\[[\s\S]*?\](?P=c)\]
    | --[^\n]*
    | \[(?P<s>=*)\[[\s\S]*?\](?P=s)\]
    | [{}]
    """,
    re.VERBOSE,
)


class SyntaxProblem(Exception):
    """Text nginx would refuse to load, at ``file:line``."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(file, line, message)
        self.file = file
        self.line = line
        self.message = message

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def is_lua_block(name: str) -> bool:
    return name.endswith("_by_lua_block")


def parse(text: str, file: str) -> tuple[Directive, ...]:
    """The top-level directives of ``text`` (the contents of ``file``), blocks nested."""
    # Each frame: the block's directive name, args, line, and the children parsed so far.
    stack: list[tuple[str, tuple[str, ...], int, list[Directive]]] = []
    top: list[Directive] = []
    children = top
    words: list[str] = []
    first_line = 0
    counted = [1, 0]  # the line number at position counted[1]

    def line_at(position: int) -> int:
        counted[0] += text.count("\n", counted[1], position)
        counted[1] = position
        return counted[0]

    pos = 0
    size = len(text)
    match = _TOKEN.match
    while pos < size:
        found = match(text, pos)
        kind = None if found is None else found.lastindex
        if found is None or kind is None:  # only blanks are left
            break
        pos = found.end()
        if kind == 1:
            continue
        if kind == 2:
            value = found.group(2)
            if value == ";":
                if not words:
                    raise SyntaxProblem(file, line_at(pos), 'unexpected ";"')
                children.append(Directive(words[0], tuple(words[1:]), file, first_line))
                words = []
            elif value == "{":
                if not words:
                    raise SyntaxProblem(file, line_at(pos), 'unexpected "{"')
                if len(stack) >= MAX_NESTING:
                    raise SyntaxProblem(
                        file,
                        line_at(pos),
                        f"blocks nested more than {MAX_NESTING} levels deep; real "
                        "configurations nest a few levels, so this file is generated or hostile",
                    )
                if is_lua_block(words[0]):
                    pos = _skip_lua(text, pos, line_at(pos), file, first_line)
                    children.append(Directive(words[0], tuple(words[1:]), file, first_line, ()))
                    words = []
                    continue
                args = _condition(words[1:]) if words[0] == "if" else tuple(words[1:])
                stack.append((words[0], args, first_line, children))
                children = []
                words = []
            else:
                if words:
                    raise SyntaxProblem(
                        file, first_line, f'directive "{words[0]}" is not terminated by ";"'
                    )
                if not stack:
                    raise SyntaxProblem(file, line_at(pos), 'unexpected "}"')
                name, args, start, parent = stack.pop()
                parent.append(Directive(name, args, file, start, tuple(children)))
                children = parent
            continue
        if kind == 6:
            raise SyntaxProblem(
                file, line_at(size), "unexpected end of file, expecting terminating quote"
            )
        raw = found.group(kind)
        if kind in (3, 4) and pos < size and text[pos] not in _AFTER_QUOTE:
            # ngx_conf_read_token: a closing quote must be followed by a blank, ';', '{' or ')'.
            raise SyntaxProblem(file, line_at(pos), f'unexpected "{text[pos]}"')
        if not words:
            first_line = line_at(found.start(kind))
        words.append(_ESCAPE.sub(_unescape, raw) if "\\" in raw else raw)
    if words:
        raise SyntaxProblem(file, line_at(size), 'unexpected end of file, expecting ";" or "}"')
    if stack:
        name, _, start, _ = stack[-1]
        raise SyntaxProblem(
            file,
            line_at(size),
            f'unexpected end of file, expecting "}}" (the {name} block of line {start})',
        )
    return tuple(top)


def _condition(words: list[str]) -> tuple[str, ...]:
    """An if's condition without its parentheses: ``($a = b)`` is ``$a``, ``=``, ``b``."""
    if not words or not words[0].startswith("(") or not words[-1].endswith(")"):
        return tuple(words)
    words = [words[0][1:].lstrip(), *words[1:]]
    words[-1] = words[-1][:-1].rstrip()
    return tuple(word for i, word in enumerate(words) if word or 0 < i < len(words) - 1)


def _unescape(found: re.Match[str]) -> str:
    char = found.group(1)
    return _ESCAPES.get(char, found.group())


def _skip_lua(text: str, pos: int, line: int, file: str, start: int) -> int:
    """The position after the brace closing a Lua block that opened before ``pos``."""
    depth = 1
    search = _LUA.search
    while True:
        found = search(text, pos)
        if found is None:
            raise SyntaxProblem(
                file,
                line + text.count("\n", pos),
                f'unexpected end of file, expecting "}}" (the Lua block of line {start})',
            )
        line += text.count("\n", pos, found.end())
        pos = found.end()
        brace = found.group()
        if brace == "{":
            depth += 1
        elif brace == "}":
            depth -= 1
            if depth == 0:
                return pos
