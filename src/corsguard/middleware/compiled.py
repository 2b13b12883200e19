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
ALWAYS_ALLOWED_REQUEST_HEADERS = frozenset(
    {"accept", "accept-language", "content-language", "content-type"}
)

NOT_ALLOWED: RawHeaders = ()


class CompiledPolicy:
    """One policy's answers, precomputed. Never changed after construction (except memos)."""

    __slots__ = (
        "actual_static",
        "allow_null",
        "allow_origin",
        "allowed_tail",
        "allows_all_headers",
        "allows_all_methods",
        "allows_all_origins",
        "credentials",
        "debug",
        "header_names",
        "header_memo",
        "match_origin",
        "memo",
        "method_names",
        "policy",
        "preflight_origin",
        "preflight_tail",
        "preflight_tail_private_network",
        "private_network",
        "vary",
    )

    def __init__(self, policy: CORSPolicy) -> None:
        self.policy = policy
        self.debug = policy.debug
        self.allows_all_origins = policy.allows_all_origins
        self.credentials = policy.allow_credentials
        self.match_origin = policy.match_origin
        self.allow_origin = policy.allow_origin
        self.allow_null = policy.dangerously_allow_null_origin
        self.memo: dict[bytes, RawHeaders] = {}
        self.header_memo: dict[bytes, Refusal | None] = {}

        # Actual responses (Fetch "CORS check"): an allowed origin gets ACAO, then ACAC when
        # credentials are allowed and ACEH when headers are exposed. A "*" policy answers the
        # same to everyone, so its headers go on every response and need no Vary; any other
        # answer depends on Origin, so every response gets "Vary: Origin" (Fetch §3.2.5,
        # "CORS protocol and HTTP caches").
        tail: list[tuple[bytes, bytes]] = []
        if policy.allow_credentials:
            tail.append((h.ALLOW_CREDENTIALS, b"true"))
        if policy.expose_headers:
            tail.append((h.EXPOSE_HEADERS, ", ".join(policy.expose_headers).encode("latin-1")))
        self.allowed_tail: RawHeaders = tuple(tail)
        if policy.allows_all_origins:
            self.actual_static: RawHeaders = ((h.ALLOW_ORIGIN, b"*"), *tail)
            self.vary: bytes | None = None
        else:
            self.actual_static = NOT_ALLOWED
            self.vary = b"Origin"

        # Preflights (Fetch "CORS-preflight fetch"): the requested method and headers are
        # echoed, so the answer varies on them too. Safelisted methods always pass: a
        # browser does not consult Access-Control-Allow-Methods for them.
        self.allows_all_methods = policy.allows_all_methods
        self.method_names = frozenset(
            method.encode("latin-1") for method in (*policy.methods, *SAFELISTED_METHODS)
        )
        self.allows_all_headers = policy.allows_all_headers
        self.header_names = frozenset(policy.headers) | ALWAYS_ALLOWED_REQUEST_HEADERS
        self.private_network = policy.allow_private_network
        self.preflight_origin: bytes | None = b"*" if policy.allows_all_origins else None
        vary = [] if policy.allows_all_origins else ["Origin"]
        vary += ["Access-Control-Request-Method", "Access-Control-Request-Headers"]
        if policy.allow_private_network:
            vary.append("Access-Control-Request-Private-Network")
        preflight: list[tuple[bytes, bytes]] = []
        if policy.allow_credentials:
            preflight.append((h.ALLOW_CREDENTIALS, b"true"))
        preflight.append((h.MAX_AGE, str(policy.max_age).encode("ascii")))
        preflight.append((h.VARY, ", ".join(vary).encode("ascii")))
        self.preflight_tail: RawHeaders = tuple(preflight)
        self.preflight_tail_private_network: RawHeaders = (
            *preflight,
            (h.ALLOW_PRIVATE_NETWORK, b"true"),
        )

    def lookup(self, origin: bytes) -> RawHeaders | None:
        """The actual-response headers for ``origin`` by the static rules.

        ``()`` when the origin is refused, ``None`` when the static rules do not allow it but
        the policy's ``allow_origin`` callable must still be asked (see ``ask``).
        """
        known = self.memo.get(origin)
        if known is not None:
            return known
        if self.match_origin(origin.decode("latin-1")):
            answer: RawHeaders = ((h.ALLOW_ORIGIN, origin), *self.allowed_tail)
        elif self.allow_origin is not None:
            return None  # the callable's answers may change: never remembered here
        else:
            answer = NOT_ALLOWED
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
        if not self._askable(text):
            return NOT_ALLOWED
        predicate = self.allow_origin
        if predicate is None:
            return NOT_ALLOWED
        try:
            answer = predicate(text)
            if inspect.isawaitable(answer):
                answer = await answer
        except Exception:
            logger.exception(
                "origin %s: allow_origin raised, so the origin is refused", escape(text)
            )
            return NOT_ALLOWED
        if answer is True:
            return ((h.ALLOW_ORIGIN, origin), *self.allowed_tail)
        return NOT_ALLOWED

    def _askable(self, text: str) -> bool:
        if len(text) > MAX_ORIGIN_LENGTH:
            return False
        if text == NULL_ORIGIN:
            return self.allow_null
        return parse_serialized_origin(text) is not None
