# Folio's two Quick start commands (see README.md):
#   make demo   install everything (.venv, npm packages), build the dashboard, prepare the demo data, serve it
#   make test   install everything, build the dashboard, run the whole test suite (browser tests included)
# and for development:
#   make lint       ruff (check and format), mypy, then the dashboard's ESLint, Prettier, TypeScript and Vitest unit tests
#   make test-fast  the tests that need no PostgreSQL, Redis or browser and are not slow
#   make tools      checkov in its own virtual environment (.venv/tools), for the deployment checks
#   make compose-test  compose's Folio services (folio:latest) against the host's PostgreSQL and Redis
# and for deployment (README "Deployment: the image"):
#   make image       build the container image with podman: IMAGE=folio:latest, BASE_IMAGE= the Debian bookworm base
#   make image-test  build it from a Debian base made here, then run migrate and web against the host's PostgreSQL
#                    and Redis and check health, readiness, a login and an API answer through the container
#   make image-test-chromium  the same for the INCLUDE_CHROMIUM=true variant, plus a page printed to PDF inside it
# Python packages install into the project's own virtual environment (.venv), npm packages
# into frontend/node_modules.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test test-fast lint install frontend tools compose-test image image-test image-test-chromium

install: $(INSTALLED)

# The dashboard: npm packages from the lock file, TypeScript types from the API's own
# OpenAPI schema, then `vite build` into frontend/dist (which Django serves).
NODE_MODULES := frontend/node_modules/.installed
FRONTEND_BUILD := frontend/dist/index.html
FRONTEND_SOURCES := $(shell find frontend/src -type f 2>/dev/null) frontend/index.html frontend/vite.config.ts \
	frontend/tsconfig.json frontend/tsconfig.app.json frontend/tsconfig.node.json
API_SOURCES := $(shell find analytics/api -name '*.py' 2>/dev/null)

frontend: $(FRONTEND_BUILD)

$(NODE_MODULES): frontend/package.json frontend/package-lock.json
	@command -v npm >/dev/null || { echo "The dashboard needs Node.js 20.19+ with npm (https://nodejs.org)."; exit 1; }
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $(NODE_MODULES)

$(FRONTEND_BUILD): $(INSTALLED) $(NODE_MODULES) $(FRONTEND_SOURCES) $(API_SOURCES)
	$(PY) manage.py spectacular --format openapi-json --file frontend/openapi.json
	cd frontend && npm run build --silent

$(INSTALLED): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Folio needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) --version 2>&1). Set PYTHON=python3.12 (or newer)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $(INSTALLED)

# Development tools (ruff) for `make lint`, on top of the runtime packages.
DEV_INSTALLED := $(VENV)/.dev-installed
$(DEV_INSTALLED): $(INSTALLED) requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(DEV_INSTALLED)

demo: install frontend
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_user
	$(PY) manage.py generate_sales_data --if-empty --seed 7 --books 500 --sales 20000
	$(PY) manage.py generate_finance_data --if-empty --seed 7
	@echo ""
	@echo "Folio is starting at http://$(HOST):$(PORT)/  (admin: /admin/, API docs: /api/docs/)"
	@echo "Sign in as demo / folio-demo. A Celery worker syncs the warehouse after each write, and every 45 s (log: var/celery.log)."
	@echo "Stop with Ctrl-C."
	@echo ""
	@$(VENV)/bin/celery -A config worker -B --pool=solo --loglevel=INFO --logfile=var/celery.log & \
		worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(PY) manage.py runserver $(HOST):$(PORT)

# TEST_WORKERS pytest processes (pytest-xdist), one test file each at a time; each has its
# own PostgreSQL databases and Redis database (config/settings/test.py). TEST_WORKERS=0: one process.
TEST_WORKERS ?= 2
test: install frontend tools
	$(PY) -m pytest $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadfile)

