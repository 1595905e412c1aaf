# How far above lasso can any model on the BYxRM cross get, and where G-P Atlas loses to it
# (sequential split: first 806 segregants train, last 202 test; median held-out R^2 over 46 traits).
#
# Usage: Rscript bench/yeast_ceiling.R [data_dir] [part]
#   part "epistasis": per trait, cv.glmnet lasso on all markers (10 folds, fixed fold ids,
#     lambda.min), then cv.glmnet on all markers plus the pairwise products of the trait's top K = 30
#     lasso markers (coded -1/+1, 435 pairs). Prints both R^2 per trait, their medians, the paired
#     Wilcoxon test and the median of the per-trait better of the two (an oracle choice).
#   part "latent": one default network (seed 1); its genotype encoder (reduced architecture: one
#     linear layer into the latent space) replaced by per-latent-dimension cv.glmnet fits of the
#     frozen phenotype encoder's latent codes of the training individuals on the genotypes, decoded by
#     the frozen decoder. Separates the cost of the stochastic-gradient fit (vs an exact lasso) from
#     the cost of predicting phenotypes through the learned latent space. Then the same with
#     lambda chosen per dimension on a random 10% of the training individuals (one glmnet path per
#     dimension on the other 90%), decoded in R with the frozen decoder and recalibrated per trait
#     on those individuals, as the network's own calibration does.
#   part "all" (default): both.
# About 12 min per part on 2 cores (glmnet runs on one).
suppressPackageStartupMessages({
  library(gpatlas)
  library(glmnet)
})
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) >= 1) args[1] else Sys.getenv("GPATLAS_BYXRM_DIR", "../shared/data/byxrm")
part <- if (length(args) >= 2) args[2] else "all"
stopifnot(part %in% c("all", "epistasis", "latent"))
yeast <- read_byxrm(dir)
parts <- gp_split(yeast, prop = 0.8, method = "sequential")
X <- parts$train$geno
storage.mode(X) <- "double"
Xt <- parts$test$geno
storage.mode(Xt) <- "double"
Y <- parts$train$pheno
Yt <- parts$test$pheno
set.seed(1)
foldid <- sample(rep(1:10, length.out = nrow(X)))
r2 <- function(obs, pred) 1 - sum((obs - pred)^2) / sum((obs - mean(obs))^2)

if (part %in% c("all", "epistasis")) {
  K <- 30L
  res <- data.frame()
  secs <- system.time(for (j in seq_len(ncol(Y))) {
    ok <- !is.na(Y[, j])
    okt <- !is.na(Yt[, j])
    cv <- cv.glmnet(X[ok, ], Y[ok, j], foldid = foldid[ok])
    b <- as.numeric(coef(cv, s = "lambda.min"))[-1]
    p_add <- as.numeric(predict(cv, Xt[okt, ], s = "lambda.min"))
    top <- utils::head(order(-abs(b)), K)
    top <- top[b[top] != 0]
    p_epi <- p_add
    if (length(top) >= 2) {
      pairs <- utils::combn(length(top), 2)
      products <- function(M) {
        s <- 2 * M[, top, drop = FALSE] - 1
        s[, pairs[1, ], drop = FALSE] * s[, pairs[2, ], drop = FALSE]
      }
      cv2 <- cv.glmnet(cbind(X[ok, ], products(X[ok, ])), Y[ok, j], foldid = foldid[ok])
      p_epi <- as.numeric(predict(cv2, cbind(Xt[okt, ], products(Xt[okt, ])), s = "lambda.min"))
    }
    res <- rbind(res, data.frame(trait = colnames(Y)[j], lasso = r2(Yt[okt, j], p_add),
                                 lasso_pairs = r2(Yt[okt, j], p_epi), n_top = length(top)))
  })[["elapsed"]]
  cat("== epistasis: lasso vs lasso + pairwise products of each trait's top", K, "lasso markers\n")
  print(format(res, digits = 3), row.names = FALSE)
  cat(sprintf("median R^2: lasso %.3f, lasso + pairs %.3f; pairs better on %d of %d traits, Wilcoxon p = %.2g\n",
              stats::median(res$lasso), stats::median(res$lasso_pairs),
              sum(res$lasso_pairs > res$lasso), nrow(res),
              stats::wilcox.test(res$lasso_pairs, res$lasso, paired = TRUE)$p.value))
  cat(sprintf("median of the per-trait better of the two (oracle choice): %.3f\n",
              stats::median(pmax(res$lasso, res$lasso_pairs))))
  cat(sprintf("traits where the better of the two reaches 0.45: %d of %d; wall time %.0f s\n",
              sum(pmax(res$lasso, res$lasso_pairs) >= 0.45), nrow(res), secs))
}

