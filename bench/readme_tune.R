# The README's tuning example, timed: gp_tune() over additive_pairs 0 and 20 with 3 folds on the
# yeast training segregants (sequential split), 6 default fits on two thirds of them.
# Usage, from the repository root after `make install`:
#   Rscript bench/readme_tune.R [threads]   (default 2; writes bench/results/readme_tune.txt)
suppressPackageStartupMessages(library(gpatlas))
args <- commandArgs(trailingOnly = TRUE)
threads <- if (length(args)) as.integer(args[1]) else 2L
parts <- gp_split(byxrm, prop = 0.8, method = "sequential")
load <- readLines("/proc/loadavg", warn = FALSE)
t <- system.time(tuned <- gp_tune(. ~ ., parts$train, folds = 3,
                                  grid = list(additive_pairs = c(0, 20)),
                                  control = gpatlas_control(threads = threads, verbose = FALSE)))
out <- c(sprintf("# bench/readme_tune.R, %d processors, threads = %d, load %s, %s",
                 parallel::detectCores(), threads, load,
                 format(Sys.time(), "%Y-%m-%d %H:%M UTC", tz = "UTC")),
         sprintf("gp_tune(), 2 settings x 3 folds: %.1f s elapsed, %.1f s CPU", t[["elapsed"]],
                 t[["user.self"]] + t[["sys.self"]]),
         capture.output(print(tuned)))
dir.create("bench/results", showWarnings = FALSE)
writeLines(out, "bench/results/readme_tune.txt")
writeLines(out)
