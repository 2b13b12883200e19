"""The Origin followed through set, map and geo, and map/if regexes judged by what they accept.

Each row is a configuration whose '# expect:' markers are exactly the findings it must produce.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corsguard.audit.nginx import load
from corsguard.audit.nginx_origins import loose_regex
from corsguard.audit.nginx_variables import Kind, analyse
from tests.audit.nginx_expect import expected, found, pairs, write


def config(http: str, location: str) -> str:
    return f"""
    events {{}}
    http {{
    {http}
        server {{
            listen 8080;
            location / {{
    {location}
                return 200 ok;
            }}
        }}
    }}
    """


ROWS = [
    pytest.param(
        config(
            """
        map $upstream_http_access_control_allow_origin $corsorigin {
            default '';
            '' $http_origin;
        }""",
            """
                add_header Access-Control-Allow-Origin $corsorigin always;  # expect: CG504
                add_header Access-Control-Allow-Credentials true always;
                add_header Vary Origin always;""",
        ),
        id="CG504-map-on-the-app-header-echoes-any-origin",
    ),
    pytest.param(
        config(
            """
        map $upstream_http_access_control_allow_origin $corsorigin {
            default '';
            '' $http_origin;
        }
        map $upstream_http_access_control_allow_credentials $corscreds {
            default '';
            '' 'true';
        }""",
            """
                add_header Access-Control-Allow-Origin $corsorigin always;  # expect: CG504
                add_header Access-Control-Allow-Credentials $corscreds always;
                add_header Vary Origin always;""",
        ),
        id="CG504-credentials-from-a-map-that-can-say-true",
    ),
    pytest.param(
        config(
            """
        map $upstream_http_access_control_allow_origin $corsorigin {
            default '';
            '' $http_origin;
        }
        map $http_x_internal $corscreds {
            default 'false';
            1 'no';
        }""",
            """
                add_header Access-Control-Allow-Origin $corsorigin always;  # expect: CG503
                add_header Access-Control-Allow-Credentials $corscreds always;
                add_header Vary Origin always;""",
        ),
        id="CG503-credentials-from-a-map-that-never-says-true",
    ),
    pytest.param(
        config(
            """
        map $http_origin $origin_ok {
            default 0;
            "~^https://app\\.example\\.com$" 1;
        }
        map $origin_ok $cors_origin {
            default "";
            1 $http_origin;
        }""",
            """
                add_header Access-Control-Allow-Origin $cors_origin always;
                add_header Access-Control-Allow-Credentials true always;
                add_header Vary Origin always;""",
        ),
        id="map-of-a-map-validated",
    ),
    pytest.param(
        config(
            """
        map $http_origin $raw {
            default $http_origin;
        }
        map $raw $cors_origin {
            default $raw;
        }""",
            """
                add_header Access-Control-Allow-Origin $cors_origin always;  # expect: CG503
                add_header Vary Origin always;""",
        ),
        id="CG503-map-of-a-map-reflecting",
    ),
    pytest.param(
        config(
            "",
            """
                set $cors_origin "https://app.example.com";
                add_header Access-Control-Allow-Origin $cors_origin always;""",
        ),
        id="CG507-not-on-a-constant-set",
    ),
    pytest.param(
        config(
            """
        geo $cors_origin {
            default "https://app.example.com";
            10.0.0.0/8 "https://intranet.example.com";
        }""",
            """
                add_header Access-Control-Allow-Origin $cors_origin always;""",
        ),
        id="CG507-not-on-geo",
    ),
    pytest.param(
        config(
            """
        map $host $cors_origin {
            default "https://app.example.com";
            api.example.org "https://app.example.org";
        }""",
            """
                add_header Access-Control-Allow-Origin $cors_origin always;""",
        ),
        id="CG507-not-on-a-map-of-something-else",
    ),
    pytest.param(
        config(
            """
        map $http_origin $cors_origin {
            default "";
            "~^https://app\\.example\\.com$" "https://app.example.com";
        }""",
            """
                add_header Access-Control-Allow-Origin $cors_origin always;  # expect: CG507""",
        ),
        id="CG507-constants-chosen-by-the-origin-still-vary",
    ),
    pytest.param(
        config(
            """
        map $http_origin $cors_origin {
            default "";
            "~^https://.*example\\.com$" $http_origin;  # expect: CG508
        }""",
            """
                add_header Access-Control-Allow-Origin $cors_origin always;
                add_header Vary Origin always;""",
        ),
        id="CG508-dot-star-before-the-domain",
    ),
    pytest.param(
        config(
            """
        map $http_origin $cors_origin {
            default "";
            "~*^https://.+example\\.com$" $http_origin;  # expect: CG508
        }""",
            """
                add_header Access-Control-Allow-Origin $cors_origin always;
                add_header Vary Origin always;""",
        ),
        id="CG508-dot-plus-caseless",
    ),
    pytest.param(
        config(
            """
        map $http_origin $cors_origin {
            default "";
            "~(^https://app\\.example\\.org$)" $http_origin;
            "~*^https://(www\\.)?example\\.com(:[0-9]+)?$" $http_origin;
        }""",
            """
                add_header Access-Control-Allow-Origin $cors_origin always;
                add_header Vary Origin always;""",
        ),
        id="CG508-not-for-anchors-inside-groups",
    ),
    pytest.param(
        config(
            """
        map $http_origin $cors_origin {
            default "";
            "~^https://app\\.example\\.com" $http_origin;  # expect: CG508
        }""",
            """
                add_header Access-Control-Allow-Origin $cors_origin always;
                add_header Vary Origin always;""",
        ),
        id="CG508-unanchored-end",
    ),
    pytest.param(
        config(
            "",
            """
                if ($http_origin ~* "example\\.com$") {  # expect: CG508
                    add_header Access-Control-Allow-Origin $http_origin always;
                    add_header Vary Origin always;
                }""",
        ),
        id="CG508-if-unanchored-start-before-the-domain",
    ),
    pytest.param(
        config(
            "",
            """
                if ($http_origin) {
                    add_header Access-Control-Allow-Origin $http_origin always;  # expect: CG503
                    add_header Vary Origin always;
                }""",
        ),
        id="CG503-an-if-that-only-tests-presence-checks-nothing",
    ),
    pytest.param(
        config(
            "",
            """
                if ($http_origin ~* "^https://[a-z0-9-]+\\.example\\.com$") {
                    set $cors_origin $http_origin;
                }
                add_header Access-Control-Allow-Origin $cors_origin always;
                add_header Vary Origin always;""",
        ),
        id="set-inside-a-checking-if-is-validated",
    ),
    pytest.param(
        config(
            "",
            """
                if ($http_origin !~* "^https://(app|admin)\\.example\\.com$") {
                    return 403;
                }
                add_header Access-Control-Allow-Origin $http_origin always;
                add_header Vary Origin always;""",
        ),
        id="an-if-refusing-other-origins-validates-what-follows",
    ),
    pytest.param(
        config(
            "",
            """
                if ($http_origin !~* "^https://app.example.com") {  # expect: CG508
                    return 403;
                }
                add_header Access-Control-Allow-Origin $http_origin always;
                add_header Vary Origin always;""",
        ),
        id="CG508-in-a-refusing-if",
    ),
    pytest.param(
        config(
            """
        map "$http_origin|$uri" $cors_route {
            default "";
            "~^https://app\\.example\\.com\\|/api/" "ok";
        }""",
            """
                if ($cors_route = ok) {
                    add_header Access-Control-Allow-Origin $http_origin always;
                    add_header Vary Origin always;
                }""",
        ),
        id="CG508-not-judged-on-a-composite-map-source",
    ),
    pytest.param(
        config(
            """
        map $http_origin $cors_origin {
            default "";
            "~^https://app\\.example\\.com$" $http_origin;
        }""",
            """
                if ($cors_origin) {
                    add_header Access-Control-Allow-Origin $http_origin always;
                    add_header Vary Origin always;
                }
                if ($origin_allowed_elsewhere = 1) {
                    add_header Access-Control-Allow-Origin $http_origin always;
                    add_header Vary Origin always;
                }""",
        ),
        id="an-if-on-a-checked-variable-or-one-defined-elsewhere-guards",
    ),
]


