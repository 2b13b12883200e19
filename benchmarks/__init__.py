"""Benchmarks of corsguard's CORSMiddleware against Starlette's and against no middleware.

Run them with ``python -m benchmarks`` (they are not part of the test suite).
"""
