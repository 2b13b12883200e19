"""Sending the probes: async I/O, bounded concurrency, timeouts and retries that never hang.

One ``httpx.AsyncClient`` (one connection pool, one TLS context) serves the whole scan.
Concurrency is capped overall and per host, so a scan of many endpoints on one server neither
floods it nor waits on one slow target. Every attempt has a total deadline on top of httpx's
per-phase timeouts, because a server that trickles bytes can outlast each phase's timeout.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from corsguard._version import __version__
from corsguard.findings import Finding
from corsguard.scan.classify import classify
from corsguard.scan.probes import Probe, Trusted, derive_probes, new_token
from corsguard.scan.requests import Observation, ProbeRequest, plan_requests
from corsguard.scan.severity import build_finding


@dataclass(frozen=True, slots=True)
class Target:
    url: str
    methods: tuple[str, ...] = ("GET",)
    trusted: tuple[Trusted, ...] | None = None  # overrides the scan's trusted origins


@dataclass(frozen=True, slots=True)
class ScanOptions:
    concurrency: int = 50
    per_host: int = 6
    timeout: float = 10.0
    retries: int = 2
    verify: bool = True
    app: Any = None  # an ASGI app scanned in-process instead of over the network
    headers: tuple[tuple[str, str], ...] = ()  # extra headers on every request
    token: str | None = None  # fixed attacker label, for reproducible runs
    proxy: str | None = None  # an HTTP proxy (Burp, mitmproxy) every request goes through


@dataclass(frozen=True, slots=True)
class TargetResult:
    target: Target
    probes: tuple[Probe, ...]
    observations: tuple[Observation, ...]
    findings: tuple[Finding, ...]
    error: str | None = None  # set when no probe got an answer

    @property
    def requests_sent(self) -> int:
        return len(self.observations)


@dataclass(slots=True)
class _Limits:
    overall: asyncio.Semaphore
    per_host: int
    hosts: dict[str, asyncio.Semaphore] = field(default_factory=dict)

    def host(self, url: str) -> asyncio.Semaphore:
        netloc = urlsplit(url).netloc
        if netloc not in self.hosts:
            self.hosts[netloc] = asyncio.Semaphore(self.per_host)
        return self.hosts[netloc]


# Bodies are read so the connection can be reused; past this size, dropping it is cheaper.
MAX_BODY = 256 * 1024
USER_AGENT = f"corsguard/{__version__} (CORS scan)"


class _Sender:
    """Sends probe requests straight to an httpx transport.

    The client layer is skipped on purpose: its cookie jar would carry a ``Set-Cookie`` from
    one probe into the next (turning "without credentials" probes into credentialed ones),
    and it follows redirects, which are part of what the browser sees.
    """

    def __init__(self, options: ScanOptions) -> None:
        try:
            import httpx
        except ImportError as error:  # pragma: no cover - depends on the environment
            raise RuntimeError(
                "corsguard scan needs httpx; install the command-line extra: "
                "pip install 'corsguard[cli]'"
            ) from error
        self.httpx = httpx
        self.options = options
        self.timeouts = httpx.Timeout(options.timeout).as_dict()
        # One pool per host, sized to the per-host limit: the pool's bookkeeping grows with
        # the connections it holds, so small pools keep the client's CPU cost per request low.
        self.transports: dict[str, Any] = {}
        self.app_transport: Any = None
        self.tls: Any = None  # one TLS context for every pool, made on first use
        if options.app is not None:
            # An app that raises answers 500, as a server in front of it would.
            self.app_transport = httpx.ASGITransport(app=options.app, raise_app_exceptions=False)

    def transport(self, url: str) -> Any:
        if self.app_transport is not None:
            return self.app_transport
        netloc = urlsplit(url).netloc
        if netloc not in self.transports:
            if self.tls is None:
                self.tls = self.httpx.create_ssl_context(verify=self.options.verify)
            size = max(1, self.options.per_host)
            self.transports[netloc] = self.httpx.AsyncHTTPTransport(
                verify=self.tls,
                proxy=self.options.proxy,
                # Idle connections are dropped before common server keep-alive timeouts
                # (uvicorn closes after 5 s): reusing one the server is closing gives a
                # ReadError, a failure the server never caused.
                limits=self.httpx.Limits(
                    max_connections=size, max_keepalive_connections=size, keepalive_expiry=2.0
                ),
            )
        return self.transports[netloc]

    async def __aenter__(self) -> _Sender:
        return self

    async def __aexit__(self, *exc: object) -> None:
        for transport in self.transports.values():
            await transport.aclose()
        if self.app_transport is not None:
            await self.app_transport.aclose()

    async def _roundtrip(self, request: Any) -> Any:
        response = await self.transport(str(request.url)).handle_async_request(request)
        try:
            size = 0
            async for chunk in response.aiter_raw():
                size += len(chunk)
                if size > MAX_BODY:
                    break
        finally:
            await response.aclose()
        return response

    async def send(self, request: ProbeRequest, limits: _Limits) -> Observation:
        httpx = self.httpx
        options = self.options
        headers = [
            ("User-Agent", USER_AGENT),
            ("Accept", "*/*"),
            *request.headers,
            *options.headers,
        ]
        error = "not sent"
        # A server may close a kept-alive connection right after answering (uvicorn does after
        # a handler raised), and the pool can hand that connection out before it notices.
        # Such a failure is retried at once on the next connection, beyond the usual retries.
        stale = max(1, options.per_host) + 1
        attempt, delay = 0, 0.0
        while attempt <= options.retries:
            if delay:
                await asyncio.sleep(delay)
            async with limits.overall, limits.host(request.url):
                try:
                    built = httpx.Request(
                        request.method,
                        request.url,
                        headers=headers,
                        extensions={"timeout": self.timeouts},
                    )
                    response = await asyncio.wait_for(self._roundtrip(built), options.timeout)
                except (httpx.TransportError, asyncio.TimeoutError, OSError) as failure:
                    error = f"{type(failure).__name__}: {failure}".rstrip(": ")
                    closed = (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)
                    if isinstance(failure, closed) and stale > 0:
                        stale, delay = stale - 1, 0.0
                    else:
                        attempt += 1
                        delay = 0.1 * 2**attempt
                    continue
            raw = tuple(
                (name.decode("latin-1"), value.decode("latin-1"))
                for name, value in response.headers.raw
            )
            if response.status_code in (429, 503) and attempt < options.retries:
                # Rate limited: wait as asked (capped, so a scan never stalls), then retry.
                error = f"status {response.status_code}"
                attempt += 1
                delay = _retry_after(response.headers.get("retry-after"))
                continue
            return Observation(request, response.status_code, raw)
        return Observation(request, None, (), error)


def _retry_after(value: str | None) -> float:
    """Seconds to wait before retrying: the server's Retry-After, between 0.1 and 5."""
    try:
        seconds = float(value) if value is not None else 0.5
    except ValueError:
        seconds = 0.5
    return min(max(seconds, 0.1), 5.0)