# Markers come from conftest.py (what each test needs); this selection runs with neither
# service up and no dashboard build.
test-fast: install
	$(PY) -m pytest -m "not postgres and not redis and not browser and not slow"

# Python lint, format check and types (ruff and mypy, configured in pyproject.toml), then lint and types of the
# dashboard (the committed openapi.json gives the types).
lint: $(DEV_INSTALLED) $(NODE_MODULES)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	cd frontend && npm run lint --silent && npm run typecheck --silent && npm test --silent

# Checkers whose pinned dependencies clash with Folio's (checkov) live in their own virtual
# environment; the suite's deployment tests and CI call .venv/tools/bin/checkov.
TOOLS_VENV := .venv/tools
TOOLS_INSTALLED := $(TOOLS_VENV)/.installed
tools: $(TOOLS_INSTALLED)

$(TOOLS_INSTALLED): requirements-tools.txt
	$(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(TOOLS_VENV)/bin/pip install --quiet -r requirements-tools.txt
	@touch $(TOOLS_INSTALLED)

# compose's web, worker, beat and migrate from the image (IMAGE=, default folio:latest)
# against the host's PostgreSQL, Redis and a moto S3 endpoint (compose.host.yaml), then
# /healthz, /readyz and every container's own health check; everything is removed after.
compose-test: install
	deploy/compose-test.sh
# The container image, built with podman (Containerfile; Docker reads it as well). Without
# BASE_IMAGE the Containerfile's default, debian:bookworm-slim, is pulled; a base made from
# Debian's packages with debootstrap (LOCAL_BASE_IMAGE) serves where no registry can be
# reached. CA_BUNDLE (the proxy's CA, else the system bundle) reaches the build as a
# secret only, never a layer.
IMAGE ?= folio:latest
# INCLUDE_CHROMIUM=true adds Debian's Chromium and Playwright (PDF and PNG reports) for the
# worker that delivers reports; image-test-chromium builds and checks it as IMAGE_CHROMIUM.
INCLUDE_CHROMIUM ?= false
IMAGE_CHROMIUM ?= folio:chromium
BASE_IMAGE ?=
LOCAL_BASE_IMAGE := localhost/debian-base:bookworm
CA_BUNDLE ?= $(or $(SSL_CERT_FILE),$(wildcard /etc/ssl/certs/ca-certificates.crt))
comma := ,
# runc and no default ulimits: what podman needs on hosts like this project's (deploy/podman/).
export CONTAINERS_CONF ?= $(CURDIR)/deploy/podman/containers.conf

image:
	deploy/podman/setup.sh $(filter $(LOCAL_BASE_IMAGE),$(BASE_IMAGE))
	podman build --network host --format docker --file Containerfile --tag $(IMAGE) \
		$(if $(BASE_IMAGE),--build-arg BASE_IMAGE=$(BASE_IMAGE)) \
		--build-arg INCLUDE_CHROMIUM=$(INCLUDE_CHROMIUM) \
		$(if $(CA_BUNDLE),--secret id=ca$(comma)src=$(CA_BUNDLE)) .

# Builds the image (from the local Debian base unless BASE_IMAGE names one), then runs it
# with the host's network against TEST_POSTGRES_URL's server (in a database of its own,
# created and dropped here) and TEST_REDIS_URL's Redis (database 8).
image-test: install
	$(MAKE) image BASE_IMAGE=$(or $(BASE_IMAGE),$(LOCAL_BASE_IMAGE))
	$(PY) deploy/podman/image_test.py --image $(IMAGE)

# The Chromium variant (the reports worker's): the same checks, then a page printed to PDF
# inside it. Apart from image-test to keep CI within its time budget.
image-test-chromium: install
	$(MAKE) image BASE_IMAGE=$(or $(BASE_IMAGE),$(LOCAL_BASE_IMAGE)) IMAGE=$(IMAGE_CHROMIUM) INCLUDE_CHROMIUM=true
	$(PY) deploy/podman/image_test.py --image $(IMAGE_CHROMIUM) --chromium
