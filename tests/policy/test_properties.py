"""Property tests: no origin outside the policy is ever granted.

Every candidate is judged by an independent, deliberately slow reference: parse the candidate
as a browser-serialized origin, then compare it with each configured rule in the plainest way.
Candidates are built from the allowed origins and patterns by the edits attackers try: prefixes,
suffixes, inserted special characters, case changes, other ports, Unicode look-alikes and their
punycode forms.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corsguard.policy import ConfigError, CORSPolicy, validate
from corsguard.policy.origins import OriginPattern, parse_origin_entry
from corsguard.protocol.origin import is_loopback_host, parse_serialized_origin

LABEL = st.text(alphabet="abcdexyz019-", min_size=1, max_size=6).filter(
    lambda label: not label.startswith("-") and not label.endswith("-")
)
DOMAIN = (
    st.lists(LABEL, min_size=2, max_size=3)
    .map(".".join)
    .filter(lambda host: not host.rsplit(".", 1)[-1].isdigit())
)
SCHEME = st.sampled_from(["http", "https"])
PORT = st.one_of(st.none(), st.sampled_from([80, 443, 3000, 8080, 8443, 65535]))
PORT_TEXT = st.sampled_from(
    ["", ":", ":0", ":80", ":443", ":3000", ":08080", ":65536", ":+1", ":*"]
)
SPECIAL = st.sampled_from(
    [*list(".-_@:/#?%*\\ \t\r\n\x00~!$&'()+,;=[]"), "\u200b", "。", "．", "%2e"]
)
LOOKALIKES = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "x": "\u0445", "c": "\u0441"}
_SUBDOMAIN = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*")


@st.composite
def entries(draw: st.DrawFn) -> str:
    """An allow_origins entry: exact origin, subdomain pattern or any-port pattern."""
    scheme, host = draw(SCHEME), draw(DOMAIN)
    kind = draw(st.sampled_from(["exact", "subdomains", "any-port", "subdomains-any-port"]))
    port = draw(PORT)
    port_part = "" if port is None else f":{port}"
    if kind == "exact":
        return f"{scheme}://{host}{port_part}"
    if kind == "subdomains":
        return f"{scheme}://*.{host}{port_part}"
    if kind == "any-port":
        return f"{scheme}://{host}:*"
    return f"{scheme}://*.{host}:*"


def _patterns(policy: CORSPolicy) -> list[OriginPattern]:
    patterns = []
    for text in policy.allow_origins:
        entry, _ = parse_origin_entry(text, "allow_origins")
        assert entry is not None
        assert entry.pattern is not None
        patterns.append(entry.pattern)
    return patterns


def reference_allows(patterns: list[OriginPattern], candidate: str) -> bool:
    """The slow, obvious definition of what the rules allow."""
    origin = parse_serialized_origin(candidate)
    if origin is None or not _SUBDOMAIN.fullmatch(origin.host) or origin.port == 0:
        return False  # not something a browser sends for a page on a domain-name host
    for rule in patterns:
        if origin.scheme != rule.scheme:
            continue
        if rule.subdomains:
            head, dot, tail = origin.host.rpartition("." + rule.host)
            host_ok = bool(dot) and tail == "" and bool(head)
        else:
            host_ok = origin.host == rule.host
        port_ok = rule.any_port or origin.port == rule.port
        if host_ok and port_ok:
            return True
    return False


def _variants(draw: st.DrawFn, origin: str) -> str:
    edit = draw(
        st.sampled_from(
            [
                "prefix",
                "suffix",
                "insert",
                "replace",
                "case",
                "port",
                "lookalike",
                "punycode",
                "sub",
            ]
        )
    )
    if edit == "prefix":
        return draw(st.sampled_from(["x", "evil", "a.", "-", "evil.com#", "https://"])) + origin
    if edit == "suffix":
        return origin + draw(st.sampled_from(["x", ".evil.net", "/", ".", "%00", "evil", "\n"]))
    if edit == "insert":
        at = draw(st.integers(0, len(origin)))
        return origin[:at] + draw(SPECIAL) + origin[at:]
    if edit == "replace":
        at = draw(st.integers(0, len(origin) - 1))
        return origin[:at] + draw(SPECIAL) + origin[at + 1 :]
    if edit == "case":
        at = draw(st.integers(0, len(origin) - 1))
        return origin[:at] + origin[at].swapcase() + origin[at + 1 :]
    if edit == "port":
        bare = re.sub(r":(\d+|\*)$", "", origin)
        return bare + draw(PORT_TEXT)
    scheme, _, host = origin.partition("://")
    if edit == "sub":
        return f"{scheme}://{draw(LABEL)}.{host}"
    swapped = "".join(LOOKALIKES.get(c, c) for c in host)
    if edit == "lookalike" or swapped == host:
        return f"{scheme}://{swapped}"
    try:
        puny = ".".join(label.encode("idna").decode("ascii") for label in swapped.split("."))
    except UnicodeError:
        puny = swapped
    return f"{scheme}://{puny}"


@st.composite
def policy_and_candidate(draw: st.DrawFn) -> tuple[CORSPolicy, str]:
    allowed = draw(st.lists(entries(), min_size=1, max_size=4))
    policy = CORSPolicy(allow_origins=allowed)
    base = draw(st.sampled_from(allowed)).replace("*.", draw(LABEL) + ".").replace(":*", "")
    candidate = _variants(draw, base) if draw(st.integers(0, 9)) else base
    return policy, candidate


@settings(max_examples=1500, deadline=None)
@given(policy_and_candidate())
def test_matcher_grants_exactly_what_the_rules_allow(case: tuple[CORSPolicy, str]) -> None:
    policy, candidate = case
    assert policy.match_origin(candidate) is reference_allows(_patterns(policy), candidate)


@settings(max_examples=300, deadline=None)
@given(st.lists(entries(), min_size=1, max_size=4), st.text(max_size=60))
def test_arbitrary_text_is_never_granted_unless_the_rules_allow_it(
    allowed: list[str], text: str
) -> None:
    policy = CORSPolicy(allow_origins=allowed)
    patterns = _patterns(policy)
    for candidate in (text, "https://" + text, "http://" + text):
        assert policy.match_origin(candidate) is reference_allows(patterns, candidate)


@settings(max_examples=300, deadline=None)
@given(st.lists(entries(), min_size=1, max_size=4), LABEL)
def test_every_allowed_origin_and_subdomain_matches(allowed: list[str], label: str) -> None:
    policy = CORSPolicy(allow_origins=allowed)
    for rule in _patterns(policy):
        host = f"{label}.{rule.host}" if rule.subdomains else rule.host
        port = "" if rule.port is None else f":{rule.port}"
        assert policy.match_origin(f"{rule.scheme}://{host}{port}")
        if rule.any_port:
            assert policy.match_origin(f"{rule.scheme}://{host}:4321")
        if rule.subdomains:
            assert policy.match_origin(f"{rule.scheme}://{label}.{label}.{rule.host}{port}")
            assert not reference_allows([rule], f"{rule.scheme}://{rule.host}{port}")


@settings(max_examples=200, deadline=None)
@given(DOMAIN, st.text(alphabet="abcdefghijklmnopqrstuvwxyz.:/", max_size=12), st.booleans())
def test_regex_is_fullmatched(domain: str, extra: str, before: bool) -> None:
    expression = rf"https://[a-z0-9-]+\.{re.escape(domain)}"
    policy = CORSPolicy(allow_origin_regex=expression)
    origin = f"https://a.{domain}"
    candidate = origin.replace("https://", "https://" + extra) if before else origin + extra
    assert policy.match_origin(origin)
    assert policy.match_origin(candidate) is (re.fullmatch(expression, candidate) is not None)


ANY_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40
) | st.sampled_from(["*", "null", "file://", "https://*.", "http://[", "https://a:*", "::", ""])


@settings(max_examples=400, deadline=None)
@given(
    st.lists(ANY_TEXT, max_size=3),
    st.lists(ANY_TEXT, max_size=2),
    st.lists(ANY_TEXT, max_size=2),
    st.one_of(st.none(), ANY_TEXT),
    st.booleans(),
)
def test_any_input_is_either_a_policy_or_a_config_error(
    origins: list[str], methods: list[str], headers: list[str], regex: str | None, creds: bool
) -> None:
    """Validation never crashes, whatever it is given: a policy or a ConfigError, nothing else."""
    options: dict[str, Any] = {
        "allow_origins": origins,
        "allow_methods": methods,
        "allow_headers": headers,
        "expose_headers": headers,
        "allow_origin_regex": regex,
        "allow_credentials": creds,
    }
    errors, _ = validate(**options)
    assert all(p.code.startswith("CG1") for p in errors)
    assert all(p.is_error for p in errors)
    if errors:
        with pytest.raises(ConfigError) as caught:
            CORSPolicy(**options)
        assert caught.value.problems == tuple(errors)
        return
    policy = CORSPolicy(**options)
    for text in origins:
        policy.match_origin(text)


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(["http", "https", "ws", "HTTP"]),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789.-:[]_", min_size=1, max_size=30),
    st.one_of(st.just(""), st.integers(0, 70000).map(lambda port: f":{port}")),
)
def test_dev_profile_grants_only_loopback_origins(scheme: str, host: str, port: str) -> None:
    candidate = f"{scheme}://{host}{port}"
    if DEV.match_origin(candidate):
        origin = parse_serialized_origin(candidate)
        assert origin is not None
        assert origin.scheme in ("http", "https")
        assert is_loopback_host(origin.host)
        assert origin.host in ("localhost", "127.0.0.1", "[::1]") or origin.host.endswith(
            ".localhost"
        )


DEV = CORSPolicy.profile("dev")
