# briefgen: two commands on a fresh machine.
#   make brief   set everything up and build the default brief for the policymaker audience
#   make test    set everything up and run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: brief test test-fast golden mutate review-property export bench package-check system-deps schema template diagnostics clean

brief: $(STAMP)
	$(BIN)/briefgen check
	$(BIN)/briefgen build --audience policymaker

test: $(STAMP)
	@scripts/system-deps.sh --test
	@scripts/run-tests.sh $(BIN)/python

# The suite without the end-to-end tests marked slow: for the edit-test loop. CI runs `make test`.
test-fast: $(STAMP)
	@scripts/system-deps.sh --test
	@scripts/run-tests.sh $(BIN)/python -m "not slow"

# The golden reports of tests/fixtures/*.expected, rewritten from a fresh check; prints the diff to review.
golden: $(STAMP)
	$(BIN)/python scripts/golden.py

# Mutation testing, group by group ([tool.briefgen.mutation] in pyproject.toml, scripts/mutate.py); kill
# rates per module, and a failure below the target (scripts/mutation_report.py). Each group's results stay
# in .mutation/<group>/ (`cd .mutation/select && mutmut browse`). `make mutate GROUPS=select` runs one.
mutate: $(STAMP)
	@scripts/system-deps.sh --test
	$(BIN)/python scripts/mutate.py $(GROUPS)
	$(BIN)/python scripts/mutation_report.py

# The review round trip (tests/test_review_roundtrip.py) with 150 examples a workspace instead of 8.
review-property: $(STAMP)
	@scripts/system-deps.sh --test
	BRIEFGEN_REVIEW_EXAMPLES=150 $(BIN)/python -m pytest -p no:randomly tests/test_review_roundtrip.py

export: $(STAMP)
	BRIEFGEN=$(BIN)/briefgen scripts/export.sh

# The full benchmark (minutes): writes benchmarks/results.md, appends its figures to benchmarks/history.jsonl
# and compares them with the previous entry (`benchmarks/run.py --compare` does that alone). py-spy profiles
# the rows that miss their target.
bench: $(STAMP)
	@$(BIN)/py-spy --version >/dev/null 2>&1 || $(BIN)/python -m pip install --quiet "py-spy>=0.4"
	$(BIN)/python benchmarks/run.py

# The sdist and wheel as users get them (scripts/release.py check, the CI package job): built once into
# dist/, twine check --strict, the wheel in a clean virtualenv (briefgen init demo && briefgen build),
# then the whole suite from the unpacked sdist against it. `make package-check PYTEST_ARGS=tests/test_cli.py`
# runs part of the suite.
package-check: $(STAMP)
	@scripts/system-deps.sh --test
	$(BIN)/python scripts/release.py check -- $(PYTEST_ARGS)

system-deps:
	@scripts/system-deps.sh

# pip >= 25.1 reads dependency groups (--group, pyproject.toml's [dependency-groups]): upgraded first.
$(STAMP): pyproject.toml scripts/system-deps.sh
	@scripts/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[charts,accessibility,site]' --group test --group dev
	@touch $(STAMP)

schema: $(STAMP)
	$(BIN)/briefgen schema --out schemas

template: $(STAMP)
	$(BIN)/python -m briefgen.render.docx.template src/briefgen/defaults/templates/brief.docx

# docs/diagnostics.md, written from the registry of diagnostic codes (src/briefgen/diagnostics/codes.py);
# tests/test_diagnostic_codes.py fails until it is current.
diagnostics: $(STAMP)
	$(BIN)/python -m briefgen.commands.explain docs/diagnostics.md

clean:
	rm -rf $(VENV) dist .pytest_cache mutants
