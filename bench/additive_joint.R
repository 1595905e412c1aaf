# The default model's networks trained on the additive path's residuals (the default) against a
# joint fit of both parts by backfitting, side by side in one run.
#
# Usage: Rscript bench/additive_joint.R [data_dir]   (writes bench/results/additive_joint.txt)
# Data: the yeast cross (sequential split, 806 train / 202 test) and gp_simulate(epistasis =
# "live") (480 / 120), default settings, seed 1, 2 threads (GPATLAS_THREADS).
# "residual": the default fit; the additive path is fitted first, the networks learn its
#   out-of-fold residuals, shrunk per trait on validation data.
# "joint": backfitting towards the fit that minimizes the error of the sum of both parts: the
#   additive path is refitted to the phenotypes minus the networks' (shrunk) predictions on
#   the training individuals, the networks are retrained on the new path's out-of-fold
#   residuals; `rounds` such sweeps after the default fit.
suppressPackageStartupMessages(library(gpatlas))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args)) args[1] else Sys.getenv("GPATLAS_BYXRM_DIR", "../shared/data/byxrm")
threads <- as.integer(Sys.getenv("GPATLAS_THREADS", "2"))
rounds <- 2L
ns <- asNamespace("gpatlas")

backfit <- function(fit, train) {
  ctl <- fit$control
  y_std <- ns$scale_phenotypes(train$pheno[, fit$traits, drop = FALSE], fit$scaling)
  g <- train$geno[, fit$markers$marker, drop = FALSE]
  storage.mode(g) <- "integer"
  A <- fit$n_alleles
  total <- ns$scale_phenotypes(predict(fit, train, from = "genotype"), fit$scaling)
  net <- total - ns$additive_predict(fit$additive, g, A)
  add <- ns$additive_fit(y_std - net, g, A, nfolds = ctl$additive_folds, seed = ctl$seed,
                         threads = ctl$threads, pair_top = ctl$additive_pairs,
                         alpha = ctl$additive_alpha)
  resid <- y_std - add$oof
  rs <- apply(resid, 2L, stats::sd, na.rm = TRUE)
  rs[!is.finite(rs) | rs <= 0] <- 1
  add$resid_scale <- rs
  seeds <- ctl$seed + 1000 * (seq_len(ctl$n_seeds) - 1L)
  nets <- ns$fit_networks(sweep(resid, 2L, rs, "/"), g, A, ctl, seeds, resid, rs)
  add$oof <- NULL
  fit$additive <- add
  fit$params <- nets$members[[1L]]
  fit$ensemble <- nets$members[-1L]
  fit$calibration <- nets$calibration
  fit
}

score <- function(fit, test) {
  stats::median(gp_metrics(fit, test)$per_phenotype$r2, na.rm = TRUE)
}

run <- function(label, data, prop) {
  parts <- gp_split(data, prop = prop, method = "sequential")
  ctl <- gpatlas_control(threads = threads, verbose = FALSE, seed = 1)
  secs <- system.time(fit <- gpatlas(. ~ ., parts$train, ctl))[["elapsed"]]
  r2 <- score(fit, parts$test)
  add_only <- fit
  add_only$calibration <- lapply(fit$calibration, function(cal) cal * 0)
  rows <- list(data.frame(data = label, model = c("additive path alone", "residual (default)"),
                          median_r2 = round(c(score(add_only, parts$test), r2), 4),
                          seconds = c(NA, round(secs, 1))))
  for (r in seq_len(rounds)) {
    secs <- secs + system.time(fit <- backfit(fit, parts$train))[["elapsed"]]
    rows[[r + 1L]] <- data.frame(data = label, model = sprintf("joint, %d backfitting sweep%s", r,
                                                              if (r > 1L) "s" else ""),
                                 median_r2 = round(score(fit, parts$test), 4),
                                 seconds = round(secs, 1))
  }
  do.call(rbind, rows)
}

res <- rbind(run("yeast", read_byxrm(dir), 0.8),
             run("live epistasis", gp_simulate(epistasis = "live", epistasis_var = 0.3, seed = 1), 0.8))
out <- c(sprintf("# Rscript bench/additive_joint.R, %s, %d processors, load %s",
                 format(Sys.time(), "%Y-%m-%d %H:%M UTC", tz = "UTC"), parallel::detectCores(),
                 readLines("/proc/loadavg", warn = FALSE)),
         capture.output(print(res, row.names = FALSE)))
dir.create("bench/results", showWarnings = FALSE)
writeLines(out, "bench/results/additive_joint.txt")
writeLines(out)
