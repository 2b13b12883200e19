"""A ``CORSPolicy`` compiled into the bytes the middleware sends.

Everything a request needs is worked out here, once, when the middleware is built or
reconfigured: header names and values as bytes, method and header sets, the ``Vary`` values.
The request path only looks things up. Answers for origins the static rules decide are
remembered in a bounded memo keyed by the raw ``Origin`` bytes, so a repeated origin (the
normal case: a frontend sends the same one all day) costs one dict lookup whatever the size
of the allowlist.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable

from corsguard.middleware import headers as h
from corsguard.middleware.debug import Refusal
from corsguard.middleware.logs import escape, logger
from corsguard.middleware.types import RawHeaders
from corsguard.policy import CORSPolicy
from corsguard.policy.matcher import MAX_ORIGIN_LENGTH
from corsguard.protocol.origin import NULL_ORIGIN, parse_serialized_origin
from corsguard.protocol.safelist import SAFELISTED_METHODS

# How many origins' answers to remember. When full the memo is emptied, so an attacker
# cycling through made-up origins costs recomputation, never memory.
MEMO_SIZE = 1024

# Request headers allowed on every preflight, as Starlette's CORSMiddleware allows them: they
# appear in Access-Control-Request-Headers only with a value outside the CORS safelist (most
# often "Content-Type: application/json"), which every JSON API accepts. Keeping them lets a
# Starlette configuration move over unchanged.
SAFELISTED_REQUEST_HEADERS = ("Accept", "Accept-Language", "Content-Language", "Content-Type")
ALWAYS_ALLOWED_REQUEST_HEADERS = frozenset(name.lower() for name in SAFELISTED_REQUEST_HEADERS)

# "*" in allow_methods: the methods Starlette's "*" stands for. A method outside them (a
# made-up one) must be listed by name.
STANDARD_METHODS = frozenset(b"DELETE GET HEAD OPTIONS PATCH POST PUT QUERY".split())

# A preflight's answer depends on all four request headers, whether it is granted or refused
# (Starlette sends the same list).
PREFLIGHT_VARY = (
    b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
    b"Access-Control-Request-Private-Network"
)
PREFLIGHT_BODY = b"OK"
PREFLIGHT_CONTENT: RawHeaders = (
    (b"content-length", str(len(PREFLIGHT_BODY)).encode("ascii")),
    (b"content-type", b"text/plain; charset=utf-8"),
)


def allowed_headers_value(allow_headers: Iterable[str]) -> bytes:
    """``Access-Control-Allow-Headers`` for a list of names: the safelisted four and the
    policy's, sorted, each once (as Starlette lists them)."""
    names = {name.lower(): name for name in SAFELISTED_REQUEST_HEADERS}
    for name in allow_headers:
        names.setdefault(name.lower(), name)
    return ", ".join(sorted(names.values())).encode("latin-1")


