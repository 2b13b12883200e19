"""Answering CORS preflights (Fetch §4.8 "CORS-preflight fetch") without calling the app.

A preflight is ``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``; any other
``OPTIONS`` request is an ordinary request for the app. A browser accepts the answer when
(Fetch step 7) the CORS check passes, the status is 2xx, the method is listed in
``Access-Control-Allow-Methods`` (compared case-sensitively) and every header it announced is
listed in ``Access-Control-Allow-Headers``. So success is Starlette's ``200 OK`` echoing the
requested method and listing the allowed headers (echoing the requested ones for ``"*"``);
failure is a 403 with no CORS header at all, which tells a site that is not allowed nothing
about the policy (it carries only ``Vary``).

``Access-Control-Request-Headers`` is request-controlled: it is refused by length and by
number of names before it is parsed, so a hostile 64 KiB value costs one ``len()``.
"""

from __future__ import annotations

import logging

from corsguard.middleware import headers as h
from corsguard.middleware.compiled import STANDARD_METHODS, CompiledPolicy
from corsguard.middleware.debug import Refusal
from corsguard.middleware.logs import escape, logger
from corsguard.middleware.types import RawHeaders, Scope, Send
from corsguard.protocol.tokens import parse_token_list

# Bounds on Access-Control-Request-Headers. Browsers list only the CORS-unsafe header names,
# lower-case and comma-separated (Fetch "CORS-unsafe request-header names"), so a real
# request stays far below both.
MAX_REQUEST_HEADERS_LENGTH = 4096
MAX_REQUEST_HEADER_NAMES = 64
MAX_METHOD_LENGTH = 64

# The body of every refused preflight: it tells a diagnosis tool that this CORS middleware
# refused (not an authentication layer in front of it) and tells a stranger nothing about the
# policy. Debug mode replaces it with the part that failed and the fix.
REFUSED_BODY = b"CORS preflight refused"

# Preflights whose header list is shorter than this have their verdict remembered (a browser
# sends the same few method and header combinations over and over).
_MEMO_KEY_LENGTH = 512
_MEMO_SIZE = 256

_WANTED = {
    h.REQUEST_METHOD: 0,
    h.REQUEST_HEADERS: 1,
    h.REQUEST_PRIVATE_NETWORK: 2,
}


def read_request(raw: list[tuple[bytes, bytes]]) -> tuple[bytes | None, bytes, bool]:
    """(Access-Control-Request-Method, -Request-Headers, -Request-Private-Network) of a request.

    The method is the first value sent; several ``Access-Control-Request-Headers`` lines are
    combined as Fetch "get" combines them. An absent header list is ``b""``.
    """
    method: bytes | None = None
    request_headers = b""
    private_network = False
    wanted = _WANTED
    for name, value in raw:
        slot = wanted.get(name)
        if slot is None:
            continue
        if slot == 0:
            if method is None:
                method = value
        elif slot == 1:
            if not request_headers:
                request_headers = value
            elif len(request_headers) <= MAX_REQUEST_HEADERS_LENGTH:
                # Past the bound the list is refused anyway: stop copying it.
                request_headers = request_headers + b"," + value
        else:
            private_network = value.strip().lower() == b"true"
    return method, request_headers.strip(b" \t"), private_network


def check_request_headers(compiled: CompiledPolicy, value: bytes) -> Refusal | None:
    """The refusal for an ``Access-Control-Request-Headers`` value, or ``None`` if allowed."""
    if len(value) > MAX_REQUEST_HEADERS_LENGTH:
        return Refusal("request-headers", "", f"is longer than {MAX_REQUEST_HEADERS_LENGTH} bytes")
    return _check_names(compiled, value)


def _check_names(compiled: CompiledPolicy, value: bytes) -> Refusal | None:
    names = parse_token_list(value.decode("latin-1"), max_items=MAX_REQUEST_HEADER_NAMES)
    if names is None:
        return Refusal(
            "request-headers",
            "",
            f"is not a list of at most {MAX_REQUEST_HEADER_NAMES} header names",
        )
    if compiled.allows_all_headers:
        return None
    allowed = compiled.header_names
    for name in names:
        if name.lower() not in allowed:
            return Refusal("header", name)
    return None


def method_allowed(compiled: CompiledPolicy, method: bytes) -> bool:
    if method in compiled.method_names:
        return True
    # "*" stands for the standard methods, as in Starlette. Browsers upper-case only some of
    # them (Fetch "normalize a method"): `fetch(url, {method: "patch"})` asks for "patch", and
    # the echo keeps the exact case the browser compares against.
    return (
        compiled.allows_all_methods
        and len(method) <= MAX_METHOD_LENGTH
        and method.upper() in STANDARD_METHODS
    )


def decide(
    compiled: CompiledPolicy, method: bytes, request_headers: bytes, private_network: bool
) -> RawHeaders | Refusal:
    """For a preflight from an allowed origin: the 200's headers after ACAO, or the refusal."""
    if len(request_headers) > _MEMO_KEY_LENGTH or len(method) > MAX_METHOD_LENGTH:
        # Rare, and possibly hostile: decided afresh, never hashed into the memo.
        return _decide(compiled, method, request_headers, private_network)
    key = (method, request_headers, private_network)
    memo = compiled.preflight_memo
    known = memo.get(key)
    if known is not None:
        return known
    answer = _decide(compiled, method, request_headers, private_network)
    if len(memo) >= _MEMO_SIZE:
        memo.clear()
    memo[key] = answer
    return answer


def _decide(
    compiled: CompiledPolicy, method: bytes, request_headers: bytes, private_network: bool
) -> RawHeaders | Refusal:
    # Fetch "CORS-preflight fetch" step 7 checks the method, then each announced header.
    if not method_allowed(compiled, method):
        return Refusal("method", method.decode("latin-1"))
    if request_headers:
        refusal = check_request_headers(compiled, request_headers)
        if refusal is not None:
            return refusal
    if private_network and not compiled.private_network:
        return Refusal("private-network", "true")
    answer = [(h.ALLOW_METHODS, method)]
    if request_headers and compiled.allows_all_headers:
        answer.append((h.ALLOW_HEADERS, request_headers))
    answer += (
        compiled.preflight_tail_private_network if private_network else compiled.preflight_tail
    )
    return tuple(answer)


async def send_refused(
    send: Send, scope: Scope, compiled: CompiledPolicy, origin: bytes, refusal: Refusal
) -> None:
    """403 without CORS headers, body ``CORS preflight refused``; debug mode says why and the fix.

    The 403 still carries the preflight's ``Vary``: the verdict depends on the origin, method
    and headers asked for, so a cache must not serve it to a different preflight.
    """
    body = REFUSED_BODY
    level = logging.WARNING if compiled.debug else logging.DEBUG
    if compiled.debug or logger.isEnabledFor(level):
        value = origin if refusal.part == "origin" else refusal.value
        message, fix = refusal.explain(escape(value))
        where = f"OPTIONS {escape(scope.get('path', ''))}"
        logger.log(
            level,
            "%s: preflight from origin %s refused: %s. %s",
            where,
            escape(origin),
            message,
            fix,
        )
        if compiled.debug:
            body = f"CORS preflight refused: {message}.\n{fix}\n".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode("ascii")),
                (h.VARY, compiled.preflight_vary),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
