"""Probe origins: derived from what the API trusts, only ones an attacker can use."""

from __future__ import annotations

import pytest

from corsguard.scan.hosts import registrable_domain
from corsguard.scan.probes import BASELINE, Probe, derive_probes, parse_trusted

TOKEN = "cgtok"


def probes_for(*trusted: str, target: str = "https://api.example.com/users") -> list[Probe]:
    return list(derive_probes([parse_trusted(t) for t in trusted], target, TOKEN))


def by_origin(probes: list[Probe]) -> dict[str, Probe]:
    return {p.origin: p for p in probes}


@pytest.mark.parametrize(
    ("origin", "kind"),
    [
        ("https://app.example.com", BASELINE),
        ("https://cgtok.net", "origin-reflection"),
        ("null", "null-origin"),
        ("https://app.example.com.cgtok.net", "prefix-match"),
        ("https://app.example.comcgtok.net", "prefix-match"),
        ("https://cgtokexample.com", "suffix-match"),
        ("https://cgtokapp.example.com.cgtok.net", "substring-match"),
        ("https://appxexample.com", "unescaped-dot"),
        ("https://app.examplexcom", "unescaped-dot"),
        ("https://app.example.com_.cgtok.net", "special-char-bypass"),
        ("https://app.example.com!.cgtok.net", "special-char-bypass"),
        ("https://cgtok.app.example.com", "any-subdomain"),
        ("https://cgtok.cgtok.app.example.com", "any-subdomain"),
        ("https://cgtok.example.com", "any-subdomain"),
        ("http://app.example.com", "insecure-origin"),
        ("http://cgtok.example.com", "insecure-origin"),
        ("https://cgtok.github.io", "third-party-origin"),
        ("https://codepen.io", "third-party-origin"),
        ("https://cgtok.vercel.app", "third-party-origin"),
        ("http://localhost:3000", "localhost-origin"),
        ("http://127.0.0.1:8000", "localhost-origin"),
        ("http://[::1]:3000", "localhost-origin"),
        ("https://app.example.com:8443", "any-port"),
        # from the target's own host, for servers that compare the Origin with their Host
        ("https://api.example.com.cgtok.net", "prefix-match"),
        ("https://apixexample.com", "unescaped-dot"),
    ],
)
def test_probe_is_derived(origin: str, kind: str) -> None:
    assert by_origin(probes_for("https://app.example.com"))[origin].kind == kind


@pytest.mark.parametrize(
    ("origin", "controllable"),
    [
        ("https://appxexample.com", True),  # registrable by anyone
        ("https://app.examplexcom", False),  # 'examplexcom' is not a top-level domain
    ],
)
def test_every_dot_is_tried_and_rated_by_ownership(origin: str, controllable: bool) -> None:
    assert by_origin(probes_for("https://app.example.com"))[origin].controllable is controllable


def test_probe_origins_are_unique_and_exclude_trusted_ones() -> None:
    probes = probes_for("https://app.example.com", "https://*.example.com")
    origins = [p.origin for p in probes]
    assert len(origins) == len(set(origins))
    # The pattern trusts every https subdomain: those are baselines, not attacks.
    assert by_origin(probes)["https://cgtok.example.com"].kind == BASELINE
    assert not any(p.kind == "any-subdomain" and p.origin.startswith("https:") for p in probes)
    assert "http://cgtok.example.com" in origins
    assert by_origin(probes)["https://cgtok.example.com.cgtok.net"].kind == "prefix-match"


def test_localhost_probes_only_when_nothing_local_is_trusted() -> None:
    kinds = {p.kind for p in probes_for("http://localhost:3000")}
    assert "localhost-origin" not in kinds
    assert "localhost-origin" in {p.kind for p in probes_for("https://app.example.com")}


def test_third_party_probes_skip_the_trusted_site() -> None:
    origins = {p.origin for p in probes_for("https://me.github.io")}
    assert "https://cgtok.github.io" in origins  # github.io is a public suffix: a stranger
    origins = {p.origin for p in probes_for("https://codepen.io")}
    assert "https://cgtok.net" in origins
    assert "https://codepen.io" not in {
        p.origin for p in probes_for("https://codepen.io") if p.kind != BASELINE
    }


def test_ip_targets_get_no_degenerate_host_probes() -> None:
    probes = probes_for("https://app.example.com", target="http://127.0.0.1:8999/")
    assert not any("127.0.0.1:8999" in p.origin for p in probes)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("https://app.example.com", "https://app.example.com"),
        ("https://app.example.com/", "https://app.example.com"),
        ("https://*.example.com", "https://*.example.com"),
        ("http://localhost:3000", "http://localhost:3000"),
        ("null", "null"),
    ],
)
def test_parse_trusted(value: str, text: str) -> None:
    assert parse_trusted(value).text == text


@pytest.mark.parametrize("value", ["app.example.com/x", "ftp://x", "https://app.example.com/api"])
def test_parse_trusted_rejects_non_origins(value: str) -> None:
    with pytest.raises(ValueError, match="not an origin"):
        parse_trusted(value)


@pytest.mark.parametrize(
    ("host", "site"),
    [
        ("app.example.com", "example.com"),
        ("a.b.example.co.uk", "example.co.uk"),
        ("me.github.io", "me.github.io"),
        ("github.io", None),
        ("app.examplexcom", None),
        ("127.0.0.1", None),
        ("localhost", None),
    ],
)
def test_registrable_domain(host: str, site: str | None) -> None:
    assert registrable_domain(host) == site
