# Whole default fit on the yeast cross (sequential split): seconds and held-out median R^2 on
# 1 and 2 threads, side by side in one run.
# Usage: Rscript bench/yeast_default_time.R [data_dir]   (writes bench/results/yeast_default_time.txt)
suppressPackageStartupMessages(library(gpatlas))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args)) args[1] else Sys.getenv("GPATLAS_BYXRM_DIR", "../shared/data/byxrm")
yeast <- read_byxrm(dir)
parts <- gp_split(yeast, prop = 0.8, method = "sequential")
rows <- lapply(c(2L, 1L), function(threads) {
  secs <- system.time(fit <- gpatlas(. ~ ., parts$train,
                                     gpatlas_control(threads = threads, verbose = FALSE)))
  m <- gp_metrics(fit, parts$test)
  per_trait <- m$per_phenotype
  data.frame(threads = threads, seconds = round(secs[["elapsed"]], 1),
             median_r2 = round(stats::median(per_trait$r2, na.rm = TRUE), 4))
})
res <- do.call(rbind, rows)
out <- c(sprintf("# bench/yeast_default_time.R, %d processors, load %s, %s",
                 parallel::detectCores(), paste(readLines("/proc/loadavg", warn = FALSE)),
                 format(Sys.time(), "%Y-%m-%d %H:%M UTC", tz = "UTC")),
         capture.output(print(res, row.names = FALSE)))
dir.create("bench/results", showWarnings = FALSE)
writeLines(out, "bench/results/yeast_default_time.txt")
writeLines(out)
