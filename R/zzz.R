# Start-up check that LibTorch runs on an optimized BLAS.

# Debian's LibTorch does its dense products through the system BLAS; with the reference BLAS
# the genotype layer is ~35x slower, so say so once when the package is attached.
.onAttach <- function(libname, pkgname) {
  if (!optimized_blas_loaded()) {
    packageStartupMessage(
      "gpatlas: no optimized BLAS (OpenBLAS, MKL, BLIS) is loaded; training will be slow.\n",
      "  On Debian: apt-get install libopenblas0-pthread"
    )
  }
}

optimized_blas_loaded <- function(maps = "/proc/self/maps") {
  if (!file.exists(maps)) return(TRUE)  # cannot tell on this platform: stay quiet
  libs <- tryCatch(readLines(maps, warn = FALSE), error = function(e) character())
  if (!length(libs)) return(TRUE)
  any(grepl("openblas|libmkl|libblis", libs))
}
