"""Chromium's CorsError names and the console messages it prints for them.

Names are those of ``enum CorsError`` in Chromium's ``services/network/public/mojom/cors.mojom``;
texts are those of Blink's ``cors_error_string.cc`` (``GetErrorStringForConsoleMessage``) as
Chromium 156 prints them for ``fetch()``.
"""

from __future__ import annotations

import enum


class CorsError(str, enum.Enum):
    """A CORS failure, named as Chromium's DevTools and CDP name it."""

    DISALLOWED_BY_MODE = "DisallowedByMode"
    INVALID_RESPONSE = "InvalidResponse"
    WILDCARD_ORIGIN_NOT_ALLOWED = "WildcardOriginNotAllowed"
    MISSING_ALLOW_ORIGIN_HEADER = "MissingAllowOriginHeader"
    MULTIPLE_ALLOW_ORIGIN_VALUES = "MultipleAllowOriginValues"
    INVALID_ALLOW_ORIGIN_VALUE = "InvalidAllowOriginValue"
    ALLOW_ORIGIN_MISMATCH = "AllowOriginMismatch"
    INVALID_ALLOW_CREDENTIALS = "InvalidAllowCredentials"
    CORS_DISABLED_SCHEME = "CorsDisabledScheme"
    PREFLIGHT_WILDCARD_ORIGIN_NOT_ALLOWED = "PreflightWildcardOriginNotAllowed"
    PREFLIGHT_MISSING_ALLOW_ORIGIN_HEADER = "PreflightMissingAllowOriginHeader"
    PREFLIGHT_MULTIPLE_ALLOW_ORIGIN_VALUES = "PreflightMultipleAllowOriginValues"
    PREFLIGHT_INVALID_ALLOW_ORIGIN_VALUE = "PreflightInvalidAllowOriginValue"
    PREFLIGHT_ALLOW_ORIGIN_MISMATCH = "PreflightAllowOriginMismatch"
    PREFLIGHT_INVALID_ALLOW_CREDENTIALS = "PreflightInvalidAllowCredentials"
    PREFLIGHT_INVALID_STATUS = "PreflightInvalidStatus"
    PREFLIGHT_DISALLOWED_REDIRECT = "PreflightDisallowedRedirect"
    INVALID_ALLOW_METHODS_PREFLIGHT_RESPONSE = "InvalidAllowMethodsPreflightResponse"
    INVALID_ALLOW_HEADERS_PREFLIGHT_RESPONSE = "InvalidAllowHeadersPreflightResponse"
    METHOD_DISALLOWED_BY_PREFLIGHT_RESPONSE = "MethodDisallowedByPreflightResponse"
    HEADER_DISALLOWED_BY_PREFLIGHT_RESPONSE = "HeaderDisallowedByPreflightResponse"
    REDIRECT_CONTAINS_CREDENTIALS = "RedirectContainsCredentials"
    INSECURE_LOCAL_NETWORK = "InsecureLocalNetwork"
    LOCAL_NETWORK_ACCESS_PERMISSION_DENIED = "LocalNetworkAccessPermissionDenied"

    def __str__(self) -> str:
        return self.value


# The access-check errors have a preflight twin: the same check failed on the preflight response.
_PREFLIGHT_TWIN = {
    CorsError.WILDCARD_ORIGIN_NOT_ALLOWED: CorsError.PREFLIGHT_WILDCARD_ORIGIN_NOT_ALLOWED,
    CorsError.MISSING_ALLOW_ORIGIN_HEADER: CorsError.PREFLIGHT_MISSING_ALLOW_ORIGIN_HEADER,
    CorsError.MULTIPLE_ALLOW_ORIGIN_VALUES: CorsError.PREFLIGHT_MULTIPLE_ALLOW_ORIGIN_VALUES,
    CorsError.INVALID_ALLOW_ORIGIN_VALUE: CorsError.PREFLIGHT_INVALID_ALLOW_ORIGIN_VALUE,
    CorsError.ALLOW_ORIGIN_MISMATCH: CorsError.PREFLIGHT_ALLOW_ORIGIN_MISMATCH,
    CorsError.INVALID_ALLOW_CREDENTIALS: CorsError.PREFLIGHT_INVALID_ALLOW_CREDENTIALS,
}
_BASE_OF = {twin: base for base, twin in _PREFLIGHT_TWIN.items()}


def preflight_variant(error: CorsError) -> CorsError:
    """The ``Preflight…`` name of an access-check error found on a preflight response."""
    return _PREFLIGHT_TWIN.get(error, error)


def is_preflight_error(error: CorsError) -> bool:
    return error in _BASE_OF or error in (
        CorsError.PREFLIGHT_INVALID_STATUS,
        CorsError.PREFLIGHT_DISALLOWED_REDIRECT,
        CorsError.INVALID_ALLOW_METHODS_PREFLIGHT_RESPONSE,
        CorsError.INVALID_ALLOW_HEADERS_PREFLIGHT_RESPONSE,
        CorsError.METHOD_DISALLOWED_BY_PREFLIGHT_RESPONSE,
        CorsError.HEADER_DISALLOWED_BY_PREFLIGHT_RESPONSE,
    )


