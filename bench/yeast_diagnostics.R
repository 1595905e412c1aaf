# Where the gap between G-P Atlas and lasso on the BYxRM cross comes from (sequential split).
#
# Usage: Rscript bench/yeast_diagnostics.R [data_dir]
# Fits lasso (gp_qtl_baseline, cv.glmnet lambda.min per trait, seed 1), the default gpatlas fit,
# and one default network, then prints: train and test median R^2 of both models; lasso's test
# predictions projected onto the top k principal components of the training phenotypes (the
# ceiling a k-dimensional linear bottleneck would impose on them); gpatlas averaged with lasso;
# the share of exactly-zero first-layer genotype weights of the single network, and its test R^2
# after zeroing the smallest weights.
suppressPackageStartupMessages(library(gpatlas))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) >= 1) args[1] else Sys.getenv("GPATLAS_BYXRM_DIR", "../shared/data/byxrm")
yeast <- read_byxrm(dir)
parts <- gp_split(yeast, prop = 0.8, method = "sequential")
obs <- parts$test$pheno
traits <- colnames(obs)
med_r2 <- function(pred, truth = obs) {
  stats::median(gp_metrics(pred[, traits, drop = FALSE], truth)$per_phenotype$r2)
}

lasso <- gp_qtl_baseline(parts$train, method = "lasso", seed = 1)
lasso_test <- predict(lasso, parts$test)[, traits]
fit <- gpatlas(. ~ ., parts$train, gpatlas_control(seed = 1, verbose = FALSE))
fit_test <- predict(fit, parts$test)[, traits]
cat(sprintf("lasso   train R^2 %.3f, test R^2 %.3f\n",
            med_r2(predict(lasso, parts$train), parts$train$pheno), med_r2(lasso_test)))
cat(sprintf("gpatlas train R^2 %.3f, test R^2 %.3f\n",
            med_r2(predict(fit, parts$train), parts$train$pheno), med_r2(fit_test)))

y <- parts$train$pheno
mu <- colMeans(y, na.rm = TRUE)
s <- apply(y, 2, stats::sd, na.rm = TRUE)
z <- scale(y, mu, s)
z[is.na(z)] <- 0
v <- svd(z)$v
lz <- scale(lasso_test, mu, s)
for (k in c(16L, 24L, 32L, 40L, ncol(v))) {
  proj <- lz %*% v[, seq_len(k)] %*% t(v[, seq_len(k)])
  proj <- sweep(sweep(proj, 2, s, "*"), 2, mu, "+")
  colnames(proj) <- traits
  cat(sprintf("lasso test predictions on the top %d phenotype PCs: R^2 %.3f\n", k, med_r2(proj)))
}
cat(sprintf("mean of gpatlas and lasso predictions: R^2 %.3f\n", med_r2((fit_test + lasso_test) / 2)))

one <- gpatlas(. ~ ., parts$train, gpatlas_control(seed = 1, n_seeds = 1L, verbose = FALSE))
w_raw <- one$params[["geno_encoder.w1t"]]
w <- readBin(w_raw, "numeric", size = 4, n = length(w_raw) / 4)
cat(sprintf("one network: test R^2 %.3f, %.1f%% of first-layer weights exactly zero\n",
            med_r2(predict(one, parts$test)), 100 * mean(w == 0)))
for (q in c(0.5, 0.9, 0.95, 0.99)) {
  pruned <- one
  r <- writeBin(ifelse(abs(w) <= stats::quantile(abs(w), q), 0, w), raw(), size = 4)
  attributes(r) <- attributes(w_raw)
  pruned$params[["geno_encoder.w1t"]] <- r
  cat(sprintf("  smallest %2.0f%% of them set to 0: test R^2 %.3f\n", 100 * q,
              med_r2(predict(pruned, parts$test))))
}
