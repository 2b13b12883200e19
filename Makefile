# The two quick-start commands are `make demo` and `make test`; each installs what it needs.
.PHONY: demo test lint matrix bench docs

demo:
	@scripts/bootstrap cli
	@.venv/bin/python -m pip install -q --disable-pip-version-check 'fastapi>=0.115'
	@.venv/bin/corsguard check /items --app examples.demo_app:app \
	    --origin https://app.example.com -X PUT -H 'Content-Type: application/json' \
	    --data '{"name": "demo"}' --credentials include; true

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy

test:
	@scripts/bootstrap dev
	$(MAKE) lint
	$(MAKE) docs
	.venv/bin/python -m pytest
	$(MAKE) matrix

# The documentation site, from docs/ into site/, with one page per code generated at build time.
# --strict: a broken internal link or anchor fails the build.
docs:
	@[ -x .venv/bin/mkdocs ] || scripts/bootstrap docs
	NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict --quiet

# tests/compat on every supported Python x FastAPI x Starlette (scripts/matrix.toml), one
# virtualenv per row, cached in .matrix/. `make matrix ROWS="oldest newest"` runs a few rows.
matrix:
	@[ -x .venv/bin/python ] || scripts/bootstrap dev
	.venv/bin/python scripts/matrix.py $(ROWS)

bench:
	@scripts/bootstrap dev
	.venv/bin/python -m benchmarks
