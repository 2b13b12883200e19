"""Audit codes: CG4xx for an ASGI app's CORS setup, CG5xx for the nginx configuration in front.

Configuration mistakes in the CORS options themselves are not repeated here: ``corsguard audit``
reports them with the policy's CG1xx codes, so that a mistake has one code wherever it is found.
"""

from __future__ import annotations

from corsguard.codes import Code, Severity, register

# -- ASGI app setup (corsguard audit module:attr) -------------------------------------------------

NO_CORS = Code(
    "CG401",
    "no-cors-middleware",
    Severity.LOW,
    "the app has no CORS middleware",
    "Without a CORS layer no response carries Access-Control-Allow-Origin, so every "
    "cross-origin fetch() from a page is blocked, and preflights reach the router, which answers "
    "them 405 Method Not Allowed. That is right for an API only its own origin calls, and a "
    "surprise for one a separate frontend calls.",
    "If pages on other origins call this API, install corsguard: "
    "'from corsguard import install, CORSPolicy' then "
    "'install(app, CORSPolicy(allow_origins=[\"https://app.example.com\"]))'.",
)
CORS_NOT_OUTERMOST = Code(
    "CG402",
    "cors-not-outermost",
    Severity.HIGH,
    "middleware runs before CORS",
    "FastAPI and Starlette run the last added middleware first. A middleware added after "
    "CORSMiddleware sees every request before CORS does: an authentication or session "
    "middleware rejects the browser's preflight, which never carries cookies or Authorization, "
    "with 401 or 403 and no CORS headers, and the browser reports a CORS error instead of the "
    "real status. Responses it produces itself (rate limits, redirects, errors) carry no CORS "
    "headers either.",
    "Make CORS the outermost layer: add CORSMiddleware last, or better wrap the finished app "
    "with corsguard.install(app, policy), which puts CORS outside every other middleware.",
)
ERRORS_WITHOUT_CORS = Code(
    "CG403",
    "errors-without-cors-headers",
    Severity.MEDIUM,
    "unhandled-exception 500s carry no CORS headers",
    "Starlette builds ServerErrorMiddleware outside all user middleware, so the 500 response "
    "for an unhandled exception (and any 500/Exception handler) never passes through "
    "CORSMiddleware. The page's script cannot read it and the browser console shows a CORS "
    "error, which sends people debugging CORS instead of the exception.",
    "Wrap the whole app with corsguard.install(app, policy): CORS then sits outside "
    "ServerErrorMiddleware and the 500 keeps its CORS headers.",
)
SLASH_REDIRECT = Code(
    "CG404",
    "trailing-slash-redirect",
    Severity.MEDIUM,
    "a cross-origin call to the other spelling of a route is redirected",
    "With redirect_slashes (the default) a request for '/items' when the route is '/items/' "
    "(or the reverse) is answered 307 with an absolute Location built from the request's "
    "scheme. Fetch refuses any redirect of a preflight ('Redirect is not allowed for a "
    "preflight request') whenever CORS does not answer it first, and behind a TLS-terminating "
    "proxy the actual request is redirected to http://, which the browser blocks as mixed "
    "content.",
    "Call the route's exact path from the frontend, or declare the route without the trailing "
    "slash and pass redirect_slashes=False to the app and its routers.",
)
OPTIONS_ROUTE = Code(
    "CG405",
    "options-route-shadows-preflight",
    Severity.LOW,
    "an OPTIONS route competes with preflight handling",
    "A CORS middleware answers preflights before routing, so a user OPTIONS route never runs "
    "for them and the headers it sets never reach the browser. Without a CORS layer in front, "
    "the route answers preflights itself, usually granting every origin and every method, and "
    "diverges from the policy of the actual requests.",
    "Remove the OPTIONS route and let the CORS middleware answer preflights; keep one only for "
    "non-CORS OPTIONS semantics (WebDAV, API discovery) and leave CORS headers out of it.",
)
MOUNT_WITHOUT_CORS = Code(
    "CG406",
    "route-without-cors",
    Severity.MEDIUM,
    "part of the app is reached with no CORS layer",
    "CORS was added to a mounted sub-application (or to a router's app) rather than to the app "
    "that receives requests, so the other routes and mounts answer cross-origin calls and "
    "preflights without any CORS headers, and preflights there get 405.",
    "Install CORS once, on the outermost app: corsguard.install(app, policy); give a part of "
    "the app its own policy with CORSMiddleware(app, paths={'/public': public_policy}).",
)
CORS_TWICE = Code(
    "CG407",
    "cors-applied-twice",
    Severity.HIGH,
    "two CORS layers on the way to the same routes",
    "Each layer adds its own Access-Control-Allow-Origin, so responses carry the header twice "
    "(or 'a, b') and the browser rejects them with 'contains multiple values'; the two layers "
    "may also disagree about which origins are allowed.",
    "Keep one CORS layer, on the outermost app; express per-path differences with "
    "CORSMiddleware(app, paths=...).",
)
ROUTE_BLOCKED = Code(
    "CG408",
    "allowed-origin-blocked",
    Severity.HIGH,
    "a configured origin is blocked on a route",
    "The configuration names the origin, but the browser model, run in-process against the "
    "real app, shows that fetch() from it fails on this route and method, so users see a CORS "
    "error that the configuration seems to rule out.",
    "Follow the diagnosis attached to the finding; it names the response that failed and the "
    "header or status to change.",
)
CORS_UNSUPPORTED = Code(
    "CG409",
    "cors-options-unreadable",
    Severity.LOW,
    "a CORS middleware whose options cannot be read",
    "The app uses a CORS middleware that corsguard does not know, or built it in a way whose "
    "options are not inspectable, so configuration rules could not run on it.",
    "Migrate to corsguard's CORSMiddleware (audit --fix prints the configuration), or run "
    "corsguard check and scan against the running app to test its behaviour instead.",
)
STARLETTE_LITERAL_PATTERN = Code(
    "CG410",
    "pattern-never-matches-in-starlette",
    Severity.HIGH,
    "an origin pattern that Starlette compares literally",
    "Starlette's CORSMiddleware looks allow_origins entries up as exact strings; only '*' alone "
    "is special. 'https://*.example.com' or 'http://localhost:*' is therefore compared "
    "character for character with the Origin header and never matches, so the frontends it "
    "was meant for are blocked.",
    "Use corsguard's CORSPolicy, which understands 'https://*.example.com' and "
    "'http://localhost:*' (audit --fix prints the configuration), or with Starlette an anchored "
    "allow_origin_regex such as r'https://[a-z0-9-]+\\.example\\.com'.",
)

