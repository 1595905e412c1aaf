# VIDA time and peak memory on a 202 x 23,246 importance matrix (the yeast test set's size).
#
# Usage: Rscript bench/vida_speed.R [data_dir]
# With the yeast data, the matrix is the real one: a model trained for 1 epoch per stage on the
# sequential split (VIDA's cost does not depend on the weights, only on the matrix's size and
# zero pattern), `gp_importance()` on the 202 test segregants, computed in a child process so
# that training memory does not count towards VIDA's peak. A random matrix of the same size
# with half its entries zero (the one-hot pattern of a two-allele cross) is timed as well, and
# the 16-setting grid of gp_vida_optimize() on the real matrix (its labels are arbitrary: this
# measures time only).
suppressPackageStartupMessages(library(gpatlas))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) >= 1) args[1] else Sys.getenv("GPATLAS_BYXRM_DIR", "../shared/data/byxrm")
threads <- 2L

peak_gb <- function() {
  line <- grep("^VmHWM", readLines("/proc/self/status"), value = TRUE)
  as.numeric(sub("[^0-9]*([0-9]+).*", "\\1", line)) / 1024^2
}

real <- NULL
if (file.exists(file.path(dir, "BYxRM_GenoData.txt.gz"))) {
  out <- tempfile(fileext = ".rds")
  code <- sprintf(paste0(
    "suppressPackageStartupMessages(library(gpatlas));",
    "yeast <- read_byxrm('%s'); parts <- gp_split(yeast, prop = 0.8, method = 'sequential');",
    "fit <- gpatlas(. ~ ., parts$train, gpatlas_control(preset = 'publication', epochs_pheno = 1, epochs_geno = 1,",
    " threads = %d, verbose = FALSE));",
    "saveRDS(gp_importance(fit, parts$test, verbose = FALSE), '%s')"),
    normalizePath(dir), threads, out)
  status <- system2(file.path(R.home("bin"), "Rscript"), c("-e", shQuote(code)))
  if (status == 0) real <- readRDS(out)
}

set.seed(1)
n <- 202L
p <- 23246L
random <- matrix(rlnorm(n * p) * (runif(n * p) < 0.5), n, p)

lines <- c(format(Sys.time(), "%Y-%m-%d %H:%M"),
           sprintf("command: Rscript bench/vida_speed.R %s  (%d threads, %d cores)", dir,
                   threads, parallel::detectCores()),
           sprintf("R process before VIDA: peak RSS %.2f GB", peak_gb()))
report <- function(label, seconds, v) {
  scored <- if (inherits(v, "gp_vida")) sum(!is.na(v$scores$vida_score)) else NA
  line <- sprintf("%s: %.1f s, peak RSS of the process so far %.2f GB%s", label, seconds,
                  peak_gb(), if (is.na(scored)) "" else sprintf(", %d alleles scored", scored))
  cat(line, "\n")
  lines <<- c(lines, line)
}

if (!is.null(real)) {
  m <- real$matrix
  label <- sprintf("gp_vida, real yeast importance %d x %d (%.0f%% zeros), defaults", nrow(m),
                   ncol(m), 100 * mean(m == 0))
  s <- system.time(v <- gp_vida(real, verbose = FALSE, threads = threads))[["elapsed"]]
  report(label, s, v)
  top <- utils::head(v$loci[order(v$loci$rank), c("marker", "vida_score")], 3)
  lines <- c(lines, paste("  top loci:", paste(sprintf("%s %.4g", top$marker, top$vida_score),
                                                collapse = ", ")))
}
s <- system.time(v <- gp_vida(random, verbose = FALSE, threads = threads))[["elapsed"]]
report(sprintf("gp_vida, random %d x %d (50%% zeros, log-normal), defaults", n, p), s, v)
if (!is.null(real)) {
  truth <- seq_len(ncol(real$matrix)) %% 50 == 0
  s <- system.time(o <- gp_vida_optimize(real, truth, verbose = FALSE,
                                         threads = threads))[["elapsed"]]
  report("gp_vida_optimize, real matrix, 4 thresholds x 4 percentiles (timing only)", s, o)
}

dir.create("bench/results", showWarnings = FALSE)
writeLines(lines, "bench/results/vida_speed.txt")
