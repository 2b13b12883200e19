"""``CORSMiddleware``: the pure ASGI middleware.

Per request it reads the raw ASGI header list once, looks the ``Origin`` bytes up in the
compiled policy's memo, and wraps ``send`` with a closure that appends precomputed header
tuples to ``http.response.start``. Preflights are answered here and never reach the app.
The whole configuration is one object, swapped by a single attribute assignment, so
``reconfigure`` is atomic for every request that starts after it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from typing import Any

from corsguard.middleware import preflight, websocket
from corsguard.middleware.compiled import CompiledPolicy
from corsguard.middleware.debug import Refusal
from corsguard.middleware.headers import ALLOW_ORIGIN, add_headers
from corsguard.middleware.logs import logger
from corsguard.middleware.scopes import PathScopes
from corsguard.middleware.types import ASGIApp, Message, Receive, Scope, Send
from corsguard.policy import CORSPolicy

_UNCHANGED: Any = object()


class _Configuration:
    """Everything the middleware decides with; replaced whole, never changed."""

    __slots__ = ("compiled", "policy", "scopes")

    def __init__(
        self,
        policy: CORSPolicy | None,
        paths: Mapping[str, CORSPolicy | None] | None,
        options: Mapping[str, Any],
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
        **options: Any,
    ) -> None:
        self.app = app
        self.check_websocket_origin = check_websocket_origin
        self._configuration = _Configuration(policy, paths, options)

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
        self._configuration = _Configuration(policy, paths, options)

    def _select(self, scope: Scope) -> CompiledPolicy | None:
        configuration = self._configuration
        if configuration.scopes is None:
            return configuration.compiled
        return configuration.scopes.select(scope["path"])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._other(scope, receive, send)
            return
        configuration = self._configuration
        if configuration.scopes is None:
            compiled = configuration.compiled
        else:
            compiled = configuration.scopes.select(scope["path"])
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
                extra = compiled.memo.get(value)
                if extra is None:
                    extra = compiled.lookup(value)
                    if extra is None:
                        extra = await compiled.ask(value)
                break
        else:
            # Not a CORS request. An answer that depends on Origin still carries
            # "Vary: Origin", so no cache serves this response to a request with one.
            extra = compiled.no_origin

        # A plain function returning send's awaitable: no extra coroutine per message.
        def send_with_cors(message: Message) -> Awaitable[None]:
            if message["type"] == "http.response.start":
                message["headers"] = add_headers(message.get("headers"), extra)
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
            found = compiled.memo.get(origin)
            if found is None:
                found = compiled.lookup(origin)
                if found is None:
                    found = await compiled.ask(origin)
            if found is compiled.refused:
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
                "status": 204,
                "headers": [(ALLOW_ORIGIN, allow_origin), *answer],
            }
        )
        await send({"type": "http.response.body", "body": b""})

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
        if origin is not None and not websocket.is_same_origin(scope, origin):
            found = compiled.memo.get(origin)
            if found is None:
                found = compiled.lookup(origin)
                if found is None:
                    found = await compiled.ask(origin)
            if found is compiled.refused:
                await websocket.refuse(scope, receive, send, compiled, origin)
                return
        await self.app(scope, receive, send)
