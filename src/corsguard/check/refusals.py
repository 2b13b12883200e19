"""Preflights a CORS middleware refused: which part of the policy refused, and how we know.

corsguard's ``CORSMiddleware`` answers a refused preflight with ``403`` and the body ``CORS
preflight refused`` (in debug mode followed by the part and the fix); Starlette's answers
``400 Disallowed CORS origin, method, headers``. The part is read, in this order, from the
body, from extra preflights that ask for less until one is granted (what the server does is
the ground truth), or, when none can be sent, from the app's configuration (``--app``). With
``--app`` the configuration then names the entry at fault. An empty ``403`` is ambiguous: an
older corsguard answers so, and so does an authentication layer in front of CORS; the
finding then ranks both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corsguard.browser import HttpRequest
from corsguard.browser.differences import finding
from corsguard.check.configuration import header_mistake, method_mistake, origin_mistake
from corsguard.check.error_pages import snippet
from corsguard.check.evidence import Evidence
from corsguard.check.probes import described, grants
from corsguard.codes import Code
from corsguard.codes import diagnosis as codes
from corsguard.findings import Finding

MARK = "CORS preflight refused"
PROBED = "extra preflights show it: "
STARLETTE = "Starlette's CORSMiddleware"
SIMPLE_METHODS = ("GET", "HEAD", "POST")
_QUOTED = r"'((?:[^'\\]|\\.)*)'"
_DEBUG_PARTS = (
    (re.compile(rf"^origin {_QUOTED} is not allowed"), "origin"),
    (re.compile(rf"^method {_QUOTED} is not allowed"), "method"),
    (re.compile(rf"^request header {_QUOTED} is not allowed"), "header"),
    (re.compile(r"^(Access-Control-Request-Headers .*)"), "request-headers"),
    (re.compile(r"^the preflight asks for (private network access)"), "private-network"),
)


@dataclass(frozen=True)
class Refused:
    """The part of the policy that refused a preflight, and how that is known."""

    part: str  # "origin", "method", "header", "request-headers" or "private-network"
    value: str
    how: str  # a clause for messages: "its debug body says so"


def corsguard_refusal(e: Evidence) -> Finding | None:
    """A 403 whose body is corsguard's mark: name the part, never blame authentication."""
    response = e.response
    if not _refused_preflight(e) or not snippet(response).startswith(MARK):
        return None
    body = response.body[:400].decode("utf-8", "replace")
    refused = from_debug_body(body) or by_probing(e) or by_configuration(e)
    if refused is None:
        return finding(
            codes.PREFLIGHT_REFUSED,
            f"{e.url}: corsguard's CORSMiddleware refused the preflight ({e.status}, "
            f"{MARK!r}); the body does not say whether the origin, the method or a header was "
            "refused",
            f"Allow the request: corsguard.install(app, {suggested_policy(e)}); to see which "
            "part was refused, turn on debug=True (the 403 body and a warning then name it).",
            e.url,
            refused_by="corsguard",
        )
    return explain(e, refused, "corsguard's CORSMiddleware")


def unmarked_refusal(e: Evidence) -> Finding | None:
    """An empty 403 to a preflight: a CORS middleware's refusal or an auth layer's, ranked."""
    response = e.response
    if not _refused_preflight(e) or response.body.strip() or response.header("www-authenticate"):
        return None
    refused = by_probing(e)
    if refused is not None and refused.part != "origin":
        # The same preflight asking for less was granted: a layer that refused every preflight
        # (authentication) would have refused that one too.
        how = (
            f"{refused.how}; so the CORS middleware most likely refused it (older corsguard "
            "versions refuse with an empty 403), not an authentication layer, which would "
            "refuse every preflight"
        )
        return explain(e, Refused(refused.part, refused.value, how), "the CORS middleware")
    return _ambiguous(e, refused)


def starlette_refusal(e: Evidence) -> Finding | None:
    """Starlette's ``400 Disallowed CORS origin, method, headers``: the parts its body names."""
    body = snippet(e.response)
    if not e.preflight or not body.startswith("Disallowed CORS"):
        return None
    if e.response.header("access-control-allow-origin") is None:
        refused = Refused("origin", e.request.origin, "its body says so")
        return explain(e, refused, STARLETTE)
    named = body.removeprefix("Disallowed CORS").replace(" ", "").split(",")
    how = "its body says so"
    if "method" in named:
        return explain(e, Refused("method", e.method, how), STARLETTE)
    header = _which_header(e)
    if header is not None:
        return explain(e, Refused("header", header, how), STARLETTE)
    return None


