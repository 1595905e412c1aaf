test_that("the lasso solver reaches glmnet's objective", {
  skip_if_not_installed("glmnet")
  set.seed(11)
  n <- 60
  p <- 25
  x <- matrix(rbinom(n * p, 1, 0.4), n, p)
  x[, 7] <- 1 # a constant column never enters
  y <- 2 * x[, 1] - 1.5 * x[, 2] + x[, 3] * x[, 4] + rnorm(n, sd = 0.5)
  # The solver's objective: standardized columns (divisor n), 1/(2n) RSS + lambda * ||b_std||_1.
  mu <- colMeans(x)
  s <- sqrt(colMeans(sweep(x, 2, mu)^2))
  xs <- sweep(sweep(x, 2, mu), 2, ifelse(s > 0, s, 1), "/")
  objective <- function(b0, b) {
    sum((y - b0 - x %*% b)^2) / (2 * n) + lambda * sum(abs(b * s))
  }
  for (lambda in c(0.3, 0.1, 0.02)) {
    ours <- gpatlas:::cpp_lasso_fit(x, y, lambda, 1e-14)
    gl <- glmnet::glmnet(xs, y, lambda = lambda, standardize = FALSE, thresh = 1e-14)
    gb <- as.vector(gl$beta) / ifelse(s > 0, s, 1)
    gb0 <- as.vector(gl$a0) - sum(gb * mu)
    expect_lt(abs(objective(ours$intercept, ours$beta) - objective(gb0, gb)), 1e-6)
    expect_lt(max(abs(ours$beta - gb)), 1e-5)
    expect_equal(ours$beta[7], 0)
  }
})

test_that("the cross-validated path keeps the full fit at the chosen lambda", {
  set.seed(12)
  n <- 80
  p <- 40
  x <- matrix(rbinom(n * p, 1, 0.5), n, p)
  y <- cbind(a = x[, 1] - x[, 2] + rnorm(n, sd = 0.3), b = 2 * x[, 5] + rnorm(n, sd = 0.3))
  y[c(3, 9), 2] <- NA
  folds <- rep_len(0:4, n)
  res <- gpatlas:::cpp_lasso_cv(x, y, folds, 5L, 30L, 0.01, 0L, 1e-12, 1L)
  for (t in 1:2) {
    ok <- !is.na(y[, t])
    one <- gpatlas:::cpp_lasso_fit(x[ok, ], y[ok, t], res$lambda[t], 1e-14)
    # The full fit standardizes over all rows; with missing values the trait's own rows differ,
    # so compare the objective-defining fit only for the complete trait.
    if (all(ok)) expect_lt(max(abs(res$beta[, t] - one$beta)), 1e-4)
    k <- which.min(res$cv_error[, t])
    expect_equal(res$lambda[t], res$lambda_grid[k, t])
    expect_true(all(is.finite(res$oof[ok, t])))
  }
  expect_true(all(abs(res$beta[-c(1, 2, 5), ]) < 0.2))
})

