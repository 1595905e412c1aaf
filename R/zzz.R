# Loading the native library (OpenMP threads set to wait passively first) and the start-up
# check that LibTorch runs on an optimized BLAS.

# GNU OpenMP reads its wait policy once, when it is loaded, which happens with our library.
# Its default spins idle threads for a while; on a busy machine spinning threads take the cores
# the working ones need (a 2-thread fit measured 50-90x slower than a 1-thread fit on a loaded
# 2-core machine). So the library is loaded here, after setting the passive policy unless the
# user chose one, rather than by useDynLib before any package code runs.
.onLoad <- function(libname, pkgname) {
  if (!nzchar(Sys.getenv("OMP_WAIT_POLICY"))) Sys.setenv(OMP_WAIT_POLICY = "PASSIVE")
  dll <- library.dynam(pkgname, pkgname, libname)
  ns <- topenv(environment(sys.function()))
  # The R wrappers call the registered routines through these objects, as useDynLib's
  # .registration = TRUE would define them.
  for (routine in getDLLRegisteredRoutines(dll)$.Call) {
    assign(routine$name, routine, envir = ns)
  }
}

.onUnload <- function(libpath) {
  library.dynam.unload("gpatlas", libpath)
}

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
