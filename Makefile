# BHMIS: `make run` serves the product with demo data, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAO_VERSION := 8.0.11
SAO_DIR := var/sao
SAO := $(SAO_DIR)/package
# The public website's npm files (the Urdu font, Leaflet, axe-core for the
# tests), listed in addons/bhmis_website/package.json
WEBSITE_DIR := var/website
WEBSITE_PACKAGES := addons/bhmis_website/package.json

.PHONY: install run test bench lint clean

install: $(VENV)/.installed $(SAO)/.installed $(WEBSITE_DIR)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	$(BIN)/python -m pip install -q --no-deps face_recognition==1.3.0
	touch $@

$(SAO)/.installed:
	rm -rf $(SAO) && mkdir -p $(SAO_DIR)
	cd $(SAO_DIR) && npm pack -q tryton-sao@$(SAO_VERSION) >/dev/null \
		&& tar xzf tryton-sao-$(SAO_VERSION).tgz && rm tryton-sao-$(SAO_VERSION).tgz
	cd $(SAO) && npm install -q --omit=dev --legacy-peer-deps --no-audit --no-fund >/dev/null
	touch $@

$(WEBSITE_DIR)/.installed: $(WEBSITE_PACKAGES)
	mkdir -p $(WEBSITE_DIR) && cp $(WEBSITE_PACKAGES) $(WEBSITE_DIR)/package.json
	cd $(WEBSITE_DIR) && npm install -q --omit=dev --no-audit --no-fund >/dev/null
	touch $@

run: install
	$(BIN)/bhmis init --demo small
	$(BIN)/bhmis serve

test: install
	bash tests/run

bench: install
	$(BIN)/python -m benchmarks

lint: install
	$(BIN)/ruff check addons bhmis tests benchmarks tools

clean:
	rm -rf $(VENV) var
