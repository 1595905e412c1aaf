# Missing genotype calls on a selectively genotyped cross: importance with and without
# imputation by R/qtl (as_gp_data(cross, impute = "argmax") vs impute = "none").
#
# Command (from the package root, installed build on R_LIBS):
#   Rscript bench/hyper_impute.R > bench/results/hyper_impute.txt
#
# Data: qtl::hyper (250 backcross mice, 174 markers with the X, trait bp; 52% of calls missing:
# only the extreme mice were genotyped genome-wide). Same split (80% train, seed 1) and the
# default model (threads = 1) for both codings. Reported per coding:
# * held-out R^2 of bp;
# * zig-zag share: among markers with a neighbour on both sides on their chromosome, the share
#   whose locus importance is a strict local maximum or minimum (a smooth curve has few; an
#   independent sequence has about 2/3);
# * lag-1 correlation of log importance between adjacent markers (pooled over chromosomes);
# * Spearman correlation of locus importance with R/qtl's Haley-Knott LOD (scanone) at the
#   markers, on the same training mice.
suppressPackageStartupMessages({
  library(gpatlas)
  library(qtl)
})
data(hyper, package = "qtl")
cat(sprintf("date: %s\nmachine: %d cores\nload (/proc/loadavg): %s\n", format(Sys.time(), tz = "UTC"),
            parallel::detectCores(), readLines("/proc/loadavg")))

roughness <- function(s) {
  zig <- lag1 <- NULL
  for (ch in unique(s$chr)) {
    v <- log(pmax(s$overall[s$chr == ch], 1e-12))
    if (length(v) < 3L) next
    mid <- 2:(length(v) - 1L)
    zig <- c(zig, (v[mid] > v[mid - 1L] & v[mid] > v[mid + 1L]) |
                  (v[mid] < v[mid - 1L] & v[mid] < v[mid + 1L]))
    lag1 <- rbind(lag1, cbind(v[-length(v)], v[-1L]))
  }
  c(zigzag_share = mean(zig), lag1_cor = stats::cor(lag1[, 1], lag1[, 2]))
}

ctl <- gpatlas_control(threads = 1, verbose = FALSE)
rows <- list()
for (impute in c("none", "argmax")) {
  d <- suppressMessages(as_gp_data(hyper, impute = impute))
  parts <- gp_split(d, 0.8, seed = 1)
  secs <- system.time(fit <- gpatlas(. ~ ., parts$train, ctl))[["elapsed"]]
  r2 <- gp_metrics(fit, parts$test)$per_phenotype$r2
  s <- as_scanone(gp_importance(fit, parts$train, verbose = FALSE))
  train_cross <- subset(hyper, ind = parts$train_index)
  lod <- scanone(calc.genoprob(train_cross), method = "hk")
  rho <- stats::cor(s[rownames(lod), "overall"], lod$lod, method = "spearman")
  rows[[impute]] <- data.frame(impute = impute, missing_calls = mean(is.na(d$geno)),
                               heldout_r2 = r2, t(roughness(s)), spearman_with_hk_lod = rho,
                               fit_seconds = secs)
}
res <- do.call(rbind, rows)
print(res, row.names = FALSE, digits = 3)