test_that("the additive path in the one-hot basis predicts as its design model", {
  sim <- gp_simulate(n = 70, n_loci = 20, n_alleles = 3, n_phenotypes = 2, n_causal = 3,
                     p_interact = 0, seed = 4)
  geno <- sim$geno
  storage.mode(geno) <- "integer"
  geno[2, 5] <- NA
  y <- scale(sim$pheno)
  add <- gpatlas:::additive_fit(y, geno, 3L, nfolds = 5L)
  pred <- gpatlas:::additive_predict(add, geno, 3L)
  freq <- gpatlas:::allele_frequencies(geno, 3L)
  coef <- add$coef
  # Centred coefficients are a re-parametrization: per locus they sum to 0 with the frequencies.
  sums <- vapply(seq_len(ncol(geno)), function(l) {
    colSums(add$coef[(l - 1) * 3 + 1:3, , drop = FALSE] * freq[l, ])
  }, numeric(2))
  expect_true(all(abs(sums) < 1e-10))
  # Intercept plus the coefficient of every carried allele; a missing call adds nothing.
  slow <- t(vapply(seq_len(nrow(geno)), function(i) {
    rows <- (seq_len(ncol(geno)) - 1) * 3 + geno[i, ] + 1
    add$intercept + colSums(add$coef[rows[!is.na(rows)], , drop = FALSE])
  }, numeric(2)))
  expect_equal(pred, slow, tolerance = 1e-10, ignore_attr = TRUE)
  expect_gt(cor(pred[, 1], y[, 1]), 0.8)
  # The folds are balanced, and the same seed gives the same fit.
  expect_lte(diff(range(table(add$folds))), 1L)
  expect_setequal(unique(add$folds), 1:5)
  expect_identical(gpatlas:::additive_fit(y, geno, 3L, nfolds = 5L), add)
  expect_false(identical(gpatlas:::additive_fit(y, geno, 3L, nfolds = 5L, seed = 2)$folds,
                         add$folds))
})

test_that("the network part never makes validation residuals worse", {
  set.seed(5)
  pred <- matrix(rnorm(200), 50)
  resid <- cbind(pred[, 1] * 0.5 + rnorm(50, sd = 0.1), rnorm(50), -pred[, 3], pred[, 4] * 3)
  resid[1, 2] <- NA
  cal <- gpatlas:::network_shrinkage(pred, resid)
  expect_true(all(cal["slope", ] >= 0 & cal["slope", ] <= 1))
  expect_equal(unname(cal["slope", 3]), 0)
  expect_equal(unname(cal["slope", 4]), 1)
  part <- sweep(sweep(pred, 2, cal["slope", ], "*"), 2, cal["intercept", ], "+")
  before <- colMeans(resid^2, na.rm = TRUE)
  after <- colMeans((resid - part)^2, na.rm = TRUE)
  expect_true(all(after <= before + 1e-12))
})

additive_fixture <- function() {
  sim <- gp_simulate(n = 90, n_loci = 15, n_alleles = 3, n_phenotypes = 3, n_causal = 2,
                     seed = 8)
  parts <- gp_split(sim, prop = 0.8, seed = 2)
  ctl <- gpatlas_control(latent_dim = 3, pheno_hidden = 8, decoder_hidden = 8, geno_hidden = 0,
                         epochs_pheno = 15, epochs_geno = 15, batch_size = 16, threads = 1,
                         n_seeds = 1, verbose = FALSE, seed = 2, patience = 0,
                         valid_prop = 0.2)
  list(fit = gpatlas(. ~ ., parts$train, ctl), test = parts$test)
}

test_that("the default model adds the additive path and the shrunk network", {
  fx <- additive_fixture()
  fit <- fx$fit
  expect_true(fit$control$additive)
  expect_false(is.null(fit$additive))
  expect_false(is.null(fit$pheno_params))
  geno <- gpatlas:::model_genotypes(fit, fx$test)
  net <- gpatlas:::cpp_predict_genotype(fit$params, unclass(fit$control), 3L, geno, 3L, FALSE)
  cal <- fit$calibration[[1]]
  expect_true(all(cal["slope", ] >= 0))
  net <- sweep(sweep(net, 2, cal["slope", ], "*"), 2, cal["intercept", ], "+")
  add <- gpatlas:::additive_predict(fit$additive, geno, 3L)
  want <- gpatlas:::unscale_phenotypes(add + net, fit$scaling)
  expect_equal(predict(fit, fx$test), want, tolerance = 1e-6, ignore_attr = TRUE)
  # Phenotype-to-phenotype prediction comes from the phenotype autoencoder.
  pp <- predict(fit, fx$test, from = "phenotype")
  expect_equal(dim(pp), dim(fx$test$pheno))
  # The publication presets keep the pure network.
  expect_false(gpatlas_control(preset = "publication")$additive)
  expect_false(gpatlas_control(preset = "publication_simulated")$additive)
})