NO_ROUTES = Code(
    "CG411",
    "no-routes-found",
    Severity.MEDIUM,
    "the audit found no route to check",
    "The route walk found no HTTP route in the app (FastAPI's documentation routes aside), so "
    "no request was checked and nothing is known about how the app answers cross-origin calls. "
    "Either the app really has no routes yet, or they are kept in a way the walk does not "
    "follow (a router type corsguard does not know, or routes added when the app starts).",
    "Point the audit at the object that serves the routes (use --factory for an app factory, "
    "and keep --lifespan on if routes are added at start-up), or test the running app with "
    "'corsguard check' and 'corsguard scan'.",
)

COOKIE_CANNOT_WORK = Code(
    "CG412",
    "cookie-cannot-work-cross-site",
    Severity.HIGH,
    "a route sets a cookie that a cross-site frontend never gets back",
    "The audit ran the route (GET routes only, unless --probe-unsafe) and judged each "
    "Set-Cookie of its answer for every origin the CORS policy allows with credentials, as if "
    "the API were served on another site than the page, with Chrome's default settings. A "
    "cookie Chrome does not store, or stores and never sends back, is a login that silently "
    "fails: nothing appears in the console, and DevTools shows it only under a yellow "
    "triangle in the Network panel. The message names the reason as Chromium does (the CG24x "
    "diagnosis of corsguard check says the same) and DevTools' own sentence.",
    'Set the cookie for cross-site use: response.set_cookie(..., samesite="none", '
    "secure=True), or serve the API same-site with the page (api.example.com for "
    'app.example.com), where Starlette\'s default samesite="lax" works. '
    "'corsguard check URL --origin ORIGIN --credentials include' shows the exchange.",
)

