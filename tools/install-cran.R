# Installs from CRAN those of the named packages that are missing; used by `make deps` and
# `make bench-deps`.  Usage: Rscript tools/install-cran.R REPO PKG...
args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 2L) stop("usage: Rscript tools/install-cran.R REPO PKG...", call. = FALSE)
repo <- args[1L]
pkgs <- args[-1L]
present <- function(p) vapply(p, requireNamespace, logical(1), quietly = TRUE)
miss <- pkgs[!present(pkgs)]
if (!length(miss)) {
  message("CRAN packages present: ", paste(pkgs, collapse = " "))
  quit(status = 0)
}
message("installing from CRAN: ", paste(miss, collapse = " "))
install.packages(miss, repos = repo, dependencies = NA)
bad <- miss[!present(miss)]
if (length(bad)) stop("could not install from CRAN: ", paste(bad, collapse = " "), call. = FALSE)
