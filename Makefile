# reportkit — two commands set everything up on a fresh machine:
#   make report   virtual environment + install + every demo output under build/
#   make test     the test-suite
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
PROJECT ?= content
OUT     ?= build
STAMP   := $(VENV)/.installed
HISTORY := content/history/2019/project.toml

# System libraries WeasyPrint needs (shared object : Debian package).
# libharfbuzz-subset0 makes font subsetting ~4x faster than the fontTools fallback.
SYS_LIBS := libpango-1.0.so.0:libpango-1.0-0 libpangoft2-1.0.so.0:libpangoft2-1.0-0 \
            libharfbuzz.so.0:libharfbuzz0b libharfbuzz-subset.so.0:libharfbuzz-subset0 \
            libfontconfig.so.1:libfontconfig1
# Real bold faces for the PDF and charts (the pip font package has Regular weights only):
# Debian's fonts-noto-cjk (templates/theme.toml [fonts] sans_bold / serif_bold).
BOLD_FONTS := Noto_Sans_CJK_SC Noto_Serif_CJK_SC

.PHONY: all install sysdeps report build validate score survey sheets promo province assess test bench baselines snapshots demo-data example-data example clean distclean

all: report

sysdeps:
	@missing=""; for pair in $(SYS_LIBS); do lib=$${pair%%:*}; pkg=$${pair##*:}; \
	  ldconfig -p 2>/dev/null | grep -q "$$lib" || missing="$$missing $$pkg"; done; \
	command -v fc-list >/dev/null 2>&1 || missing="$$missing fontconfig"; \
	for fam in $(BOLD_FONTS); do \
	  fc-list ':style=Bold' family 2>/dev/null | grep -q "$$(echo $$fam | tr _ ' ')" || { missing="$$missing fonts-noto-cjk"; break; }; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing system libraries:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "reportkit needs these system libraries:$$missing"; \
	    echo "Install them with:  sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory sysdeps
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test]'
	@touch $@

install: $(STAMP)

# The demo survey (87,000 questionnaires) is generated, deterministically, not committed.
demo-data: content/data/survey.csv $(HISTORY)
content/data/survey.csv: content/tools/make_survey.py | $(STAMP)
	$(BIN)/python content/tools/make_survey.py

# The demo's earlier checkups (content/history/2016 … 2019, `previous` of content/), generated too.
$(HISTORY): content/tools/make_history.py content/tools/make_survey.py \
            $(filter-out content/data/survey.csv,$(wildcard content/data/*.csv)) | $(STAMP)
	$(BIN)/python content/tools/make_history.py

# The county example's survey (4,800 questionnaires) is generated too; its small tables are
# committed (the same tool writes them, byte for byte).
EXAMPLE := examples/county
example-data: $(EXAMPLE)/data/survey.csv
$(EXAMPLE)/data/survey.csv: $(EXAMPLE)/tools/make_example.py | $(STAMP)
	$(BIN)/python $(EXAMPLE)/tools/make_example.py

# Every output of the county example in one build, under build/county/.
example: $(STAMP) $(EXAMPLE)/data/survey.csv
	$(BIN)/reportkit build --project $(EXAMPLE) --out $(OUT)/county

# Every demo output in one build: the report (with scores and survey results), the
# department and town sheets, the tracking workbooks and the campaign images.
report build: $(STAMP) content/data/survey.csv $(HISTORY)
	$(BIN)/reportkit build --project $(PROJECT) --out $(OUT)

validate: $(STAMP) content/data/survey.csv $(HISTORY)
	$(BIN)/reportkit validate --project $(PROJECT)

score survey sheets promo: $(STAMP) content/data/survey.csv $(HISTORY)
	$(BIN)/reportkit $@ --project $(PROJECT) --out $(OUT)

# The province demo: 21 Guangdong cities generated under $(PROVINCE_DEMO) (illustrative data),
# every city built by `reportkit batch` (one city is broken on purpose: the batch reports
# it and goes on), then the provincial summary under $(OUT)/province/.
PROVINCE_DEMO ?= build/province-demo
province: $(STAMP)
	$(BIN)/python content/tools/make_province.py --out $(PROVINCE_DEMO)
	-$(BIN)/reportkit batch --province $(PROVINCE_DEMO) --out $(OUT)
	$(BIN)/reportkit province --province $(PROVINCE_DEMO) --out $(OUT)

# The five-year assessment over the project and the earlier checkups its `previous` reaches.
assess: $(STAMP) content/data/survey.csv $(HISTORY)
	$(BIN)/reportkit assess --projects $(PROJECT) --out $(OUT)

test: $(STAMP) content/data/survey.csv $(HISTORY) $(EXAMPLE)/data/survey.csv
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

bench: $(STAMP) content/data/survey.csv $(HISTORY)
	$(BIN)/python bench/run.py

# Refresh the chart baseline images (only when a drawing change is intended).
baselines: $(STAMP)
	$(BIN)/python tests/update_baselines.py

# Refresh the text snapshots of the composed documents and result files (only when a
# change of content or wording is intended; read `git diff tests/snapshots` after).
snapshots: $(STAMP) content/data/survey.csv $(HISTORY)
	$(BIN)/python tests/update_snapshots.py

clean:
	rm -rf $(OUT) .pytest_cache

distclean: clean
	rm -rf $(VENV) content/data/survey.csv content/history $(EXAMPLE)/data/survey.csv
