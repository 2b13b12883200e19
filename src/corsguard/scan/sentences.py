"""What a scan finding says: one sentence template per branch, each a full English sentence.

A finding's message is ``{url}: {title}: {requester} got {detail}``. ``requester`` names the
request that proved it (``a GET request from https://x.net with a Cookie header``, ``the PUT
preflight from https://x.net``) and ``detail`` is a noun phrase for what came back, so that every
combination reads as one sentence. The ``why`` of a finding is the code's text followed by
``reason``, which must agree with the detail: a preflight-only grant never claims the attacker
reads the answer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from corsguard.scan.requests import Credentials, ProbeRequest

_HEADER = {"cookie": "a Cookie header", "authorization": "an Authorization header"}
ACAO = "Access-Control-Allow-Origin"


def requester(request: ProbeRequest) -> str:
    """Who asked, in the words of the request that proved the finding."""
    origin = request.probe.origin
    if request.kind == "simple":
        with_credentials = _with(request.credentials)
        return f"a {request.method} request from {origin}{with_credentials}"
    if request.kind == "private-network":
        return f"the Private Network Access preflight from {origin}"
    if request.kind == "any-method":
        return f"the preflight from {origin} for a made-up method and header"
    return f"the {request.api_method} preflight from {origin}"


def _with(credentials: Credentials) -> str:
    return "" if credentials == "none" else f" with {_HEADER[credentials]}"


def message(url: str, title: str, request: ProbeRequest, detail: str) -> str:
    return f"{url}: {title}: {requester(request)} got {detail}"


def granted(*, credentialed: bool) -> str:
    """The origin named in the answer: a simple request, or a preflight with nothing to compare."""
    text = f"its origin echoed in {ACAO}"
    return text + (" with credentials allowed" if credentialed else "")


def conditional(*, credentialed: bool, credentials: Credentials) -> str:
    """Echoed only when the request carried credentials."""
    return (
        f"{granted(credentialed=credentialed)}, which the same request without "
        f"{_HEADER[credentials]} did not get"
    )


def failures(methods: Sequence[str], statuses: Sequence[int | None], *, total: int) -> str:
    """The real requests that failed: ``all 3 real GET requests failed with status 500``.

    A status of ``None`` is a request that got no answer (a reset connection, a timeout).
    """
    count = len(statuses)
    names = " and ".join(dict.fromkeys(methods))
    noun = "request" if total == 1 else "requests"
    by_status = Counter(statuses)
    if len(by_status) == 1:
        status = _how(statuses[0])
    else:
        ordered = sorted(by_status.items(), key=lambda item: (item[0] is None, item[0] or 0))
        status = "(" + ", ".join(f"{n} {_how(s)}" for s, n in ordered) + ")"
    if total == 1:
        return f"the real {names} request failed {status}"
    if count == total:
        every = "both" if total == 2 else f"all {total}"
        return f"{every} real {names} {noun} failed {status}"
    return f"{count} of the {total} real {names} {noun} failed {status}"


def _how(status: int | None) -> str:
    return "without an answer" if status is None else f"with status {status}"


def preflight_granted_real_failed(*, credentialed: bool, failed: str) -> str:
    """The preflight names the origin; every real request failed, so the read is unproven."""
    return (
        f"{granted(credentialed=credentialed)}, but {failed}, so whether that origin can read "
        "the answers is unproven"
    )


def preflight_wider(
    *, credentialed: bool, methods: Sequence[str], answered: int, failed: str | None
) -> str:
    """The preflight names the origin; the real answers that came back do not."""
    approval = "its origin approved" + (" with credentials allowed" if credentialed else "")
    names = " and ".join(dict.fromkeys(methods))
    if answered == 1:
        answers = f"the real {names} response does"
    else:
        answers = f"the {answered} real {names} responses do"
    text = f"{approval}, but {answers} not name it in {ACAO}"
    return text + (f" ({failed})" if failed else "")


def wildcard(*, credentialed: bool) -> str:
    if credentialed:
        return f"'*' in {ACAO} together with Access-Control-Allow-Credentials: true"
    return f"'*' in {ACAO}"


def malformed(problem: str) -> str:
    return f"an {ACAO} that browsers refuse: {problem}"


def static_foreign(value: str) -> str:
    return f"{ACAO}: {value}, the same answer for every origin probed"


_CACHES = {
    "shared": "shared caches may store",
    "private": "the browser cache may store",
    "heuristic": "caches may store heuristically",
}


def missing_vary(exposure: str) -> str:
    return (
        f"an {ACAO} that depends on the Origin, without Vary: Origin, in a response "
        f"{_CACHES[exposure]}"
    )


def private_network(*, granted_origin: bool) -> str:
    if granted_origin:
        return "Access-Control-Allow-Private-Network: true with its origin allowed"
    return "Access-Control-Allow-Private-Network: true, although its origin is refused"


def any_method(*, method: bool, header: bool) -> str:
    granted_parts = [part for part, on in (("method", method), ("header", header)) if on]
    return "approval for the " + " and the ".join(granted_parts) + " it made up"


# The sentence appended to a code's "why": what credentials change for this finding.
_READS = (
    " Access-Control-Allow-Credentials is true, so the browser sends the user's cookies and "
    "lets the attacker's page read the answer."
)
_ANONYMOUS = (
    " Credentials are not allowed, so the attacker reads only what the browser fetches "
    "anonymously (public data, or services reachable only from the user's network)."
)
_SENDS = " The preflight allows credentials, so the requests it approves carry the user's cookies."
_SENDS_ANONYMOUS = (
    " Credentials are not allowed, so the requests it approves go without the user's cookies."
)
_UNPROVEN = (
    " The real requests failed, so whether the attacker's page can also read the answers is "
    "unproven; the preflight alone lets it send them."
)


def reason(class_id: str, *, credentialed: bool, preflight_only: bool, failed: bool) -> str:
    """What credentials mean for this finding, consistent with what was proven."""
    if class_id in ("wildcard-origin", "wildcard-with-credentials", "invalid-allow-origin"):
        return ""
    if class_id == "preflight-permissive":
        return _SENDS if credentialed else _SENDS_ANONYMOUS
    if failed:
        return (_SENDS if credentialed else _SENDS_ANONYMOUS) + _UNPROVEN
    if preflight_only:
        return _SENDS if credentialed else _SENDS_ANONYMOUS
    return _READS if credentialed else _ANONYMOUS
