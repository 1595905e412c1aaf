# Held-out accuracy and wall time of linear QTL baselines on the BYxRM yeast cross, sequential split.
#
# Usage: Rscript bench/yeast_baseline.R [data_dir] [methods]
#   methods: comma-separated subset of forward,scanone,lasso,ridge (default forward,lasso)
# Prints the median held-out R^2 over the 46 traits (missing phenotypes skipped) and the fit
# time per method; writes per-trait R^2 to bench/results/yeast_baseline.csv.
suppressPackageStartupMessages(library(gpatlas))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) >= 1) args[1] else Sys.getenv("GPATLAS_BYXRM_DIR", "../shared/data/byxrm")
methods <- if (length(args) >= 2) strsplit(args[2], ",")[[1]] else c("forward", "lasso")

yeast <- read_byxrm(dir)
parts <- gp_split(yeast, prop = 0.8, method = "sequential")
results <- NULL
summary_rows <- NULL
for (method in methods) {
  secs <- system.time(base <- gp_qtl_baseline(parts$train, method = method, seed = 1))[["elapsed"]]
  pred <- predict(base, parts$test)
  r2 <- gpatlas:::metrics_table(parts$test$pheno[, colnames(pred), drop = FALSE], pred)$per_phenotype
  per_trait <- table(factor(base$qtl$trait, levels = base$traits))
  results <- rbind(results, data.frame(method = method, trait = r2$trait, r2 = r2$r2,
                                       pearson_r = r2$pearson_r,
                                       n_markers = as.integer(per_trait[r2$trait])))
  summary_rows <- rbind(summary_rows, data.frame(method = method, median_r2 = stats::median(r2$r2),
                                                 median_markers = stats::median(per_trait),
                                                 seconds = secs))
  cat(sprintf("yeast, sequential split, %-8s median held-out R^2 %.3f, median markers/trait %g, fit %.1f s\n",
              method, stats::median(r2$r2), stats::median(per_trait), secs))
}
dir.create("bench/results", showWarnings = FALSE)
utils::write.csv(results, "bench/results/yeast_baseline.csv", row.names = FALSE)
print(summary_rows, row.names = FALSE, digits = 3)
