"""Diagnosis codes (CG2xx): the real causes ``corsguard check`` names behind a CORS error.

The browser reports only the symptom ("No 'Access-Control-Allow-Origin' header is present").
Each code here is a cause a developer can act on, with the fix for corsguard, FastAPI and
nginx where they differ.
"""

from __future__ import annotations

from corsguard.codes import Code, Severity, register

ERROR_WITHOUT_CORS = Code(
    "CG201",
    "error-response-without-cors-headers",
    Severity.HIGH,
    "an error response (4xx/5xx) carries no CORS headers, so the browser hides the real error",
    "Browsers run the CORS check on every response, errors included. An error page produced "
    "outside the CORS middleware (Starlette's ServerErrorMiddleware for a 500, an auth layer, "
    "a proxy) has no Access-Control-Allow-Origin, so the page sees a CORS error instead of the "
    "status and the body that explain the failure.",
    "Fix the error itself (its status and body are shown in the report), and install the CORS "
    "middleware outermost with corsguard.install(app) so that error responses carry CORS "
    "headers too.",
)
PREFLIGHT_SLASH_REDIRECT = Code(
    "CG202",
    "preflight-trailing-slash-redirect",
    Severity.HIGH,
    "the preflight was redirected to add or remove a trailing slash",
    "Browsers never follow a redirect of a preflight. FastAPI and Starlette answer a URL that "
    "differs from the route only by a trailing slash with a 307 (redirect_slashes=True), and "
    "that 307 ends the request before the CORS middleware's answer matters.",
    "Call the canonical URL (exactly as the route is declared), or declare the route for both "
    "spellings.",
)
PREFLIGHT_SCHEME_REDIRECT = Code(
    "CG203",
    "preflight-redirect-to-http",
    Severity.HIGH,
    "the preflight was redirected from https to http behind a TLS-terminating proxy",
    "The app sees plain http from the proxy and builds redirect URLs with http://. Browsers "
    "never follow a redirect of a preflight, and an https page may not call http anyway.",
    "Run uvicorn with --proxy-headers --forwarded-allow-ips=<proxy address> (or set "
    "forwarded_allow_ips) so the app sees the original https scheme, and make the proxy send "
    "X-Forwarded-Proto.",
)
PREFLIGHT_REDIRECT = Code(
    "CG204",
    "preflight-redirected",
    Severity.HIGH,
    "the preflight was redirected",
    "Browsers never follow a redirect of a preflight (Chromium: PreflightDisallowedRedirect).",
    "Call the final URL directly, or answer OPTIONS at this URL without a redirect.",
)
PREFLIGHT_NOT_HANDLED = Code(
    "CG205",
    "preflight-not-handled",
    Severity.HIGH,
    "OPTIONS is answered with 405: nothing handles preflights",
    "A preflight is an OPTIONS request. Without a CORS middleware in front of the routes, the "
    "router answers it with 405 Method Not Allowed and no CORS headers.",
    "Install the CORS middleware (corsguard.install(app)) so it answers preflights before the "
    "router, or let the proxy pass OPTIONS through to the app.",
)
PREFLIGHT_AUTH = Code(
    "CG206",
    "preflight-blocked-by-authentication",
    Severity.HIGH,
    "the preflight was rejected by authentication (401/403)",
    "Browsers never send cookies or Authorization on a preflight, so an authentication layer "
    "that runs before CORS rejects every preflight. A 401, or a 403 that says so, is not a "
    "CORS middleware's refusal (corsguard's says 'CORS preflight refused'; an empty 403 is "
    "ambiguous, CG233).",
    "Install the CORS middleware outermost (corsguard.install(app)), so it answers preflights "
    "before authentication runs, or exempt OPTIONS requests from authentication.",
)
DUPLICATE_ALLOW_ORIGIN = Code(
    "CG207",
    "allow-origin-sent-twice",
    Severity.HIGH,
    "Access-Control-Allow-Origin is sent more than once",
    "Two layers (typically a reverse proxy and the app) both add the header. The browser joins "
    "the lines into one value 'a, b', which never equals an origin.",
    "Set CORS headers in exactly one layer: keep the app's and remove the proxy's add_header "
    "lines, or use proxy_hide_header Access-Control-Allow-Origin in nginx.",
)
CREDENTIALED_WILDCARD = Code(
    "CG208",
    "wildcard-origin-with-credentials-request",
    Severity.HIGH,
    "Access-Control-Allow-Origin: * answered a credentialed request",
    "With credentials (fetch credentials: 'include', axios withCredentials: true) browsers "
    "require the exact origin and Access-Control-Allow-Credentials: true; '*' is refused.",
    "List the allowed origins explicitly and allow credentials, for example "
    "CORSPolicy(allow_origins=['https://app.example.com'], allow_credentials=True), or stop "
    "sending credentials from the page.",
)
ALLOW_ORIGIN_NEAR_MISS = Code(
    "CG209",
    "allow-origin-near-miss",
    Severity.HIGH,
    "Access-Control-Allow-Origin differs from the origin only by slash, case or default port",
    "Browsers compare the value with the serialized origin byte for byte: no trailing slash, "
    "lower-case scheme and host, no default port.",
    "Configure the origin exactly as the browser serializes it, for example "
    "'https://app.example.com'.",
)
REFLECTED_WITHOUT_VARY = Code(
    "CG210",
    "reflected-origin-without-vary",
    Severity.MEDIUM,
    "Access-Control-Allow-Origin echoes the origin without Vary: Origin",
    "A shared cache (CDN, proxy, the browser's HTTP cache) can store the answer for one origin "
    "and serve it to another, which then fails CORS intermittently.",
    "Send Vary: Origin whenever Access-Control-Allow-Origin depends on the request "
    "(corsguard's middleware does).",
)
MAX_AGE_CAPPED = Code(
    "CG211",
    "preflight-cache-capped-by-browser",
    Severity.LOW,
    "Access-Control-Max-Age is above a browser's cap",
    "Browsers cap how long they cache a preflight: Chromium 7200 s, Firefox 86400 s, Safari "
    "600 s. A larger value is silently shortened.",
    "Use max_age=600 for the same behaviour in every browser.",
)
PROXY_ERROR_PAGE = Code(
    "CG212",
    "proxy-error-page",
    Severity.HIGH,
    "a proxy answered with an error page (502/503/504) that has no CORS headers",
    "The reverse proxy could not reach the app, so it answered itself, without the app's CORS "
    "headers. The CORS error is a symptom: the upstream is down or too slow.",
    "Fix the upstream (is the app running, and listening where proxy_pass points?). To see "
    "the real status in the browser, add CORS headers to the proxy's error pages with "
    "add_header ... always.",
)
AUTHORIZATION_UNDER_WILDCARD = Code(
    "CG213",
    "authorization-under-wildcard-allow-headers",
    Severity.MEDIUM,
    "Authorization is allowed only through Access-Control-Allow-Headers: *",
    "The Fetch standard says '*' never covers Authorization. Chrome (by default) and Safari "
    "accept it anyway, Firefox accepts it with a deprecation warning, and Chrome re-sends the "
    "preflight on every request because its cache applies the strict rule.",
    "List Authorization explicitly: allow_headers=['Authorization', ...].",
)
CHROMIUM_ONLY_SAFELIST = Code(
    "CG214",
    "chromium-only-safelisted-header",
    Severity.LOW,
    "the request needs a preflight in Firefox and Safari but not in Chrome",
    "Chrome also safelists some client-hint headers (DPR, Width, Viewport-Width, Device-Memory, "
    "RTT, Downlink, ECT, Save-Data, Intervention); Firefox and Safari preflight them.",
    "Allow these headers in the preflight answer too, so other browsers pass.",
)
LOCAL_NETWORK_ACCESS = Code(
    "CG215",
    "local-network-access",
    Severity.MEDIUM,
    "a page calls a more private address space (Local Network Access)",
    "Chrome 142+ asks the user for permission before a public page may call loopback or "
    "private addresses, and blocks such requests from insecure (http) pages outright. It is "
    "reported only where it changes the outcome: an insecure page calling a more private "
    "address, or a secure page calling a private (not loopback) address, whose users may "
    "deny the prompt. A secure page calling loopback is a developer's local check, where the "
    "prompt is granted once and changes nothing.",
    "Expect a permission prompt in Chrome; serve the page over https, or call the API through "
    "a public hostname.",
)
MIXED_CONTENT = Code(
    "CG216",
    "mixed-content",
    Severity.HIGH,
    "an https page requests plain http (mixed content)",
    "Browsers block http requests from https pages before CORS runs, except to loopback hosts.",
    "Serve the API over https and call it with an https:// URL.",
)
METHOD_NOT_ALLOWED = Code(
    "CG217",
    "method-not-allowed-by-preflight",
    Severity.HIGH,
    "the preflight answer does not allow the request's method",
    "Access-Control-Allow-Methods is compared byte for byte with the method as fetch() sends "
    "it; fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT, so 'patch' stays "
    "'patch'. '*' is a wildcard only without credentials.",
    "Add the method to allow_methods exactly as the client sends it.",
)
HEADER_NOT_ALLOWED = Code(
    "CG218",
    "header-not-allowed-by-preflight",
    Severity.HIGH,
    "the preflight answer does not allow a request header",
    "Every request header that is not CORS-safelisted must be listed in "
    "Access-Control-Allow-Headers; '*' is a wildcard only without credentials.",
    "Add the header to allow_headers.",
)
MISSING_ALLOW_CREDENTIALS = Code(
    "CG219",
    "allow-credentials-missing",
    Severity.HIGH,
    "a credentialed request without Access-Control-Allow-Credentials: true",
    "With credentials the browser requires Access-Control-Allow-Credentials with exactly the "
    "value 'true' (lower-case).",
    "Set allow_credentials=True for the listed origins, or stop sending credentials.",
)
ORIGIN_NOT_ALLOWED = Code(
    "CG220",
    "origin-not-allowed",
    Severity.HIGH,
    "the server allows a different origin",
    "Access-Control-Allow-Origin names another origin than the page's.",
    "Add the page's origin to allow_origins.",
)
NO_CORS_HEADERS = Code(
    "CG221",
    "no-cors-headers",
    Severity.HIGH,
    "the response has no Access-Control-Allow-Origin",
    "Either no CORS middleware runs for this URL, or it does not allow the page's origin (a "
    "middleware answers a disallowed origin without CORS headers, and refuses its preflight: "
    "corsguard with 403 'CORS preflight refused', Starlette with 400 'Disallowed CORS origin').",
    "Install corsguard.install(app, CORSPolicy(allow_origins=[...])) with the page's origin. "
    "With --app, corsguard check names the entry meant for it when one is written wrong.",
)
PREFLIGHT_REJECTED = Code(
    "CG222",
    "preflight-rejected",
    Severity.HIGH,
    "the preflight answer has CORS headers but not an ok status",
    "A preflight must be answered with 200-299. Starlette's CORSMiddleware answers a preflight "
    "it refuses with 400 and a body saying what it refused.",
    "Read the preflight's body and allow the method, headers or origin it names.",
)
INVALID_ALLOW_LIST = Code(
    "CG223",
    "invalid-allow-list-syntax",
    Severity.HIGH,
    "Access-Control-Allow-Methods or -Headers is not a comma-separated token list",
    "Browsers reject the whole preflight when one element is not an HTTP token (spaces inside "
    "a name, quotes, slashes).",
    "Separate names with commas: 'GET, PUT', not 'GET PUT'.",
)
REDIRECT_WITH_USERINFO = Code(
    "CG224",
    "redirect-with-credentials-in-url",
    Severity.HIGH,
    "a redirect points to a URL with a username or password",
    "Browsers refuse to follow a cross-origin redirect to a URL containing userinfo.",
    "Redirect to a URL without user:password@.",
)
TAINTED_ORIGIN = Code(
    "CG225",
    "origin-null-after-redirect",
    Severity.HIGH,
    "a cross-origin redirect turned the request's origin into null",
    "After a redirect to another origin the browser sends Origin: null, and the final "
    "response must allow 'null' or '*'.",
    "Call the final URL directly instead of relying on the redirect.",
)
TOO_MANY_REDIRECTS = Code(
    "CG226",
    "too-many-redirects",
    Severity.HIGH,
    "more than 20 redirects",
    "Browsers give up after 20 redirects (net::ERR_TOO_MANY_REDIRECTS).",
    "Fix the redirect loop.",
)
INVALID_ALLOW_ORIGIN = Code(
    "CG227",
    "invalid-allow-origin-value",
    Severity.HIGH,
    "Access-Control-Allow-Origin is not an origin",
    "The value must be '*', 'null' or a serialized origin such as 'https://app.example.com'.",
    "Send the request's origin (from an allow-list) or '*'.",
)
UNSAFE_PORT = Code(
    "CG228",
    "unsafe-port",
    Severity.HIGH,
    "the URL uses a port browsers refuse",
    "Browsers block a fixed list of ports (net::ERR_UNSAFE_PORT), such as 6000 or 10080.",
    "Serve the API on another port.",
)
FORBIDDEN_HEADER_DROPPED = Code(
    "CG229",
    "forbidden-request-header-dropped",
    Severity.LOW,
    "a request header scripts cannot set was ignored",
    "fetch() silently drops forbidden headers such as Cookie, Origin, Host or Sec-*.",
    "Send cookies with credentials: 'include'; the browser sets the other headers itself.",
)
SAME_ORIGIN = Code(
    "CG230",
    "same-origin-request",
    Severity.INFO,
    "the request is same-origin, so CORS does not apply",
    "A page may always read responses from its own origin.",
    "Nothing to fix.",
)
CREDENTIALS_VALUE = Code(
    "CG231",
    "allow-credentials-invalid",
    Severity.HIGH,
    "Access-Control-Allow-Credentials has a value other than 'true'",
    "Browsers accept only the exact lower-case value 'true'.",
    "Send Access-Control-Allow-Credentials: true.",
)

