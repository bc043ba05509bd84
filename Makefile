# Connection Check — developer entry points. See README.md.
#   make run    the app: the window where there is a display, else a check in the terminal
#   make test   every test (installs what the tests need on first use)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-from-lock

# Debian packages the tests need: the censorship lab (iptables, iproute2, coturn),
# real windows for screenshots (xvfb + xcb libraries), Qt's runtime libraries.
SYSTEM_PACKAGES := iptables iproute2 coturn binutils xz-utils xvfb xauth libxcb-icccm4 libxcb-keysyms1 \
	libxcb-cursor0 libxcb-image0 libxcb-render-util0 libxkbcommon-x11-0 libxkbcommon0 \
	libegl1 libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0 fonts-dejavu-core dpkg-dev
# The Windows installer, built and tested under Wine (tests/windows, docs/packaging.md): Wine,
# NSIS, mingw for two Wine-only stand-in DLLs, screenshots of the window, signing, locales.
WINDOWS_PACKAGES := wine wine64 nsis gcc-mingw-w64-x86-64-win32 imagemagick x11-utils \
	osslsigncode openssl locales
SYSTEM_PACKAGES += $(WINDOWS_PACKAGES)

.PHONY: run test lint typecheck pytest sysdeps venv clean dist dist-windows sign-windows screenshots screenshots-lab bench sign-catalog

venv: $(STAMP)

# The virtual environment is made from the lock file once; it is remade only when the lock changes.
$(STAMP): requirements.lock pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

run: $(STAMP)
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then $(BIN)/conncheck; else $(BIN)/conncheck check; fi

sysdeps:
	@bash .ci/system-deps.sh $(SYSTEM_PACKAGES)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m app.knowledge.check_translations

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

test: sysdeps $(STAMP) lint typecheck pytest

screenshots: sysdeps $(STAMP)
	$(BIN)/python -m tools.screenshots docs/screenshots

# The README's real results afresh: healthy, calls blocked, only domestic sites and no internet
# run in the censorship lab (root, docs/lab.md), pictured in the window (lab-*.png). Plain
# `make screenshots` pictures the recorded runs in tests/golden/runs instead (no root).
screenshots-lab: sysdeps $(STAMP)
	$(BIN)/python -m tools.screenshots --from-lab docs/screenshots

dist: $(STAMP)
	bash build/linux/make-dist.sh

# The Windows installer and portable zip, on Linux under Wine (docs/packaging.md, Windows).
dist-windows: $(STAMP)
	@bash .ci/system-deps.sh $(WINDOWS_PACKAGES)
	$(BIN)/python build/windows/make_dist.py

# The same, with both executables, the uninstaller and the installer signed (osslsigncode);
# needs CONNCHECK_SIGN_PFX (and CONNCHECK_SIGN_PASSWORD, CONNCHECK_SIGN_TIMESTAMP).
sign-windows: $(STAMP)
	@bash .ci/system-deps.sh $(WINDOWS_PACKAGES)
	$(BIN)/python build/windows/make_dist.py --sign

# A catalog update for the mirrors (docs/catalog.md "Publish an update"): the catalog, its CA
# files and the signature into dist/catalog/. The private key comes from CONNCHECK_CATALOG_KEY_FILE
# (or CONNCHECK_CATALOG_KEY), never from the repository. CATALOG=path signs another file.
sign-catalog: $(STAMP)
	$(BIN)/python -m tools.sign_catalog $(CATALOG) $(if $(SIGN_OUT),--out $(SIGN_OUT))

# Every benchmark's tables (docs/performance.md); as root for the lab. BENCH_RUNS=3 runs per lab
# scenario; `make bench BENCH=checkup` runs only the named modules.
bench: sysdeps $(STAMP)
	$(BIN)/python -m benchmarks $(BENCH)

clean:
	rm -rf $(VENV) var dist