test_that("importance through both paths equals one prediction per ablated allele", {
  fx <- additive_fixture()
  fit <- fx$fit
  # The main additive coefficients alone here (pair terms: the test below).
  fit$additive$pairs <- NULL
  test <- gp_subset(fx$test, 1:4)
  imp <- gp_importance(fit, test, verbose = FALSE)
  slow <- importance_by_prediction(fit, test)
  expect_equal(unname(imp$matrix), slow, tolerance = 1e-5)
  # The additive part alone: the root mean square of the carried allele's coefficients.
  carried <- imp$parts$additive$matrix != 0
  rms <- sqrt(rowMeans(fit$additive$coef^2))
  expect_equal(unname(imp$parts$additive$matrix[carried]),
               rep(rms, each = nrow(slow))[as.vector(carried)], tolerance = 1e-8)
  expect_true(all(c("importance_additive", "importance_network") %in% names(imp$features)))
  expect_true(all(c("importance_additive", "importance_network") %in% names(imp$loci)))
  # The slow C++ path with the additive part agrees with the fast one.
  geno <- gpatlas:::model_genotypes(fit, test)
  add_base <- gpatlas:::additive_predict(fit$additive, geno, 3L)
  pheno0 <- matrix(0, nrow(geno), 3)
  fast <- gpatlas:::cpp_importance(fit$params, unclass(fit$control), 3L, "genotype", geno, 3L,
                                   pheno0, FALSE, "prediction", FALSE, FALSE, -1L,
                                   fit$calibration[[1]], add_base, fit$additive$coef, "total")
  slow_cpp <- gpatlas:::cpp_importance(fit$params, unclass(fit$control), 3L, "genotype", geno,
                                       3L, pheno0, FALSE, "prediction", TRUE, FALSE, -1L,
                                       fit$calibration[[1]], add_base, fit$additive$coef,
                                       "total")
  expect_equal(fast$per_individual, slow_cpp$per_individual, tolerance = 1e-6)
  expect_equal(fast$per_phenotype, slow_cpp$per_phenotype, tolerance = 1e-6)
})

test_that("a default fit survives saveRDS with both paths", {
  fx <- additive_fixture()
  path <- tempfile(fileext = ".rds")
  saveRDS(fx$fit, path)
  back <- readRDS(path)
  expect_identical(predict(back, fx$test), predict(fx$fit, fx$test))
  expect_identical(predict(back, fx$test, from = "phenotype"),
                   predict(fx$fit, fx$test, from = "phenotype"))
  expect_identical(gp_importance(back, fx$test, verbose = FALSE)$matrix,
                   gp_importance(fx$fit, fx$test, verbose = FALSE)$matrix)
})

test_that("settings beyond what the core represents are refused", {
  expect_error(gpatlas_control(latent_dim = 3e9), "latent_dim")
  expect_error(gpatlas_control(epochs_geno = 1e10), "epochs_geno")
  expect_error(gpatlas_control(batch_size = 1e10), "batch_size")
  expect_error(gpatlas_control(seed = Inf), "seed")
  expect_error(gpatlas_control(seed = 1e20), "seed")
  expect_error(gpatlas_control(additive = NA), "additive")
  expect_error(gpatlas_control(additive_folds = 1), "additive_folds")
  expect_warning(ctl <- gpatlas_control(threads = 10000), "threads")
  expect_lte(ctl$threads, parallel::detectCores())
})

