"""``CORSMiddleware``: the pure ASGI middleware.

Per request it reads the raw ASGI header list once, looks the ``Origin`` bytes up in the
compiled policy's memo, and wraps ``send`` with a closure that appends precomputed header
tuples to ``http.response.start``. Preflights are answered here and never reach the app.
The whole configuration is one object, swapped by a single attribute assignment, so
``reconfigure`` is atomic for every request that starts after it.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Mapping, Sequence
from typing import Any

from corsguard.middleware import preflight, startup, websocket
from corsguard.middleware.compiled import PREFLIGHT_BODY, CompiledPolicy
from corsguard.middleware.debug import Refusal
from corsguard.middleware.headers import ALLOW_ORIGIN, NOTICED, add_headers
from corsguard.middleware.logs import logger
from corsguard.middleware.scopes import PathScopes
from corsguard.middleware.types import ASGIApp, Message, RawHeaders, Receive, Scope, Send
from corsguard.policy import ConfigError, CORSPolicy
from corsguard.policy.matcher import MAX_ORIGIN_LENGTH
from corsguard.policy.options import OPTION_NAMES
from corsguard.policy.policy import OriginPredicate

_UNCHANGED: Any = object()
_UNSET: Any = object()


class _Configuration:
    """Everything the middleware decides with; replaced whole, never changed."""

    __slots__ = ("compiled", "policy", "scopes")

    @classmethod
    def off(cls) -> _Configuration:
        """CORS off everywhere: every request goes to the wrapped app unchanged."""
        configuration = cls.__new__(cls)
        configuration.policy = None
        configuration.compiled = None
        configuration.scopes = None
        return configuration

    def __init__(
        self,
        policy: CORSPolicy | None,
        paths: Mapping[str, CORSPolicy | None] | None,
        options: Mapping[str, Any],
        check_websocket_origin: bool,
    ) -> None:
        if policy is not None and options:
            raise TypeError(
                "CORSMiddleware: got both policy= and option keywords "
                f"({', '.join(sorted(options))}); pass the options to CORSPolicy(...) instead."
            )
        if policy is not None and not isinstance(policy, CORSPolicy):
            raise TypeError(
                f"CORSMiddleware: policy must be a CORSPolicy, not {type(policy).__name__}; "
                "pass Starlette-style options by keyword, such as allow_origins=[...]."
            )
        if policy is None and (options or not paths):
            # Starlette-style keywords build a validated policy: a dangerous configuration
            # raises ConfigError here, at start-up, not on the first request.
            policy = CORSPolicy(**options)
        self.policy = policy
        self.compiled = None if policy is None else CompiledPolicy(policy)
        self.scopes = PathScopes(self.compiled, paths) if paths else None
        for each in (policy, *(paths or {}).values()):
            for problem in () if each is None else each.warnings:
                logger.warning("%s: %s. %s", problem.code, problem.message, problem.hint)
        if check_websocket_origin:
            for prefix, each in (paths or {}).items():
                if each is None:
                    logger.warning(
                        "paths[%r] is None: CORS is off under it, and so is the WebSocket "
                        "origin check; WebSocket handshakes from any site reach the app there. "
                        "Check Origin in those WebSocket endpoints, or give the prefix a policy.",
                        prefix,
                    )


class CORSMiddleware:
    """CORS for any ASGI app, with Starlette's option names or a ``CORSPolicy``.

    ``CORSMiddleware(app, allow_origins=["https://app.example.com"], allow_credentials=True)``
    or ``CORSMiddleware(app, policy=CORSPolicy(...))``; ``paths`` gives path prefixes their
    own policy (``None`` switches CORS off under a prefix); ``check_websocket_origin`` refuses
    WebSocket handshakes from origins the policy does not allow.
    """

    def __init__(
        self,
        app: ASGIApp,
        policy: CORSPolicy | None = None,
        *,
        paths: Mapping[str, CORSPolicy | None] | None = None,
        check_websocket_origin: bool = True,
        # Starlette's options, then corsguard's (see CORSPolicy). Spelt out rather than
        # **options so that type checkers accept app.add_middleware(CORSMiddleware, ...).
        allow_origins: Sequence[str] = _UNSET,
        allow_methods: Sequence[str] = _UNSET,
        allow_headers: Sequence[str] = _UNSET,
        allow_credentials: bool = _UNSET,
        allow_origin_regex: str | re.Pattern[str] | None = _UNSET,
        allow_private_network: bool = _UNSET,
        expose_headers: Sequence[str] = _UNSET,
        max_age: int = _UNSET,
        allow_origin: OriginPredicate | None = _UNSET,
        debug: bool = _UNSET,
        dangerously_allow_null_origin: bool = _UNSET,
        dangerously_allow_file_origin: bool = _UNSET,
        dangerously_allow_insecure_origins: bool = _UNSET,
        dangerously_allow_public_suffix_wildcards: bool = _UNSET,
        dangerously_allow_loose_origin_regex: bool = _UNSET,
    ) -> None:
        given = dict(locals())
        options = {name: given[name] for name in OPTION_NAMES if given[name] is not _UNSET}
        self.app = app
        self.check_websocket_origin = check_websocket_origin
        try:
            self._configuration = _Configuration(policy, paths, options, check_websocket_origin)
        except (ConfigError, TypeError) as error:
            # Raised inside Starlette's lazy stack build, the error would pass for "no
            # lifespan support" and the server would start (see startup.py): fail the
            # lifespan start-up instead. Everywhere else it is raised.
            if not startup.building_lazily(self):
                raise
            self.app = startup.RefusedConfiguration(error, app)
            self._configuration = _Configuration.off()

    @property
    def policy(self) -> CORSPolicy | None:
        """The policy for paths under no ``paths`` prefix (``None``: CORS off there)."""
        return self._configuration.policy

    @property
    def paths(self) -> Mapping[str, CORSPolicy | None]:
        scopes = self._configuration.scopes
        return {} if scopes is None else dict(scopes.policies)

    def reconfigure(
        self,
        policy: CORSPolicy | None = None,
        *,
        paths: Mapping[str, CORSPolicy | None] | None = _UNCHANGED,
        **options: Any,
    ) -> None:
        """Swap in a new policy (and ``paths``, if given) for every request from now on.

        The new configuration is built and validated first; if that raises (``ConfigError``
        for a dangerous policy), the current one stays in force untouched.
        """
        if paths is _UNCHANGED:
            paths = self.paths or None
        # One attribute assignment: a request reads the configuration once, so it sees
        # either the old one or the new one, never a mixture.
        self._configuration = _Configuration(policy, paths, options, self.check_websocket_origin)

    def _select(self, scope: Scope) -> CompiledPolicy | None:
        configuration = self._configuration
        if configuration.scopes is None:
            return configuration.compiled
        return configuration.scopes.select_for(scope)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._other(scope, receive, send)
            return
        # _select, inlined: this runs for every HTTP request.
        configuration = self._configuration
        if configuration.scopes is None:
            compiled = configuration.compiled
        else:
            compiled = configuration.scopes.select_for(scope)
        if compiled is None:
            await self.app(scope, receive, send)
            return

        for name, value in scope["headers"]:
            if name == b"origin":
                if scope["method"] == "OPTIONS":
                    method, request_headers, private_network = preflight.read_request(
                        scope["headers"]
                    )
                    if method is not None:
                        await self._preflight(
                            scope, send, compiled, value, method, request_headers, private_network
                        )
                        return
                # An over-long Origin (no browser sends one) is refused before it is hashed.
                if len(value) > MAX_ORIGIN_LENGTH:
                    extra = compiled.refused
                else:
                    known = compiled.memo.get(value)
                    extra = known if known is not None else await _decide(compiled, value)
                break
        else:
            # Not a CORS request. An answer that depends on Origin still carries
            # "Vary: Origin", so no cache serves this response to a request with one.
            extra = compiled.no_origin

        # A plain function returning send's awaitable: no extra coroutine per message. The
        # common case of add_headers (no Vary and no CORS header from the app) is inlined:
        # this runs per response, and looks at each of the app's header names once.
        def send_with_cors(message: Message) -> Awaitable[None]:
            if message["type"] == "http.response.start":
                raw = message.get("headers")
                if raw:
                    if raw.__class__ is not list and raw.__class__ is not tuple:
                        # Any iterable is allowed; a one-shot one must be read only once.
                        raw = list(raw)
                    for name, _ in raw:
                        if name in NOTICED:
                            message["headers"] = add_headers(raw, extra)
                            break
                    else:
                        message["headers"] = [*raw, *extra]
                else:
                    message["headers"] = list(extra)
            return send(message)

        await self.app(scope, receive, send_with_cors)

    async def _preflight(
        self,
        scope: Scope,
        send: Send,
        compiled: CompiledPolicy,
        origin: bytes,
        method: bytes,
        request_headers: bytes,
        private_network: bool,
    ) -> None:
        if compiled.allows_all_origins:
            allow_origin = b"*"
        else:
            if await _resolve(compiled, origin) is compiled.refused:
                refusal = Refusal("origin", origin.decode("latin-1"))
                await preflight.send_refused(send, scope, compiled, origin, refusal)
                return
            allow_origin = origin
        answer = preflight.decide(compiled, method, request_headers, private_network)
        if isinstance(answer, Refusal):
            await preflight.send_refused(send, scope, compiled, origin, answer)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(ALLOW_ORIGIN, allow_origin), *answer],
            }
        )
        await send({"type": "http.response.body", "body": PREFLIGHT_BODY})

    async def _other(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket" or not self.check_websocket_origin:
            await self.app(scope, receive, send)
            return
        compiled = self._select(scope)
        if compiled is None or compiled.allows_all_origins:
            await self.app(scope, receive, send)
            return
        origin = None
        for name, value in scope["headers"]:
            if name == b"origin":
                origin = value
                break
        if (
            origin is not None
            and not websocket.is_same_origin(scope, origin)
            and await _resolve(compiled, origin) is compiled.refused
        ):
            await websocket.refuse(scope, receive, send, compiled, origin)
            return
        await self.app(scope, receive, send)


async def _resolve(compiled: CompiledPolicy, origin: bytes) -> RawHeaders:
    """The actual-response headers for ``origin``; ``compiled.refused`` if it is refused."""
    if len(origin) > MAX_ORIGIN_LENGTH:
        return compiled.refused
    found = compiled.memo.get(origin)
    return found if found is not None else await _decide(compiled, origin)


async def _decide(compiled: CompiledPolicy, origin: bytes) -> RawHeaders:
    """For an origin not in the memo: the static rules, then the ``allow_origin`` callable."""
    found = compiled.lookup(origin)
    return found if found is not None else await compiled.ask(origin)
