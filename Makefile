# The two quick-start commands are `make demo` and `make test`; each installs what it needs.
.PHONY: demo test lint bench

demo:
	@scripts/bootstrap cli
	@.venv/bin/corsguard check http://testserver/items --app examples.basic:app \
	    --origin https://app.example.com -X PUT -H 'Content-Type: application/json' \
	    --credentials include; true

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy

test:
	@scripts/bootstrap dev
	$(MAKE) lint
	.venv/bin/python -m pytest

bench:
	@scripts/bootstrap dev
	.venv/bin/python -m benchmarks
