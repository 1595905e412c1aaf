# Small crosses: the default model against a per-trait lasso on the same inputs, over several
# random splits, to measure the guard on the additive path's pair stage (a trait keeps its pair
# terms only when their out-of-fold predictions beat 0 by one standard error).
#
# Usage: R_LIBS=<library> Rscript bench/pair_guard.R NAME [splits]
#   Run once with a build without the guard and once with it (different NAME); accuracy is
#   deterministic for a seed, so the two runs compare directly. Writes
#   bench/results/pair_guard_NAME.csv (per cross, split and trait: held-out r2 of the default
#   gpatlas fit, of the same fit with additive_pairs = 0, and of cv.glmnet; the number of pair
#   terms kept).
# Crosses: R/qtl2's `iron` (F2, 284 mice, 2 traits; genotype probabilities as input), and R/qtl's
# `hyper` (backcross, 250 mice), `listeria` (F2, 120 mice) and `fake.f2` (200 mice), as_gp_data()
# with default settings. Sex is regressed out of iron's traits on the training mice first
# (gp_covar_adjust(), the same adjusted traits for every method). One thread.
suppressPackageStartupMessages({
  library(gpatlas)
  library(glmnet)
})
args <- commandArgs(trailingOnly = TRUE)
if (!length(args)) stop("usage: Rscript bench/pair_guard.R NAME [splits]")
name <- args[1]
n_splits <- if (length(args) > 1) as.integer(args[2]) else 6L

crosses <- function() {
  iron <- qtl2::read_cross2(system.file("extdata", "iron.zip", package = "qtl2"))
  d_iron <- suppressMessages(as_gp_data(iron, probs = qtl2::calc_genoprob(iron,
                                                                           error_prob = 0.002)))
  data(hyper, listeria, fake.f2, package = "qtl", envir = environment())
  list(iron = d_iron, hyper = suppressMessages(as_gp_data(hyper)),
       listeria = suppressMessages(as_gp_data(listeria)),
       fake.f2 = suppressMessages(as_gp_data(fake.f2)))
}

# The model's input as a lasso design: probabilities, else the one-hot of the calls.
design <- function(d) {
  if (!is.null(d$probs)) return(matrix(d$probs, nrow(d$probs)))
  g <- d$geno
  x <- matrix(0, nrow(g), ncol(g) * d$n_alleles)
  ok <- which(!is.na(g), arr.ind = TRUE)
  x[cbind(ok[, 1], (ok[, 2] - 1L) * d$n_alleles + g[ok] + 1L)] <- 1
  x
}

r2 <- function(y, p) {
  ok <- !is.na(y)
  1 - sum((y[ok] - p[ok])^2) / sum((y[ok] - mean(y[ok]))^2)
}

one_split <- function(label, d, s) {
  parts <- gp_split(d, prop = 0.8, seed = s)
  if (!is.null(d$covar)) {
    d <- gp_covar_adjust(d, "sex", train = parts$train$ids)
    d$covar_adjustment <- NULL  # every method predicts the adjusted traits
  }
  train <- d[parts$train$ids, ]
  test <- d[parts$test$ids, ]
  ctl <- gpatlas_control(threads = 1, verbose = FALSE, seed = 1)
  fit <- gpatlas(. ~ ., train, ctl)
  fit0 <- gpatlas(. ~ ., train, gpatlas_control(threads = 1, verbose = FALSE, seed = 1,
                                                 additive_pairs = 0))
  p <- predict(fit, test)
  p0 <- predict(fit0, test)
  x <- design(d)
  do.call(rbind, lapply(colnames(d$pheno), function(trait) {
    y <- train$pheno[, trait]
    set.seed(s)
    cv <- glmnet::cv.glmnet(x[parts$train_index, ][!is.na(y), ], y[!is.na(y)])
    pl <- stats::predict(cv, x[parts$test_index, ], s = "lambda.min")[, 1]
    yt <- test$pheno[, trait]
    data.frame(cross = label, split = s, trait = trait, gpatlas = r2(yt, p[, trait]),
               no_pairs = r2(yt, p0[, trait]), lasso = r2(yt, pl),
               pairs_kept = sum(fit$additive$pairs$trait == match(trait, colnames(d$pheno))))
  }))
}

data_sets <- crosses()
rows <- list()
for (label in names(data_sets)) {
  for (s in seq_len(n_splits)) rows[[length(rows) + 1L]] <- one_split(label, data_sets[[label]], s)
}
res <- do.call(rbind, rows)
out <- file.path("bench", "results", paste0("pair_guard_", name, ".csv"))
utils::write.csv(res, out, row.names = FALSE)
cat(sprintf("# bench/pair_guard.R %s, %s, load %s\n", name,
            format(Sys.time(), "%Y-%m-%d %H:%M UTC", tz = "UTC"),
            paste(readLines("/proc/loadavg"), collapse = " ")))
print(stats::aggregate(cbind(gpatlas, no_pairs, lasso, pairs_kept) ~ cross + trait, res, mean),
      digits = 3)
