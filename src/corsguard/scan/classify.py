"""From observations to classes: which misconfiguration each response proves.

Every probe's responses are looked at (no stopping at the first finding). An origin probe only
counts when the server names that very origin in ``Access-Control-Allow-Origin``: ``*`` is
reported as the wildcard classes, not as a bypass. Findings that a broader one explains (a
server that reflects every origin also accepts ``https://app.example.com.x.net``) are folded
into the broader one and listed as also granted, so each target reports causes, not symptoms.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from corsguard.codes import Severity
from corsguard.protocol.origin import NULL_ORIGIN, origin_of_url, parse_serialized_origin
from corsguard.scan import responses as r
from corsguard.scan import sentences
from corsguard.scan.hosts import registrable_domain, same_site
from corsguard.scan.probes import BASELINE, Probe, Trusted
from corsguard.scan.requests import Observation

# Classes decided by whether the server grants a probe origin.
ORIGIN_CLASSES = frozenset(
    {
        "origin-reflection",
        "null-origin",
        "prefix-match",
        "suffix-match",
        "substring-match",
        "unescaped-dot",
        "special-char-bypass",
        "any-subdomain",
        "insecure-origin",
        "third-party-origin",
        "localhost-origin",
        "any-port",
    }
)


@dataclass(frozen=True, slots=True)
class Hit:
    """One piece of evidence for a class."""

    class_id: str
    observation: Observation
    credentialed: bool  # the grant also lets credentials through (ACAC: true)
    detail: str
    cap: Severity | None = None  # the most this hit can be worth (unexploitable probes)
    failed: tuple[int | None, ...] = ()  # statuses of the failed real requests (None: no answer)
    preflight_only: bool = False  # proven by a preflight alone: nothing says the answer is read

    @property
    def probe(self) -> Probe:
        return self.observation.request.probe


@dataclass(frozen=True, slots=True)
class Classified:
    hits: dict[str, list[Hit]]  # class id -> evidence, broader classes first
    also_granted: dict[str, list[str]]  # class id -> origins it explains


def classify(
    observations: Sequence[Observation], trusted: Sequence[Trusted], url: str
) -> Classified:
    answered = [o for o in observations if o.status is not None]
    hits: dict[str, list[Hit]] = {}
    detectors = (
        _origin_hits(observations),  # unanswered real requests count as failed there
        _wildcard_hits(answered),
        _malformed_hits(answered),
        _static_foreign_hits(answered, trusted, url),
        _vary_hits(answered),
        _private_network_hits(answered),
        _any_method_hits(answered),
    )
    for found in detectors:
        for hit in found:
            hits.setdefault(hit.class_id, []).append(hit)
    return _fold(hits)


def _by_probe(observations: Sequence[Observation]) -> dict[Probe, list[Observation]]:
    grouped: dict[Probe, list[Observation]] = {}
    for observation in observations:
        grouped.setdefault(observation.request.probe, []).append(observation)
    return grouped


def _origin_hits(observations: Sequence[Observation]) -> list[Hit]:
    """Rate each origin probe by what the preflight and the real responses prove.

    A real response naming the origin proves the read. A preflight naming it proves that the
    browser sends the request; when every real request failed (5xx, which frameworks often
    answer without CORS headers) that is all there is, and the finding says so instead of
    calling the preflight wider than responses nobody saw.
    """
    found: list[Hit] = []
    for probe, seen in _by_probe(observations).items():
        if probe.kind not in ORIGIN_CLASSES:
            continue
        simple = [o for o in seen if o.request.kind == "simple" and o.request.credentials == "none"]
        with_credentials = [o for o in seen if o.request.credentials != "none"]
        preflights = [o for o in seen if o.request.kind == "preflight"]
        cap = None if probe.controllable else Severity.INFO
        granted = [o for o in simple if r.grants_origin(o)]
        if granted:
            best = max(granted, key=r.allows_credentials)
            found.append(_grant(probe.kind, best, cap))
            continue
        conditional = [o for o in with_credentials if r.grants_origin(o)]
        if conditional:
            best = max(conditional, key=r.allows_credentials)
            kind = (
                "credential-conditional-reflection"
                if probe.kind == "origin-reflection"
                else probe.kind
            )
            credentialed = r.allows_credentials(best)
            detail = sentences.conditional(
                credentialed=credentialed, credentials=best.request.credentials
            )
            found.append(Hit(kind, best, credentialed, detail, cap))
            continue
        widened = [o for o in preflights if r.grants_origin(o)]
        if not widened:
            continue
        best = max(widened, key=r.allows_credentials)
        real = simple + with_credentials
        failed = [o for o in real if _failed(o)]
        if not real:  # no real request to compare with (PUT, DELETE: never sent)
            found.append(_grant(probe.kind, best, cap, preflight_only=True))
        elif len(failed) == len(real):
            found.append(_unproven(probe.kind, best, failed, cap))
        elif cap is None:
            found.append(_wider(best, real, failed))
    return found


def _failed(observation: Observation) -> bool:
    """A real request that proves nothing about the policy: a 5xx, or no answer at all."""
    return observation.status is None or observation.status >= 500


def _grant(
    kind: str, best: Observation, cap: Severity | None, *, preflight_only: bool = False
) -> Hit:
    credentialed = r.allows_credentials(best)
    detail = sentences.granted(credentialed=credentialed)
    return Hit(kind, best, credentialed, detail, cap, preflight_only=preflight_only)


def _unproven(
    kind: str, best: Observation, failed: Sequence[Observation], cap: Severity | None
) -> Hit:
    statuses = tuple(o.status for o in failed)
    text = sentences.failures([o.request.method for o in failed], statuses, total=len(failed))
    credentialed = r.allows_credentials(best)
    detail = sentences.preflight_granted_real_failed(credentialed=credentialed, failed=text)
    return Hit(kind, best, credentialed, detail, cap, failed=statuses, preflight_only=True)


def _wider(best: Observation, real: Sequence[Observation], failed: Sequence[Observation]) -> Hit:
    answered = [o for o in real if not _failed(o)]
    statuses = tuple(o.status for o in failed)
    failures = (
        sentences.failures([o.request.method for o in failed], statuses, total=len(real))
        if failed
        else None
    )
    credentialed = r.allows_credentials(best)
    detail = sentences.preflight_wider(
        credentialed=credentialed,
        methods=[o.request.method for o in answered],
        answered=len(answered),
        failed=failures,
    )
    return Hit("preflight-permissive", best, credentialed, detail, failed=statuses)


def _wildcard_hits(observations: Sequence[Observation]) -> list[Hit]:
    found: list[Hit] = []
    for observation in observations:
        if observation.request.is_preflight and not r.is_ok(observation):
            continue
        if r.allow_origin(observation) != "*":
            continue
        if r.allows_credentials(observation):
            detail = sentences.wildcard(credentialed=True)
            found.append(Hit("wildcard-with-credentials", observation, True, detail))
        elif observation.request.kind == "simple":
            detail = sentences.wildcard(credentialed=False)
            found.append(Hit("wildcard-origin", observation, False, detail))
    return found


def _malformed_hits(observations: Sequence[Observation]) -> list[Hit]:
    found: list[Hit] = []
    for observation in observations:
        problem = r.malformed_allow_origin(observation)
        if problem is not None:
            detail = sentences.malformed(problem)
            credentialed = r.allows_credentials(observation)
            found.append(Hit("invalid-allow-origin", observation, credentialed, detail))
    return found


def _static_foreign_hits(
    observations: Sequence[Observation], trusted: Sequence[Trusted], url: str
) -> list[Hit]:
    """An Allow-Origin that stays the same whatever the Origin, naming a site nobody trusts."""
    target = origin_of_url(url)
    known = [t.host for t in trusted if t.scheme != "null"] + ([target.host] if target else [])
    answers: dict[str, set[str]] = {}
    first: dict[str, Observation] = {}
    for observation in observations:
        value = r.allow_origin(observation)
        if (
            value is None
            or value in ("*", NULL_ORIGIN)
            or value == observation.request.probe.origin
        ):
            continue
        parsed = parse_serialized_origin(value)
        if parsed is None or any(t.matches(value) for t in trusted):
            continue
        if any(same_site(parsed.host, host) for host in known):
            continue
        answers.setdefault(value, set()).add(observation.request.probe.origin)
        first.setdefault(value, observation)
    return [
        Hit(
            "static-foreign-origin",
            first[value],
            r.allows_credentials(first[value]),
            sentences.static_foreign(value),
        )
        for value, origins in answers.items()
        if len(origins) > 1
    ]


def _vary_hits(observations: Sequence[Observation]) -> list[Hit]:
    """Allow-Origin differs between origins on one method, and a cache can store it unkeyed."""
    by_method: dict[str, list[Observation]] = {}
    for observation in observations:
        if observation.request.kind == "simple" and observation.request.credentials == "none":
            by_method.setdefault(observation.request.method, []).append(observation)
    found: list[Hit] = []
    for seen in by_method.values():
        if len({r.allow_origin(o) for o in seen}) < 2:
            continue
        exposed = [
            (o, exposure)
            for o in seen
            if r.allow_origin(o) is not None
            and not r.varies_on_origin(o)
            and (exposure := r.cache_exposure(o)) is not None
        ]
        if not exposed:
            continue
        ranked = {"shared": 0, "private": 1, "heuristic": 2}
        observation, exposure = min(exposed, key=lambda pair: ranked[pair[1]])
        cap = {"shared": None, "private": Severity.LOW, "heuristic": Severity.INFO}[exposure]
        detail = sentences.missing_vary(exposure)
        found.append(
            Hit("missing-vary", observation, r.allows_credentials(observation), detail, cap)
        )
    return found


def _private_network_hits(observations: Sequence[Observation]) -> list[Hit]:
    found: list[Hit] = []
    for observation in observations:
        request = observation.request
        if request.kind != "private-network" or request.probe.kind == BASELINE:
            continue
        value = r.combine_header(observation, "access-control-allow-private-network")
        if value != "true":
            continue
        granted = r.grants_read(observation, credentialed=False)
        cap = None if granted else Severity.INFO
        detail = sentences.private_network(granted_origin=granted)
        found.append(
            Hit("private-network-any", observation, r.allows_credentials(observation), detail, cap)
        )
    return found


def _any_method_hits(observations: Sequence[Observation]) -> list[Hit]:
    """The baseline preflight asked for a made-up method and header; were they granted?"""
    found: list[Hit] = []
    for observation in observations:
        request = observation.request
        if request.kind != "any-method" or not r.grants_read(observation, credentialed=False):
            continue
        methods = r.list_tokens(observation, "access-control-allow-methods")
        headers = r.list_tokens(observation, "access-control-allow-headers")
        credentialed = r.allows_credentials(observation)
        asked_header = dict(request.headers)["Access-Control-Request-Headers"]
        # '*' grants any method or header to requests without credentials (Fetch, "CORS-preflight
        # fetch", steps 7.5-7.8); for credentialed ones it is a literal name.
        any_method = request.api_method.lower() in methods or "*" in methods
        any_header = asked_header in headers or "*" in headers
        if any_method or any_header:
            detail = sentences.any_method(method=any_method, header=any_header)
            # Common for the trusted origin (allow_headers=["*"]); worth knowing, not an attack.
            found.append(
                Hit("preflight-permissive", observation, credentialed, detail, Severity.INFO)
            )
    return found


def _explains(general: Hit, other: Hit) -> bool:
    """Does the broader class ``general`` already account for ``other``'s grant?"""
    origin = other.probe.origin
    if general.class_id == "credential-conditional-reflection":
        return other.class_id in ORIGIN_CLASSES and other.observation.request.credentials != "none"
    if general.class_id == "origin-reflection":
        return other.class_id in ORIGIN_CLASSES
    base = general.probe.base
    if not base or origin == base:
        return False
    host = base.split("://", 1)[1]
    if general.class_id == "substring-match":
        return host in origin
    if general.class_id == "prefix-match":
        return origin.startswith(base)
    if general.class_id == "special-char-bypass":
        # A parser that stops the host at '_' or '!' also stops at ':', dropping the port.
        return other.class_id == "any-port" and origin.startswith(base)
    if general.class_id == "suffix-match":
        site = registrable_domain(host)
        parsed = origin_of_url(origin)
        return site is not None and parsed is not None and parsed.host.endswith(site)
    return False


_BROAD = (
    "credential-conditional-reflection",
    "origin-reflection",
    "substring-match",
    "prefix-match",
    "suffix-match",
    "special-char-bypass",
)


def _fold(hits: dict[str, list[Hit]]) -> Classified:
    also: dict[str, list[str]] = {}
    for broad in _BROAD:
        generals = [h for h in hits.get(broad, []) if h.cap is None]
        if not generals:
            continue
        for class_id in list(hits):
            if class_id == broad or class_id not in ORIGIN_CLASSES | {"preflight-permissive"}:
                continue
            kept = []
            for hit in hits[class_id]:
                explainer = next((g for g in generals if _explains(g, hit)), None)
                if explainer is None:
                    kept.append(hit)
                else:
                    also.setdefault(broad, []).append(hit.probe.origin)
            if kept:
                hits[class_id] = kept
            else:
                del hits[class_id]
    if "wildcard-with-credentials" in hits:
        hits.pop("wildcard-origin", None)
    return Classified(hits, also)