test_that("the pair guard keeps a trait's terms only when they beat 0 by one standard error", {
  kept <- 0L
  for (seed in 1:5) {
    # Additive traits and pure noise: pair terms can only fit noise.
    set.seed(seed)
    n <- 150
    geno <- matrix(rbinom(n * 20, 1, 0.5), n, 20)
    storage.mode(geno) <- "integer"
    y <- cbind(geno[, 1:4] %*% c(1, -1, 0.5, 0.5), geno[, 5:8] %*% c(1, 1, -1, 0.5), 0) +
      matrix(rnorm(3 * n), n)
    main <- gpatlas:::additive_fit(y, geno, 2L, pair_top = 0L, seed = seed)
    open <- gpatlas:::additive_fit(y, geno, 2L, pair_top = 10L, seed = seed, pair_guard = FALSE)
    guarded <- gpatlas:::additive_fit(y, geno, 2L, pair_top = 10L, seed = seed)
    for (t in 1:3) {
      terms <- open$pairs[open$pairs$trait == t, ]
      if (!nrow(terms)) next
      r <- y[, t] - main$oof[, t]
      d <- r^2 - (r - (open$oof[, t] - main$oof[, t]))^2
      helps <- mean(d) > sd(d) / sqrt(n)
      expect_identical(nrow(guarded$pairs[guarded$pairs$trait == t, ]),
                       if (helps) nrow(terms) else 0L)
      kept <- kept + nrow(terms)
    }
  }
  # Without the guard the pair stage keeps noise terms on these data.
  expect_gt(kept, 5L)
})

test_that("the pair path finds a planted interaction and predicts through its terms", {
  train <- pair_data(300, 1)
  test <- pair_data(200, 2)
  y <- train$pheno
  geno <- train$geno
  storage.mode(geno) <- "integer"
  with_pairs <- gpatlas:::additive_fit(y, geno, 2L, pair_top = 5L)
  without <- gpatlas:::additive_fit(y, geno, 2L, pair_top = 0L)
  terms <- with_pairs$pairs
  expect_true(any(terms$trait == 1 & terms$locus1 == 1 & terms$locus2 == 2))
  gt <- test$geno
  storage.mode(gt) <- "integer"
  r2 <- function(add) {
    p <- gpatlas:::additive_predict(add, gt, 2L)[, 1]
    1 - sum((test$pheno[, 1] - p)^2) / sum((test$pheno[, 1] - mean(test$pheno[, 1]))^2)
  }
  expect_gt(r2(with_pairs), r2(without) + 0.05)
  # The terms' prediction, term by term, with a missing call contributing nothing.
  gt[1:5, 1] <- NA
  manual <- matrix(0, nrow(gt), 2)
  for (k in seq_len(nrow(terms))) {
    tm <- terms[k, ]
    v <- ((gt[, tm$locus1] == tm$allele1) - tm$centre1) *
      ((gt[, tm$locus2] == tm$allele2) - tm$centre2) * tm$weight
    v[is.na(v)] <- 0
    manual[, tm$trait] <- manual[, tm$trait] + v
  }
  # A model of the pair terms alone (no intercept, no main effects).
  pairs_only <- function(terms) {
    list(intercept = c(0, 0), coef = matrix(0, 2 * ncol(gt), 2), pairs = terms)
  }
  pair_predict <- function(terms) gpatlas:::additive_predict(pairs_only(terms), gt, 2L)
  expect_equal(pair_predict(terms), manual, tolerance = 1e-12)
  expect_true(all(pair_predict(terms)[1:5, 1] ==
                    pair_predict(terms[terms$locus1 != 1, ])[1:5, 1]))
})