@pytest.mark.parametrize("text", ROWS)
def test_origins(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    assert pairs(found(path)) == expected(path)


@pytest.mark.parametrize(
    ("pattern", "caseless", "loose"),
    [
        ("^https://app\\.example\\.com$", False, False),
        ("https://app\\.example\\.com$", False, False),  # nothing precedes an Origin's scheme
        ("\\.example\\.com$", False, True),
        ("example\\.com$", False, True),
        ("^https://app.example.com$", False, True),
        ("^https://.*example\\.com$", False, True),
        ("^https://.*example\\.com$", True, True),
        ("(^https://app\\.example\\.org$)", False, False),
        ("^https://(app|admin)\\.example\\.com$", True, False),
        ("^https://[a-z0-9-]+\\.example\\.com$", False, False),
        ("^https?://(localhost|127\\.0\\.0\\.1)(:[0-9]+)?$", False, False),
        (".*", False, True),
        ("^https://[[:alnum:]]+\\.example\\.com", False, True),  # PCRE-only syntax
        # a class repetition glued to the registrable name accepts https://evilexample.com
        ("^https://[^/]*example\\.com$", False, True),
        ("^https://[^.]*example\\.com$", False, True),
        ("^https://([^/]+)?example\\.com$", True, True),
        ("^https://[^/]*\\.?example\\.com$", False, True),
        ("^https://[a-z0-9-]*example\\.co\\.uk$", False, True),
        ("^https://\\w+example\\.com$", False, True),
        # ... not when a dot separates it, or when it sits in a subdomain's label
        ("^https://[^/]*\\.example\\.com$", False, False),
        ("^https?://([^/]+\\.)?example\\.com(:[0-9]+)?$", False, False),
        ("^https://app-[a-z0-9]+-preview\\.example\\.com$", False, False),
        ("^https://app[0-9]*\\.example\\.com$", False, False),
        # any subdomain of a public suffix is a stranger's site
        ("^https://([a-z0-9-]+\\.)?vercel\\.app$", False, True),
        ("^https://[a-z]+\\.github\\.io$", False, True),
        ("^https://[a-z]+\\.co\\.uk$", False, True),
        ("^https://app\\.vercel\\.app$", False, False),
        ("^https://example\\.co\\.uk$", False, False),
    ],
)
def test_loose_regex(pattern: str, caseless: bool, loose: bool) -> None:
    assert bool(loose_regex(pattern, caseless=caseless)) is loose


def test_template_placeholders_are_constants(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        config("", "                add_header Access-Control-Allow-Origin ${cors_origin};"),
    )
    [root] = load(path).roots
    assert analyse(root).kind("${cors_origin}") is Kind.UNKNOWN
    assert analyse(root, placeholders=frozenset({"cors_origin"})).kind("$cors_origin") is (
        Kind.CONSTANT
    )
