"""Policy configuration codes (CG1xx): problems ``CORSPolicy`` refuses or warns about.

The same codes are reported by ``corsguard audit`` when it finds the mistake in an app's
Starlette/FastAPI CORS settings, so each entry explains the mistake without assuming corsguard.
"""

from __future__ import annotations

from corsguard.codes import Code, Severity, register

WILDCARD_WITH_CREDENTIALS = Code(
    "CG101",
    "wildcard-with-credentials",
    Severity.CRITICAL,
    "every origin allowed together with credentials",
    "Browsers refuse 'Access-Control-Allow-Origin: *' on credentialed requests, so middlewares "
    "that accept this combination (Starlette, django-cors-headers, flask-cors) echo the request's "
    "Origin instead. Every website on the internet can then read a logged-in user's data with "
    "the user's cookies.",
    "List the origins that may send credentials, for example "
    "allow_origins=['https://app.example.com'], or turn credentials off to allow every origin "
    "for anonymous, public data.",
)
ORIGIN_WITH_PATH = Code(
    "CG102",
    "origin-with-path",
    Severity.HIGH,
    "allowed origin has a path, trailing slash, query or fragment",
    "Browsers send the Origin header as scheme://host[:port] with nothing after it, and compare "
    "it byte for byte. 'https://app.example.com/' (what pydantic's AnyHttpUrl produces) never "
    "equals 'https://app.example.com', so the origin is silently never allowed.",
    "Write the origin without the trailing slash or path, for example 'https://app.example.com'.",
)
ORIGIN_WHITESPACE = Code(
    "CG103",
    "origin-whitespace",
    Severity.HIGH,
    "allowed origin has surrounding whitespace",
    "The Origin header never contains spaces, so an entry such as ' https://app.example.com' "
    "(often left over from splitting a comma-separated setting) never matches.",
    "Strip the whitespace, or split the setting with CORSPolicy.from_env(), which tolerates it.",
)
ORIGIN_MISSING_SCHEME = Code(
    "CG104",
    "origin-missing-scheme",
    Severity.HIGH,
    "allowed origin has no scheme",
    "An origin is scheme://host[:port]; the browser always sends the scheme, so 'app.example.com' "
    "or 'localhost:3000' never matches anything.",
    "Add the scheme the page is served with, for example 'https://app.example.com' or "
    "'http://localhost:3000'.",
)
ORIGIN_UNSUPPORTED_SCHEME = Code(
    "CG105",
    "origin-unsupported-scheme",
    Severity.HIGH,
    "allowed origin has a scheme that pages do not have",
    "Pages that call an API have http or https origins (or a browser extension's scheme). "
    "A ws://, wss:// or ftp:// entry is never sent in an Origin header by a browser.",
    "Use the scheme of the page that makes the request, usually 'https://'. WebSocket "
    "handshakes carry the page's http(s) origin too.",
)
NULL_ORIGIN = Code(
    "CG106",
    "null-origin",
    Severity.HIGH,
    "the 'null' origin is allowed",
    "Browsers send 'Origin: null' from sandboxed iframes, data: URLs, file: pages and after "
    "cross-origin redirects. Any website can create a sandboxed iframe, so allowing 'null' "
    "allows every site that wants to be allowed.",
    "Remove 'null' and allow the real origins. If you must serve opaque origins (an embedded "
    "sandboxed widget without credentials), pass dangerously_allow_null_origin=True.",
)
FILE_ORIGIN = Code(
    "CG107",
    "file-origin",
    Severity.HIGH,
    "the file:// origin is allowed",
    "Pages opened from the file system share one origin for every file on the machine, so any "
    "downloaded HTML file can use the permission. Chromium sends 'null' for file: pages; some "
    "embedded web views send 'file://'.",
    "Serve the page from http://localhost during development. If a desktop web view really "
    "sends 'file://', pass dangerously_allow_file_origin=True.",
)
INSECURE_ORIGIN_WITH_CREDENTIALS = Code(
    "CG108",
    "insecure-origin-with-credentials",
    Severity.HIGH,
    "a plain-http origin may send credentials",
    "Anyone on the network path (public Wi-Fi, a compromised router) can inject script into a "
    "page served over plain http, and that script then reads the user's data with the user's "
    "cookies. Loopback origins (localhost, 127.0.0.1, [::1]) are exempt: they never leave the "
    "machine.",
    "Serve the page over https and allow its https origin. If the http origin is on a "
    "trusted network, pass dangerously_allow_insecure_origins=True.",
)
PUBLIC_SUFFIX_WILDCARD = Code(
    "CG109",
    "public-suffix-wildcard",
    Severity.CRITICAL,
    "subdomain wildcard under a public suffix may send credentials",
    "Anyone can register a name under a public suffix: https://*.com matches every .com site and "
    "https://*.github.io matches every GitHub Pages site, so the pattern hands the user's "
    "credentialed data to strangers. corsguard checks patterns against the Public Suffix List, "
    "including its private section (github.io, herokuapp.com, vercel.app).",
    "Allow the exact origins you own, such as 'https://myorg.github.io', or a wildcard under a "
    "domain you control, such as 'https://*.example.com'. If you accept the risk, pass "
    "dangerously_allow_public_suffix_wildcards=True.",
)
WILDCARD_MIXED = Code(
    "CG110",
    "wildcard-mixed-with-origins",
    Severity.MEDIUM,
    "'*' listed together with other origins",
    "'*' already allows every origin, so the other entries have no effect; the list usually "
    "means that someone added '*' while debugging and forgot it.",
    "Keep either '*' alone (public data, no credentials) or the explicit origins.",
)
UNSUPPORTED_WILDCARD = Code(
    "CG111",
    "unsupported-wildcard",
    Severity.HIGH,
    "wildcard in a position the origin grammar does not support",
    "Only '*' alone, a leading '*.' label (https://*.example.com, subdomains of any depth) and "
    "an any-port ':*' (http://localhost:*) are understood. Other positions, such as "
    "https://app.*.com or *.example.com without a scheme, are ambiguous and would either match "
    "nothing or far too much.",
    "Rewrite the entry as https://*.example.com, http://localhost:* or an exact origin, or use "
    "allow_origin_regex for anything more complex.",
)
INVALID_ORIGIN = Code(
    "CG112",
    "invalid-origin",
    Severity.HIGH,
    "allowed origin is not a valid origin",
    "The entry has a host or port that no browser would send (an empty label, a character "
    "outside the host grammar, a port outside 1-65535, user information, an ambiguous IDN "
    "character), so it can never match or would match something other than intended.",
    "Write the origin exactly as the browser's address bar shows it, scheme://host[:port], "
    "with non-ASCII hosts in punycode when the hint says so.",
)
STRING_INSTEAD_OF_LIST = Code(
    "CG113",
    "string-instead-of-list",
    Severity.HIGH,
    "a single string given where a list is expected",
    "Iterating over a string yields its characters: allow_origins='https://app.example.com' "
    "would be read as the origins 'h', 't', 't', 'p', ... and allow_methods='GET' as 'G', 'E', "
    "'T'.",
    "Wrap the value in a list, for example allow_origins=['https://app.example.com'].",
)
INVALID_OPTION_TYPE = Code(
    "CG114",
    "invalid-option-type",
    Severity.HIGH,
    "option has the wrong type",
    "A value of the wrong type (the string 'false' for a flag, a string for max_age, None for a "
    "list) is usually a settings-loading bug that would otherwise change behaviour silently.",
    "Pass the documented type: booleans for flags, an integer for max_age, a list of strings "
    "for origins, methods and headers.",
)
FORBIDDEN_METHOD = Code(
    "CG115",
    "forbidden-method",
    Severity.MEDIUM,
    "a forbidden method is allowed",
    "Browsers never let script send CONNECT, TRACE or TRACK (Fetch standard, forbidden "
    "methods), so allowing them only advertises attack surface such as cross-site tracing.",
    "Remove the method from allow_methods.",
)
INVALID_METHOD = Code(
    "CG116",
    "invalid-method",
    Severity.MEDIUM,
    "method name is not an HTTP token",
    "Browsers reject an Access-Control-Allow-Methods header containing a non-token element, "
    "which makes every preflight fail.",
    "Use method names made of letters, digits and !#$%&'*+-.^_`|~ only, such as 'PATCH'.",
)
FORBIDDEN_REQUEST_HEADER = Code(
    "CG117",
    "forbidden-request-header",
    Severity.MEDIUM,
    "a forbidden request header is allowed",
    "Script can never set forbidden request headers (Cookie, Host, Origin, Sec-*, Proxy-* and "
    "the others the Fetch standard lists); the browser sets them itself, so listing them has no "
    "effect and suggests a misunderstanding of what the list controls.",
    "Remove the header from allow_headers; cookies are governed by allow_credentials.",
)
INVALID_HEADER_NAME = Code(
    "CG118",
    "invalid-header-name",
    Severity.MEDIUM,
    "header name is not an HTTP token",
    "Browsers reject Access-Control-Allow-Headers and Access-Control-Expose-Headers lists that "
    "contain a non-token element, so one bad name breaks every preflight or hides every header.",
    "Use header names made of letters, digits and !#$%&'*+-.^_`|~ only, one name per entry.",
)
MAX_AGE_OUT_OF_RANGE = Code(
    "CG119",
    "max-age-out-of-range",
    Severity.MEDIUM,
    "max_age is negative",
    "A negative Access-Control-Max-Age is treated as 0 by some browsers and as invalid by "
    "others, so the same policy caches preflights differently from one browser to the next.",
    "Use a value from 0 (no caching) to 7200; 600 is a good default.",
)
MAX_AGE_ABOVE_BROWSER_CAP = Code(
    "CG120",
    "max-age-above-browser-cap",
    Severity.LOW,
    "max_age above a browser's cap (Chromium 7200 seconds, Firefox 86400)",
    "Browsers cap the preflight cache: Chromium at two hours, Firefox at a day, Safari at ten "
    "minutes, and each uses its cap instead of a longer value. Nothing breaks, so this is a "
    "warning; the longer value only delays policy changes in the browsers that honour it.",
    "Use max_age=7200 or less.",
)
INVALID_ORIGIN_REGEX = Code(
    "CG121",
    "invalid-origin-regex",
    Severity.HIGH,
    "allow_origin_regex does not compile",
    "A regular expression that cannot be compiled cannot match any origin.",
    "Fix the expression's syntax; the message quotes Python's error and its position.",
)
REGEX_UNESCAPED_DOT = Code(
    "CG122",
    "regex-unescaped-dot",
    Severity.HIGH,
    "unescaped dot in the host part of allow_origin_regex",
    "In a regular expression '.' matches any character, so 'https://app.example.com' also "
    "matches 'https://appxexample.com', a domain anyone can register.",
    "Escape each literal dot as '\\.', or pass dangerously_allow_loose_origin_regex=True.",
)
REGEX_WILDCARD_HOST = Code(
    "CG123",
    "regex-wildcard-host",
    Severity.HIGH,
    "'.*' or '.+' in the host part of allow_origin_regex",
    "A host part such as 'https://.*example\\.com' matches 'https://evilexample.com', and "
    "'.*' after the domain matches 'https://example.com.evil.net'; attackers register such "
    "names to pass the check.",
    "Match labels with '[a-z0-9-]+', for example 'https://[a-z0-9-]+\\.example\\.com', or use "
    "the pattern 'https://*.example.com' in allow_origins. To keep the expression, pass "
    "dangerously_allow_loose_origin_regex=True.",
)
REGEX_IN_ALLOW_ORIGINS = Code(
    "CG124",
    "regex-in-allow-origins",
    Severity.HIGH,
    "a regular expression written in allow_origins",
    "allow_origins holds exact origins and simple patterns; a regular expression there is "
    "compared literally and never matches.",
    "Move the expression to allow_origin_regex, or use a pattern such as 'https://*.example.com'.",
)
UNEXPOSABLE_HEADER = Code(
    "CG125",
    "unexposable-header",
    Severity.MEDIUM,
    "expose_headers lists a header browsers never expose",
    "Set-Cookie and Set-Cookie2 are forbidden response header names: browsers strip them from "
    "what script can read whatever the server says.",
    "Remove the header from expose_headers; to share a token with script, return it in the "
    "body or a custom header.",
)
UNKNOWN_OPTION = Code(
    "CG126",
    "unknown-option",
    Severity.HIGH,
    "unknown CORS option",
    "A misspelt option (allowed_origins, allow_origin_regexes) is otherwise ignored, leaving "
    "the default in force without anyone noticing.",
    "Use one of the documented option names; the hint suggests the closest one.",
)
ORIGIN_NORMALIZED = Code(
    "CG127",
    "origin-normalized",
    Severity.INFO,
    "allowed origin rewritten in its canonical form",
    "Browsers send origins with a lower-case scheme and host, punycode for international "
    "names and no default port. Entries written otherwise are rewritten so they match.",
    "Write the origin in the canonical form shown to silence this notice.",
)
PROFILE_REQUIRES_ORIGINS = Code(
    "CG128",
    "profile-requires-origins",
    Severity.HIGH,
    "deployment profile needs explicit origins",
    "The test, staging and prod profiles never fall back to a permissive default: an unset or "
    "empty origin list at start-up is a deployment mistake, not a request to allow everything.",
    "Set CORS_ALLOW_ORIGINS (comma-separated) or pass allow_origins, allow_origin_regex or "
    "allow_origin to CORSPolicy.profile().",
)
INSECURE_ORIGIN_IN_PRODUCTION = Code(
    "CG129",
    "insecure-origin-in-production",
    Severity.HIGH,
    "plain-http origin in the prod profile",
    "A production frontend served over plain http can be modified by anyone on the network "
    "path, and browsers treat it as an insecure context.",
    "Serve the frontend over https and list its https origin.",
)
LOCALHOST_IN_PRODUCTION = Code(
    "CG130",
    "localhost-in-production",
    Severity.HIGH,
    "loopback origin in the prod profile",
    "A production API that allows http://localhost lets any program a user runs locally (or "
    "any page served from their machine) call it with their credentials; it is almost always a "
    "development setting that leaked into production.",
    "Remove the localhost origins from the production configuration; use the dev profile locally.",
)
WILDCARD_IN_PROFILE = Code(
    "CG131",
    "wildcard-in-profile",
    Severity.HIGH,
    "'*' in a profile that requires explicit origins",
    "The test, staging and prod profiles exist to pin the frontends that may call the API; "
    "'*' defeats that and hides the missing configuration.",
    "List the frontend origins in CORS_ALLOW_ORIGINS. For a public API without credentials, "
    "build CORSPolicy(allow_origins=['*']) directly instead of using a profile.",
)
DEBUG_IN_PRODUCTION = Code(
    "CG132",
    "debug-in-production",
    Severity.HIGH,
    "debug mode in the prod profile",
    "Debug mode explains failed preflights in the response body, which tells an attacker "
    "exactly which origins, methods and headers the policy allows.",
    "Turn debug off in production (unset CORS_DEBUG); use the dev or test profile to debug.",
)
UNKNOWN_PROFILE = Code(
    "CG133",
    "unknown-profile",
    Severity.HIGH,
    "deployment profile missing or unknown",
    "Without a profile corsguard cannot know which safety rules apply; guessing would mean "
    "either a permissive production or a broken development setup.",
    "Set CORS_PROFILE to dev, test, staging or prod.",
)
INVALID_ENV_VALUE = Code(
    "CG134",
    "invalid-env-value",
    Severity.HIGH,
    "environment variable has an invalid value",
    "A flag such as CORS_ALLOW_CREDENTIALS=ture or a CORS_MAX_AGE that is not a number would "
    "otherwise be read as a default, silently changing the policy.",
    "Use true/false (also 1/0, yes/no, on/off) for flags and a whole number of seconds for "
    "CORS_MAX_AGE.",
)
INVALID_ENV_FILE = Code(
    "CG135",
    "invalid-env-file",
    Severity.HIGH,
    "the .env file cannot be read",
    "A configuration file that is missing or has a malformed line would leave the policy "
    "configured from whatever else happens to be in the environment.",
    "Check the path and write each line as NAME=value (quotes and 'export ' are accepted, "
    "lines starting with '#' are comments).",
)
WILDCARD_EXPOSE_WITH_CREDENTIALS = Code(
    "CG136",
    "wildcard-expose-with-credentials",
    Severity.LOW,
    "expose_headers '*' with credentials",
    "On credentialed requests browsers read 'Access-Control-Expose-Headers: *' as a header "
    "literally named '*', so script sees only the safelisted response headers.",
    "List the response headers script needs, for example expose_headers=['X-Request-Id'].",
)
CORS_HEADER_AS_REQUEST_HEADER = Code(
    "CG137",
    "cors-response-header-in-allow-headers",
    Severity.MEDIUM,
    "a CORS response header is listed as an allowed request header",
    "Access-Control-Allow-Origin and its siblings are response headers. A frontend that sends "
    "them as request headers has a bug (usually copied from a tutorial), and allowing them "
    "only turns simple requests into preflighted ones.",
    "Remove the header from allow_headers and from the frontend's request.",
)
NO_ORIGINS_ALLOWED = Code(
    "CG138",
    "no-origins-allowed",
    Severity.LOW,
    "the policy allows no origin",
    "With no allowed origins, no origin regex and no allow_origin callable, the middleware "
    "never adds CORS headers: every cross-origin browser request fails.",
    "Pass allow_origins, or build the policy with CORSPolicy.from_env() or CORSPolicy.profile().",
)
EMPTY_ORIGIN = Code(
    "CG139",
    "empty-origin",
    Severity.HIGH,
    "allowed origin is an empty string",
    "An empty entry matches no Origin header. It usually comes from an unset environment "
    "variable read with a default of '' or from splitting a comma-separated setting with a "
    "trailing comma, so the origin meant to be there is missing.",
    "Set the variable, or drop empty items when splitting; CORSPolicy.from_env() ignores them.",
)

POLICY_CODES = register(
    WILDCARD_WITH_CREDENTIALS,
    ORIGIN_WITH_PATH,
    ORIGIN_WHITESPACE,
    ORIGIN_MISSING_SCHEME,
    ORIGIN_UNSUPPORTED_SCHEME,
    NULL_ORIGIN,
    FILE_ORIGIN,
    INSECURE_ORIGIN_WITH_CREDENTIALS,
    PUBLIC_SUFFIX_WILDCARD,
    WILDCARD_MIXED,
    UNSUPPORTED_WILDCARD,
    INVALID_ORIGIN,
    STRING_INSTEAD_OF_LIST,
    INVALID_OPTION_TYPE,
    FORBIDDEN_METHOD,
    INVALID_METHOD,
    FORBIDDEN_REQUEST_HEADER,
    INVALID_HEADER_NAME,
    MAX_AGE_OUT_OF_RANGE,
    MAX_AGE_ABOVE_BROWSER_CAP,
    INVALID_ORIGIN_REGEX,
    REGEX_UNESCAPED_DOT,
    REGEX_WILDCARD_HOST,
    REGEX_IN_ALLOW_ORIGINS,
    UNEXPOSABLE_HEADER,
    UNKNOWN_OPTION,
    ORIGIN_NORMALIZED,
    PROFILE_REQUIRES_ORIGINS,
    INSECURE_ORIGIN_IN_PRODUCTION,
    LOCALHOST_IN_PRODUCTION,
    WILDCARD_IN_PROFILE,
    DEBUG_IN_PRODUCTION,
    UNKNOWN_PROFILE,
    INVALID_ENV_VALUE,
    INVALID_ENV_FILE,
    WILDCARD_EXPOSE_WITH_CREDENTIALS,
    CORS_HEADER_AS_REQUEST_HEADER,
    NO_ORIGINS_ALLOWED,
    EMPTY_ORIGIN,
)

# Codes reported as warnings: the policy is built, and the problems are kept in
# ``CORSPolicy.warnings``. Every other policy code refuses the configuration.
WARNING_CODES = frozenset(
    {
        MAX_AGE_ABOVE_BROWSER_CAP.code,
        ORIGIN_NORMALIZED.code,
        WILDCARD_EXPOSE_WITH_CREDENTIALS.code,
        NO_ORIGINS_ALLOWED.code,
    }
)