test_that("importance with pair terms equals one prediction per ablated allele", {
  train <- pair_data(300, 3)
  test <- gp_subset(pair_data(6, 4), 1:6)
  test$geno[2, 1] <- NA
  ctl <- gpatlas_control(latent_dim = 3, pheno_hidden = 8, decoder_hidden = 8,
                         epochs_pheno = 5, epochs_geno = 5, threads = 1, n_seeds = 1,
                         verbose = FALSE, seed = 3, patience = 0, additive_pairs = 5)
  fit <- gpatlas(. ~ ., train, ctl)
  expect_gt(nrow(fit$additive$pairs), 0)
  imp <- gp_importance(fit, test, verbose = FALSE)
  expect_equal(unname(imp$matrix), importance_by_prediction(fit, test), tolerance = 1e-5)
  # The slow C++ path agrees with the fast one.
  fast <- core_importance(fit, test, slow = FALSE)
  expect_equal(fast$per_individual, core_importance(fit, test, slow = TRUE)$per_individual,
               tolerance = 1e-6)
  # A term naming a locus outside the model is refused.
  bad <- gpatlas:::pair_terms_c(fit$additive$pairs)
  bad$locus2[1] <- 99L
  expect_error(core_importance(fit, test, slow = FALSE, pairs = bad), "outside the model")
  path <- tempfile(fileext = ".rds")
  saveRDS(fit, path)
  expect_identical(predict(readRDS(path), test), predict(fit, test))
})

test_that("cross-model averaging is the mean of the fold fits at the chosen lambda", {
  skip_if_not_installed("glmnet")
  set.seed(21)
  n <- 90
  p <- 30
  x <- matrix(rbinom(n * p, 1, 0.5), n, p)
  y <- cbind(x[, 1] - x[, 2] + rnorm(n, sd = 0.7), 0.8 * x[, 5] + rnorm(n, sd = 0.7))
  fold <- rep_len(0:2, n)
  res <- gpatlas:::cpp_lasso_cv(x, y, fold, 3L, 30L, 0.01, 0L, 1e-12, 1L)
  # Each fold fit minimizes the objective on its rows with the columns standardized over all
  # rows, which glmnet solves on those pre-standardized columns with standardize = FALSE.
  mu <- colMeans(x)
  s <- sqrt(colMeans(sweep(x, 2, mu)^2))
  xs <- sweep(sweep(x, 2, mu), 2, s, "/")
  for (t in 1:2) {
    fits <- sapply(0:2, function(f) {
      keep <- fold != f
      gl <- glmnet::glmnet(xs[keep, ], y[keep, t], lambda = res$lambda[t], standardize = FALSE,
                           thresh = 1e-14)
      b <- as.vector(gl$beta) / s
      c(as.vector(gl$a0) - sum(b * mu), b)
    })
    slow <- rowMeans(fits)
    expect_lt(abs(res$intercept_avg[t] - slow[1]), 1e-4)
    expect_lt(max(abs(res$beta_avg[, t] - slow[-1])), 1e-4)
  }
  # The averaged model is a different model from the fit on all rows.
  expect_gt(max(abs(res$beta_avg - res$beta)), 1e-3)
  # and through additive_fit it enters the centred one-hot coefficients
  g <- matrix(x, n, p)
  storage.mode(g) <- "integer"
  a <- gpatlas:::additive_fit(y, g, 2L, nfolds = 3L, average = TRUE)
  b <- gpatlas:::additive_fit(y, g, 2L, nfolds = 3L, average = FALSE)
  expect_equal(a$oof, b$oof)
  expect_false(isTRUE(all.equal(a$coef, b$coef)))
})

test_that("pair terms need ten training individuals carrying both alleles", {
  # Rare alleles (5% each) at every locus: without the rule, the lasso picks terms whose two
  # alleles no training individual (or only a few) carries together on these seeds.
  for (seed in 2:4) {
    set.seed(seed)
    n <- 150
    geno <- matrix(sample(0:3, n * 20, TRUE, prob = c(0.45, 0.45, 0.05, 0.05)), n, 20)
    storage.mode(geno) <- "integer"
    y <- cbind(rowSums(geno[, 1:5] == 1) + rowSums(geno[, 1:5] >= 2) + rnorm(n))
    terms <- gpatlas:::additive_fit(y, geno, 4L, pair_top = 10L, seed = seed)$pairs
    carriers <- mapply(function(l1, a1, l2, a2) sum(geno[, l1] == a1 & geno[, l2] == a2),
                       terms$locus1, terms$allele1, terms$locus2, terms$allele2)
    expect_true(all(carriers >= 10))
  }
})
