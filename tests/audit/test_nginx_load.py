"""Reading nginx configurations as nginx does, from the audited repository.

One minimal configuration per case; where a claim is about nginx's own behaviour (relative
includes, globs that match nothing), the same files are checked with the real ``nginx -t``.
"""

from __future__ import annotations

import json
import re
import subprocess
import textwrap
from pathlib import Path

import pytest

from corsguard.audit import LoadOptions, audit_nginx_target
from corsguard.audit.nginx import NginxConfigError, load
from corsguard.cli.main import main
from tests.support.servers import require_binary

REFLECT = "add_header Access-Control-Allow-Origin $http_origin always;\n"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def codes(target: Path, options: LoadOptions | None = None) -> list[tuple[str, str]]:
    """(code, file:line relative to the target's directory) of every finding."""
    base = target if target.is_dir() else target.parent
    return [
        (f.code, f.location.replace(f"{base}/", ""))
        for f in audit_nginx_target(str(target), options).findings
    ]


def nginx_test(root: Path, conf: Path) -> subprocess.CompletedProcess[str]:
    """``nginx -t`` on ``conf`` with ``root`` as prefix, writing nothing outside ``root``."""
    binary = require_binary("nginx", "/usr/sbin/nginx")
    temp = " ".join(
        f"{name}_temp_path {root / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    text = conf.read_text().replace("http {", f"http {{ {temp}", 1)
    conf.write_text(text)
    return subprocess.run(
        [binary, "-t", "-p", str(root), "-c", str(conf), "-e", "stderr", "-g", "pid x.pid;"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


# -- includes come from the repository ------------------------------------------------------------


def test_absolute_includes_are_read_from_the_repository_not_this_machine(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "nginx.conf": """\
                events {}
                http {
                    include /etc/nginx/conf.d/*.conf;
                    include /etc/nginx/mime.types;
                }
            """,
            "conf.d/app.conf": "server {\n  location / { " + REFLECT + "  }\n}\n",
        },
    )
    config = load(tmp_path)
    assert all(file.startswith(str(tmp_path)) for file in config.files)
    found = codes(tmp_path)
    assert ("CG503", "conf.d/app.conf:2") in found
    # /etc/nginx/mime.types exists on this machine, not in the repository: info, not read.
    assert ("CG514", "nginx.conf:4") in found
    assert str(Path("/etc/nginx/mime.types")) not in config.files


def test_cors_conf_next_to_nginx_conf_is_included_as_etc_nginx(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "nginx.conf": """\
                events {}
                http {
                    server {
                        location /api/ { include /etc/nginx/cors.conf; }
                    }
                }
            """,
            "cors.conf": REFLECT,
        },
    )
    assert codes(tmp_path / "nginx.conf") == [("CG503", "cors.conf:1"), ("CG507", "cors.conf:1")]


def test_prefix_says_where_the_repository_keeps_etc_nginx(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "deploy/nginx/conf.d/site.conf": """\
                server {
                    location / { include snippets/cors.conf; }
                }
            """,
            "deploy/nginx/snippets/cors.conf": REFLECT,
        },
    )
    site = tmp_path / "deploy/nginx/conf.d/site.conf"
    assert [c for c, _ in codes(site)] == ["CG514"]  # relative to the file's directory: absent
    options = LoadOptions(prefix=str(tmp_path / "deploy/nginx"))
    found = [f.code for f in audit_nginx_target(str(site), options).findings]
    assert "CG503" in found
    assert "CG514" not in found


@pytest.mark.nginx
def test_relative_includes_resolve_against_the_main_files_directory(tmp_path: Path) -> None:
    conf = (
        write(
            tmp_path,
            {
                "conf/nginx.conf": "events {}\nhttp {\n    include sub/a.conf;\n}\n",
                "conf/sub/a.conf": "include b.conf;\n",
                "conf/b.conf": "server {\n  listen 127.0.0.1:1;\n  " + REFLECT + "}\n",
                "conf/sub/b.conf": "server {\n  listen 127.0.0.1:1;\n}\n",
            },
        )
        / "conf/nginx.conf"
    )
    assert [c for c, _ in codes(conf)] == ["CG503", "CG507"]
    assert str(tmp_path / "conf/sub/b.conf") not in load(conf).files
    # nginx agrees: with conf/b.conf gone, it looks for conf/b.conf, not conf/sub/b.conf.
    (tmp_path / "conf/b.conf").unlink()
    result = nginx_test(tmp_path, conf)
    assert result.returncode == 1
    assert f'open() "{tmp_path}/conf/b.conf" failed' in result.stderr
    assert [c for c, _ in codes(conf)] == ["CG514"]


@pytest.mark.nginx
def test_a_glob_that_matches_nothing_is_a_finding_though_nginx_accepts_it(
    tmp_path: Path,
) -> None:
    conf = (
        write(tmp_path, {"nginx.conf": "events {}\nhttp {\n    include sites-enabled/*;\n}\n"})
        / "nginx.conf"
    )
    (finding,) = audit_nginx_target(str(conf)).findings
    assert (finding.code, str(finding.severity)) == ("CG514", "medium")
    assert finding.location == f"{conf}:3"
    assert "nginx accepts a glob that matches nothing" in finding.message
    result = nginx_test(tmp_path, conf)
    assert result.returncode == 0, result.stderr


def test_a_missing_include_is_a_finding_naming_the_include_line(tmp_path: Path) -> None:
    conf = (
        write(tmp_path, {"nginx.conf": "events {}\nhttp {\n    include conf.d/cors.conf;\n}\n"})
        / "nginx.conf"
    )
    (finding,) = audit_nginx_target(str(conf)).findings
    assert (finding.code, finding.location) == ("CG514", f"{conf}:3")
    assert f"looked for {tmp_path}/conf.d/cors.conf" in finding.message


@pytest.mark.parametrize(
    "include",
    [
        "mime.types",
        "/etc/nginx/fastcgi_params",
        "uwsgi_params",
        "proxy_params",
        "/etc/letsencrypt/options-ssl-nginx.conf",
        "/etc/nginx/modules-enabled/*.conf",
    ],
)
def test_missing_stock_files_are_information(tmp_path: Path, include: str) -> None:
    conf = write(tmp_path, {"nginx.conf": f"events {{}}\nhttp {{\n    include {include};\n}}\n"})
    (finding,) = audit_nginx_target(str(conf / "nginx.conf")).findings
    assert (finding.code, str(finding.severity)) == ("CG514", "info")
    assert main(["audit", str(conf / "nginx.conf")]) == 0


def test_an_absolute_include_outside_the_repository_is_not_read(tmp_path: Path) -> None:
    conf = write(tmp_path, {"nginx.conf": "events {}\nhttp {\n    include /etc/hosts;\n}\n"})
    config = load(conf)
    assert config.files == (str(conf / "nginx.conf"),)
    (finding,) = config.findings
    assert "outside the audited directory" in finding.message


def test_a_file_copied_in_by_name_is_found_and_noted(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "nginx.conf": """\
                events {}
                http {
                    server { location / { include /etc/nginx/snippets/cors.conf; } }
                }
            """,
            "cors.conf": REFLECT,
        },
    )
    result = audit_nginx_target(str(tmp_path))
    assert "CG503" in [f.code for f in result.findings]
    assert any("found by name in the repository: cors.conf" in n for n in result.notes)


def test_an_nginx_conf_that_only_includes_another_is_valid(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "nginx.conf": "include /etc/nginx/conf.d/nginx.conf;\n",
            "conf.d/nginx.conf": "events {}\nhttp {\n  server {\n    " + REFLECT + "  }\n}\n",
        },
    )
    assert ("CG503", "conf.d/nginx.conf:4") in codes(tmp_path / "nginx.conf")


def test_a_syntax_error_in_an_included_file_is_cg510(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "nginx.conf": "events {}\nhttp {\n    include extra.conf;\n}\n",
            "extra.conf": "server { listen 80 }\n",
        },
    )
    assert codes(tmp_path / "nginx.conf") == [("CG510", "extra.conf:1")]


