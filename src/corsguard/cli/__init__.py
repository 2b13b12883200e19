"""The command line: a thin adapter over the library (``pip install 'corsguard[cli]'``)."""

from __future__ import annotations