def from_debug_body(body: str) -> Refused | None:
    """The part corsguard's debug body names: ``CORS preflight refused: method 'PUT' is …``."""
    # The first line names the part; the second is the fix.
    line = body.strip().split("\n")[0]
    detail = line.removeprefix(MARK).removeprefix(":").strip().removesuffix(".")
    for pattern, part in _DEBUG_PARTS:
        match = pattern.match(detail)
        if match is not None:
            value = match.group(1).replace("\\'", "'").replace("\\\\", "\\")
            return Refused(part, value, "its debug body says so")
    return None


def by_configuration(e: Evidence) -> Refused | None:
    """The part the app's configuration refuses (in-process checks without probes)."""
    configuration = e.configuration
    if configuration is None:
        return None
    origin = e.exchange.request.header("origin") or e.request.origin
    found = configuration.refuses(origin, e.method, e.requested_headers)
    if found is None:
        return None
    return Refused(found[0], found[1], "the app's configuration shows it")


def by_probing(e: Evidence) -> Refused | None:
    """Find the refused part with extra preflights that each ask for less than the first."""
    probes = e.probes
    if probes is None:
        return None
    original = e.exchange.request
    origin = original.header("origin") or e.request.origin
    simple = probes.request(_variant(original, "GET", []))
    if simple is None:
        return None
    seen = [described(simple)]
    if not grants(simple, origin):
        return Refused("origin", origin, PROBED + "; ".join(seen))
    method, names = e.method, e.requested_headers
    if method not in SIMPLE_METHODS and names:
        bare = probes.request(_variant(original, method, []))
        if bare is None:
            return None
        seen.append(described(bare))
        if not grants(bare, origin):
            return Refused("method", method, PROBED + "; ".join(seen))
    elif method not in SIMPLE_METHODS:
        return Refused("method", method, PROBED + "; ".join(seen))
    if len(names) == 1:
        # The method alone was granted, so the one header is what the first preflight added.
        return Refused("header", names[0], PROBED + "; ".join(seen))
    for name in names:
        one = probes.request(_variant(original, method, [name]))
        if one is None:
            return None
        if not grants(one, origin):
            seen.append(described(one))
            return Refused("header", name, PROBED + "; ".join(seen))
    return None


def explain(e: Evidence, refused: Refused, by: str) -> Finding:
    """The finding for a known refused part: the configuration mistake if the app shows one."""
    head = f"{by} refused the preflight ({e.status}{_said(e)})"
    how = f"{head}: {_part_phrase(refused)} ({refused.how})"
    configuration = e.configuration
    if configuration is not None:
        mistake = None
        if refused.part == "origin":
            mistake = origin_mistake(configuration, refused.value, e.url, how)
        elif refused.part == "method":
            mistake = method_mistake(configuration, refused.value, e.url, how)
        elif refused.part == "header":
            mistake = header_mistake(configuration, refused.value, e.url, how)
        if mistake is not None:
            return mistake
    code, fix = _part_fix(refused)
    return finding(
        code,
        f"{e.url}: {how}",
        fix,
        e.url,
        refused_by=by,
        part=refused.part,
        value=refused.value,
        probes=[described(x) for x in (e.probes.sent if e.probes else [])],
    )


def suggested_policy(e: Evidence) -> str:
    """The smallest corsguard policy that allows this request, as Python source."""
    options = [f"allow_origins=[{e.request.origin!r}]"]
    if e.method not in SIMPLE_METHODS:
        options.append(f"allow_methods=[{e.method!r}]")
    if e.requested_headers:
        options.append(f"allow_headers={e.requested_headers!r}")
    if e.request.credentials == "include":
        options.append("allow_credentials=True")
    return f"CORSPolicy({', '.join(options)})"


def _refused_preflight(e: Evidence) -> bool:
    response = e.response
    return (
        e.preflight
        and response.status == 403
        and response.header("access-control-allow-origin") is None
    )


def _said(e: Evidence) -> str:
    first_line = e.response.body[:200].decode("utf-8", "replace").strip().split("\n")[0]
    return f", {first_line.strip()!r}" if first_line else ", no body"


def _part_phrase(refused: Refused) -> str:
    if refused.part == "origin":
        return f"the origin {refused.value!r} is not allowed"
    if refused.part == "method":
        return f"the method {refused.value!r} is not allowed"
    if refused.part == "header":
        return f"the request header {refused.value!r} is not allowed"
    if refused.part == "request-headers":
        return f"the request's header list is refused ({refused.value})"
    return "the preflight asks for private network access, which is not allowed"