# -- the model: where each file is used -----------------------------------------------------------


def test_every_file_records_its_level_and_include_sites(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "nginx.conf": """\
                events {}
                http {
                    include site.conf;
                }
            """,
            "site.conf": "server {\n    location / {\n        include cors.conf;\n    }\n}\n",
            "cors.conf": "add_header Access-Control-Allow-Origin *;\nproxy_pass http://a;\n",
        },
    )
    config = load(tmp_path / "nginx.conf")
    sources = {Path(s.path).name: s for s in config.sources}
    assert {name: s.level for name, s in sources.items()} == {
        "nginx.conf": "main",
        "site.conf": "http",
        "cors.conf": "location",
    }
    assert sources["nginx.conf"].sites == ()
    ((site),) = sources["cors.conf"].sites
    assert (Path(site.file).name, site.line, site.context) == ("site.conf", 3, "location")
    assert sources["site.conf"].sites[0].context == "http"


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("add_header Access-Control-Allow-Origin *;\n", "location"),
        ("listen 80;\nlocation / { return 204; }\n", "server"),
        ("location / { return 204; }\nadd_header X-A b;\n", "server"),
        ("upstream app { server 127.0.0.1:1; }\nserver { listen 80; }\n", "http"),
        ("events {}\nhttp {}\n", "main"),
    ],
)
def test_a_root_fragment_level_is_judged_from_its_directives(
    tmp_path: Path, text: str, level: str
) -> None:
    (tmp_path / "fragment.conf").write_text(text)
    (source,) = load(tmp_path / "fragment.conf").sources
    assert source.level == level