PREFLIGHT_INFIX = "Response to preflight request doesn't pass access control check: "
# Blink's kNoCorsInformation, appended for fetch() where the header value itself is wrong.
NO_CORS_INFORMATION = " Have the server send the header with a valid value."
# As Chromium 156 lists them (observed console output).
CORS_SCHEMES = (
    "chrome, chrome-experimental-site-token-provider, chrome-extension, chrome-untrusted, data, "
    "http, https, isolated-app"
)

_BODIES: dict[CorsError, str] = {
    CorsError.DISALLOWED_BY_MODE: "Cross origin requests are not allowed by request mode.",
    CorsError.INVALID_RESPONSE: "The response is invalid.",
    CorsError.WILDCARD_ORIGIN_NOT_ALLOWED: (
        "The value of the 'Access-Control-Allow-Origin' header in the response must not be the "
        "wildcard '*' when the request's credentials mode is 'include'."
    ),
    CorsError.MISSING_ALLOW_ORIGIN_HEADER: (
        "No 'Access-Control-Allow-Origin' header is present on the requested resource."
    ),
    CorsError.MULTIPLE_ALLOW_ORIGIN_VALUES: (
        "The 'Access-Control-Allow-Origin' header contains multiple values '{hint}', but only "
        "one is allowed." + NO_CORS_INFORMATION
    ),
    CorsError.INVALID_ALLOW_ORIGIN_VALUE: (
        "The 'Access-Control-Allow-Origin' header contains the invalid value '{hint}'."
        + NO_CORS_INFORMATION
    ),
    CorsError.ALLOW_ORIGIN_MISMATCH: (
        "The 'Access-Control-Allow-Origin' header has a value '{hint}' that is not equal to the "
        "supplied origin." + NO_CORS_INFORMATION
    ),
    CorsError.INVALID_ALLOW_CREDENTIALS: (
        "The value of the 'Access-Control-Allow-Credentials' header in the response is '{hint}' "
        "which must be 'true' when the request's credentials mode is 'include'."
    ),
    CorsError.CORS_DISABLED_SCHEME: (
        "Cross origin requests are only supported for protocol schemes: " + CORS_SCHEMES + "."
    ),
    CorsError.PREFLIGHT_INVALID_STATUS: "It does not have HTTP ok status.",
    CorsError.PREFLIGHT_DISALLOWED_REDIRECT: "Redirect is not allowed for a preflight request.",
    CorsError.INVALID_ALLOW_METHODS_PREFLIGHT_RESPONSE: (
        "Cannot parse Access-Control-Allow-Methods response header field in preflight response."
    ),
    CorsError.INVALID_ALLOW_HEADERS_PREFLIGHT_RESPONSE: (
        "Cannot parse Access-Control-Allow-Headers response header field in preflight response."
    ),
    CorsError.METHOD_DISALLOWED_BY_PREFLIGHT_RESPONSE: (
        "Method {hint} is not allowed by Access-Control-Allow-Methods in preflight response."
    ),
    CorsError.HEADER_DISALLOWED_BY_PREFLIGHT_RESPONSE: (
        "Request header field {hint} is not allowed by Access-Control-Allow-Headers in preflight "
        "response."
    ),
    CorsError.REDIRECT_CONTAINS_CREDENTIALS: (
        "Redirect location '{hint}' contains a username and password, which is disallowed for "
        "cross-origin requests."
    ),
    CorsError.INSECURE_LOCAL_NETWORK: (
        "The request client is not a secure context and the resource is in more-private address "
        "space `{hint}`."
    ),
    CorsError.LOCAL_NETWORK_ACCESS_PERMISSION_DENIED: (
        "Permission was denied for this request to access the `{hint}` address space."
    ),
}


def encode_hint(value: str) -> str:
    """Blink's ``EncodeHint``: printable ASCII as is, anything else as ``\\uXXXX``."""
    return "".join(c if " " <= c <= "~" else f"\\u{ord(c):04X}" for c in value)


def message_body(error: CorsError, failed_parameter: str | None = None) -> str:
    """The part of the console message after ``has been blocked by CORS policy: ``."""
    base = _BASE_OF.get(error, error)
    body = _BODIES[base].replace("{hint}", encode_hint(failed_parameter or ""))
    if error in _BASE_OF or error in (
        CorsError.PREFLIGHT_INVALID_STATUS,
        CorsError.PREFLIGHT_DISALLOWED_REDIRECT,
    ):
        return PREFLIGHT_INFIX + body
    return body


def console_message(
    error: CorsError,
    *,
    url: str,
    origin: str,
    failed_parameter: str | None = None,
    initial_url: str | None = None,
    kind: str = "fetch",
) -> str:
    """The full text Chromium logs to the console for a blocked ``fetch()``.

    ``url`` is the URL of the request that failed (the last hop), ``initial_url`` the URL the
    script asked for when a redirect happened, ``origin`` the document's origin (Chromium prints
    it even after a redirect tainted the request's origin to ``null``).
    """
    redirected = f"(redirected from '{initial_url}') " if initial_url and initial_url != url else ""
    return (
        f"Access to {kind} at '{url}' {redirected}from origin '{origin}' has been blocked by "
        f"CORS policy: {message_body(error, failed_parameter)}"
    )


def mixed_content_message(page_url: str, url: str) -> str:
    """The console text of a mixed-content block (not a CORS error; it happens before CORS)."""
    return (
        f"Mixed Content: The page at '{page_url}' was loaded over HTTPS, but requested an "
        f"insecure resource '{url}'. This request has been blocked; the content must be served "
        "over HTTPS."
    )
