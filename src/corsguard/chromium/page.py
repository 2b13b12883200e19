"""The probe page: a document that has the user's frontend origin, served by DevTools itself.

The page's URL is ``<origin>/``; ``Fetch.enable`` intercepts exactly that URL and
``Fetch.fulfillRequest`` answers it, so the document really has that origin
(``location.origin``, ``Origin`` header, secure-context state). Interception is switched off
(``Fetch.disable``) as soon as the page has loaded: the fetch, its preflights and redirects
then run with no DevTools interception at all. Playwright's ``page.route()`` is never
used: with any route registered it answers intercepted preflights itself with a permissive
204, and the server's real answer would never be checked.
"""

from __future__ import annotations

import base64
import itertools
from typing import Any
from urllib.parse import urlsplit

from corsguard.protocol.origin import NULL_ORIGIN

# An opaque origin ("null") is a document sandboxed by its own CSP; it is served from this URL.
SANDBOX_ORIGIN = "https://sandboxed.corsguard-probe.invalid"

# data: favicon: no request to the fake origin's network, no "Failed to load resource" noise.
HTML = b'<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>probe</title>'

_counter = itertools.count(1)


def page_url(origin: str, target: str) -> str:
    """``<origin>/``, the URL frontends usually live at and the one console messages name;
    a path no real app uses when the target itself is that URL (it must not be intercepted)."""
    base = SANDBOX_ORIGIN if origin == NULL_ORIGIN else origin
    if urlsplit(target)._replace(fragment="").geturl() in (base, f"{base}/"):
        return f"{base}/.corsguard-probe-{next(_counter)}"
    return f"{base}/"


def fulfill_params(request_id: str, origin: str) -> dict[str, Any]:
    headers = [
        {"name": "Content-Type", "value": "text/html; charset=utf-8"},
        {"name": "Cache-Control", "value": "no-store"},
    ]
    if origin == NULL_ORIGIN:
        # HTML #sandboxing: a sandboxed document without allow-same-origin has an opaque origin.
        headers.append({"name": "Content-Security-Policy", "value": "sandbox allow-scripts"})
    return {
        "requestId": request_id,
        "responseCode": 200,
        "responseHeaders": headers,
        "body": base64.b64encode(HTML).decode("ascii"),
    }


# Runs in the page. Errors are returned, never thrown: the script only ever sees
# "TypeError: Failed to fetch" for CORS failures; the reason comes from DevTools events.
FETCH_SCRIPT = """
async ([url, init, body, timeoutMs]) => {
  const options = {
    method: init.method,
    headers: init.headers,
    credentials: init.credentials,
    mode: "cors",
    signal: AbortSignal.timeout(timeoutMs),
  };
  if (body !== null) {
    options.body = body.text !== null ? body.text : new Uint8Array(body.bytes);
  }
  try {
    const response = await fetch(url, options);
    const names = [];
    response.headers.forEach((value, name) => names.push(name));
    return {ok: true, status: response.status, url: response.url, headers: names};
  } catch (error) {
    return {ok: false, name: String(error && error.name), error: String(error)};
  }
}
"""


def script_body(body: bytes | None) -> dict[str, Any] | None:
    """A body as the script passes it: text when it is UTF-8 (fetch() then adds
    ``Content-Type: text/plain;charset=UTF-8`` itself, fetch.bs "extract a body"), else bytes."""
    if body is None:
        return None
    try:
        return {"text": body.decode("utf-8"), "bytes": None}
    except UnicodeDecodeError:
        return {"text": None, "bytes": list(body)}