# -- templates and third-party modules ------------------------------------------------------------


def test_a_map_on_an_envsubst_placeholder_is_read(tmp_path: Path) -> None:
    conf = tmp_path / "secure.conf"
    conf.write_text(
        "map ${SIGN_KEY} $sign_key {\n    default 0;\n    secret 1;\n}\n"
        "server {\n    location / {\n        if ($sign_key) { return 403; }\n    }\n}\n"
    )
    config = load(conf)
    assert config.placeholders == frozenset({"SIGN_KEY"})
    assert config.roots[0].block is not None
    assert config.roots[0].block[0].args == ("${SIGN_KEY}", "$sign_key")


def test_template_placeholders_stay_symbolic_and_define_substitutes_them(tmp_path: Path) -> None:
    conf = tmp_path / "default.conf.template"
    conf.write_text(
        "server {\n    listen ${PORT};\n    location / {\n"
        "        add_header Access-Control-Allow-Origin $CORS_ORIGIN always;\n"
        "        add_header Vary Origin always;\n    }\n}\n"
    )
    config = load(conf)
    assert config.placeholders == frozenset({"PORT", "CORS_ORIGIN"})
    assert "CG503" not in [f.code for f in audit_nginx_target(str(conf)).findings]
    options = LoadOptions(defines={"CORS_ORIGIN": "$http_origin", "PORT": "8080"})
    assert "CG503" in [f.code for f in audit_nginx_target(str(conf), options).findings]
    assert main(["audit", str(conf), "--define", "CORS_ORIGIN=$http_origin"]) == 1
    assert main(["audit", str(conf), "--define", "no-equals"]) == 2


def test_the_command_line_counts_a_template_s_placeholders_as_constants(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conf = tmp_path / "default.conf.template"
    conf.write_text(
        "server {\n    listen ${PORT};\n    location / {\n"
        "        add_header Access-Control-Allow-Origin ${_CORS_ORIGIN} always;\n"
        "        add_header Access-Control-Allow-Credentials true always;\n"
        "        proxy_hide_header Access-Control-Allow-Origin;\n"
        "        proxy_hide_header Access-Control-Allow-Credentials;\n"
        "        proxy_pass http://127.0.0.1:8000;\n    }\n}\n"
    )
    assert main(["audit", str(conf), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []


def test_nginx_variables_are_case_insensitive_in_plain_files_and_templates(tmp_path: Path) -> None:
    echo = (
        "server {\n    location / {\n        add_header Access-Control-Allow-Origin $HTTP_ORIGIN;\n"
    )
    for name in ("site.conf", "site.conf.template"):
        conf = tmp_path / name
        conf.write_text(echo + "        root /srv/www;\n    }\n}\n")
        assert ("CG503", f"{name}:3") in codes(conf), name


def test_official_image_templates_stand_for_conf_d(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "nginx.conf": "events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n",
            "templates/api.conf.template": "server {\n    location / { " + REFLECT + " }\n}\n",
        },
    )
    result = audit_nginx_target(str(tmp_path / "nginx.conf"))
    assert "CG503" in [f.code for f in result.findings]
    assert any("templates/api.conf.template" in note for note in result.notes)


def test_an_unknown_module_block_is_skipped_with_information(tmp_path: Path) -> None:
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        "events {}\nhttp {\n"
        "    geoip2 /usr/share/GeoIP/GeoLite2-Country.mmdb {\n"
        "        auto_reload 5m;\n"
        "        $geoip2_metadata_country_build metadata build_epoch;\n"
        "    }\n"
        "    server {\n        location / { " + REFLECT + "        }\n    }\n}\n"
    )
    found = codes(conf)
    assert ("CG515", "nginx.conf:3") in found
    assert ("CG503", "nginx.conf:8") in found


def test_headers_more_is_audited_not_skipped(tmp_path: Path) -> None:
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        "events {}\nhttp {\n    server {\n        location / {\n"
        '            more_set_headers "Access-Control-Allow-Origin: $http_origin";\n'
        "            proxy_pass http://127.0.0.1:9000;\n"
        "        }\n    }\n}\n"
    )
    found = codes(conf)
    assert ("CG503", "nginx.conf:5") in found
    assert [code for code, _ in found if code == "CG515"] == []


