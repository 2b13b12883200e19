"""Only what a browser or an attacker would hit: the false positives and negatives of CG501,
CG502, CG506 and CG507, one row each.

Each row is a configuration whose '# expect:' markers are exactly the findings it must produce.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.audit.nginx_expect import expected, found, pairs, write


def server(body: str) -> str:
    return f"""
    events {{}}
    http {{
        server {{
            listen 8080;
    {body}
        }}
    }}
    """


ROWS = [
    pytest.param(
        """
            location /api/ {
                add_header Access-Control-Allow-Methods "GET, POST" always;
                add_header Access-Control-Allow-Headers "Content-Type" always;
                proxy_pass http://127.0.0.1:8000;
            }""",
        id="CG501-not-for-list-headers-browsers-merge",
    ),
    pytest.param(
        """
            location /api/ {
                add_header Access-Control-Allow-Methods "GET, POST" always;
                add_header Access-Control-Allow-Credentials true always;  # expect: CG501
                proxy_hide_header Access-Control-Allow-Origin;
                proxy_pass http://127.0.0.1:8000;
            }""",
        id="CG501-for-a-second-allow-credentials",
    ),
    pytest.param(
        """
            location /static/ {
                add_header Access-Control-Allow-Origin https://app.example.com always;
                root /srv/www;
            }
            location /health {
                add_header Access-Control-Allow-Origin https://app.example.com always;
                return 200 ok;
                proxy_pass http://127.0.0.1:8000;
            }""",
        id="CG501-not-without-an-application",
    ),
    pytest.param(
        """
            location /api/ {
                add_header Access-Control-Allow-Origin $cors_fill always;
                add_header Vary Origin always;
                proxy_pass http://127.0.0.1:8000;
            }""",
        id="CG501-not-when-nginx-only-fills-in-for-the-app",
    ),
    pytest.param(
        """
            location / {
                add_header Access-Control-Allow-Origin https://app.example.com;  # expect: CG502
                add_header Access-Control-Allow-Methods "GET, POST";
                add_header Access-Control-Allow-Headers "Content-Type";
                add_header Access-Control-Max-Age 600;
                root /srv/www;
            }""",
        id="CG502-only-for-headers-errors-need",
    ),
    pytest.param(
        """
            location / {
                if ($request_method = OPTIONS) {
                    return 204;
                    add_header Access-Control-Allow-Origin https://app.example.com;
                    add_header Access-Control-Allow-Methods "GET, POST";
                }
                add_header Access-Control-Allow-Origin https://app.example.com always;
                root /srv/www;
            }""",
        id="CG502-not-when-return-comes-before-the-add-header",
    ),
    pytest.param(
        """
            location / {
                if ($request_method = OPTIONS) {
                    add_header Access-Control-Allow-Origin https://app.example.com;  # expect: CG502
                    return 403;
                }
                root /srv/www;
            }""",
        id="CG502-when-the-block-returns-an-error",
    ),
    pytest.param(
        """
            location / {
                add_header Access-Control-Allow-Origin $cors_origin always;
                add_header Access-Control-Expose-Headers X-Total-Count always;
                add_header Vary Origin always;
                if ($request_method = OPTIONS) {
                    add_header Access-Control-Allow-Origin $cors_origin;
                    add_header Access-Control-Allow-Methods "GET, POST";
                    return 204;
                }
                root /srv/www;
            }""",
        id="CG506-not-for-expose-headers-on-a-preflight",
    ),
    pytest.param(
        """
            location / {
                add_header Access-Control-Allow-Origin $cors_origin always;
                add_header Access-Control-Allow-Credentials true always;
                add_header Vary Origin always;
                if ($request_method = OPTIONS) {
                    add_header Access-Control-Allow-Origin $cors_origin;  # expect: CG506
                    add_header Access-Control-Allow-Methods "GET, POST";
                    return 204;
                }
                root /srv/www;
            }""",
        id="CG506-for-credentials-on-a-preflight",
    ),
    pytest.param(
        """
            location / {
                if ($request_method = OPTIONS) {
                    add_header Access-Control-Allow-Origin $cors_origin;
                    add_header Access-Control-Allow-Methods "GET, POST";
                    return 204;
                }
                add_header Access-Control-Allow-Origin $cors_origin always;
                add_header Vary Origin always;
                root /srv/www;
            }""",
        id="CG507-not-on-a-preflight-only-answer",
    ),
    pytest.param(
        """
            location / {
                add_header Access-Control-Allow-Origin $cors_origin always;  # expect: CG507
                root /srv/www;
            }""",
        id="CG507-on-an-origin-map-without-vary",
    ),
    pytest.param(
        """
            location /api/ {
                add_header Access-Control-Allow-Origin $cors_copy always;  # expect: CG501
                proxy_pass http://127.0.0.1:8000;
            }""",
        id="CG501-when-the-map-copies-the-app-header-back",
    ),
    pytest.param(
        """
            location / {
                add_header Access-Control-Allow-Origin '${CORS_ORIGIN}' always;
                add_header Access-Control-Allow-Methods '$CORS_METHODS' always;
                root /srv/www;
            }""",
        id="CG507-not-on-template-placeholders",
    ),
    pytest.param(
        """
            location /api/ {
                more_set_headers "Access-Control-Allow-Origin: $http_origin";  # expect: CG504
                more_set_headers "Access-Control-Allow-Credentials: true" "Vary: Origin";
                proxy_pass http://127.0.0.1:8000;
            }""",
        id="CG504-through-more-set-headers-which-replaces-the-app-header",
    ),
    pytest.param(
        """
            add_header Access-Control-Allow-Credentials true always;
            add_header Access-Control-Allow-Methods "GET, POST" always;
            location /static/ {
                add_header Access-Control-Allow-Origin * always;
                root /srv/www;
            }
            location /files/ {
                add_header Cache-Control public;  # expect: CG506
                root /srv/www;
            }""",
        id="CG506-not-for-credentials-next-to-a-wildcard-nor-methods-on-actual-responses",
    ),
    pytest.param(
        """
            server_name a.example.com;
            location /api/ {
                add_header Access-Control-Allow-Origin https://a.example.com;
                proxy_pass http://127.0.0.1:8000;
            }""",
        id="nothing-where-the-only-origin-granted-is-the-servers-own",
    ),
    pytest.param(
        """
            listen 8081 default_server;
            server_name a.example.com;
            location /api/ {
                add_header Access-Control-Allow-Origin https://a.example.com;  # expect: CG501 CG502
                proxy_pass http://127.0.0.1:8000;
            }""",
        id="own-origin-on-a-default-server-is-cross-origin-under-another-host",
    ),
    pytest.param(
        """
            server_name a.example.com;
            location /api/ {
                add_header Access-Control-Allow-Origin https://b.example.com;  # expect: CG501 CG502
                proxy_pass http://127.0.0.1:8000;
            }""",
        id="another-origin-on-a-one-name-server-is-audited",
    ),
]

MAPS = """
    map $http_origin $cors_origin {
        default "";
        "~^https://app\\.example\\.com$" $http_origin;
    }
    map $upstream_http_access_control_allow_origin $cors_fill {
        default "";
        "" $cors_origin;
    }
    map $upstream_http_access_control_allow_origin $cors_copy {
        "" "https://app.example.com";
        default $upstream_http_access_control_allow_origin;
    }
"""


@pytest.mark.parametrize("body", ROWS)
def test_noise(tmp_path: Path, body: str) -> None:
    text = server(body).replace("http {", "http {" + MAPS, 1)
    path = write(tmp_path, text)
    assert pairs(found(path)) == expected(path)
