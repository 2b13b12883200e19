"""The root cause behind a CORS error: a table of small rules, walked in order.

Each rule looks at the ``Evidence`` and returns the finding it makes, or ``None`` when it does
not apply; the first finding wins. The order matters where two rules could match the same
response, and follows from what the response proves:

1. a redirected preflight (browsers never follow one), whatever the response says;
2. ``405`` to a preflight: nothing answers preflights at all;
3. a preflight refused by a CORS middleware, read from what it says: corsguard's mark
   (``CORS preflight refused``), Starlette's ``Disallowed CORS …``, then an empty ``403``
   that may be a CORS middleware or authentication (ranked, never blamed on one outright);
4. any other ``401``/``403`` to a preflight: authentication runs before CORS;
5. an error response without CORS headers: the real problem is the error, unless (``--app``)
   no exception escaped the app and its CORS layer does not allow the origin;
6. a response without ``Access-Control-Allow-Origin``: the origin is not allowed;
7. then one rule per Chromium error name for the header values themselves (``header_values``).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from corsguard.browser.differences import finding
from corsguard.check.configuration import origin_mistake, refuses_origin
from corsguard.check.error_pages import error_without_cors, snippet
from corsguard.check.evidence import Evidence
from corsguard.check.header_values import (
    allow_credentials,
    credentialed_wildcard,
    duplicate_allow_origin,
    header_disallowed,
    invalid_allow_list,
    invalid_allow_origin,
    method_disallowed,
    origin_mismatch,
    redirect_with_userinfo,
)
from corsguard.check.refusals import (
    corsguard_refusal,
    starlette_refusal,
    suggested_policy,
    unmarked_refusal,
)
from corsguard.codes import diagnosis as codes
from corsguard.findings import Finding

Rule = Callable[[Evidence], Finding | None]


def cause(e: Evidence) -> Finding | None:
    """The first rule's finding, in the order of ``CAUSES``."""
    for rule in CAUSES:
        found = rule(e)
        if found is not None:
            return found
    return None


def preflight_redirect(e: Evidence) -> Finding | None:
    """CG202-CG204: browsers never follow a redirected preflight."""
    if e.error != "PreflightDisallowedRedirect":
        return None
    url, response = e.url, e.response
    location = response.header("location") or ""
    old, new = urlsplit(url), urlsplit(location)
    same_place = (old.scheme, old.netloc) == (new.scheme, new.netloc)
    if same_place and old.path.rstrip("/") == new.path.rstrip("/"):
        return finding(
            codes.PREFLIGHT_SLASH_REDIRECT,
            f"{url}: the preflight got {response.status} to {location}; FastAPI/Starlette "
            "redirect_slashes adds or removes the trailing slash, and browsers never follow a "
            "redirected preflight",
            f"Call the canonical URL {location} from the page (exactly as the route is "
            "declared), or declare the route for both spellings.",
            url,
            redirect_to=location,
        )
    if old.scheme == "https" and new.scheme == "http" and old.hostname == new.hostname:
        return finding(
            codes.PREFLIGHT_SCHEME_REDIRECT,
            f"{url}: the preflight got {response.status} to {location}; the app behind a "
            "TLS-terminating proxy thinks the request was http",
            "Run uvicorn with --proxy-headers --forwarded-allow-ips='<proxy IP>' (or "
            "forwarded_allow_ips in uvicorn.run) and have the proxy send "
            "'proxy_set_header X-Forwarded-Proto $scheme;'.",
            url,
            redirect_to=location,
        )
    return finding(
        codes.PREFLIGHT_REDIRECT,
        f"{url}: the preflight got {response.status} to {location}; browsers never follow a "
        "redirected preflight",
        f"Call {location} directly, or answer OPTIONS at {url} without redirecting.",
        url,
        redirect_to=location,
    )


def _status_error(e: Evidence) -> bool:
    """The preflight failed on its Allow-Origin or its status: the status line may explain."""
    return e.preflight and (
        e.error.endswith("MissingAllowOriginHeader") or e.error == "PreflightInvalidStatus"
    )


