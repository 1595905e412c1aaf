# Solvers for the additive path side by side on the yeast cross (sequential split, 806 train /
# 202 test, 11,623 biallelic markers): time per trait and held-out R^2 per trait.
#
# Usage: Rscript bench/additive_solvers.R [data_dir] [n_traits]
#   n_traits (default 6): traits fitted by the per-trait library solvers (the first ones in
#   file order); gpatlas's solver always fits all 46 traits in one call.
# Solvers:
#   glmnet_onehot10  cv.glmnet, one indicator column per allele (23,246), 10 folds, 100 lambdas
#                    (what gp_qtl_baseline(method = "lasso") runs)
#   glmnet_locus5    cv.glmnet, one column per biallelic locus (11,623), 5 folds, 50 lambdas
#   bigstatsr        bigstatsr::big_spLinReg, one column per locus, 5 folds (its cross-model
#                    selection and averaging, early stopping on the path), 1 core (with 2 it refuses to run beside
#                    a multi-threaded BLAS)
#   gpatlas          the package's solver (src/core/lasso.cpp): every trait and fold in
#                    lockstep, one matrix product per grid point for all KKT checks, 5 folds,
#                    50 lambdas, path stopped 10 grid points after the CV optimum
# Writes bench/results/additive_solvers.csv (per trait) and additive_solvers.txt (summary).
suppressPackageStartupMessages(library(gpatlas))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) >= 1) args[1] else Sys.getenv("GPATLAS_BYXRM_DIR", "../shared/data/byxrm")
n_lib <- if (length(args) >= 2) as.integer(args[2]) else 6L

yeast <- read_byxrm(dir)
parts <- gp_split(yeast, prop = 0.8, method = "sequential")
tr <- parts$train
te <- parts$test
traits <- colnames(tr$pheno)
lib_traits <- traits[seq_len(min(n_lib, length(traits)))]
r2 <- function(pred, obs) {
  ok <- !is.na(obs)
  1 - sum((obs[ok] - pred[ok])^2) / sum((obs[ok] - mean(obs[ok]))^2)
}
locus_x <- function(g) (g == 1L) + 0
X_tr <- locus_x(tr$geno)
X_te <- locus_x(te$geno)
onehot <- function(g) cbind((g == 0L) + 0, (g == 1L) + 0)
rows <- list()
add_row <- function(solver, trait, secs, r2v, nonzero) {
  rows[[length(rows) + 1L]] <<- data.frame(solver = solver, trait = trait, seconds = secs,
                                           r2 = r2v, nonzero = nonzero)
}

set.seed(1)
for (t in lib_traits) {
  y <- tr$pheno[, t]
  ok <- !is.na(y)
  s <- system.time(cv <- glmnet::cv.glmnet(onehot(tr$geno)[ok, ], y[ok], nfolds = 10))[["elapsed"]]
  p <- as.vector(stats::predict(cv, onehot(te$geno), s = "lambda.min"))
  add_row("glmnet_onehot10", t, s, r2(p, te$pheno[, t]), sum(stats::coef(cv, s = "lambda.min") != 0) - 1)

  s <- system.time(cv <- glmnet::cv.glmnet(X_tr[ok, ], y[ok], nfolds = 5, nlambda = 50))[["elapsed"]]
  p <- as.vector(stats::predict(cv, X_te, s = "lambda.min"))
  add_row("glmnet_locus5", t, s, r2(p, te$pheno[, t]), sum(stats::coef(cv, s = "lambda.min") != 0) - 1)

  if (requireNamespace("bigstatsr", quietly = TRUE)) {
    Xb <- bigstatsr::as_FBM(X_tr[ok, ])
    s <- system.time(mod <- bigstatsr::big_spLinReg(Xb, y[ok], K = 5, alphas = 1,
                                                    ncores = 1))[["elapsed"]]
    p <- stats::predict(mod, bigstatsr::as_FBM(X_te))
    add_row("bigstatsr", t, s, r2(p, te$pheno[, t]), length(attr(mod, "ind.col")))
  }
  cat(sprintf("%s done\n", t))
}

# gpatlas's solver, all traits at once, on the model's standardized scale (R^2 is unchanged
# by the per-trait affine scaling).
sc <- list(center = colMeans(tr$pheno, na.rm = TRUE), scale = apply(tr$pheno, 2, sd, na.rm = TRUE))
y_std <- sweep(sweep(tr$pheno, 2, sc$center), 2, sc$scale, "/")
geno_tr <- tr$geno
storage.mode(geno_tr) <- "integer"
s <- system.time(add <- gpatlas:::additive_fit(y_std, geno_tr, 2L, nfolds = 5L,
                                               threads = 2L))[["elapsed"]]
geno_te <- te$geno
storage.mode(geno_te) <- "integer"
pred <- gpatlas:::additive_predict(add, geno_te, 2L)
for (k in seq_along(traits)) {
  add_row("gpatlas", traits[k], s / length(traits),
          r2(pred[, k] * sc$scale[k] + sc$center[k], te$pheno[, traits[k]]),
          sum(matrix(add$coef[, k] != 0, nrow = 2)[2, ]))
}

tab <- do.call(rbind, rows)
dir.create("bench/results", showWarnings = FALSE)
utils::write.csv(tab, "bench/results/additive_solvers.csv", row.names = FALSE)
lines <- c(format(Sys.time(), "%Y-%m-%d %H:%M"),
           sprintf("library solvers on the first %d traits; gpatlas on all %d (%.1f s in one call)",
                   length(lib_traits), length(traits), s))
for (sv in unique(tab$solver)) {
  d <- tab[tab$solver == sv, ]
  d6 <- d[d$trait %in% lib_traits, ]
  lines <- c(lines, sprintf(
    "%-16s %.2f s per trait (%.0f s for 46 traits) | median R^2 on the first %d traits %.3f%s",
    sv, mean(d$seconds), 46 * mean(d$seconds), nrow(d6), stats::median(d6$r2),
    if (nrow(d) > nrow(d6)) sprintf(", on all %d traits %.3f", nrow(d), stats::median(d$r2)) else ""))
}
writeLines(lines, "bench/results/additive_solvers.txt")
cat(lines, sep = "\n")