def test_lua_blocks_are_skipped_by_their_lua_braces(tmp_path: Path) -> None:
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        "events {}\nhttp {\n    server {\n        location / {\n"
        "            content_by_lua_block {\n"
        '                local t = { a = "}" } -- a } in a comment\n'
        "                ngx.say(t.a .. [[ } ]])\n"
        "            }\n"
        "            " + REFLECT + "        }\n    }\n}\n"
    )
    found = codes(conf)
    assert ("CG515", "nginx.conf:5") in found
    assert ("CG503", "nginx.conf:9") in found


def test_a_directory_audits_its_nginx_files_and_lists_what_it_skipped(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "site.conf": "server {\n    location / { " + REFLECT + "    }\n}\n",
            "supervisord.conf": "[program:app]\ncommand=/usr/bin/app --port 8000\n",
            "php-fpm.conf": "[www]\nuser = www-data\nlisten = /run/php.sock\n",
        },
    )
    result = audit_nginx_target(str(tmp_path))
    assert [f.code for f in result.findings] == ["CG503", "CG507"]
    (note,) = result.notes
    assert "php-fpm.conf" in note
    assert "supervisord.conf" in note


def test_extensionless_nginx_files_are_read_and_other_extensionless_files_left_out(
    tmp_path: Path,
) -> None:
    # nginx-proxy's vhost.d/default_location and a Debian-style nginx/default are included by
    # name; a Dockerfile, a LICENSE or a binary beside them is no configuration and no note.
    write(
        tmp_path,
        {
            "default_location": REFLECT,
            "vhost.d/api.example.com": "location /v2/ {\n    " + REFLECT + "}\n",
            "Dockerfile": "FROM nginx:1.25\nCOPY default_location /etc/nginx/vhost.d/\n",
            "LICENSE": "Permission is hereby granted, free of charge;\n",
            # looks like nginx at a glance ('if ...;', 'set ...;'), is not: no CG510 for it
            "entrypoint": 'if [ -n "$ORIGIN" ]; then\n    set -e;\nfi\n',
        },
    )
    (tmp_path / "app").write_bytes(b"\x7fELF\0\0add_header x y;\n")
    result = audit_nginx_target(str(tmp_path))
    assert sorted(f.location.replace(f"{tmp_path}/", "") for f in result.findings) == [
        "default_location:1",
        "default_location:1",
        "vhost.d/api.example.com:2",
        "vhost.d/api.example.com:2",
    ]
    assert result.notes == ()


def test_a_file_of_openresty_directives_is_nginx_and_not_listed_as_skipped(
    tmp_path: Path,
) -> None:
    lua = 'lua_shared_dict metrics 10M;\ninit_by_lua_block {\n    t = {"a", "b"}\n}\n'
    write(tmp_path, {"lua-init.conf": lua, "nginx.conf": "http {\n    include lua-init.conf;\n}\n"})
    alone = audit_nginx_target(str(tmp_path / "lua-init.conf"))
    assert [f.code for f in alone.findings] == ["CG515", "CG515"]
    assert not any("skipped" in note for note in audit_nginx_target(str(tmp_path)).notes)


def test_a_snippet_beside_the_site_that_includes_it_is_audited_where_included(
    tmp_path: Path,
) -> None:
    # "a-cors.conf" sorts before the site: read first, it was audited out of context too
    # (no Vary from the site: a false CG507) and reported twice.
    write(
        tmp_path,
        {
            "a-cors.conf": """\
                add_header Access-Control-Allow-Origin $http_origin always;
                add_header Access-Control-Allow-Credentials true always;
                """,
            "site.conf": """\
                server {
                    location /api/ {
                        include a-cors.conf;
                        add_header Vary Origin always;
                        root /srv/www;
                    }
                }
                """,
        },
    )
    [finding] = audit_nginx_target(str(tmp_path)).findings
    assert (finding.code, finding.location) == ("CG504", f"{tmp_path}/a-cors.conf:1")
    assert finding.evidence["locations"] == ["location /api/"]
    assert [site.rpartition("/")[2] for site in finding.evidence["included_at"]] == ["site.conf:3"]
    assert "included at " in finding.message