def _part_fix(refused: Refused) -> tuple[Code, str]:
    value = refused.value
    if refused.part == "origin":
        return codes.NO_CORS_HEADERS, (
            f"Add the page's origin, exactly as browsers send it: CORSPolicy(allow_origins=["
            f"{value!r}, ...]) (with Starlette's middleware: allow_origins=[{value!r}, ...])."
        )
    if refused.part == "method":
        return codes.METHOD_NOT_ALLOWED, (
            f"Add it: CORSPolicy(allow_methods=[{value!r}, ...]); methods are compared "
            "case-sensitively, so list it exactly as the frontend sends it."
        )
    if refused.part == "header":
        return codes.HEADER_NOT_ALLOWED, (
            f"Add it: CORSPolicy(allow_headers=[{value!r}, ...]), or stop sending it from the "
            "frontend."
        )
    if refused.part == "request-headers":
        return codes.HEADER_NOT_ALLOWED, (
            "Send fewer custom request headers; the list is bounded to 4096 bytes and 64 names."
        )
    return codes.PRIVATE_NETWORK_NOT_ALLOWED, (
        "If public websites may call this server on a private network, pass "
        "CORSPolicy(allow_private_network=True, ...)."
    )


def _ambiguous(e: Evidence, refused: Refused | None) -> Finding:
    """An empty 403 that may be the CORS layer refusing the origin, or authentication."""
    vary = (e.response.header("vary") or "").lower()
    cors_vary = "access-control-request-method" in vary
    plain = None
    if e.probes is not None:
        # An OPTIONS that is not a preflight (no Origin): a CORS layer passes it to the app,
        # an authentication layer refuses it as it refused the preflight.
        original = e.exchange.request
        headers = tuple(
            (k, v)
            for k, v in original.headers
            if not k.lower().startswith("access-control-") and k.lower() != "origin"
        )
        plain = e.probes.request(HttpRequest("OPTIONS", original.url, headers, False))
    auth_first = plain is not None and plain.response.status in (401, 403) and not cors_vary
    reasons = []
    if refused is not None:
        reasons.append(refused.how.removeprefix(PROBED))
    if plain is not None:
        reasons.append(f"an OPTIONS without Origin (not a preflight) got {plain.response.status}")
    if cors_vary:
        reasons.append("the 403 varies on Access-Control-Request-Method, as a CORS layer's does")
    origin = e.request.origin
    cors = (
        f"the CORS middleware does not allow the origin {origin!r} (older corsguard "
        "versions refuse with an empty 403)"
        if refused is not None
        else "the CORS middleware refused the origin, the method or a header (older corsguard "
        "versions refuse with an empty 403)"
    )
    auth = (
        "an authentication layer runs before CORS and refuses the preflight, which never "
        "carries cookies or Authorization"
    )
    first, second = (auth, cors) if auth_first else (cors, auth)
    known = f" ({'; '.join(reasons)})" if reasons else ""
    return finding(
        codes.PREFLIGHT_REFUSED,
        f"{e.url}: the preflight got {e.status} with no body and no CORS headers{known}; most "
        f"likely {first}; otherwise {second}",
        f"If the CORS policy refused it, allow the request: corsguard.install(app, "
        f"{suggested_policy(e)}) (debug=True makes the 403 name the part). If authentication "
        "runs first, put CORS outermost (corsguard.install(app, policy) after adding the auth "
        "middleware) or skip authentication for OPTIONS requests.",
        e.url,
        likely="authentication" if auth_first else "cors-policy",
        probes=[described(x) for x in (e.probes.sent if e.probes else [])],
    )


def _which_header(e: Evidence) -> str | None:
    """The requested header the policy does not allow: from the configuration, else probes."""
    names = e.requested_headers
    configuration = e.configuration
    if configuration is not None:
        allowed = [str(h).lower() for h in configuration.entries("allow_headers")]
        if "*" not in allowed:
            from corsguard.check.configuration import ALWAYS_ALLOWED_HEADERS

            for name in names:
                if name not in allowed and name not in ALWAYS_ALLOWED_HEADERS:
                    return name
    if e.probes is None:
        return names[0] if len(names) == 1 else None
    original = e.exchange.request
    origin = original.header("origin") or e.request.origin
    for name in names:
        if not grants(e.probes.request(_variant(original, e.method, [name])), origin):
            return name
    return None


def _variant(original: HttpRequest, method: str, names: list[str]) -> HttpRequest:
    """The same preflight asking for ``method`` and only these header names."""
    lines: list[tuple[str, str]] = []
    for name, value in original.headers:
        lower = name.lower()
        if lower == "access-control-request-headers":
            continue
        if lower == "access-control-request-method":
            lines.append((name, method))
            if names:
                lines.append(("Access-Control-Request-Headers", ",".join(names)))
            continue
        lines.append((name, value))
    return HttpRequest("OPTIONS", original.url, tuple(lines), is_preflight=True)
