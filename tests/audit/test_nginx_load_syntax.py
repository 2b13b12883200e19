"""nginx's tokenizer rules, one row each, and agreement with crossplane on the examples."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from corsguard.audit.nginx import Directive
from corsguard.audit.nginx_syntax import SyntaxProblem, parse

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "nginx"


def first(text: str) -> Directive:
    return parse(text, "t.conf")[0]


@pytest.mark.parametrize(
    ("text", "name", "args"),
    [
        ("listen 80;", "listen", ("80",)),
        ("add_header  X-A\t'a b'  always ;", "add_header", ("X-A", "a b", "always")),
        ('return 200 "say \\"hi\\"\\n";', "return", ("200", 'say "hi"\n')),
        ("map ${SIGN_KEY} $sign_key { }", "map", ("${SIGN_KEY}", "$sign_key")),
        ("set $a x#y;", "set", ("$a", "x#y")),  # '#' starts a comment only at a word's start
        ("set $a b}c;", "set", ("$a", "b}c")),  # '}' ends a block only at a word's start
        (
            'if ($http_origin ~ "^https://a\\.example$") { }',
            "if",
            (
                "$http_origin",
                "~",
                "^https://a\\.example$",
            ),
        ),
        ("if ( $request_method = OPTIONS ) { }", "if", ("$request_method", "=", "OPTIONS")),
        ('"~^https://a\\.b$" 1;', "~^https://a\\.b$", ("1",)),
        ("# a comment\nlisten 80; # another", "listen", ("80",)),
        ('if ($a = "b") { }', "if", ("$a", "=", "b")),  # a quote may be followed by ')'
        ("add_header 'X-A'\t'b'{ }", "add_header", ("X-A", "b")),
    ],
)
def test_words_are_read_as_nginx_reads_them(text: str, name: str, args: tuple[str, ...]) -> None:
    directive = first(text)
    assert (directive.name, directive.args) == (name, args)


def test_lines_are_those_of_each_directives_first_word() -> None:
    (server,) = parse('server {\n\n  listen\n  80;\n  return 200 "a\nb";\n  root /x;\n}\n', "t")
    assert [(d.name, d.line) for d in server.block or ()] == [
        ("listen", 3),
        ("return", 5),
        ("root", 7),
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("server { listen 80 }", 1, 'directive "listen" is not terminated by ";"'),
        ("http {\n  server {\n", 3, 'expecting "}" (the server block of line 2)'),
        ("listen 80", 1, 'unexpected end of file, expecting ";" or "}"'),
        ("}\n", 1, 'unexpected "}"'),
        ("\n;", 2, 'unexpected ";"'),
        ("\n\n{", 3, 'unexpected "{"'),
        ('return 200 "abc;\n', 2, "expecting terminating quote"),
        ("location / { content_by_lua_block { a = '}' ", 1, "the Lua block of line 1"),
        # a closing quote must be followed by a blank, ';', '{' or ')' (nginx -t agrees)
        ("if ($a) {\n  add_header 'X-A '*'\n  return 204;\n}\n", 2, 'unexpected "*"'),
        ('add_header "X-A""b";', 1, 'unexpected """'),
    ],
)
def test_syntax_errors_say_where_and_what(text: str, line: int, message: str) -> None:
    with pytest.raises(SyntaxProblem) as raised:
        parse(text, "t.conf")
    assert raised.value.line == line
    assert message in raised.value.message


def _shape(directives: Any) -> list[Any]:
    return [
        (d["directive"], d["args"], d["line"], _shape(d["block"]) if "block" in d else None)
        for d in directives
        if d["directive"] != "#"
    ]


def _ours(directives: tuple[Directive, ...]) -> list[Any]:
    return [
        (d.name, list(d.args), d.line, None if d.block is None else _ours(d.block))
        for d in directives
    ]


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.conf")), ids=lambda p: p.name)
def test_the_examples_read_as_crossplane_reads_them(path: Path) -> None:
    crossplane = pytest.importorskip("crossplane")
    payload = crossplane.parse(str(path), single=True, check_ctx=False, comments=False)
    assert _ours(parse(path.read_text(), str(path))) == _shape(payload["config"][0]["parsed"])