if (part %in% c("all", "latent")) {
  traits <- colnames(Yt)
  med <- function(p) stats::median(gp_metrics(p[, traits, drop = FALSE], Yt)$per_phenotype$r2)
  f32 <- function(x, like) {
    r <- writeBin(as.numeric(x), raw(), size = 4)
    attributes(r) <- attributes(like)
    r
  }
  one <- gpatlas(. ~ ., parts$train, gpatlas_control(seed = 1, n_seeds = 1L, verbose = FALSE))
  cat("== latent: genotype encoder of one default network vs exact lasso fits into its latent space\n")
  cat(sprintf("network as trained (with calibration): R^2 %.3f\n", med(predict(one, parts$test))))
  one$calibration <- NULL
  net_test <- predict(one, parts$test)
  cat(sprintf("network as trained (no calibration):   R^2 %.3f\n", med(net_test)))
  # The frozen decoder evaluated here in double precision (eval mode: BatchNorm running statistics).
  rd <- function(nm) {
    r <- one$params[[nm]]
    v <- readBin(r, "numeric", size = 4, n = length(r) / 4)
    sh <- attr(r, "shape")
    if (length(sh) == 2) matrix(v, sh[1], sh[2], byrow = TRUE) else v
  }
  slope <- 0.01  # LeakyReLU negative slope of the core (Control::leaky_slope)
  decode <- function(zz) {
    h <- sweep(zz %*% t(rd("decoder.0.weight")), 2, rd("decoder.0.bias"), "+")
    h <- sweep(h, 2, rd("decoder.1.running_mean"), "-")
    h <- sweep(h, 2, sqrt(rd("decoder.1.running_var") + 1e-5), "/")
    h <- sweep(sweep(h, 2, rd("decoder.1.weight"), "*"), 2, rd("decoder.1.bias"), "+")
    h <- ifelse(h > 0, h, slope * h)
    y <- sweep(h %*% t(rd("decoder.3.weight")), 2, rd("decoder.3.bias"), "+")
    colnames(y) <- traits
    sweep(sweep(y, 2, one$scaling$scale, "*"), 2, one$scaling$center, "+")
  }
  # The package's own per-trait recalibration, fitted on held-back individuals (any affine units).
  recalibrate <- function(pred, pred_held, obs_held) {
    cal <- gpatlas:::calibration_fit(pred_held[, traits], obs_held[, traits])
    sweep(sweep(pred[, traits], 2, cal["slope", ], "*"), 2, cal["intercept", ], "+")
  }
  z <- predict(one, parts$train, from = "phenotype", type = "latent")
  cat(sprintf("decoder in R vs predict(): max difference %.1e\n",
              max(abs(decode(predict(one, parts$test, type = "latent")) - net_test))))
  secs <- system.time(cf <- lapply(seq_len(ncol(z)), function(k) {
    cv <- cv.glmnet(X, z[, k], foldid = foldid, keep = TRUE)
    list(min = as.numeric(coef(cv, s = "lambda.min")), se = as.numeric(coef(cv, s = "lambda.1se")),
         oof = cv$fit.preval[, cv$index[, 1]])  # out-of-fold latent predictions, both lambdas
  }))[["elapsed"]]
  d <- ncol(z)
  for (s in c("min", "se")) {
    B <- sapply(cf, function(x) x[[s]][-1])
    b0 <- sapply(cf, function(x) x[[s]][1])
    W <- matrix(0, d, 2 * ncol(X))  # transposed [latent, one-hot feature]: writeBin fills row-major
    W[, seq(2, 2 * ncol(X), 2)] <- t(B)  # one-hot column 2 of a marker is allele 1
    p <- one$params
    p[["geno_encoder.w1t"]] <- f32(W, p[["geno_encoder.w1t"]])
    p[["geno_encoder.b1"]] <- f32(b0, p[["geno_encoder.b1"]])
    # BatchNorm after the linear layer set to the identity (eval mode, eps 1e-5)
    p[["geno_encoder.rest.0.weight"]] <- f32(rep(1, d), p[["geno_encoder.rest.0.weight"]])
    p[["geno_encoder.rest.0.bias"]] <- f32(rep(0, d), p[["geno_encoder.rest.0.bias"]])
    p[["geno_encoder.rest.0.running_mean"]] <- f32(rep(0, d), p[["geno_encoder.rest.0.running_mean"]])
    p[["geno_encoder.rest.0.running_var"]] <- f32(rep(1 - 1e-5, d), p[["geno_encoder.rest.0.running_var"]])
    swapped <- one
    swapped$params <- p
    zt <- predict(swapped, parts$test, type = "latent")
    z_lasso <- cbind(1, Xt) %*% rbind(b0, B)
    pred_lasso <- decode(z_lasso)
    err <- max(abs(zt - z_lasso)) / max(abs(zt))
    cat(sprintf("lasso (lambda.%s) into the latent space: R^2 %.3f through predict() (float32; relative latent error %.1e), %.3f decoded in double; markers per latent dimension %.0f (median), %d in all\n",
                s, med(predict(swapped, parts$test)), err, med(pred_lasso),
                stats::median(colSums(B != 0)), sum(rowSums(B != 0) > 0)))
    # recalibrated per trait on the out-of-fold predictions of all training individuals
    oof <- decode(sapply(cf, function(x) x$oof[, if (s == "min") 1 else 2]))
    cat(sprintf("  recalibrated on out-of-fold predictions: R^2 %.3f\n",
                med(recalibrate(pred_lasso, oof, Y))))
  }
  cat(sprintf("%d cv.glmnet fits: %.0f s\n", d, secs))

  set.seed(1)
  va <- sample(nrow(X), round(0.1 * nrow(X)))
  tr <- setdiff(seq_len(nrow(X)), va)
  zv <- matrix(NA_real_, length(va), d)
  ztest <- matrix(NA_real_, nrow(Xt), d)
  secs <- system.time(for (k in seq_len(d)) {
    path <- glmnet(X[tr, ], z[tr, k])
    pv <- predict(path, X[va, ])
    best <- which.min(colMeans((pv - z[va, k])^2))
    zv[, k] <- pv[, best]
    ztest[, k] <- predict(path, Xt, s = path$lambda[best])
  })[["elapsed"]]
  pred_test <- decode(ztest)
  calibrated <- recalibrate(pred_test, decode(zv), Y[va, , drop = FALSE])
  cat(sprintf("lasso into the latent space, lambda chosen on 10%% validation: R^2 %.3f, recalibrated %.3f (%d glmnet paths %.0f s)\n",
              med(pred_test), med(calibrated), d, secs))
}
