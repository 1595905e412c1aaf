# Yeast cross: the additive path's elastic-net mixing (additive_alpha) against held-out accuracy
# and the ranking of markers nearest the published QTL peaks, side by side in one run.
#
# Usage: Rscript bench/additive_alpha.R [data_dir] [alpha ...]   (default alphas 1 0.75 0.5)
# For each alpha: the additive path alone (main effects and pair terms, as in the default
# model, 5-fold CV, seed 1) on the sequential split's 806 training segregants; held-out median
# R^2 over the 46 traits on the 202 test segregants; a marker's score is the largest, over its
# two alleles, of the sum over traits of its squared centred coefficients (standardized
# units), i.e. the additive part's importance up to a constant; ROC AUC of the markers nearest
# to the 591 published QTL peaks (Bloom et al. 2013) against all other markers, and the share
# of peaks whose nearest marker is in the top 10%. `average`: the main effects are the mean of
# the cross-validation folds' fits at the chosen penalty (cross-model averaging, as
# bigstatsr::big_spLinReg does) instead of the fit on all training individuals.
# Writes bench/results/additive_alpha.txt.
suppressPackageStartupMessages(library(gpatlas))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args)) args[1] else Sys.getenv("GPATLAS_BYXRM_DIR", "../shared/data/byxrm")
alphas <- if (length(args) > 1) as.numeric(args[-1]) else c(1, 0.75, 0.5)
yeast <- read_byxrm(dir)
parts <- gp_split(yeast, prop = 0.8, method = "sequential")
y <- parts$train$pheno
mu <- colMeans(y, na.rm = TRUE)
s <- apply(y, 2, stats::sd, na.rm = TRUE)
ys <- sweep(sweep(y, 2, mu), 2, s, "/")
g <- parts$train$geno
storage.mode(g) <- "integer"
gt <- parts$test$geno
storage.mode(gt) <- "integer"
obs <- parts$test$pheno
mk <- yeast$markers
source(file.path("bench", "qtl_peaks.R"))
peaks <- read_qtl_peaks(dir, mk)
nearest <- peaks$nearest
is_peak <- seq_len(nrow(mk)) %in% nearest
threads <- as.integer(Sys.getenv("GPATLAS_THREADS", "2"))
grid <- expand.grid(average = c(FALSE, TRUE), alpha = alphas)
rows <- lapply(seq_len(nrow(grid)), function(k) {
  alpha <- grid$alpha[k]
  average <- grid$average[k]
  secs <- system.time(add <- gpatlas:::additive_fit(ys, g, 2L, threads = threads,
                                                    pair_top = 20L, alpha = alpha,
                                                    average = average))[["elapsed"]]
  p <- sweep(sweep(gpatlas:::additive_predict(add, gt, 2L), 2, s, "*"), 2, mu, "+")
  r2 <- gp_metrics(p, obs)$per_phenotype$r2
  score <- apply(matrix(rowSums(add$coef^2), nrow = 2), 2, max)
  data.frame(alpha = alpha, average = average, median_r2 = round(stats::median(r2), 4),
             peak_auc = round(gp_roc(score, is_peak)$auc, 3),
             peaks_top10_pct = round(100 * mean(score[nearest] >= stats::quantile(score, 0.9)), 1),
             markers_with_effect = sum(score > 0), seconds = round(secs, 1))
})
res <- do.call(rbind, rows)
out <- c(sprintf("# Rscript bench/additive_alpha.R, %s, %d processors, load %s",
                 format(Sys.time(), "%Y-%m-%d %H:%M UTC", tz = "UTC"), parallel::detectCores(),
                 readLines("/proc/loadavg", warn = FALSE)),
         capture.output(print(res, row.names = FALSE)))
dir.create("bench/results", showWarnings = FALSE)
writeLines(out, "bench/results/additive_alpha.txt")
writeLines(out)