def preflight_not_handled(e: Evidence) -> Finding | None:
    """CG205: the router answers OPTIONS with 405 because no CORS layer answers first."""
    if not _status_error(e) or e.response.status != 405:
        return None
    return finding(
        codes.PREFLIGHT_NOT_HANDLED,
        f"{e.url}: {e.where} got {e.status}; nothing in front of the routes answers preflights, "
        "so the router refuses OPTIONS",
        "Install the CORS middleware so it answers preflights before routing: "
        f"corsguard.install(app, {suggested_policy(e)}). Behind nginx, make sure OPTIONS is "
        "passed to the app (no 'limit_except').",
        e.url,
        status=e.response.status,
    )


def preflight_auth(e: Evidence) -> Finding | None:
    """CG206: a 401/403 that no CORS middleware explains: authentication runs first."""
    if not _status_error(e) or e.response.status not in (401, 403):
        return None
    return finding(
        codes.PREFLIGHT_AUTH,
        f"{e.url}: {e.where} got {e.status}; authentication runs before CORS, and browsers never "
        "send cookies or Authorization on a preflight",
        "Put CORS outermost so it answers preflights before authentication: "
        "corsguard.install(app, policy) after adding the auth middleware, or skip "
        "authentication for OPTIONS requests (in FastAPI, check credentials in a "
        "dependency of the route, not in a middleware).",
        e.url,
        status=e.response.status,
    )


def error_response(e: Evidence) -> Finding | None:
    """CG201/CG212: an error page without CORS headers hides the real error."""
    if not e.error.endswith("MissingAllowOriginHeader") or e.response.status < 400:
        return None
    if not e.app_errors and refuses_origin(e.configuration, e.request.origin):
        return None  # answered through a CORS layer that refuses the origin: that is the cause
    return error_without_cors(e.url, e.where, e.status, e.response, e.app_errors)


def origin_not_allowed(e: Evidence) -> Finding | None:
    """CG221: a success without Access-Control-Allow-Origin; with --app, the entry at fault."""
    if not e.error.endswith("MissingAllowOriginHeader"):
        return None
    if e.configuration is not None:
        how = (
            f"{e.where} got {e.status} without Access-Control-Allow-Origin: the app's CORS "
            f"middleware does not allow {e.request.origin!r}"
        )
        mistake = origin_mistake(e.configuration, e.request.origin, e.url, how)
        if mistake is not None:
            return mistake
    return finding(
        codes.NO_CORS_HEADERS,
        f"{e.url}: {e.where} got {e.status} without Access-Control-Allow-Origin; either no CORS "
        f"middleware runs for this URL or it does not allow {e.request.origin}",
        f"Allow the page's origin: corsguard.install(app, {suggested_policy(e)}); with "
        "Starlette's middleware add it to allow_origins.",
        e.url,
    )


def preflight_invalid_status(e: Evidence) -> Finding | None:
    """CG222: CORS headers on a preflight answer whose status is not 2xx."""
    if e.error != "PreflightInvalidStatus":
        return None
    body = snippet(e.response)
    said = f" and says {body!r}" if body else ""
    return finding(
        codes.PREFLIGHT_REJECTED,
        f"{e.url}: the preflight got {e.status}{said}; the CORS headers are there but the status "
        "must be 200-299",
        "Allow what the body names (Starlette answers refused preflights with 400 'Disallowed "
        "CORS origin/method/headers'); corsguard's middleware answers a valid preflight with "
        "a 2xx status.",
        e.url,
        status=e.response.status,
        body=body,
    )


# The order of the module docstring.
CAUSES: tuple[Rule, ...] = (
    preflight_redirect,
    preflight_not_handled,
    corsguard_refusal,
    starlette_refusal,
    unmarked_refusal,
    preflight_auth,
    error_response,
    origin_not_allowed,
    preflight_invalid_status,
    duplicate_allow_origin,
    credentialed_wildcard,
    origin_mismatch,
    invalid_allow_origin,
    allow_credentials,
    invalid_allow_list,
    method_disallowed,
    header_disallowed,
    redirect_with_userinfo,
)
