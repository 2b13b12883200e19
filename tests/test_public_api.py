"""The public surface is small, sorted and pinned."""

from __future__ import annotations

import corsguard


def test_all_is_sorted_and_exact() -> None:
    assert corsguard.__all__ == sorted(corsguard.__all__)
    assert set(corsguard.__all__) == {
        "CORSMiddleware",
        "CORSPolicy",
        "ConfigError",
        "Problem",
        "__version__",
        "install",
    }


def test_every_public_name_resolves() -> None:
    for name in corsguard.__all__:
        assert getattr(corsguard, name) is not None
