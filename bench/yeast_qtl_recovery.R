# Yeast: how many of the 591 published additive QTL (Bloom et al. 2013) G-P Atlas ranks highly.
#
# Usage: Rscript bench/yeast_qtl_recovery.R [data_dir] [epochs_pheno] [epochs_geno]
# Fits the default preset on the sequential split's 806 training segregants, computes locus
# importance on the 202 test segregants, maps each QTL peak to the nearest marker on its
# chromosome, and reports the fraction of QTL whose locus importance is in the top 10% of
# all 11,623 markers (publication: 551/591 = 93%), with the ROC AUC of "marker nearest to a
# QTL peak" against all other markers. Writes bench/results/yeast_qtl_recovery.txt.
suppressPackageStartupMessages(library(gpatlas))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) >= 1) args[1] else Sys.getenv("GPATLAS_BYXRM_DIR", "../shared/data/byxrm")
e1 <- if (length(args) >= 2) as.integer(args[2]) else NULL
e2 <- if (length(args) >= 3) as.integer(args[3]) else NULL
yeast <- read_byxrm(dir)
parts <- gp_split(yeast, prop = 0.8, method = "sequential")
ctl <- gpatlas_control(epochs_pheno = e1, epochs_geno = e2, verbose = FALSE, seed = 1,
                       threads = as.integer(Sys.getenv("GPATLAS_THREADS", "2")))
fit_s <- system.time(fit <- gpatlas(. ~ ., parts$train, ctl))[["elapsed"]]
imp_s <- system.time(imp <- gp_importance(fit, parts$test, verbose = FALSE))[["elapsed"]]
loci <- imp$loci

source(file.path("bench", "qtl_peaks.R"))
peaks <- read_qtl_peaks(dir, loci)
qtl <- peaks$qtl
chr_col <- peaks$chr_col
nearest <- peaks$nearest
left_col <- grep("Interval \\(Left\\)", names(qtl), value = TRUE)[1]
right_col <- grep("Interval \\(Right\\)", names(qtl), value = TRUE)[1]
cutoff <- stats::quantile(loci$importance, 0.9)
in_top <- loci$importance[nearest] >= cutoff
# Linked markers share the signal, so also ask whether any marker inside the QTL's 1.5-LOD
# support interval (or the nearest one when none falls inside) reaches the top 10%.
interval_hit <- vapply(seq_len(nrow(qtl)), function(q) {
  inside <- which(loci$chr == as.character(qtl[[chr_col]][q]) &
                    loci$pos >= qtl[[left_col]][q] & loci$pos <= qtl[[right_col]][q])
  if (!length(inside)) inside <- nearest[q]
  any(loci$importance[inside] >= cutoff)
}, logical(1))
# Chance level for the interval criterion: the same count after circular shifts of the
# importance along the genome, which keep its block structure but break its link to the QTL.
interval_fraction <- function(imp) {
  cut <- stats::quantile(imp, 0.9)
  mean(vapply(seq_len(nrow(qtl)), function(q) {
    inside <- which(loci$chr == as.character(qtl[[chr_col]][q]) &
                      loci$pos >= qtl[[left_col]][q] & loci$pos <= qtl[[right_col]][q])
    if (!length(inside)) inside <- nearest[q]
    any(imp[inside] >= cut)
  }, logical(1)), na.rm = TRUE)
}
set.seed(1)
shifts <- sample.int(nrow(loci) - 1L, 50L)
null_fraction <- vapply(shifts, function(k) {
  interval_fraction(loci$importance[(seq_len(nrow(loci)) + k - 1L) %% nrow(loci) + 1L])
}, numeric(1))
is_peak <- seq_len(nrow(loci)) %in% nearest
roc <- gp_roc(loci$importance, is_peak)
res <- sprintf(paste0("%s | epochs %d/%d, fit %.0f s, importance %.0f s | QTL with locus importance ",
                      "in the top 10%%: %d/%d = %.1f%% (publication 551/591 = 93%%) | ",
                      "with any marker of the 1.5-LOD interval in the top 10%%: %d/%d = %.1f%% ",
                      "(chance, 50 circular shifts: %.1f%%, max %.1f%%) | ",
                      "%d distinct peak markers, ROC AUC peak markers vs others %.3f"),
               format(Sys.time(), "%Y-%m-%d %H:%M"), ctl$epochs_pheno, ctl$epochs_geno, fit_s,
               imp_s, sum(in_top, na.rm = TRUE), sum(!is.na(in_top)),
               100 * mean(in_top, na.rm = TRUE), sum(interval_hit, na.rm = TRUE),
               sum(!is.na(interval_hit)), 100 * mean(interval_hit, na.rm = TRUE),
               100 * mean(null_fraction), 100 * max(null_fraction), sum(is_peak),
               roc$auc)
dir.create("bench/results", showWarnings = FALSE)
writeLines(res, "bench/results/yeast_qtl_recovery.txt")
cat(res, "\n")
