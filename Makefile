# Two commands set everything up on a fresh machine:
#   make run    runs the default scenario (baseline) from its start season to 2028Q4
#   make test   runs the test suite
# Both create .venv with a Python >= 3.12 interpreter found by tools/find-python.sh.

VENV      ?= .venv
PY        := $(VENV)/bin/python
SCENARIO  ?= baseline
SEED      ?= 1
PORT      ?= 8765
HOST      ?= 127.0.0.1
ASSETS    ?= .assets-cache

SUDO      := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: run test venv play assets system-deps bench lint clean

$(VENV)/.installed: pyproject.toml
	@interp=$$(tools/find-python.sh) || exit 1; \
	 echo "Using $$interp"; \
	 $$interp -m venv $(VENV) && \
	 $(PY) -m pip install --quiet --upgrade pip && \
	 $(PY) -m pip install --quiet -e '.[test]'
	@touch $@

venv: $(VENV)/.installed

run: $(VENV)/.installed
	$(VENV)/bin/wargame run $(SCENARIO) --seed $(SEED)

# Debian packages the browser tests and the asset fetch need: chromium (Playwright drives it) and npm.
system-deps:
	@[ -x /usr/bin/chromium ] || { echo "Installing Debian's chromium for the browser tests (apt-get)"; \
	  $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }
	@command -v npm >/dev/null || { echo "Installing npm to fetch the offline assets (apt-get)"; \
	  $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q npm; }

# Solara's front-end assets, fetched once from the npm registry so the browser game renders offline.
assets: $(VENV)/.installed system-deps
	$(PY) tools/fetch_assets.py --cache-dir $(ASSETS)

# The browser tabletop on http://$(HOST):$(PORT) (docs/tabletop.md), served from the local asset cache.
# HOST=0.0.0.0 serves a classroom network: the links' tokens are then the only access control.
play: $(VENV)/.installed assets
	SOLARA_ASSETS_PROXY_CACHE_DIR=$(abspath $(ASSETS)) SOLARA_TELEMETRY_MIXPANEL_ENABLE=false \
	  $(PY) -m solara run app.py --host $(HOST) --port $(PORT) --production

test: $(VENV)/.installed system-deps assets
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

bench: $(VENV)/.installed
	$(PY) benchmarks/bench_model.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .hypothesis