def test_a_broken_snippet_read_in_a_directory_and_included_is_one_error(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "cors.conf": "add_header 'Timing-Allow-Origin '*'\nreturn 204;\n",
            "site.conf": "server {\n    location / {\n        include cors.conf;\n    }\n}\n",
        },
    )
    assert [code for code, _ in codes(tmp_path)] == ["CG510"]


def test_sites_enabled_falls_back_to_sites_available_and_globs_never_match_by_name(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        {
            "nginx.conf": """\
                events {}
                http {
                    include /etc/nginx/conf.d/*.conf;
                    include /etc/nginx/sites-enabled/*;
                }
            """,
            "conf.d/.keep": "",
            "sites-available/app": "server {\n    location / { " + REFLECT + "    }\n}\n",
        },
    )
    result = audit_nginx_target(str(tmp_path))
    assert [(f.code, f.location.rsplit("/", 1)[1]) for f in result.findings] == [
        ("CG514", "nginx.conf:3"),
        ("CG514", "nginx.conf:4"),
        ("CG503", "app:2"),
        ("CG507", "app:2"),
    ]
    stand_in = result.findings[1]
    assert str(stand_in.severity) == "info"
    assert "every site of sites-available/ was read in its place" in stand_in.message


def test_links_into_etc_nginx_are_followed_into_the_repository(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "nginx.conf": "events {}\nhttp {\n    include sites-enabled/*;\n}\n",
            "sites-available/app": "server {\n    location / { " + REFLECT + "    }\n}\n",
        },
    )
    (tmp_path / "sites-enabled").mkdir()
    (tmp_path / "sites-enabled/app").symlink_to("/etc/nginx/sites-available/app")
    (tmp_path / "sites-enabled/host").symlink_to("/etc/hostname")
    config = load(tmp_path)
    assert config.files == (str(tmp_path / "nginx.conf"), str(tmp_path / "sites-available/app"))
    assert "CG503" in [f.code for f in audit_nginx_target(str(tmp_path)).findings]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        # the include's missing ';' makes the http block its block
        ("events {}\ninclude cors.conf\n\nhttp {\n}\n", 2, 'directive "include" is not terminated'),
        ("events {}\nhttp {\n    server {\n        location /;\n    }\n}\n", 4, 'no opening "{"'),
    ],
)
def test_a_block_where_nginx_takes_none_and_none_where_it_needs_one_are_refused(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    conf = tmp_path / "nginx.conf"
    conf.write_text(text)
    (tmp_path / "cors.conf").write_text("add_header Access-Control-Allow-Origin * always;\n")
    with pytest.raises(NginxConfigError, match=f"nginx.conf:{line}: .*{re.escape(message)}"):
        audit_nginx_target(str(conf))
    result = nginx_test(tmp_path, conf)
    assert result.returncode != 0
    assert message in result.stderr


def test_a_skipped_go_template_lends_its_plain_map_and_geo_blocks(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "nginx.tmpl": """\
                map $http_origin $plain {
                    default '';
                }
                map $http_host $templated {
                    {{ range .Hosts }}{{ . }} 1;{{ end }}
                }
                geo $internal {
                    default 0;
                    10.0.0.0/8 1;
                }
                {{ range $host := .Hosts }}
                server { server_name {{ $host }}; }
                {{ end }}
                """,
            "cors.conf": REFLECT,
        },
    )
    config = load(tmp_path)
    assert [(d.name, d.args, d.line) for d in config.definitions] == [
        ("map", ("$http_origin", "$plain"), 1),
        ("geo", ("$internal",), 7),
    ]
    assert any("nginx.tmpl (a Go or Jinja template)" in note for note in config.notes)


def test_map_rows_named_like_directives_are_no_blocks_to_check(tmp_path: Path) -> None:
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        "events {}\nhttp {\n    map $uri $kind {\n        location 1;\n        server 2;\n"
        "    }\n    server {\n        location / { " + REFLECT + "        }\n    }\n}\n"
    )
    assert ("CG503", "nginx.conf:8") in codes(conf)
