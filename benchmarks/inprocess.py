"""In-process scenarios: direct ASGI calls, CPU time per request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from benchmarks import apps
from benchmarks.timing import Timings, Variant, http_scope, measure

GET = http_scope("GET", "/hello", [("origin", apps.ORIGIN), ("accept", "*/*")])
# A preflight as Chromium sends it (cors-protocol research §1.3).
PREFLIGHT_HEADERS = [
    ("accept", "*/*"),
    ("access-control-request-method", "PUT"),
    ("access-control-request-headers", "content-type,x-token"),
    ("origin", apps.ORIGIN),
    ("user-agent", "Mozilla/5.0 HeadlessChrome/156.0.0.0"),
    ("sec-fetch-mode", "cors"),
    ("sec-fetch-site", "cross-site"),
    ("sec-fetch-dest", "empty"),
    ("accept-encoding", "gzip, deflate, br, zstd"),
    ("accept-language", "en-US,en;q=0.9"),
]
PREFLIGHT = http_scope("OPTIONS", "/hello", PREFLIGHT_HEADERS)
# 64 KiB of header names: what an attacker can put in a preflight.
HOSTILE_NAMES = ",".join(f"x-h{i:05d}" for i in range(8192))[: 64 * 1024]
HOSTILE_PREFLIGHT = http_scope(
    "OPTIONS",
    "/hello",
    [
        (n, HOSTILE_NAMES if n == "access-control-request-headers" else v)
        for n, v in PREFLIGHT_HEADERS
    ],
)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Row:
    scenario: str
    figures: str
    target: str
    passed: bool | None  # None: reported for information, no target


def fastapi_hello(rounds: int, progress: Progress) -> tuple[Timings, list[Row]]:
    variants = [
        Variant("none", apps.fastapi_none(), [GET]),
        Variant("starlette", apps.fastapi_starlette(), [GET]),
        Variant("corsguard", apps.fastapi_corsguard(), [GET]),
        Variant("floor", apps.fastapi_floor(), [GET]),
        Variant("floor4", apps.fastapi_floor4(), [GET]),
    ]
    # Short batches, many rounds: on a shared machine the median of many paired ratios is
    # steadier than a few long runs.
    t = measure(variants, calls=500, rounds=rounds * 4, baseline="none", progress=progress)
    added = {name: t.ratios[name] - 1 for name in ("starlette", "corsguard", "floor", "floor4")}
    rows = [
        Row(
            "FastAPI hello, GET, allowed Origin",
            _three(t) + f"; added: corsguard {added['corsguard']:+.1%}, "
            f"Starlette {added['starlette']:+.1%} (a middleware that only appends the same "
            f"four headers: {added['floor4']:+.1%}; two fixed headers: {added['floor']:+.1%})",
            "corsguard added ≤ 6%",
            added["corsguard"] <= 0.06,
        )
    ]
    return t, rows


def empty_app(rounds: int, progress: Progress) -> tuple[list[Timings], list[Row]]:
    rows: list[Row] = []
    results: list[Timings] = []
    for label, scope in (("GET, allowed Origin", GET), ("preflight, allowed", PREFLIGHT)):
        variants = [
            Variant("none", apps.empty_none(), [scope]),
            Variant("starlette", apps.empty_starlette(), [scope]),
            Variant("corsguard", apps.empty_corsguard(), [scope]),
        ]
        t = measure(variants, calls=5000, rounds=rounds * 4, baseline="none", progress=progress)
        share = t.added_ratio("corsguard", "starlette", "none")
        added_cg = t.per_call_ns["corsguard"] - t.per_call_ns["none"]
        added_st = t.per_call_ns["starlette"] - t.per_call_ns["none"]
        rows.append(
            Row(
                f"empty ASGI app, {label}",
                _three(t) + f"; added: corsguard {added_cg:,.0f} ns, Starlette {added_st:,.0f} ns"
                f" → corsguard adds {share:.0%} of Starlette's",
                "≤ 30% of Starlette's added cost",
                share <= 0.30,
            )
        )
        results.append(t)
    return results, rows


def large_policy(rounds: int, progress: Progress) -> tuple[Timings, list[Row]]:
    small = {**apps.OPTIONS, "allow_origins": apps.SMALL_ORIGINS}
    large = {**apps.OPTIONS, "allow_origins": apps.large_origins()}
    cases = {
        "allowed, exact": [http_scope("GET", "/", [("origin", apps.ORIGIN)])],
        "allowed, subdomain pattern": [
            http_scope("GET", "/", [("origin", "https://a.b.example.org")])
        ],
        "disallowed": [http_scope("GET", "/", [("origin", "https://evil.example")])],
        # A different origin on every request (4096 of them), so no answer is remembered.
        "allowed, 4096 distinct": [
            http_scope("GET", "/", [("origin", f"https://x{i}.example.org")]) for i in range(4096)
        ],
        "disallowed, 4096 distinct": [
            http_scope("GET", "/", [("origin", f"https://evil{i}.example")]) for i in range(4096)
        ],
    }
    variants = []
    for case, scopes in cases.items():
        variants.append(Variant(f"3 origins, {case}", apps.empty_corsguard(**small), scopes))
        variants.append(Variant(f"11,003 origins, {case}", apps.empty_corsguard(**large), scopes))
    baseline = "3 origins, allowed, exact"
    # Short batches, many rounds: the two policies of a case are compared within a round, and
    # the shorter the round, the less the machine changes between them.
    t = measure(variants, calls=2000, rounds=rounds * 10, baseline=baseline, progress=progress)
    rows = []
    for case in cases:
        small_ns = t.per_call_ns[f"3 origins, {case}"]
        large_ns = t.per_call_ns[f"11,003 origins, {case}"]
        ratio = t.paired_ratio(f"11,003 origins, {case}", f"3 origins, {case}")
        # The target is about a frontend's repeated origins; a new origin on every request
        # (memo cold) is reported for information.
        cold = "distinct" in case
        rows.append(
            Row(
                f"10,000 origins + 1,000 patterns vs 3, {case}",
                f"3: {small_ns:,.0f} ns; 11,003: {large_ns:,.0f} ns; ratio {ratio:.3f}",
                "information (nothing remembered)" if cold else "within 5%",
                None if cold else abs(ratio - 1) <= 0.05,
            )
        )
    return t, rows


def hostile_preflight(rounds: int, progress: Progress) -> tuple[Timings, list[Row]]:
    variants = [
        # Fresh header bytes per call, as from a server; the copying (64 KiB for the hostile
        # header) is counted against both middlewares.
        Variant("corsguard normal", apps.empty_corsguard(), [PREFLIGHT], fresh=True),
        Variant("corsguard 64 KiB", apps.empty_corsguard(), [HOSTILE_PREFLIGHT], fresh=True),
        Variant("starlette normal", apps.empty_starlette(), [PREFLIGHT], fresh=True),
        Variant("starlette 64 KiB", apps.empty_starlette(), [HOSTILE_PREFLIGHT], fresh=True),
    ]
    t = measure(variants, calls=2000, rounds=rounds, baseline="corsguard normal", progress=progress)
    ours = t.ratios["corsguard 64 KiB"]
    theirs = t.per_call_ns["starlette 64 KiB"] / t.per_call_ns["starlette normal"]
    rows = [
        Row(
            "preflight with a 64 KiB Access-Control-Request-Headers",
            f"corsguard {t.per_call_ns['corsguard normal']:,.0f} → "
            f"{t.per_call_ns['corsguard 64 KiB']:,.0f} ns ({ours:.2f}×); Starlette "
            f"{t.per_call_ns['starlette normal']:,.0f} → "
            f"{t.per_call_ns['starlette 64 KiB']:,.0f} ns ({theirs:.1f}×)",
            "≤ 20× a normal preflight",
            ours <= 20,
        )
    ]
    return t, rows


def _three(t: Timings) -> str:
    ns = t.per_call_ns
    return (
        f"none {ns['none']:,.0f} ns, Starlette {ns['starlette']:,.0f} ns, "
        f"corsguard {ns['corsguard']:,.0f} ns"
    )
