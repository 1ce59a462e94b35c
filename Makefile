# briefgen: two commands on a fresh machine.
#   make brief   set everything up and build the default brief for the policymaker audience
#   make test    set everything up and run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: brief test export bench system-deps schema template clean

brief: $(STAMP)
	$(BIN)/briefgen check
	$(BIN)/briefgen build --audience policymaker

test: $(STAMP)
	@scripts/system-deps.sh --test
	@scripts/run-tests.sh $(BIN)/python

export: $(STAMP)
	BRIEFGEN=$(BIN)/briefgen scripts/export.sh

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

system-deps:
	@scripts/system-deps.sh

$(STAMP): pyproject.toml scripts/system-deps.sh
	@scripts/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	@touch $(STAMP)

schema: $(STAMP)
	$(BIN)/briefgen schema --out schemas

template: $(STAMP)
	$(BIN)/python -m briefgen.render.docx_template src/briefgen/defaults/templates/brief.docx

clean:
	rm -rf $(VENV) dist .pytest_cache
