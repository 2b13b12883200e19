"""Scan classes (CG3xx): CORS misconfigurations ``corsguard scan`` finds on a running server.

Each code's ``name`` is the stable ``class`` id that scan reports carry, except where a policy
code already owns the name for the same mistake in configuration (``CLASS_IDS`` maps those
two back to their class id). The registered
severity is the worst case (credentialed read); the scanner lowers it when the server does not
let credentials through, because then an attacker reads only what anyone could read.
"""

from __future__ import annotations

from corsguard.codes import Code, Severity, register

ORIGIN_REFLECTION = Code(
    "CG301",
    "origin-reflection",
    Severity.CRITICAL,
    "any origin is echoed in Access-Control-Allow-Origin",
    "The server copies the request's Origin into Access-Control-Allow-Origin, so every website "
    "a user visits can read this API's responses; with credentials it reads them as the user.",
    "Compare the Origin with an explicit allowlist and answer only listed origins, for example "
    "CORSPolicy(allow_origins=['https://app.example.com']).",
)
NULL_ORIGIN = Code(
    "CG302",
    "null-origin-granted",
    Severity.CRITICAL,
    "the 'null' origin is allowed",
    "Any page can send 'Origin: null' from a sandboxed iframe or a data: document, so allowing "
    "null is allowing every website.",
    "Remove 'null' from the allowed origins; serve local tools from http://localhost instead.",
)
PREFIX_MATCH = Code(
    "CG303",
    "prefix-match",
    Severity.HIGH,
    "origins that merely start with a trusted origin are allowed",
    "A check such as origin.startswith('https://app.example.com') also accepts "
    "'https://app.example.com.attacker.tld', a name any attacker can register.",
    "Compare the whole origin for equality with each allowed origin, or anchor the regular "
    "expression at both ends and escape its dots.",
)
SUFFIX_MATCH = Code(
    "CG304",
    "suffix-match",
    Severity.HIGH,
    "origins that merely end with a trusted domain are allowed",
    "A check such as origin.endswith('example.com') also accepts 'https://attackerexample.com', "
    "a different registrable domain that anyone can buy.",
    "Match subdomains at a dot boundary ('https://*.example.com' or host == 'example.com' or "
    "host.endswith('.example.com')), or list the exact origins.",
)
SUBSTRING_MATCH = Code(
    "CG305",
    "substring-match",
    Severity.HIGH,
    "origins that merely contain a trusted host are allowed",
    "A check such as 'app.example.com' in origin accepts any origin that embeds that text, for "
    "example 'https://app.example.com.attacker.tld' or 'https://xapp.example.comx.tld'.",
    "Parse the origin and compare it for equality with each allowed origin instead of searching "
    "for a substring.",
)
UNESCAPED_DOT = Code(
    "CG306",
    "unescaped-dot",
    Severity.HIGH,
    "a dot in an origin pattern matches any character",
    "In a regular expression '.' matches any character, so 'https://app.example.com' as a "
    "pattern also accepts 'https://appxexample.com', which an attacker can register.",
    "Escape every dot in origin patterns (re.escape), or use exact origins and "
    "'https://*.example.com' patterns instead of regular expressions.",
)
SPECIAL_CHAR_BYPASS = Code(
    "CG307",
    "special-char-bypass",
    Severity.HIGH,
    "a trusted host followed by a special character is allowed",
    "Browsers accept characters such as '_', '~' or '!' in host names, and a parser that stops "
    "at them reads 'https://app.example.com_.attacker.tld' as the trusted host.",
    "Compare the complete serialized origin for equality instead of parsing a host prefix out "
    "of it.",
)
ANY_SUBDOMAIN = Code(
    "CG308",
    "any-subdomain",
    Severity.INFO,
    "every subdomain of the trusted domain is allowed",
    "An attacker who finds one XSS or takes over one dangling subdomain anywhere under the "
    "domain can read this API as the user.",
    "List the subdomains that call the API, or pass the pattern deliberately (--origin "
    "'https://*.example.com') when every subdomain is trusted and kept free of XSS and "
    "dangling DNS records.",
)
INSECURE_ORIGIN = Code(
    "CG309",
    "insecure-origin",
    Severity.HIGH,
    "an http:// version of a trusted origin is allowed",
    "A network attacker (public Wi-Fi, a rogue proxy) can inject script into any plain-http "
    "page of that host and then act as a trusted origin.",
    "Allow only https:// origins in production; keep http://localhost for development profiles.",
)
THIRD_PARTY_ORIGIN = Code(
    "CG310",
    "third-party-origin",
    Severity.HIGH,
    "a shared-hosting or code-playground origin is allowed",
    "Anyone can publish a page on github.io, vercel.app, netlify.app, codepen.io or jsfiddle.net, "
    "so trusting them trusts strangers.",
    "Remove shared-hosting origins and public-suffix wildcards such as 'https://*.github.io'; "
    "list your own site's exact origin instead.",
)
LOCALHOST_ORIGIN = Code(
    "CG311",
    "localhost-origin",
    Severity.MEDIUM,
    "localhost origins are allowed by a production API",
    "Development settings left in production let any program serving a page on the user's "
    "machine (another dev server, a malicious package) read the API as the user.",
    "Use a separate development profile for localhost origins, for example "
    "CORSPolicy.profile('prod', ...) in production.",
)
ANY_PORT = Code(
    "CG312",
    "any-port",
    Severity.MEDIUM,
    "the trusted host is allowed on any port",
    "Another service on the same host, on another port, becomes a trusted origin; its bugs "
    "become this API's bugs.",
    "Allow the exact origin with the port the page is served on.",
)
WILDCARD_ORIGIN = Code(
    "CG313",
    "wildcard-origin",
    Severity.INFO,
    "Access-Control-Allow-Origin is '*'",
    "Every website can read the responses without credentials. That is normal for public data "
    "but exposes anything reachable only from the user's network (an intranet API).",
    "Keep '*' for public, anonymous data only; list origins for anything else.",
)
WILDCARD_WITH_CREDENTIALS = Code(
    "CG314",
    "wildcard-with-credentials-sent",
    Severity.MEDIUM,
    "'*' is sent together with Access-Control-Allow-Credentials: true",
    "Browsers refuse this combination for credentialed requests, so the site's own calls fail; "
    "it usually means the server meant to allow credentials to everyone and often reflects the "
    "origin once a cookie is present.",
    "Decide: list the origins that may send credentials, or drop "
    "Access-Control-Allow-Credentials for a public API.",
)
CREDENTIAL_CONDITIONAL_REFLECTION = Code(
    "CG315",
    "credential-conditional-reflection",
    Severity.CRITICAL,
    "any origin is echoed, but only when a Cookie or Authorization header is present",
    "Scanners that send no credentials see a harmless response, while a logged-in user's browser "
    "gets the origin echoed with credentials allowed: every website reads the user's data.",
    "Answer the same allowlist whether or not credentials are present; never echo the Origin.",
)
INVALID_ALLOW_ORIGIN = Code(
    "CG316",
    "invalid-allow-origin",
    Severity.LOW,
    "Access-Control-Allow-Origin has several or malformed values",
    "Browsers require exactly one value that is '*', 'null' or a serialized origin; two header "
    "lines (often a proxy and the app both adding CORS) or a list break every cross-origin call.",
    "Let one layer add CORS headers: remove them from the proxy (or hide the app's with "
    "proxy_hide_header), and send a single origin without a trailing slash.",
)
PREFLIGHT_PERMISSIVE = Code(
    "CG317",
    "preflight-permissive",
    Severity.MEDIUM,
    "the preflight grants more than the actual responses do",
    "A preflight that approves untrusted origins, or any method and header asked for, lets "
    "other sites send state-changing requests (PUT, DELETE, JSON bodies) the policy never meant "
    "to allow, even when they cannot read the answer.",
    "Answer preflights from the same policy as actual requests, with explicit methods and "
    "headers; in nginx, drop the 'if ($request_method = OPTIONS)' recipe.",
)
MISSING_VARY = Code(
    "CG318",
    "missing-vary",
    Severity.MEDIUM,
    "Access-Control-Allow-Origin depends on the request but Vary lacks Origin",
    "A browser or CDN cache then serves one origin's answer to another: legitimate calls fail "
    "at random, and cached answers can grant an origin the policy would refuse.",
    "Add 'Vary: Origin' to every response whose CORS headers depend on the Origin, including "
    "responses to disallowed origins.",
)
PRIVATE_NETWORK_ANY = Code(
    "CG319",
    "private-network-any",
    Severity.MEDIUM,
    "private network access is granted to untrusted origins",
    "Access-Control-Allow-Private-Network: true lets public websites reach this device or "
    "intranet service from the user's browser.",
    "Grant private network access only to the origins that need it, and only in the preflight "
    "answered for them.",
)
STATIC_FOREIGN_ORIGIN = Code(
    "CG320",
    "static-foreign-origin",
    Severity.MEDIUM,
    "a fixed Access-Control-Allow-Origin names an unrelated site",
    "Whatever the request's origin, the response grants a site outside the trusted ones; that "
    "site, or whoever controls it later, can read the API.",
    "Remove the hard-coded origin, or answer it only when it is the request's Origin and it is "
    "on the allowlist.",
)

CODES = register(
    ORIGIN_REFLECTION,
    NULL_ORIGIN,
    PREFIX_MATCH,
    SUFFIX_MATCH,
    SUBSTRING_MATCH,
    UNESCAPED_DOT,
    SPECIAL_CHAR_BYPASS,
    ANY_SUBDOMAIN,
    INSECURE_ORIGIN,
    THIRD_PARTY_ORIGIN,
    LOCALHOST_ORIGIN,
    ANY_PORT,
    WILDCARD_ORIGIN,
    WILDCARD_WITH_CREDENTIALS,
    CREDENTIAL_CONDITIONAL_REFLECTION,
    INVALID_ALLOW_ORIGIN,
    PREFLIGHT_PERMISSIVE,
    MISSING_VARY,
    PRIVATE_NETWORK_ANY,
    STATIC_FOREIGN_ORIGIN,
)

# The class id (what reports call ``class``) of each code, and back.
CLASS_IDS: dict[str, str] = {
    code.code: code.name for code in CODES if code not in (NULL_ORIGIN, WILDCARD_WITH_CREDENTIALS)
} | {NULL_ORIGIN.code: "null-origin", WILDCARD_WITH_CREDENTIALS.code: "wildcard-with-credentials"}
BY_CLASS: dict[str, Code] = {CLASS_IDS[code.code]: code for code in CODES}