class CompiledPolicy:
    """One policy's answers, precomputed. Never changed after construction (except memos)."""

    __slots__ = (
        "allow_null",
        "allow_origin",
        "allowed_tail",
        "allows_all_headers",
        "allows_all_methods",
        "allows_all_origins",
        "any_origin",
        "debug",
        "header_names",
        "match_origin",
        "memo",
        "method_names",
        "no_origin",
        "policy",
        "preflight_memo",
        "preflight_tail",
        "preflight_tail_private_network",
        "preflight_vary",
        "private_network",
        "refused",
    )

    def __init__(self, policy: CORSPolicy) -> None:
        self.policy = policy
        self.debug = policy.debug
        self.allows_all_origins = policy.allows_all_origins
        self.match_origin = policy.match_origin
        self.allow_origin = policy.allow_origin
        self.allow_null = policy.dangerously_allow_null_origin
        self.memo: dict[bytes, RawHeaders] = {}
        self.preflight_memo: dict[tuple[bytes, bytes, bool], RawHeaders | Refusal] = {}

        # Actual responses (Fetch "CORS check"): an allowed origin gets ACAO, then ACAC when
        # credentials are allowed and ACEH when headers are exposed; a request without
        # Origin or from a refused origin gets none of them. Every answer depends on Origin,
        # so every response carries "Vary: Origin" (Fetch §3.2.5, "CORS protocol and HTTP
        # caches"), as Starlette's middleware sends it, for a "*" policy too. Answers end with
        # the Vary entry, which add_headers merges into the app's own.
        tail: list[tuple[bytes, bytes]] = []
        if policy.allow_credentials:
            tail.append((h.ALLOW_CREDENTIALS, b"true"))
        if policy.expose_headers:
            tail.append((h.EXPOSE_HEADERS, ", ".join(policy.expose_headers).encode("latin-1")))
        vary = (h.VARY, b"Origin")
        self.no_origin: RawHeaders = (vary,)
        self.refused: RawHeaders = (vary,)
        self.allowed_tail: RawHeaders = (*tail, vary)
        self.any_origin: RawHeaders = ((h.ALLOW_ORIGIN, b"*"), *tail, vary)

        # Preflights (Fetch "CORS-preflight fetch"): the requested method is echoed, the
        # allowed request headers listed (or, for "*", the requested ones echoed), and the
        # answer varies on everything the preflight asked for, refused or not. Safelisted
        # methods always pass: a browser does not consult Access-Control-Allow-Methods for
        # them. A successful preflight is "200 OK" in plain text, as Starlette answers it.
        self.allows_all_methods = policy.allows_all_methods
        self.method_names = frozenset(
            method.encode("latin-1") for method in (*policy.methods, *SAFELISTED_METHODS)
        )
        self.allows_all_headers = policy.allows_all_headers
        self.header_names = frozenset(policy.headers) | ALWAYS_ALLOWED_REQUEST_HEADERS
        self.private_network = policy.allow_private_network
        self.preflight_vary = PREFLIGHT_VARY
        preflight: list[tuple[bytes, bytes]] = []
        if not policy.allows_all_headers:
            preflight.append((h.ALLOW_HEADERS, allowed_headers_value(policy.allow_headers)))
        if policy.allow_credentials:
            preflight.append((h.ALLOW_CREDENTIALS, b"true"))
        preflight.append((h.MAX_AGE, str(policy.max_age).encode("ascii")))
        preflight.append((h.VARY, PREFLIGHT_VARY))
        self.preflight_tail: RawHeaders = (*preflight, *PREFLIGHT_CONTENT)
        self.preflight_tail_private_network: RawHeaders = (
            *preflight,
            (h.ALLOW_PRIVATE_NETWORK, b"true"),
            *PREFLIGHT_CONTENT,
        )

    def lookup(self, origin: bytes) -> RawHeaders | None:
        """The actual-response headers for ``origin`` by the static rules, remembered.

        ``refused`` when the origin is refused; ``None`` when the static rules do not allow
        it but the policy's ``allow_origin`` callable must still be asked (see ``ask``).
        """
        if self.allows_all_origins:
            answer: RawHeaders = self.any_origin
        elif self.match_origin(origin.decode("latin-1")):
            answer = ((h.ALLOW_ORIGIN, origin), *self.allowed_tail)
        elif self.allow_origin is not None:
            return None  # the callable's answers may change: never remembered here
        else:
            answer = self.refused
        memo = self.memo
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        memo[origin] = answer
        return answer

    async def ask(self, origin: bytes) -> RawHeaders:
        """Ask the ``allow_origin`` callable (sync or async) about an origin ``lookup`` left open.

        Only origins a browser could send reach it: well-formed serialized origins of a
        bounded length, and ``null`` only with ``dangerously_allow_null_origin``. A callable
        that raises refuses the origin (the error is logged): failing closed keeps a broken
        tenant store from opening the API to every site.
        """
        text = origin.decode("latin-1")
        predicate = self.allow_origin
        if predicate is None or not self._askable(text):
            return self.refused
        try:
            answer = predicate(text)
            if inspect.isawaitable(answer):
                answer = await answer
        except Exception:
            logger.exception(
                "origin %s: allow_origin raised, so the origin is refused", escape(text)
            )
            return self.refused
        if answer is True:
            return ((h.ALLOW_ORIGIN, origin), *self.allowed_tail)
        return self.refused

    def _askable(self, text: str) -> bool:
        if len(text) > MAX_ORIGIN_LENGTH:
            return False
        if text == NULL_ORIGIN:
            return self.allow_null
        return parse_serialized_origin(text) is not None
