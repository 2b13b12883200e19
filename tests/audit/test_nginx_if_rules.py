"""Levels and 'if' as nginx runs them: fragments, the handler an 'if' keeps, the 'if' that wins.

Each row is a configuration whose '# expect:' markers are exactly the findings it must produce.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.audit.nginx_expect import expected, found, pairs, write

ROWS = [
    pytest.param(
        "cors.conf",
        """
        # meant for 'include' inside a location
        add_header 'Access-Control-Allow-Origin' "*";  # expect: CG502 CG509
        add_header 'Access-Control-Allow-Credentials' 'true';  # expect: CG502
        """,
        id="fragment-top-level-is-a-location-body",
    ),
    pytest.param(
        "cors.conf",
        """
        add_header Access-Control-Allow-Origin $http_origin always;  # expect: CG503 CG507
        location /api/ {
            add_header X-Frame-Options DENY;  # expect: CG506
        }
        """,
        id="fragment-with-locations-is-a-server-body",
    ),
    pytest.param(
        "cors.conf",
        """
        if ($request_method = OPTIONS) {  # expect: CG505
            add_header Access-Control-Allow-Origin *;
            add_header Access-Control-Allow-Methods "GET, POST";
            return 204;
        }
        proxy_pass http://127.0.0.1:8000;
        """,
        id="fragment-preflight-shortcut",
    ),
    pytest.param(
        "nginx.conf",
        """
        events {}
        http {
            server {
                listen 8080;
                location /api/ {
                    if ($http_origin ~ '^https://app\\.example\\.com$') {
                        add_header Access-Control-Allow-Origin $http_origin always;  # expect: CG501
                        add_header Vary Origin always;
                    }
                    proxy_pass http://127.0.0.1:8000;
                }
            }
        }
        """,
        id="CG501-if-keeps-the-location-proxy-pass",
    ),
    pytest.param(
        "nginx.conf",
        """
        events {}
        http {
            server {
                listen 8080;
                location /api/ {
                    if ($request_method = OPTIONS) {
                        add_header Access-Control-Allow-Origin https://app.example.com;
                        return 204;
                    }
                    proxy_pass http://127.0.0.1:8000;
                }
            }
        }
        """,
        id="CG501-not-when-the-if-returns",
    ),
    pytest.param(
        "nginx.conf",
        """
        events {}
        http {
            server {
                listen 8080;
                location /api/ {
                    if ($http_origin ~ '^https://app\\.example\\.com$') {
                        add_header Access-Control-Allow-Origin $http_origin always;
                        add_header Vary Origin always;
                    }
                    if ($request_method = OPTIONS) {  # expect: CG513
                        add_header Access-Control-Allow-Methods "GET, PUT";
                        add_header Access-Control-Max-Age 600;
                        return 204;
                    }
                    return 200 ok;
                }
            }
        }
        """,
        id="CG513-preflight-if-loses-the-origin-if",
    ),
    pytest.param(
        "nginx.conf",
        """
        events {}
        http {
            server {
                listen 8080;
                location /api/ {
                    if ($request_method = OPTIONS) {  # expect: CG513
                        return 204;
                    }
                    if ($http_origin ~ '^https://app\\.example\\.com$') {
                        add_header Access-Control-Allow-Origin $http_origin always;
                        add_header Vary Origin always;
                    }
                    return 200 ok;
                }
            }
        }
        """,
        id="CG513-an-earlier-if-that-returns-wins",
    ),
    pytest.param(
        "nginx.conf",
        """
        events {}
        http {
            server {
                listen 8080;
                location /api/ {
                    if ($http_origin ~ '^https://app\\.example\\.com$') {
                        add_header Access-Control-Allow-Origin $http_origin always;
                        add_header Vary Origin always;
                    }
                    if ($request_method = GET) {  # expect: CG513
                        add_header Cache-Control no-store;
                    }
                    return 200 ok;
                }
            }
        }
        """,
        id="CG513-a-later-if-with-its-own-headers-wins",
    ),
    pytest.param(
        "nginx.conf",
        """
        events {}
        http {
            server {
                listen 8080;
                location /api/ {
                    if ($request_method = 'OPTIONS') {
                        add_header Access-Control-Allow-Origin https://app.example.com;
                        add_header Access-Control-Allow-Methods "GET, POST";
                        return 204;
                    }
                    if ($request_method = 'POST') {
                        add_header Access-Control-Allow-Origin https://app.example.com always;
                    }
                    if ($request_method ~* "^(GET|HEAD)$") {
                        add_header Access-Control-Allow-Origin https://app.example.com always;
                    }
                    return 200 ok;
                }
            }
        }
        """,
        id="CG513-not-for-ifs-on-different-methods",
    ),
    pytest.param(
        "nginx.conf",
        """
        events {}
        http {
            server {
                listen 8080;
                location / {
                    if ($http_origin ~* '^https://(app|admin)\\.example\\.com$') {
                        set $cors 'true';
                    }
                    if ($request_method = 'OPTIONS') {
                        set $cors "${cors}options";
                    }
                    if ($cors = 'true') {
                        add_header Access-Control-Allow-Origin $http_origin always;  # expect: CG507
                    }
                    if ($cors = 'trueoptions') {
                        add_header Access-Control-Allow-Origin "$http_origin";
                        add_header Access-Control-Allow-Methods 'GET, POST, OPTIONS';
                        return 204;
                    }
                    return 200 ok;
                }
            }
        }
        """,
        id="CG513-not-when-a-set-variable-chains-the-ifs",
    ),
    pytest.param(
        "nginx.conf",
        """
        events {}
        http {
            server {
                listen 8080;
                location / {
                    set $cors 0;
                    if ($request_method = GET) {
                        set $cors 1;
                    }
                    if ($request_method = OPTIONS) {
                        set $cors 1;
                        add_header Access-Control-Max-Age 600;
                    }
                    if ($cors = 1) {
                        add_header Access-Control-Allow-Origin https://a.example;  # expect: CG502
                        add_header Access-Control-Allow-Methods "GET, OPTIONS";
                    }
                    if ($request_method = OPTIONS) {  # expect: CG513
                        return 204;
                    }
                    root /srv/www;
                }
            }
        }
        """,
        id="CG513-a-final-return-loses-the-shared-cors-if",
    ),
    pytest.param(
        "nginx.conf",
        """
        events {}
        http {
            server {
                listen 8080;
                location / {
                    set $cors "";
                    if ($http_origin ~ '^https://(app|admin)\\.example\\.com$') {
                        set $cors T;
                    }
                    if ($request_method = OPTIONS) {
                        set $cors "${cors}O";
                    }
                    if ($cors = T) {
                        add_header Access-Control-Allow-Origin $http_origin always;
                        add_header Vary Origin always;
                    }
                    if ($cors = O) {
                        add_header Access-Control-Max-Age 600;
                        return 204;
                    }
                    if ($cors = TO) {
                        add_header Access-Control-Allow-Origin $http_origin always;
                        add_header Access-Control-Allow-Methods "GET, PUT";
                        return 204;
                    }
                    if ($http_access_control_request_method = "") {
                        return 400;
                    }
                    root /srv/www;
                }
            }
        }
        """,
        id="CG513-not-for-values-set-before-both-tests-nor-for-refusals",
    ),
    pytest.param(
        "conf.d/site.conf",
        """
        map $http_origin $cors_origin {
            default "";
            "~^https://app\\.example\\.com$" $http_origin;
        }
        add_header Access-Control-Allow-Origin $cors_origin always;
        add_header Vary Origin always;
        server {
            listen 80;
            location /static/ {
                add_header Cache-Control public;  # expect: CG506
            }
        }
        """,
        id="fragment-with-servers-is-an-http-body",
    ),
    pytest.param(
        "nginx.conf",
        """
        events {}
        http {
            server {
                listen 8080;
                location /api/ {
                    set $cors "";
                    if ($http_origin ~ '^https://app\\.example\\.com$') {
                        set $cors true;
                    }
                    if ($cors = true) {
                        add_header Access-Control-Allow-Credentials true always;
                        add_header Access-Control-Allow-Origin https://app.example.com always;
                    }
                    if ($request_method = OPTIONS) {  # expect: CG513
                        add_header Access-Control-Allow-Origin https://app.example.com;
                        add_header Access-Control-Allow-Methods "GET, PUT";
                        return 204;
                    }
                    root /srv/www;
                }
            }
        }
        """,
        id="CG513-the-preflight-if-loses-allow-credentials",
    ),
    pytest.param(
        "cors.conf",
        """
        if ($request_method ~ (GET|POST)) {
            add_header Access-Control-Allow-Origin $http_origin always;
        }
        if ($request_method = GET) {
            add_header Access-Control-Allow-Origin $http_origin always;  # expect: CG503
            add_header Vary Origin always;
        }
        if ($request_method = POST) {
            add_header Access-Control-Allow-Origin $http_origin always;  # expect: CG503
            add_header Vary Origin always;
        }
        root /srv/www;
        """,
        id="an-if-every-later-if-overrides-sends-nothing",
    ),
    pytest.param(
        "cors.conf",
        """
        if ($request_method != OPTIONS) {
            add_header Access-Control-Allow-Origin $http_origin always;  # expect: CG503 CG507
        }
        if ($request_method ~ (GET|POST)) {
            add_header Access-Control-Allow-Origin $http_origin always;  # expect: CG503
            add_header Vary Origin always;
        }
        root /srv/www;
        """,
        id="an-if-matching-methods-no-later-if-matches-still-counts",
    ),
    pytest.param(
        "cors.conf",
        """
        add_header Access-Control-Allow-Methods "GET, PUT" always;
        if ($request_method = OPTIONS) {  # expect: CG516
            add_header Access-Control-Allow-Methods "GET, PUT";
            return 204;
        }
        root /srv/www;
        """,
        id="CG516-a-preflight-answer-without-allow-origin",
    ),
    pytest.param(
        "cors.conf",
        """
        add_header Access-Control-Allow-Origin https://app.example.com always;
        add_header Access-Control-Allow-Methods "GET, PUT" always;
        if ($request_method = OPTIONS) {
            return 204;
        }
        if ($request_method = GET) {
            add_header Cache-Control no-store;  # expect: CG506
        }
        root /srv/www;
        """,
        id="CG516-not-when-the-location-adds-allow-origin",
    ),
]


@pytest.mark.parametrize(("name", "text"), ROWS)
def test_levels_and_ifs(tmp_path: Path, name: str, text: str) -> None:
    path = write(tmp_path, text, name)
    assert pairs(found(path)) == expected(path)


def test_one_finding_per_line_naming_every_location_it_affects(tmp_path: Path) -> None:
    cors = write(
        tmp_path,
        """
        add_header Access-Control-Allow-Origin $http_origin;  # expect: CG502 CG503 CG507
        """,
        "cors.conf",
    )
    conf = write(
        tmp_path,
        """
        events {}
        http {
            server {
                listen 8080;
                location /a/ { include cors.conf; }
                location /b/ { include cors.conf; }
                location /c/ { include cors.conf; }
            }
        }
        """,
    )
    findings = found(conf)
    assert pairs(findings) == expected(cors)
    for finding in findings:
        assert finding.evidence["locations"] == ["location /a/", "location /b/", "location /c/"]
        assert finding.evidence["included_at"] == [f"{conf}:{line}" for line in (5, 6, 7)]
        assert finding.message.startswith(
            f"location /a/ (and 2 other blocks), included at {conf}:5 and 2 more: "
        )


def test_cg501_names_the_location_and_says_the_app_is_unknown(tmp_path: Path) -> None:
    conf = write(
        tmp_path,
        """
        events {}
        http {
            server {
                listen 8080;
                add_header Access-Control-Allow-Origin https://app.example.com always;
                location /api/ { proxy_pass http://127.0.0.1:8000; }
                location /v2/ { proxy_pass http://127.0.0.1:8001; }
                location /static/ { root /srv; }
            }
        }
        """,
    )
    [duplicate] = found(conf)
    assert duplicate.code == "CG501"
    assert duplicate.location == f"{conf}:5"
    assert duplicate.evidence["locations"] == ["location /api/", "location /v2/"]
    assert "does not say whether it does" in duplicate.message