def _trusted(target: Target, trusted: Sequence[Trusted]) -> Sequence[Trusted]:
    return trusted if target.trusted is None else target.trusted


def _methods(target: Target) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.upper() for m in target.methods)) or ("GET",)


async def scan_async(
    targets: Sequence[Target],
    trusted: Sequence[Trusted],
    options: ScanOptions | None = None,
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> list[TargetResult]:
    """Probe every target; results come back in the order of ``targets``."""
    options = options or ScanOptions()
    token = options.token or new_token()
    plans: list[tuple[Target, tuple[Probe, ...], list[ProbeRequest]]] = []
    for target in targets:
        probes = derive_probes(_trusted(target, trusted), target.url, token)
        plans.append((target, probes, plan_requests(target.url, _methods(target), probes, token)))
    total = sum(len(requests) for _, _, requests in plans)
    done = 0
    limits = _Limits(asyncio.Semaphore(max(1, options.concurrency)), max(1, options.per_host))

    async def one(sender: _Sender, request: ProbeRequest) -> Observation:
        nonlocal done
        observation = await sender.send(request, limits)
        done += 1
        if on_progress is not None:
            on_progress(done, total)
        return observation

    async with _Sender(options) as sender:
        gathered = await asyncio.gather(
            *(
                asyncio.gather(*(one(sender, request) for request in requests))
                for _, _, requests in plans
            )
        )
    results = []
    for (target, probes, _), observations in zip(plans, gathered, strict=True):
        results.append(_result(target, probes, observations, _trusted(target, trusted)))
    return results


def _result(
    target: Target,
    probes: tuple[Probe, ...],
    observations: Sequence[Observation],
    trusted: Sequence[Trusted],
) -> TargetResult:
    answered = [o for o in observations if o.status is not None]
    if not answered:
        reason = observations[0].error if observations else "nothing to send"
        return TargetResult(
            target, probes, tuple(observations), (), f"{target.url}: unreachable: {reason}"
        )
    classified = classify(observations, trusted, target.url)
    findings = [
        build_finding(target.url, class_id, hits, classified.also_granted.get(class_id, ()))
        for class_id, hits in classified.hits.items()
    ]
    findings.sort(key=lambda f: (-f.severity, f.code))
    return TargetResult(target, probes, tuple(observations), tuple(findings))


def scan(
    targets: Sequence[Target],
    trusted: Sequence[Trusted],
    options: ScanOptions | None = None,
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> list[TargetResult]:
    """Synchronous wrapper around :func:`scan_async` for scripts and tests."""
    return asyncio.run(scan_async(targets, trusted, options, on_progress=on_progress))