# -- nginx configuration (corsguard audit nginx.conf) ---------------------------------------------

PROXY_DUPLICATES = Code(
    "CG501",
    "proxy-duplicates-cors-headers",
    Severity.HIGH,
    "nginx adds CORS headers to responses of an application that may set them too",
    "add_header never replaces a header from the upstream: when the application behind "
    "proxy_pass also sends Access-Control-Allow-Origin, the browser receives two values and "
    "rejects the response with 'The Access-Control-Allow-Origin header contains multiple "
    "values'.",
    "Let one layer own CORS. Either remove the add_header lines and keep CORS in the app, or "
    "keep them and add 'proxy_hide_header Access-Control-Allow-Origin;' (and one line for "
    "each other Access-Control-* header) in the same location.",
)
NOT_ALWAYS = Code(
    "CG502",
    "cors-header-without-always",
    Severity.MEDIUM,
    "a CORS header is added without 'always'",
    "Without the 'always' parameter nginx adds the header only to 200, 201, 204, 206, 301, "
    "302, 303, 304, 307 and 308 responses. A 401, 404, 413, 500, 502 or 504 then has no CORS "
    "headers, the page's script cannot read the status, and the browser reports a CORS error "
    "instead of the real one.",
    "Append 'always': add_header Access-Control-Allow-Origin https://app.example.com always;",
)
ORIGIN_REFLECTED = Code(
    "CG503",
    "origin-reflected",
    Severity.HIGH,
    "the request's Origin is echoed into Access-Control-Allow-Origin",
    "'add_header Access-Control-Allow-Origin $http_origin' allows every website, and unlike "
    "'*' it also works for requests that carry credentials once anything adds "
    "Access-Control-Allow-Credentials. Scanners and attackers look for exactly this.",
    'Validate the origin first: \'map $http_origin $cors_origin { default ""; '
    '"~^https://app\\.example\\.com$" $http_origin; }\' and add '
    "'add_header Access-Control-Allow-Origin $cors_origin always;'.",
)
ORIGIN_REFLECTED_CREDENTIALS = Code(
    "CG504",
    "origin-reflected-with-credentials",
    Severity.CRITICAL,
    "the request's Origin is echoed together with Access-Control-Allow-Credentials: true",
    "Every website can call this API with the visitor's cookies and read the answer: the "
    "proxy grants any Origin it receives and allows credentials. This is the nginx form of "
    "'allow_origins=[\"*\"]' with 'allow_credentials=True' in Starlette.",
    "Replace $http_origin by a variable from a map that lists the trusted origins with anchored, "
    "escaped regexes, or drop Access-Control-Allow-Credentials.",
)
OPTIONS_SHORTCUT = Code(
    "CG505",
    "options-shortcut-grants-every-origin",
    Severity.HIGH,
    "an 'if ($request_method = OPTIONS) { ... return 204; }' block grants every origin",
    "The recipe answers every preflight in nginx with '*' or the echoed Origin, whatever the "
    "application's policy says, so the preflight allows methods and headers for origins the "
    "application would refuse; 'if' inside a location also replaces the location's add_header "
    "lines and is known to misbehave ('if is evil').",
    "Let the application answer preflights (remove the block), or answer them with the same "
    "validated origin variable the actual responses use.",
)
INHERITANCE_DROP = Code(
    "CG506",
    "nested-add-header-drops-cors",
    Severity.HIGH,
    "an add_header in a nested block silently drops the parent's CORS headers",
    "nginx inherits add_header from the enclosing level only when the current level has none. "
    "One 'add_header X-Frame-Options ...' in a location or 'if' removes every "
    "Access-Control-* header set in the server or http block for that location.",
    "Repeat the CORS add_header lines in the nested block (an include file keeps them in one "
    "place), or on nginx 1.29.3 and later add 'add_header_inherit merge;'.",
)
VARY_MISSING = Code(
    "CG507",
    "dynamic-allow-origin-without-vary",
    Severity.MEDIUM,
    "Access-Control-Allow-Origin depends on the request but 'Vary: Origin' is missing",
    "When the allowed origin is computed from the request, a cache (the browser's, nginx's "
    "proxy_cache, a CDN) that stores one origin's response serves it to the others, which "
    "then fail intermittently with a CORS error, or are granted access they should not have.",
    "Add 'add_header Vary Origin always;' next to the Access-Control-Allow-Origin line.",
)
LOOSE_ORIGIN_REGEX = Code(
    "CG508",
    "loose-origin-regex",
    Severity.HIGH,
    "an origin regex in a map or if is unanchored or has unescaped dots",
    "nginx regexes match anywhere in the value: '~example\\.com' also accepts "
    "'https://example.com.evil.net', and an unescaped dot in 'app.example.com' accepts "
    "'https://appxexample.com', a domain anyone can register.",
    "Anchor both ends and escape every dot: '~^https://app\\.example\\.com$'.",
)
WILDCARD_CREDENTIALS = Code(
    "CG509",
    "wildcard-with-credentials-header",
    Severity.LOW,
    "'Access-Control-Allow-Origin: *' is sent with 'Access-Control-Allow-Credentials: true'",
    "Browsers reject '*' on credentialed requests, so fetch() with credentials: 'include' "
    "fails, and the usual 'fix' people then reach for is echoing $http_origin, which is the "
    "real hole.",
    "Drop Access-Control-Allow-Credentials for public data, or send a validated origin from a "
    "map instead of '*'.",
)
UNPARSED = Code(
    "CG510",
    "config-not-fully-parsed",
    Severity.MEDIUM,
    "part of the nginx configuration could not be parsed",
    "A file the configuration includes (or one fragment of an audited directory) has a syntax "
    "error, so the rules did not see what it holds and their silence proves nothing about it; "
    "nginx itself would refuse to load the configuration.",
    "Fix the syntax error at the reported line; 'nginx -t' on the server reports the same error.",
)
INTERCEPTED_ERRORS = Code(
    "CG511",
    "intercepted-errors-without-cors",
    Severity.MEDIUM,
    "nginx replaces the application's error responses, and their CORS headers",
    "With 'proxy_intercept_errors on' and an error_page, nginx answers upstream 4xx/5xx with "
    "its own page and drops the upstream's headers, Access-Control-Allow-Origin included; the "
    "page's script cannot read the status and the browser reports a CORS error instead.",
    "Turn proxy_intercept_errors off for API locations, or add the CORS headers to the "
    "location with 'always' from a validated origin variable.",
)
LIMIT_EXCEPT_PREFLIGHT = Code(
    "CG512",
    "limit-except-blocks-preflight",
    Severity.HIGH,
    "a limit_except block refuses the browser's OPTIONS preflight",
    "limit_except applies its access rules (deny, auth_basic, auth_request) to every method it "
    "does not list. Browsers send the preflight as OPTIONS without credentials, so nginx "
    "answers it 401 or 403 without CORS headers and the real request is never sent.",
    "Add OPTIONS to the methods limit_except lets through, for example "
    "'limit_except GET POST OPTIONS { deny all; }'.",
)
IF_LOSES_CORS_HEADERS = Code(
    "CG513",
    "if-loses-cors-headers",
    Severity.HIGH,
    "an 'if' that wins over another 'if' leaves out its CORS headers",
    "nginx runs the 'if' blocks of a location in order, and each one whose condition holds "
    "replaces the location's configuration, add_header lines included; a 'return' stops the "
    "run. When two of them match the same request, the response gets only the headers of the "
    "last one (or of the one that returned): a preflight answered by 'if ($request_method = "
    "OPTIONS) { ... return 204; }' goes out without the Access-Control-Allow-Origin (or "
    "-Credentials) another 'if ($http_origin ~ ...)' adds, and the browser blocks it.",
    "Repeat the CORS add_header lines in every 'if' that can match a cross-origin request (an "
    "include file keeps them in one place), or compute the values with map and add them once, "
    "outside any 'if'.",
)
PREFLIGHT_WITHOUT_ALLOW_ORIGIN = Code(
    "CG516",
    "preflight-without-allow-origin",
    Severity.HIGH,
    "nginx answers preflights with CORS headers but no Access-Control-Allow-Origin",
    "An 'if ($request_method = OPTIONS) { ... return 204; }' answers the preflight itself, so "
    "the application never sees it. When that answer carries Access-Control-Allow-Methods, "
    "-Headers or -Credentials but no Access-Control-Allow-Origin, and neither the location nor "
    "another 'if' adds one, the browser fails every preflight: each cross-origin request that "
    "needs one (a JSON body, an Authorization header, PUT or DELETE) is blocked before it is "
    "sent.",
    "Add 'add_header Access-Control-Allow-Origin $cors_origin always;' (a variable from a map "
    "of the trusted origins) to the preflight block, or remove the block and let the "
    "application answer preflights.",
)
INCLUDE_NOT_FOUND = Code(
    "CG514",
    "include-not-found",
    Severity.MEDIUM,
    "an include names no file in the audited configuration",
    "The include's file does not exist where nginx would look in the repository, its glob "
    "matches nothing (nginx accepts that silently), or it lies outside the audited directory, "
    "which is never read from the machine running the audit. Whatever it holds, CORS headers "
    "included, was not audited. Missing stock files (mime.types, fastcgi_params and the other "
    "*_params, certbot's options-ssl-nginx.conf) hide nothing about CORS and are reported at "
    "info severity.",
    "Audit the directory that holds every file nginx reads, and give the repository's nginx "
    "directory (the one deployed as /etc/nginx) with --prefix DIR; for a glob, check that the "
    "files it should match are in the repository.",
)
UNKNOWN_DIRECTIVE = Code(
    "CG515",
    "unknown-directive-skipped",
    Severity.INFO,
    "a directive of an unknown or third-party module was skipped",
    "The directive is not one nginx or its common modules define (a third-party module such as "
    "geoip2, or OpenResty's Lua blocks and files): it was read but not audited, so headers it "
    "sets (ngx.header in Lua, more_clear_headers) are not seen. headers-more's "
    "more_set_headers is not skipped: the rules read it like an add_header that replaces the "
    "application's header.",
    "Check by hand what the directive does to CORS headers; when it sets them, prefer "
    "add_header in the location, where the audit can check it.",
)

APP_CODES = register(
    NO_CORS,
    CORS_NOT_OUTERMOST,
    ERRORS_WITHOUT_CORS,
    SLASH_REDIRECT,
    OPTIONS_ROUTE,
    MOUNT_WITHOUT_CORS,
    CORS_TWICE,
    ROUTE_BLOCKED,
    CORS_UNSUPPORTED,
    STARLETTE_LITERAL_PATTERN,
    NO_ROUTES,
    COOKIE_CANNOT_WORK,
)
NGINX_CODES = register(
    PROXY_DUPLICATES,
    NOT_ALWAYS,
    ORIGIN_REFLECTED,
    ORIGIN_REFLECTED_CREDENTIALS,
    OPTIONS_SHORTCUT,
    INHERITANCE_DROP,
    VARY_MISSING,
    LOOSE_ORIGIN_REGEX,
    WILDCARD_CREDENTIALS,
    UNPARSED,
    INTERCEPTED_ERRORS,
    LIMIT_EXCEPT_PREFLIGHT,
    IF_LOSES_CORS_HEADERS,
    INCLUDE_NOT_FOUND,
    UNKNOWN_DIRECTIVE,
    PREFLIGHT_WITHOUT_ALLOW_ORIGIN,
)
