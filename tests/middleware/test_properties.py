"""Property: the middleware never grants an origin its policy does not match."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from corsguard import CORSMiddleware, CORSPolicy

from .asgi import call, endpoint

ALLOWED = ["https://app.example.com", "http://localhost:3000", "https://*.example.org"]
POLICIES = [
    CORSPolicy(allow_origins=ALLOWED, allow_credentials=True, allow_methods=["PUT"]),
    CORSPolicy(
        allow_origins=ALLOWED[:2],
        allow_origin_regex=r"https://[a-z]+\.example\.net",
        allow_methods=["PUT"],
    ),
]


def variants(origin: str) -> st.SearchStrategy[str]:
    """Near misses of an allowed origin: the usual tricks against origin checks."""
    return st.one_of(
        st.just(origin),
        st.builds(
            lambda s: origin + s, st.sampled_from(["/", ".", ".evil.example", ":443", "%00"])
        ),
        st.builds(lambda s: s + origin, st.sampled_from(["x", "https://evil.", " "])),
        st.just(origin.upper()),
        st.just(origin.replace("https", "http")),
        st.just(origin.replace(".", "-")),
        st.just(origin.replace("example", "exаmple")),  # Cyrillic "а"
        st.just(origin.replace("example", "xn--exmple-4nf")),
        st.builds(lambda c: origin.replace("a", c, 1), st.characters()),
        st.text(max_size=40),
    )


ORIGINS = st.one_of(
    *[variants(o.replace("*", "a")) for o in ALLOWED],
    variants("https://preview.example.net"),
)


@settings(max_examples=400, deadline=None)
@given(policy=st.sampled_from(POLICIES), origin=ORIGINS, preflight=st.booleans())
def test_never_grants_an_origin_the_policy_does_not_match(
    policy: CORSPolicy, origin: str, preflight: bool
) -> None:
    try:
        raw = origin.encode("latin-1").decode("latin-1")
    except UnicodeEncodeError:
        raw = origin.encode("utf-8").decode("latin-1")  # what arrives as bytes on the wire
    headers = [("origin", raw)]
    if preflight:
        headers.append(("access-control-request-method", "PUT"))
    response = call(
        CORSMiddleware(endpoint, policy), "OPTIONS" if preflight else "GET", "/", headers
    )
    granted = response.get("access-control-allow-origin")
    if policy.match_origin(raw):
        assert granted == raw
    else:
        assert granted is None
        assert response.get("access-control-allow-credentials") is None
        assert response.status == (403 if preflight else 200)
