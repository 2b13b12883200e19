"""Every finding sentence, on every branch, read in full.

The origin branches go through ``classify`` and ``build_finding`` from hand-made observations, so
the row proves both the class chosen for the evidence and the sentence that reports it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from corsguard.codes import Severity
from corsguard.scan import sentences
from corsguard.scan.classify import classify
from corsguard.scan.probes import Probe
from corsguard.scan.requests import Credentials, Observation, ProbeRequest
from corsguard.scan.severity import build_finding

URL = "https://api.example.com/orders"
EVIL = "https://cgtest.net"
PROBE = Probe(EVIL, "origin-reflection", "https://app.example.com", preflight=True)
ACAO = "Access-Control-Allow-Origin"
WITH_CREDENTIALS = [
    ("access-control-allow-origin", EVIL),
    ("access-control-allow-credentials", "true"),
]
WITHOUT_CREDENTIALS = [("access-control-allow-origin", EVIL)]


def simple(
    method: str,
    status: int,
    headers: Sequence[tuple[str, str]] = (),
    credentials: Credentials = "none",
) -> Observation:
    request = ProbeRequest(URL, method, method, PROBE, "simple", credentials, (("Origin", EVIL),))
    return Observation(request, status, tuple(headers))


def preflight(method: str, headers: Sequence[tuple[str, str]] = WITH_CREDENTIALS) -> Observation:
    request = ProbeRequest(URL, "OPTIONS", method, PROBE, "preflight", "none", (("Origin", EVIL),))
    return Observation(request, 200, tuple(headers))


def failing(method: str, *statuses: int) -> list[Observation]:
    kinds: list[Credentials] = ["none", "cookie", "authorization"]
    return [simple(method, s, credentials=c) for s, c in zip(statuses, kinds, strict=False)]


UNPROVEN = (
    " The preflight allows credentials, so the requests it approves carry the user's cookies."
    " The real requests failed, so whether the attacker's page can also read the answers is"
    " unproven; the preflight alone lets it send them."
)
READS = (
    " Access-Control-Allow-Credentials is true, so the browser sends the user's cookies and lets"
    " the attacker's page read the answer."
)
SENDS = " The preflight allows credentials, so the requests it approves carry the user's cookies."
ANONYMOUS_SENDS = (
    " Credentials are not allowed, so the requests it approves go without the user's cookies."
)
ANONYMOUS_READS = (
    " Credentials are not allowed, so the attacker reads only what the browser fetches"
    " anonymously (public data, or services reachable only from the user's network)."
)
TITLE = f"{URL}: any origin is echoed in {ACAO}: "
CONDITIONAL = (
    f"{URL}: any origin is echoed, but only when a Cookie or Authorization header is present: "
)
WIDER = f"{URL}: the preflight grants more than the actual responses do: "

# name: (observations, class, severity, message, reason appended to the code's why)
ORIGIN_ROWS: dict[str, tuple[list[Observation], str, Severity, str, str]] = {
    "read-with-credentials": (
        [simple("GET", 200, WITH_CREDENTIALS), preflight("GET")],
        "origin-reflection",
        Severity.CRITICAL,
        f"{TITLE}a GET request from {EVIL} got its origin echoed in {ACAO} with credentials "
        "allowed",
        READS,
    ),
    "read-without-credentials": (
        [simple("GET", 200, WITHOUT_CREDENTIALS), preflight("GET", WITHOUT_CREDENTIALS)],
        "origin-reflection",
        Severity.LOW,
        f"{TITLE}a GET request from {EVIL} got its origin echoed in {ACAO}",
        ANONYMOUS_READS,
    ),
    "only-with-a-cookie": (
        [simple("GET", 200), simple("GET", 200, WITH_CREDENTIALS, "cookie")],
        "credential-conditional-reflection",
        Severity.CRITICAL,
        f"{CONDITIONAL}a GET request from {EVIL} "
        f"with a Cookie header got its origin echoed in {ACAO} with credentials allowed, which "
        "the same request without a Cookie header did not get",
        READS,
    ),
    "only-with-authorization": (
        [simple("GET", 200), simple("GET", 200, WITH_CREDENTIALS, "authorization")],
        "credential-conditional-reflection",
        Severity.CRITICAL,
        f"{CONDITIONAL}a GET request from {EVIL} "
        f"with an Authorization header got its origin echoed in {ACAO} with credentials allowed, "
        "which the same request without an Authorization header did not get",
        READS,
    ),
    "preflight-only-method": (
        [preflight("PUT")],
        "origin-reflection",
        Severity.CRITICAL,
        f"{TITLE}the PUT preflight from {EVIL} got its origin echoed in {ACAO} with credentials "
        "allowed",
        SENDS,
    ),
    "preflight-only-method-anonymous": (
        [preflight("DELETE", WITHOUT_CREDENTIALS)],
        "origin-reflection",
        Severity.LOW,
        f"{TITLE}the DELETE preflight from {EVIL} got its origin echoed in {ACAO}",
        ANONYMOUS_SENDS,
    ),
    "one-real-request-failed": (
        [simple("POST", 500), preflight("POST")],
        "origin-reflection",
        Severity.CRITICAL,
        f"{TITLE}the POST preflight from {EVIL} got its origin echoed in {ACAO} with credentials "
        "allowed, but the real POST request failed with status 500, so whether that origin can "
        "read the answers is unproven",
        UNPROVEN,
    ),
    "every-real-request-failed": (
        [*failing("GET", 500, 500, 500), preflight("GET")],
        "origin-reflection",
        Severity.CRITICAL,
        f"{TITLE}the GET preflight from {EVIL} got its origin echoed in {ACAO} with credentials "
        "allowed, but all 3 real GET requests failed with status 500, so whether that origin can "
        "read the answers is unproven",
        UNPROVEN,
    ),
    "every-real-request-failed-differently": (
        [*failing("GET", 500, 502, 500), preflight("GET")],
        "origin-reflection",
        Severity.CRITICAL,
        f"{TITLE}the GET preflight from {EVIL} got its origin echoed in {ACAO} with credentials "
        "allowed, but all 3 real GET requests failed (2 with status 500, 1 with status 502), so "
        "whether that origin can read the answers is unproven",
        UNPROVEN,
    ),
    "preflight-wider-than-answers": (
        [*failing("GET", 200, 200, 200), preflight("GET")],
        "preflight-permissive",
        Severity.MEDIUM,
        f"{WIDER}the GET preflight from {EVIL} got its origin approved with credentials allowed, "
        f"but the 3 real GET responses do not name it in {ACAO}",
        SENDS,
    ),
    "preflight-wider-than-one-answer": (
        [simple("POST", 403), preflight("POST", WITHOUT_CREDENTIALS)],
        "preflight-permissive",
        Severity.LOW,
        f"{WIDER}the POST preflight from {EVIL} got its origin approved, but the real POST "
        f"response does not name it in {ACAO}",
        ANONYMOUS_SENDS,
    ),
    "preflight-wider-and-some-failed": (
        [*failing("GET", 200, 500, 200), preflight("GET")],
        "preflight-permissive",
        Severity.MEDIUM,
        f"{WIDER}the GET preflight from {EVIL} got its origin approved with credentials allowed, "
        f"but the 2 real GET responses do not name it in {ACAO} (1 of the 3 real GET requests "
        "failed with status 500)",
        SENDS,
    ),
}


@pytest.mark.parametrize(
    ("observations", "class_id", "severity", "message", "reason"),
    ORIGIN_ROWS.values(),
    ids=list(ORIGIN_ROWS),
)
def test_origin_sentences(
    observations: list[Observation], class_id: str, severity: Severity, message: str, reason: str
) -> None:
    classified = classify(observations, [], URL)
    assert list(classified.hits) == [class_id]
    finding = build_finding(URL, class_id, classified.hits[class_id], ())
    assert finding.severity == severity
    assert finding.message == message
    assert finding.evidence["why"].endswith(reason)


def test_unanswered_real_requests_count_as_failed() -> None:
    observations = [
        simple("GET", 500),
        Observation(simple("GET", 0, credentials="cookie").request, None, (), "ReadError"),
        preflight("GET"),
    ]
    classified = classify(observations, [], URL)
    (hit,) = classified.hits["origin-reflection"]
    finding = build_finding(URL, "origin-reflection", [hit], ())
    assert "both real GET requests failed (1 with status 500, 1 without an answer)" in (
        finding.message
    )
    assert finding.evidence["failed_requests"] == {"count": 2, "statuses": [500], "unanswered": 1}


def test_failed_real_requests_are_counted_in_the_evidence() -> None:
    observations = [*failing("GET", 500, 502, 500), preflight("GET")]
    classified = classify(observations, [], URL)
    (hit,) = classified.hits["origin-reflection"]
    finding = build_finding(URL, "origin-reflection", [hit], ())
    assert finding.evidence["failed_requests"] == {"count": 3, "statuses": [500, 502]}


# name: (rendered phrase, expected)
PHRASES: dict[str, tuple[str, str]] = {
    "wildcard": (sentences.wildcard(credentialed=False), f"'*' in {ACAO}"),
    "wildcard-with-credentials": (
        sentences.wildcard(credentialed=True),
        f"'*' in {ACAO} together with Access-Control-Allow-Credentials: true",
    ),
    "malformed": (
        sentences.malformed("2 header lines: '*', 'https://app.example.com'"),
        f"an {ACAO} that browsers refuse: 2 header lines: '*', 'https://app.example.com'",
    ),
    "static-foreign": (
        sentences.static_foreign("https://partner.net"),
        f"{ACAO}: https://partner.net, the same answer for every origin probed",
    ),
    "missing-vary-shared": (
        sentences.missing_vary("shared"),
        f"an {ACAO} that depends on the Origin, without Vary: Origin, in a response shared "
        "caches may store",
    ),
    "missing-vary-private": (
        sentences.missing_vary("private"),
        f"an {ACAO} that depends on the Origin, without Vary: Origin, in a response the browser "
        "cache may store",
    ),
    "missing-vary-heuristic": (
        sentences.missing_vary("heuristic"),
        f"an {ACAO} that depends on the Origin, without Vary: Origin, in a response caches may "
        "store heuristically",
    ),
    "private-network-granted": (
        sentences.private_network(granted_origin=True),
        "Access-Control-Allow-Private-Network: true with its origin allowed",
    ),
    "private-network-refused": (
        sentences.private_network(granted_origin=False),
        "Access-Control-Allow-Private-Network: true, although its origin is refused",
    ),
    "any-method": (
        sentences.any_method(method=True, header=False),
        "approval for the method it made up",
    ),
    "any-header": (
        sentences.any_method(method=False, header=True),
        "approval for the header it made up",
    ),
    "any-method-and-header": (
        sentences.any_method(method=True, header=True),
        "approval for the method and the header it made up",
    ),
}


@pytest.mark.parametrize(("phrase", "expected"), PHRASES.values(), ids=list(PHRASES))
def test_phrases(phrase: str, expected: str) -> None:
    assert phrase == expected


def _request(kind: str, method: str = "OPTIONS", api: str = "GET") -> ProbeRequest:
    return ProbeRequest(URL, method, api, PROBE, kind, "none", ())  # type: ignore[arg-type]


# The requester of each request kind, completed by a phrase into the whole sentence.
REQUESTERS: dict[str, tuple[ProbeRequest, str, str]] = {
    "private-network": (
        _request("private-network"),
        sentences.private_network(granted_origin=True),
        f"{URL}: T: the Private Network Access preflight from {EVIL} got "
        "Access-Control-Allow-Private-Network: true with its origin allowed",
    ),
    "any-method": (
        _request("any-method", api="CGTEST"),
        sentences.any_method(method=True, header=True),
        f"{URL}: T: the preflight from {EVIL} for a made-up method and header got approval for "
        "the method and the header it made up",
    ),
    "simple-wildcard": (
        _request("simple", method="GET"),
        sentences.wildcard(credentialed=False),
        f"{URL}: T: a GET request from {EVIL} got '*' in {ACAO}",
    ),
    "preflight-wildcard": (
        _request("preflight", api="PATCH"),
        sentences.wildcard(credentialed=True),
        f"{URL}: T: the PATCH preflight from {EVIL} got '*' in {ACAO} together with "
        "Access-Control-Allow-Credentials: true",
    ),
}


@pytest.mark.parametrize(
    ("request_", "detail", "expected"), REQUESTERS.values(), ids=list(REQUESTERS)
)
def test_messages(request_: ProbeRequest, detail: str, expected: str) -> None:
    assert sentences.message(URL, "T", request_, detail) == expected


@pytest.mark.parametrize(
    ("class_id", "credentialed", "expected"),
    [
        ("wildcard-origin", False, ""),
        ("wildcard-with-credentials", True, ""),
        ("invalid-allow-origin", True, ""),
        ("preflight-permissive", True, SENDS),
        ("preflight-permissive", False, ANONYMOUS_SENDS),
        ("missing-vary", True, READS),
        ("private-network-any", False, ANONYMOUS_READS),
    ],
)
def test_reasons_of_the_other_classes(class_id: str, credentialed: bool, expected: str) -> None:
    reason = sentences.reason(
        class_id, credentialed=credentialed, preflight_only=False, failed=False
    )
    assert reason == expected


@pytest.mark.parametrize(
    ("methods", "statuses", "total", "expected"),
    [
        (["POST"], [500], 1, "the real POST request failed with status 500"),
        (["GET"] * 3, [502] * 3, 3, "all 3 real GET requests failed with status 502"),
        (["GET", "POST"], [500, 500], 2, "both real GET and POST requests failed with status 500"),
        (
            ["GET"] * 3,
            [500, 503, 500],
            3,
            "all 3 real GET requests failed (2 with status 500, 1 with status 503)",
        ),
        (["GET"], [500], 3, "1 of the 3 real GET requests failed with status 500"),
        (
            ["GET", "GET"],
            [500, 504],
            4,
            "2 of the 4 real GET requests failed (1 with status 500, 1 with status 504)",
        ),
        (["POST"], [None], 1, "the real POST request failed without an answer"),
        (
            ["GET"] * 3,
            [None, 500, 500],
            3,
            "all 3 real GET requests failed (2 with status 500, 1 without an answer)",
        ),
    ],
    ids=["one", "all-same", "two-methods", "all-mixed", "some", "some-mixed", "no-answer", "mixed"],
)
def test_failures(
    methods: list[str], statuses: list[int | None], total: int, expected: str
) -> None:
    assert sentences.failures(methods, statuses, total=total) == expected