PRIVATE_NETWORK_NOT_ALLOWED = Code(
    "CG232",
    "private-network-not-allowed",
    Severity.HIGH,
    "the preflight asks for private network access, which the server does not allow",
    "A public page calling a server on a private network announces it with "
    "Access-Control-Request-Private-Network: true; the CORS middleware refuses the preflight "
    "unless private network access is enabled.",
    "If public websites may call this server on a private network, pass "
    "allow_private_network=True.",
)
PREFLIGHT_REFUSED = Code(
    "CG233",
    "preflight-refused",
    Severity.HIGH,
    "the preflight was refused with 403 and the answer does not say why",
    "corsguard's CORSMiddleware answers a refused preflight with 403 'CORS preflight refused' "
    "and nothing about the policy, so that a site that is not allowed learns nothing. An "
    "empty 403 comes from older corsguard versions, but also from an authentication layer in "
    "front of CORS. corsguard check sends extra preflights (never anything but OPTIONS) to "
    "find the refused part; when they cannot settle it, it ranks the possibilities.",
    "Allow the origin, the method and the headers of the request (debug=True makes the 403 "
    "name the refused part); if authentication runs first, install CORS outermost or skip "
    "authentication for OPTIONS.",
)
register(
    ERROR_WITHOUT_CORS,
    PREFLIGHT_SLASH_REDIRECT,
    PREFLIGHT_SCHEME_REDIRECT,
    PREFLIGHT_REDIRECT,
    PREFLIGHT_NOT_HANDLED,
    PREFLIGHT_AUTH,
    DUPLICATE_ALLOW_ORIGIN,
    CREDENTIALED_WILDCARD,
    ALLOW_ORIGIN_NEAR_MISS,
    REFLECTED_WITHOUT_VARY,
    MAX_AGE_CAPPED,
    PROXY_ERROR_PAGE,
    AUTHORIZATION_UNDER_WILDCARD,
    CHROMIUM_ONLY_SAFELIST,
    LOCAL_NETWORK_ACCESS,
    MIXED_CONTENT,
    METHOD_NOT_ALLOWED,
    HEADER_NOT_ALLOWED,
    MISSING_ALLOW_CREDENTIALS,
    ORIGIN_NOT_ALLOWED,
    NO_CORS_HEADERS,
    PREFLIGHT_REJECTED,
    INVALID_ALLOW_LIST,
    REDIRECT_WITH_USERINFO,
    TAINTED_ORIGIN,
    TOO_MANY_REDIRECTS,
    INVALID_ALLOW_ORIGIN,
    UNSAFE_PORT,
    FORBIDDEN_HEADER_DROPPED,
    SAME_ORIGIN,
    CREDENTIALS_VALUE,
    PRIVATE_NETWORK_NOT_ALLOWED,
    PREFLIGHT_REFUSED,
)
# CG240-CG249: cookies, the other half of credentials. Each names why the browser does not
# store a Set-Cookie, or does not send the cookie back (docs/cookies.md).
COOKIE_CREDENTIALS_NOT_INCLUDED = Code(
    "CG240",
    "cookie-ignored-without-credentials",
    Severity.HIGH,
    "a Set-Cookie came back on a request that did not include credentials",
    "Browsers store cookies from a cross-origin response only when the request included "
    "credentials (fetch credentials: 'include', axios withCredentials: true). Otherwise they "
    "ignore Set-Cookie without any trace, in the console or in DevTools.",
    "Send the request with credentials: 'include' (axios: withCredentials: true) and allow "
    "credentials for the page's exact origin, e.g. CORSPolicy(allow_origins=["
    "'https://app.example.com'], allow_credentials=True).",
)
COOKIE_SAMESITE_CROSS_SITE = Code(
    "CG241",
    "cookie-samesite-lax-on-cross-site-api",
    Severity.HIGH,
    "a SameSite=Lax (Starlette's default), Strict or unspecified cookie from a cross-site API",
    "Starlette's and FastAPI's response.set_cookie() default to samesite='lax'. A Lax or Strict "
    "cookie, or one without SameSite (treated as Lax), is never stored or sent on a cross-site "
    "fetch(): the Lax exception is for top-level navigations only. Sites compare scheme and "
    "registrable domain: localhost and 127.0.0.1 are two sites, http and https of one domain "
    "too; ports do not count.",
    "Set the cookie for cross-site use, response.set_cookie(..., samesite='none', "
    "secure=True), or serve the API same-site with the page (api.example.com beside "
    "app.example.com), which also survives third-party cookie blocking.",
)
COOKIE_SAMESITE_NONE_INSECURE = Code(
    "CG242",
    "cookie-samesite-none-without-secure",
    Severity.HIGH,
    "a SameSite=None cookie without Secure",
    "Browsers reject SameSite=None unless the cookie is also Secure.",
    "Add secure=True: response.set_cookie(..., samesite='none', secure=True). Secure cookies "
    "work over https, and over plain http on localhost and 127.0.0.1.",
)
COOKIE_SECURE_OVER_HTTP = Code(
    "CG243",
    "cookie-secure-over-plain-http",
    Severity.HIGH,
    "a Secure cookie was set over plain http on a host that is not localhost",
    "Browsers store and send Secure cookies only over https, with one exception: localhost, "
    "*.localhost and loopback addresses count as secure.",
    "Serve the API over https; in development call it as http://localhost or http://127.0.0.1.",
)
COOKIE_INVALID_DOMAIN = Code(
    "CG244",
    "cookie-invalid-domain",
    Severity.HIGH,
    "the cookie's Domain attribute is not the host or a parent of it",
    "Domain must be a bare host name (no scheme, no port) that the response's host is or is "
    "under, sharing its registrable domain. A public suffix (com, github.io), a foreign "
    "domain, a sibling, 'http://localhost:3000' or a part of an IP address makes the browser "
    "reject the cookie (Chromium: InvalidDomain).",
    "Leave domain out (a cookie for the API's host only), or give the parent domain the "
    "hosts share: response.set_cookie(..., domain='example.com').",
)
COOKIE_PATH_MISMATCH = Code(
    "CG245",
    "cookie-path-mismatch",
    Severity.MEDIUM,
    "the cookie is stored but its Path does not cover the request",
    "A cookie is sent only to URLs whose path is its Path or under it. A Path set for another "
    "part of the API, or the default path (the directory of the URL that set it, when no Path "
    "is given), keeps it from the requests that need it (Chromium: NotOnPath).",
    "Set path='/' (Starlette's default) or a path that covers every URL that needs the cookie.",
)
COOKIE_THIRD_PARTY_BLOCKED = Code(
    "CG246",
    "cookie-third-party-blocked",
    Severity.HIGH,
    "a cross-site cookie is blocked as a third-party cookie",
    "Safari blocks third-party cookies, Firefox partitions them per top-level site, and "
    "Chrome does either with the setting on, in Incognito, or under enterprise policy "
    "(Debian's Chromium by default). A cookie of a cross-site API is then neither stored nor "
    "sent (Chromium: UserPreferences).",
    "Serve the API same-site with the page (api.example.com beside app.example.com), or make "
    "the cookie partitioned: response.set_cookie(..., samesite='none', secure=True, "
    "partitioned=True) (Python 3.14), which is kept per top-level site.",
)
COOKIE_THIRD_PARTY_ELSEWHERE = Code(
    "CG247",
    "cookie-works-only-with-third-party-cookies",
    Severity.MEDIUM,
    "the cookie works only where third-party cookies are allowed",
    "The API is cross-site with the page, so its cookie is a third-party cookie: Chrome's "
    "default stores and sends it, Safari does not, and Firefox keeps it apart from the "
    "API's own first-party cookies.",
    "Serve the API same-site with the page (api.example.com beside app.example.com) for a "
    "cookie that works in every browser, or add partitioned=True to a samesite='none', "
    "secure=True cookie. Check with --third-party-cookies block.",
)
COOKIE_SET_BUT_CORS_FAILED = Code(
    "CG248",
    "cookie-stored-but-cors-failed",
    Severity.LOW,
    "the cookie is stored although the CORS check failed",
    "The browser stores cookies from a response before the CORS check decides whether the "
    "script may read it: the script gets 'Failed to fetch', yet the cookie is stored and sent "
    "on the next request. The cookie is not what to fix.",
    "Fix the CORS error named in the diagnosis; the cookie already works.",
)
COOKIE_REJECTED = Code(
    "CG249",
    "cookie-rejected",
    Severity.HIGH,
    "the browser rejects the Set-Cookie line itself",
    "A __Secure- or __Host- prefix whose rules are broken, Partitioned without Secure, a "
    "control character, a line without name and value, or a name and value over 4096 bytes "
    "make the browser drop the cookie.",
    "__Host- cookies need secure=True, path='/' and no domain; __Secure- cookies need "
    "secure=True; partitioned=True needs secure=True over https; keep values short and "
    "free of control characters.",
)
register(
    COOKIE_CREDENTIALS_NOT_INCLUDED,
    COOKIE_SAMESITE_CROSS_SITE,
    COOKIE_SAMESITE_NONE_INSECURE,
    COOKIE_SECURE_OVER_HTTP,
    COOKIE_INVALID_DOMAIN,
    COOKIE_PATH_MISMATCH,
    COOKIE_THIRD_PARTY_BLOCKED,
    COOKIE_THIRD_PARTY_ELSEWHERE,
    COOKIE_SET_BUT_CORS_FAILED,
    COOKIE_REJECTED,
)
