# The default fit on the yeast cross (sequential split, 2 threads) with the installed package
# against a reference build of it, side by side over several seeds: alternating fresh R
# processes, one fit each, so that the load of the shared machine hits both builds alike.
# Reports per build and seed the fit's seconds, the held-out median R^2 and the number of
# traits (of 46) on which it beats the per-trait lasso (cached per-trait results of
# bench/yeast_vs_linear.R), then the mean over seeds and the ratio of the median times.
# Usage: Rscript bench/core_model_seeds.R REFERENCE_LIB [seeds] [data_dir] [name]
#   REFERENCE_LIB: an R library holding the reference build, e.g. the last commit in which R
#     assembled the model from many core calls:
#     git worktree add --detach /tmp/ref 1fb2934 && mkdir /tmp/ref-lib &&
#       (cd /tmp/ref && ./configure && R CMD INSTALL --no-test-load -l /tmp/ref-lib .)
#   seeds: how many (1, 2, ...; default 3).
#   name: results file name (default core_model_seeds).
# Writes bench/results/<name>.txt and bench/results/<name>.csv.
args <- commandArgs(trailingOnly = TRUE)
if (!length(args)) stop("usage: Rscript bench/core_model_seeds.R REFERENCE_LIB [seeds] [data_dir]")
ref_lib <- normalizePath(args[1])
n_seeds <- if (length(args) > 1) as.integer(args[2]) else 3L
dir <- if (length(args) > 2) args[3] else Sys.getenv("GPATLAS_BYXRM_DIR", "../shared/data/byxrm")
dir <- normalizePath(dir)
name <- if (length(args) > 3) args[4] else "core_model_seeds"
lasso <- utils::read.csv("bench/results/yeast_linear_fits.csv")
lasso <- lasso[lasso$method == "lasso", c("trait", "r2")]

child <- tempfile(fileext = ".R")
writeLines(c(
  "suppressPackageStartupMessages(library(gpatlas))",
  "a <- commandArgs(trailingOnly = TRUE)",
  "parts <- gp_split(read_byxrm(a[1]), prop = 0.8, method = 'sequential')",
  "ctl <- gpatlas_control(threads = 2, verbose = FALSE, seed = as.integer(a[2]))",
  "secs <- system.time(fit <- gpatlas(. ~ ., parts$train, ctl))[['elapsed']]",
  "m <- gp_metrics(fit, parts$test)$per_phenotype",
  "m$seconds <- secs",
  "m$library <- dirname(system.file(package = 'gpatlas'))",
  "utils::write.csv(m[, c('trait', 'r2', 'seconds', 'library')], a[3], row.names = FALSE)"
), child)

run <- function(build, seed) {
  env <- if (build == "reference") paste0("R_LIBS=", ref_lib) else character()
  out <- tempfile(fileext = ".csv")
  status <- system2("Rscript", c(child, shQuote(dir), seed, out), env = env)
  if (status != 0) stop("the ", build, " fit failed")
  m <- utils::read.csv(out)
  if ((build == "reference") != startsWith(m$library[1], ref_lib)) {
    stop("the ", build, " fit loaded gpatlas from ", m$library[1])
  }
  r2 <- m$r2[match(lasso$trait, m$trait)]
  data.frame(build = build, seed = seed, seconds = m$seconds[1],
             median_r2 = stats::median(m$r2, na.rm = TRUE),
             wins_vs_lasso = sum(r2 > lasso$r2, na.rm = TRUE))
}

rows <- list()
for (s in seq_len(n_seeds)) for (b in c("current", "reference")) rows[[length(rows) + 1]] <- run(b, s)
res <- do.call(rbind, rows)
dir.create("bench/results", showWarnings = FALSE)
utils::write.csv(res, file.path("bench/results", paste0(name, ".csv")), row.names = FALSE)
summ <- do.call(rbind, lapply(split(res, res$build), function(d) {
  data.frame(build = d$build[1], seeds = nrow(d), mean_median_r2 = round(mean(d$median_r2), 4),
             range_median_r2 = paste(sprintf("%.4f", range(d$median_r2)), collapse = "-"),
             mean_wins = mean(d$wins_vs_lasso), median_seconds = stats::median(d$seconds))
}))
ratio <- summ$median_seconds[summ$build == "current"] /
  summ$median_seconds[summ$build == "reference"]
out <- c(sprintf("# bench/core_model_seeds.R (%s), %d processors, load %s, %s",
                 paste(args, collapse = " "), parallel::detectCores(), paste(readLines("/proc/loadavg", warn = FALSE)),
                 format(Sys.time(), "%Y-%m-%d %H:%M UTC", tz = "UTC")),
         sprintf("# reference library: %s", ref_lib),
         capture.output(print(res, row.names = FALSE)), "",
         capture.output(print(summ, row.names = FALSE)),
         sprintf("median fit time, current / reference: %.3f", ratio))
writeLines(out, file.path("bench/results", paste0(name, ".txt")))
writeLines(out)
