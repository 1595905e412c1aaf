# Setup, build, demo and tests of gpatlas.  `make demo` and `make test` start from a fresh Debian.
R ?= R
RSCRIPT ?= Rscript
JOBS ?= 2
DEB_PACKAGES = r-base-dev r-cran-rcpp r-cran-rcppeigen r-cran-testthat r-cran-roxygen2 \
	r-cran-qtl r-cran-ggplot2 r-cran-glmnet r-cran-knitr r-cran-rmarkdown \
	r-cran-future r-cran-future.apply \
	r-cran-data.table r-cran-yaml r-cran-jsonlite r-cran-rsqlite \
	libtorch-dev libopenblas0-pthread catch2 cmake g++ make
# CRAN packages that Debian does not ship, used only by benchmarks in bench/ (`make bench-deps`):
# bigstatsr brings newer ggplot2-family packages from CRAN over Debian's, so the package's own
# build and tests do not install it.
CRAN_PACKAGES = bigstatsr
# CRAN packages that Debian does not ship, used by the package's tests and vignettes (Suggests);
# their dependencies come from Debian above (qtl2: Rcpp, RcppEigen, data.table, yaml, jsonlite, RSQLite).
CRAN_SUGGESTS = qtl2
CRAN_REPO ?= https://cloud.r-project.org
SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps bench-deps docs install demo test test-r test-cpp sanitize check bench clean

# Installs only the Debian packages that are missing, then the CRAN packages of CRAN_SUGGESTS
# that are missing (no network access when everything is present).
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "all Debian packages present"; fi
	@env MAKEFLAGS=-j$(JOBS) $(RSCRIPT) tools/install-cran.R $(CRAN_REPO) $(CRAN_SUGGESTS)

bench-deps: deps
	@env MAKEFLAGS=-j$(JOBS) $(RSCRIPT) tools/install-cran.R $(CRAN_REPO) $(CRAN_PACKAGES)

docs:
	$(RSCRIPT) -e 'roxygen2::roxygenise(roclets = c("rd", "namespace"), load_code = "source")'

# flock: several shells may install at once while developing; one at a time is safe.
install: deps
	flock /tmp/gpatlas-install.lock env MAKEFLAGS=-j$(JOBS) $(R) CMD INSTALL --no-test-load .

# The plot goes to build/ (ignored by git), never into the repository root.
demo: install
	mkdir -p build
	$(RSCRIPT) inst/scripts/demo.R build/gpatlas-demo.png

test: install test-r test-cpp

test-r:
	$(RSCRIPT) tools/run-tests.R

test-cpp:
	cmake -S tests/cpp -B build/cpp -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build build/cpp -j$(JOBS)
	cd build/cpp && ctest --output-on-failure

# The Catch2 suite under AddressSanitizer + UndefinedBehaviorSanitizer; any report fails it.
sanitize: deps
	cmake -S tests/cpp -B build/sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGPATLAS_SANITIZE=ON >/dev/null
	cmake --build build/sanitize -j$(JOBS)
	cd build/sanitize && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_odr_violation=0 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/cpp/lsan.supp \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure

# R CMD build + check of the source tree; fails on any ERROR or WARNING (NOTEs are listed).
check: deps
	rm -rf build/check && mkdir -p build/check
	cd build/check && $(R) CMD build ../.. >build.log 2>&1 || { cat build.log; exit 1; }
	cd build/check && _R_CHECK_FORCE_SUGGESTS_=false MAKEFLAGS=-j$(JOBS) \
	  $(R) CMD check --no-manual gpatlas_*.tar.gz; \
	  grep -q "^Status: \(OK\|[0-9]* NOTEs\?\)$$" gpatlas.Rcheck/00check.log

bench: install
	$(RSCRIPT) bench/stage2_speed.R

clean:
	./cleanup
	rm -rf build
