"""One row per nginx rule: a configuration, and the codes it must (and must not) produce."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from corsguard.audit.nginx import NginxConfigError, load
from corsguard.audit.nginx_origins import anchored
from corsguard.audit.nginx_rules import audit_nginx


def audit(tmp_path: Path, server: str, *, http: str = "") -> list[tuple[str, int]]:
    conf = tmp_path / "nginx.conf"
    body = textwrap.indent(textwrap.dedent(server), "        ")
    conf.write_text(
        "events {}\nhttp {\n"
        + textwrap.indent(textwrap.dedent(http), "    ")
        + "\n    server {\n        listen 8080;\n"
        + body
        + "\n    }\n}\n"
    )
    return [(f.code, int(f.location.rsplit(":", 1)[1])) for f in audit_nginx(load(conf))]


def codes(found: list[tuple[str, int]]) -> set[str]:
    return {code for code, _ in found}


RULES = [
    pytest.param(
        """
        location /api/ {
            add_header Access-Control-Allow-Origin https://app.example.com always;
            proxy_pass http://127.0.0.1:8000;
        }
        """,
        {"CG501"},
        id="CG501-add-header-in-proxied-location",
    ),
    pytest.param(
        """
        location /api/ {
            add_header Access-Control-Allow-Origin https://app.example.com always;
            proxy_hide_header Access-Control-Allow-Origin;
            proxy_pass http://127.0.0.1:8000;
        }
        """,
        set(),
        id="CG501-not-when-upstream-header-hidden",
    ),
    pytest.param(
        """
        add_header Access-Control-Allow-Origin https://app.example.com always;
        location /api/ { proxy_pass http://127.0.0.1:8000; }
        """,
        {"CG501"},
        id="CG501-inherited-from-server",
    ),
    pytest.param(
        """
        location /api/ {
            add_header Access-Control-Allow-Origin https://app.example.com always;
            uwsgi_pass 127.0.0.1:3031;
        }
        """,
        {"CG501"},
        id="CG501-uwsgi-pass",
    ),
    pytest.param(
        """
        location / { add_header Access-Control-Allow-Origin https://app.example.com; }
        """,
        {"CG502"},
        id="CG502-without-always",
    ),
    pytest.param(
        """
        location / {
            add_header Access-Control-Allow-Origin $http_origin always;
            add_header Vary Origin always;
        }
        """,
        {"CG503"},
        id="CG503-origin-reflected",
    ),
    pytest.param(
        """
        location / {
            add_header Access-Control-Allow-Origin $http_origin always;
            add_header Access-Control-Allow-Credentials true always;
            add_header Vary Origin always;
        }
        """,
        {"CG504"},
        id="CG504-origin-reflected-with-credentials",
    ),
    pytest.param(
        """
        set $cors $http_origin;
        location / {
            add_header Access-Control-Allow-Origin $cors always;
            add_header Vary Origin always;
        }
        """,
        {"CG503"},
        id="CG503-reflected-through-set-variable",
    ),
    pytest.param(
        """
        location / {
            if ($http_origin ~ '^https://app\\.example\\.com$') {
                add_header Access-Control-Allow-Origin $http_origin always;
                add_header Vary Origin always;
            }
        }
        """,
        set(),
        id="CG503-not-when-guarded-by-anchored-if",
    ),
    pytest.param(
        """
        location /api/ {
            if ($request_method = OPTIONS) {
                add_header Access-Control-Allow-Origin * always;
                return 204;
            }
            proxy_pass http://127.0.0.1:8000;
        }
        """,
        {"CG505"},
        id="CG505-options-shortcut-wildcard",
    ),
    pytest.param(
        """
        location /static/ {
            if ($request_method = OPTIONS) {
                add_header Access-Control-Allow-Origin * always;
                return 204;
            }
            root /srv/www;
        }
        """,
        set(),
        id="CG505-not-without-an-application-behind",
    ),
    pytest.param(
        """
        location /api/ {
            if ($request_method = 'OPTIONS') {
                add_header Access-Control-Allow-Origin $http_origin always;
                add_header Vary Origin always;
                return 204;
            }
            fastcgi_pass 127.0.0.1:9000;
        }
        """,
        {"CG503", "CG505"},
        id="CG505-options-shortcut-reflecting",
    ),
    pytest.param(
        """
        add_header Access-Control-Allow-Origin https://app.example.com always;
        location /static/ { add_header Cache-Control public always; }
        """,
        {"CG506"},
        id="CG506-nested-add-header-drops-cors",
    ),
    pytest.param(
        """
        add_header Access-Control-Allow-Origin https://app.example.com always;
        location /static/ {
            add_header_inherit merge;
            add_header Cache-Control public always;
        }
        """,
        set(),
        id="CG506-not-with-add-header-inherit-merge",
    ),
    pytest.param(
        """
        location / { add_header Access-Control-Allow-Origin $cors_origin always; }
        """,
        {"CG507"},
        id="CG507-dynamic-without-vary",
    ),
    pytest.param(
        """
        location / {
            add_header Access-Control-Allow-Origin $cors_origin always;
            add_header Vary "Accept-Encoding, Origin" always;
        }
        """,
        set(),
        id="CG507-not-with-vary-origin",
    ),
    pytest.param(
        """
        location / {
            add_header Access-Control-Allow-Origin * always;
            add_header Access-Control-Allow-Credentials true always;
        }
        """,
        {"CG509"},
        id="CG509-wildcard-with-credentials",
    ),
    pytest.param(
        """
        proxy_intercept_errors on;
        error_page 500 502 /50x.html;
        location /api/ { proxy_pass http://127.0.0.1:8000; }
        """,
        {"CG511"},
        id="CG511-intercepted-errors",
    ),
    pytest.param(
        """
        error_page 500 502 /50x.html;
        location /api/ { proxy_intercept_errors off; proxy_pass http://127.0.0.1:8000; }
        """,
        set(),
        id="CG511-not-when-errors-pass-through",
    ),
    pytest.param(
        """
        location /api/ {
            limit_except GET POST { deny all; }
            proxy_pass http://127.0.0.1:8000;
        }
        """,
        {"CG512"},
        id="CG512-limit-except-refuses-options",
    ),
    pytest.param(
        """
        location /api/ {
            limit_except GET POST OPTIONS { deny all; }
            proxy_pass http://127.0.0.1:8000;
        }
        """,
        set(),
        id="CG512-not-when-options-listed",
    ),
]


MAP = 'map $http_origin $cors_origin { default ""; "~^https://app\\.example\\.com$" $http_origin; }'


@pytest.mark.parametrize(("server", "expected"), RULES)
def test_rule(tmp_path: Path, server: str, expected: set[str]) -> None:
    http = MAP
    assert codes(audit(tmp_path, server, http=http)) == expected


@pytest.mark.parametrize(
    ("pattern", "loose"),
    [
        ("~^https://app\\.example\\.com$", False),
        ("~^https://app.example.com$", True),
        ("~https://app\\.example\\.com", True),
        ("~*^https://[a-z0-9-]+\\.example\\.com$", False),
    ],
)
def test_cg508_loose_origin_regex_in_map(tmp_path: Path, pattern: str, loose: bool) -> None:
    http = f'map $http_origin $cors_origin {{ default ""; "{pattern}" $http_origin; }}'
    found = audit(tmp_path, "location / { return 204; }", http=http)
    assert ("CG508" in codes(found)) is loose


def test_cg508_loose_origin_regex_in_if(tmp_path: Path) -> None:
    found = audit(
        tmp_path,
        """
        location / {
            if ($http_origin ~* (example.com)) { add_header Vary Origin always; }
        }
        """,
    )
    assert "CG508" in codes(found)


@pytest.mark.parametrize(
    ("pattern", "start", "end"),
    [
        ("^https://a\\.example$", True, True),
        ("(^https://app\\.example\\.org$)", True, True),
        ("(?:^https://a\\.example|^https://b\\.example)$", True, True),
        ("^https://a\\.example|https://b\\.example$", False, False),
        ("(?i)^https://a\\.example(:[0-9]+)?$", True, True),
        ("(^https://a)?b$", False, True),
        ("^https://a\\.example\\$", True, False),
        ("^(https://a\\.example)", True, False),
        ("[$^]", False, False),
    ],
)
def test_anchors_count_inside_groups(pattern: str, start: bool, end: bool) -> None:
    assert (anchored(pattern, end=False), anchored(pattern, end=True)) == (start, end)


def test_findings_name_file_and_line(tmp_path: Path) -> None:
    found = audit(
        tmp_path, "location / { add_header Access-Control-Allow-Origin https://a.example; }"
    )
    assert found == [("CG502", 6)]  # events, http, (blank), server, listen, location


def test_includes_are_followed_and_lines_point_into_the_included_file(tmp_path: Path) -> None:
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "conf.d" / "cors.conf").write_text(
        "\n\nadd_header Access-Control-Allow-Origin $http_origin;\n"
    )
    (tmp_path / "nginx.conf").write_text(
        "events {}\nhttp {\n  server {\n    listen 8080;\n    include conf.d/*.conf;\n"
        "    location / { proxy_pass http://127.0.0.1:9; }\n  }\n}\n"
    )
    findings = audit_nginx(load(tmp_path))
    by_code = {f.code: f for f in findings}
    assert by_code["CG503"].location == f"{tmp_path / 'conf.d' / 'cors.conf'}:3"
    # The duplicate is the included add_header, inherited by the proxied location.
    assert by_code["CG501"].location == f"{tmp_path / 'conf.d' / 'cors.conf'}:3"
    assert by_code["CG501"].evidence["locations"] == ["location /"]


def test_directory_of_fragments_is_audited(tmp_path: Path) -> None:
    (tmp_path / "site.conf").write_text(
        "server {\n  listen 80;\n  add_header Access-Control-Allow-Origin * always;\n}\n"
    )
    (tmp_path / "other.conf").write_text(
        "server {\n  location / { add_header Access-Control-Allow-Origin $http_origin; }\n}\n"
    )
    found = {f.code for f in audit_nginx(load(tmp_path))}
    assert {"CG502", "CG503"} <= found


def test_a_configuration_that_does_not_parse_is_refused_with_the_parse_error(
    tmp_path: Path,
) -> None:
    conf = tmp_path / "nginx.conf"
    conf.write_text("events {}\nhttp {\n  include missing/*.conf;\n  server { listen 80 }\n}\n")
    with pytest.raises(
        NginxConfigError, match=r"cannot parse .*nginx.conf:4: directive \"listen\""
    ):
        load(conf)


@pytest.mark.parametrize("name", ["pyproject.toml", "README.md", "examples/basic.py"])
def test_a_file_that_is_not_nginx_configuration_is_refused(name: str) -> None:
    with pytest.raises(NginxConfigError, match="not an nginx configuration"):
        load(Path(__file__).resolve().parents[2] / name)


def test_map_entries_are_not_mistaken_for_foreign_syntax(tmp_path: Path) -> None:
    conf = tmp_path / "cors.conf"
    conf.write_text(
        'map $http_origin $cors {\n  default "";\n'
        '  "~^https://a\\.example\\.com$" $http_origin;\n}\n'
    )
    assert load(conf).errors == ()


def test_broken_example_has_every_advertised_problem() -> None:
    root = Path(__file__).resolve().parents[2] / "examples" / "nginx"
    found = {f.code for f in audit_nginx(load(root / "broken.conf"))}
    assert {"CG501", "CG502", "CG504", "CG505", "CG506", "CG507"} <= found
    assert audit_nginx(load(root / "fixed.conf")) == []


def test_no_always_finding_in_a_block_that_returns_a_covered_status(tmp_path: Path) -> None:
    found = audit(
        tmp_path,
        """
        location /api/ {
            if ($request_method = OPTIONS) {
                add_header Access-Control-Allow-Origin https://app.example.com;
                add_header Access-Control-Allow-Methods "GET, PUT";
                return 204;
            }
            add_header Access-Control-Allow-Origin https://app.example.com always;
            proxy_pass http://127.0.0.1:8000;
        }
        """,
    )
    assert "CG502" not in codes(found)


def test_always_still_matters_when_the_block_returns_an_error_status(tmp_path: Path) -> None:
    found = audit(
        tmp_path,
        """
        location /api/ {
            if ($request_method = OPTIONS) {
                add_header Access-Control-Allow-Origin https://app.example.com;
                return 403;
            }
        }
        """,
    )
    assert "CG502" in codes(found)
