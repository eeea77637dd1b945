# Folio's two Quick start commands (see README.md):
#   make demo   install everything into .venv, prepare the demo data, serve it
#   make test   install everything into .venv, run the whole test suite
# Everything installs into the project's own virtual environment (.venv).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install

install: $(INSTALLED)

$(INSTALLED): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Folio needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) --version 2>&1). Set PYTHON=python3.12 (or newer)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $(INSTALLED)

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_user
	$(PY) manage.py generate_sales_data --if-empty --seed 7 --books 500 --sales 20000
	$(PY) manage.py generate_finance_data --if-empty --seed 7
	@echo ""
	@echo "Folio is starting at http://$(HOST):$(PORT)/  (admin: /admin/, API docs: /api/docs/)"
	@echo "Sign in as demo / folio-demo. A Celery worker syncs the warehouse every 45 s (log: var/celery.log)."
	@echo "Stop with Ctrl-C."
	@echo ""
	@$(VENV)/bin/celery -A config worker -B --pool=solo --loglevel=INFO --logfile=var/celery.log & \
		worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest
