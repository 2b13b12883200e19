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

_TOKEN = re.compile(
    r"""
      (?P<space>[ \t\r\n]+)
    | (?P<comment>\#[^\n]*)
    | (?P<punct>[;{}])
    | "(?P<dq>(?:\\[\s\S]|[^"\\])*)"
    | '(?P<sq>(?:\\[\s\S]|[^'\\])*)'
    | (?P<word>(?!["'])(?:\\[\s\S]|\$\{|[^ \t\r\n;{\\])+)
    """,
    re.VERBOSE,
)
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
    line = 1
    pos = 0
    size = len(text)
    match = _TOKEN.match
    while pos < size:
        found = match(text, pos)
        if found is None:  # an opening quote that is never closed
            raise SyntaxProblem(file, line, "unexpected end of file, expecting terminating quote")
        kind = found.lastgroup
        value = found.group()
        pos = found.end()
        if kind == "space" or kind == "comment":
            line += value.count("\n")
            continue
        if kind == "punct":
            if value == ";":
                if not words:
                    raise SyntaxProblem(file, line, 'unexpected ";"')
                children.append(Directive(words[0], tuple(words[1:]), file, first_line))
                words = []
            elif value == "{":
                if not words:
                    raise SyntaxProblem(file, line, 'unexpected "{"')
                if len(stack) >= MAX_NESTING:
                    raise SyntaxProblem(
                        file,
                        line,
                        f"blocks nested more than {MAX_NESTING} levels deep; real "
                        "configurations nest a few levels, so this file is generated or hostile",
                    )
                if is_lua_block(words[0]):
                    pos, line = _skip_lua(text, pos, line, file, first_line)
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
                    raise SyntaxProblem(file, line, 'unexpected "}"')
                name, args, start, parent = stack.pop()
                parent.append(Directive(name, args, file, start, tuple(children)))
                children = parent
            continue
        if not words:
            first_line = line
        raw = found.group(kind or "word")
        line += value.count("\n")
        words.append(_ESCAPE.sub(_unescape, raw) if "\\" in raw else raw)
    if words:
        raise SyntaxProblem(file, line, 'unexpected end of file, expecting ";" or "}"')
    if stack:
        name, _, start, _ = stack[-1]
        raise SyntaxProblem(
            file, line, f'unexpected end of file, expecting "}}" (the {name} block of line {start})'
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


def _skip_lua(text: str, pos: int, line: int, file: str, start: int) -> tuple[int, int]:
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
                return pos, line
