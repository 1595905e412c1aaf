# Tests of early stopping, schedules, reduced encoders and multi-seed fits from R.

opt_sim <- function() {
  gp_simulate(n = 160, n_loci = 40, n_alleles = 2, n_phenotypes = 3, n_causal = 3,
              p_pleio = 0.2, p_interact = 0, noise = 0.01, seed = 5)
}

opt_control <- function(...) {
  # The networks alone: these tests check their training options.
  no_validation <- list(valid_prop = 0, patience = 0, calibrate = FALSE, additive = FALSE)
  do.call(quick_control, c(list(15), utils::modifyList(no_validation, list(...))))
}

test_that("new control settings are validated", {
  expect_error(gpatlas_control(patience = 3, valid_prop = 0), "valid_prop")
  expect_error(gpatlas_control(valid_prop = 0.7), "valid_prop")
  expect_error(gpatlas_control(lr_schedule = "step"), "lr_schedule")
  expect_error(gpatlas_control(weight_decay = -1), "weight_decay")
  expect_error(gpatlas_control(lasso = -1e-4), "lasso")
  expect_error(gpatlas_control(lasso = NA), "lasso")
  # The default preset's learning-rate drop does not get in the way of turning patience off.
  expect_equal(gpatlas_control(valid_prop = 0, patience = 0, calibrate = FALSE)$lr_drops, 1)
  expect_error(gpatlas_control(lr_drops = -1), "lr_drops")
  expect_error(gpatlas_control(n_seeds = 0), "n_seeds")
  expect_error(gpatlas_control(geno_hidden = -1), "geno_hidden")
  expect_equal(gpatlas_control(geno_hidden = 0)$geno_hidden, 0)
  expect_equal(gpatlas_control(lr_schedule = "cosine")$lr_schedule, "cosine")
})

test_that("a validation split records its loss and keeps the best epoch of each stage", {
  sim <- opt_sim()
  fit <- gpatlas(. ~ ., sim, opt_control(valid_prop = 0.2, lr = 0.02, patience = 0))
  h <- fit$history
  expect_true(all(c("member", "valid_loss", "kept") %in% names(h)))
  expect_false(anyNA(h$valid_loss))
  for (s in 1:2) {
    hs <- h[h$stage == s, ]
    expect_equal(sum(hs$kept), 1L)
    expect_equal(which(hs$kept), which.min(hs$valid_loss))
  }
  expect_equal(fit$n_train, 160L)
  # Patience stops a stage early (without learning-rate drops, at the first epoch without
  # improvement): the fit runs fewer epochs than allowed.
  early <- gpatlas(. ~ ., sim, opt_control(valid_prop = 0.2, patience = 1L, lr = 0.05,
                                           epochs_geno = 300, lr_drops = 0L))
  h2 <- early$history[early$history$stage == 2, ]
  expect_lt(nrow(h2), 300)
  expect_equal(nrow(h2), which(h2$kept) + 1L)
  s <- summary(early)
  expect_equal(s$stages$epochs[s$stages$stage == 2], nrow(h2))
  expect_output(print(early), "kept epoch")
  expect_error(gpatlas(. ~ ., sim, opt_control(valid_prop = 0.5, batch_size = 100)),
               "fewer than one batch")
})

test_that("the reduced architecture fits, predicts and has exact fast importance", {
  sim <- opt_sim()
  parts <- gp_split(sim, prop = 0.75, seed = 2)
  fit <- gpatlas(. ~ ., parts$train, opt_control(geno_hidden = 0, pheno_hidden = 0,
                                                 epochs_pheno = 60, epochs_geno = 60,
                                                 lr = 1e-3, l1 = 0.8))
  expect_output(print(fit), "genotype encoder      40 x|80 -> 3")
  w <- fit$params[["geno_encoder.w1t"]]
  expect_equal(attr(w, "shape"), c(80, 3))
  pred <- predict(fit, parts$test)
  expect_equal(dim(pred), c(40L, 3L))
  r2 <- gp_metrics(fit, parts$test)$per_phenotype$r2
  expect_gt(stats::median(r2), 0.2)
  fast <- gp_importance(fit, parts$test, verbose = FALSE)
  geno <- gpatlas:::model_genotypes(fit, parts$test)
  slow <- gpatlas:::cpp_importance(fit$params, unclass(fit$control), 3L, "genotype", geno, 2L,
                                   matrix(0, 40, 3), FALSE, "prediction", TRUE, FALSE, -1L)
  expect_equal(unname(fast$matrix), slow$per_individual, tolerance = 1e-5)
})

test_that("several seeds give one averaged model", {
  sim <- opt_sim()
  one <- gpatlas(. ~ ., sim, opt_control(seed = 1))
  two <- gpatlas(. ~ ., sim, opt_control(seed = 1001))
  both <- gpatlas(. ~ ., sim, opt_control(seed = 1, n_seeds = 2L))
  expect_length(both$ensemble, 1L)
  expect_equal(sort(unique(both$history$member)), 1:2)
  expect_identical(both$params, one$params)
  expect_identical(both$ensemble[[1]], two$params)
  expect_equal(predict(both, sim), (predict(one, sim) + predict(two, sim)) / 2,
               tolerance = 1e-6)
  expect_equal(predict(both, sim, from = "phenotype", type = "latent"),
               (predict(one, sim, from = "phenotype", type = "latent") +
                  predict(two, sim, from = "phenotype", type = "latent")) / 2, tolerance = 1e-6)
  i1 <- gp_importance(one, sim, verbose = FALSE)
  i2 <- gp_importance(two, sim, verbose = FALSE)
  ib <- gp_importance(both, sim, verbose = FALSE)
  expect_equal(ib$matrix, (i1$matrix + i2$matrix) / 2, tolerance = 1e-8)
  expect_output(print(both), "mean of 2 networks")
  expect_equal(summary(both)$n_parameters, 2 * summary(one)$n_parameters)
  path <- tempfile(fileext = ".rds")
  saveRDS(both, path)
  expect_identical(predict(readRDS(path), sim), predict(both, sim))
})

test_that("the cosine schedule and weight decay change the fit", {
  sim <- opt_sim()
  base <- gpatlas(. ~ ., sim, opt_control())
  expect_false(identical(base$params, gpatlas(. ~ ., sim, opt_control(lr_schedule = "cosine"))$params))
  expect_false(identical(base$params, gpatlas(. ~ ., sim, opt_control(weight_decay = 1))$params))
})

test_that("calibration fits a line on each network's validation individuals", {
  sim <- opt_sim()
  expect_error(opt_control(calibrate = TRUE), "valid_prop")
  expect_error(gpatlas_control(valid_prop = 0), "valid_prop")
  fit <- gpatlas(. ~ ., sim, opt_control(valid_prop = 0.25, calibrate = TRUE, n_seeds = 2L))
  expect_length(fit$calibration, 2L)
  cal <- fit$calibration[[1]]
  expect_equal(dim(cal), c(2L, 3L))
  # Refit the line by hand on member 1's validation individuals (a quarter, drawn per member).
  valid <- fit$validation[[1]]
  expect_length(valid, 40L)
  expect_false(identical(valid, fit$validation[[2]]))
  expect_true(all(diff(valid) > 0) && all(valid %in% 1:160))
  raw_fit <- fit
  raw_fit$calibration <- NULL
  raw_fit$ensemble <- list()
  y_std <- gpatlas:::scale_phenotypes(sim$pheno[, fit$traits], fit$scaling)
  raw <- gpatlas:::scale_phenotypes(predict(raw_fit, sim), fit$scaling)
  for (k in 1:3) {
    co <- stats::coef(stats::lm(y_std[valid, k] ~ raw[valid, k]))
    expect_equal(unname(cal[, k]), unname(co), tolerance = 1e-4)
  }
  # Predictions are the mean over networks of the calibrated outputs.
  one <- function(params, cal) {
    f <- raw_fit
    f$params <- params
    p <- gpatlas:::scale_phenotypes(predict(f, sim), fit$scaling)
    sweep(sweep(p, 2, cal["slope", ], "*"), 2, cal["intercept", ], "+")
  }
  want <- (one(fit$params, fit$calibration[[1]]) + one(fit$ensemble[[1]], fit$calibration[[2]])) / 2
  expect_equal(predict(fit, sim), gpatlas:::unscale_phenotypes(want, fit$scaling),
               tolerance = 1e-5)
  # Latent codes are not recalibrated.
  second <- raw_fit
  second$params <- fit$ensemble[[1]]
  expect_equal(predict(fit, sim, type = "latent"),
               (predict(raw_fit, sim, type = "latent") + predict(second, sim, type = "latent")) / 2,
               tolerance = 1e-6)
})

test_that("the lasso penalty sets first-layer weights exactly to zero, mostly of non-causal loci", {
  sim <- opt_sim()
  first_layer <- function(lasso) {
    fit <- gpatlas(. ~ ., sim, opt_control(geno_hidden = 0, l1 = 0, lasso = lasso, lr = 0.01,
                                           epochs_pheno = 30, epochs_geno = 30))
    p <- fit$params[["geno_encoder.w1t"]]
    # Stored as float32 bytes, row-major (allele columns x latent units).
    w <- matrix(readBin(p, "double", n = length(p) / 4, size = 4), attr(p, "shape")[1],
                byrow = TRUE)
    list(w = w, r2 = stats::median(gp_metrics(fit, sim)$per_phenotype$r2))
  }
  none <- first_layer(0)
  some <- first_layer(0.01)
  strong <- first_layer(0.1)
  expect_equal(sum(none$w == 0), 0)
  expect_gt(mean(some$w == 0), 0)
  expect_gt(mean(strong$w == 0), mean(some$w == 0))
  causal <- rep(seq_len(40), each = 2) %in% sim$truth$causal_loci
  expect_gt(mean(strong$w[!causal, ] == 0), mean(strong$w[causal, ] == 0))
  expect_gt(some$r2, 0.8)
})

test_that("calibration never reverses a prediction and needs 20 validation values", {
  set.seed(3)
  p <- matrix(rnorm(80), 40, 2)
  obs <- cbind(-0.5 * p[, 1] + rnorm(40, sd = 0.1), 2 * p[, 2] + 1 + rnorm(40, sd = 0.1))
  cal <- gpatlas:::calibration_fit(p, obs)
  # Anti-correlated: slope 0, so the trait is predicted by its validation mean.
  expect_equal(unname(cal[, 1]), c(mean(obs[, 1]), 0))
  expect_equal(unname(cal[, 2]), unname(stats::coef(stats::lm(obs[, 2] ~ p[, 2]))),
               tolerance = 1e-8)
  # Too few observed validation values: no recalibration.
  small <- obs[1:19, ]
  expect_equal(unname(gpatlas:::calibration_fit(p[1:19, ], small)),
               rbind(c(0, 0), c(1, 1)))
  few <- obs
  few[20:40, 2] <- NA
  expect_equal(unname(gpatlas:::calibration_fit(p, few)[, 2]), c(0, 1))
  # The additive path's shrinkage: in [0, 1], 0 when reversed or too few values.
  sh <- gpatlas:::network_shrinkage(p, obs)
  expect_equal(unname(sh["slope", ]), c(0, 1))
  expect_true(all(sh["slope", ] >= 0 & sh["slope", ] <= 1))
  expect_equal(unname(gpatlas:::network_shrinkage(p[1:19, ], obs[1:19, ])["slope", ]), c(0, 0))
  half <- cbind(p[, 1], p[, 2])
  r <- cbind(0.5 * p[, 1] + rnorm(40, sd = 0.01), p[, 2])
  expect_equal(unname(gpatlas:::network_shrinkage(half, r)["slope", 1]), 0.5, tolerance = 0.02)
})

test_that("a network is untrained when it keeps epoch 1 or does not beat a constant", {
  y_train <- matrix(c(1, 2, 3, 4, NA, 6), 3)
  y_valid <- matrix(c(2, 2, 5, 5), 2)
  # Training means 2 and 5: the constant predicts the validation set exactly.
  expect_equal(gpatlas:::cpp_constant_valid_loss(y_train, y_valid, TRUE), 0)
  expect_equal(gpatlas:::cpp_constant_valid_loss(y_train, y_valid + 1, TRUE), 1)
  # Without masking, a missing value counts as 0: the second training mean is (4 + 6) / 3.
  expect_equal(gpatlas:::cpp_constant_valid_loss(y_train, y_valid, FALSE),
               mean(c(0, 0, (5 - 10 / 3)^2, (5 - 10 / 3)^2)))
  check <- function(best, valid, y_valid = vy, additive = TRUE) {
    gpatlas:::cpp_network_check(valid, best, y_train, y_valid, TRUE, additive)
  }
  vy <- y_valid + 1
  first <- check(1L, c(0.5, 0.6, 0.7))
  expect_true(first$untrained)
  expect_equal(first$action, "dropped")
  worse <- check(2L, c(3, 2, 4), additive = FALSE)
  expect_true(worse$untrained)
  expect_equal(worse$action, "kept")
  good <- check(2L, c(0.9, 0.5, 0.7))
  expect_false(good$untrained)
  expect_equal(good[c("kept_epoch", "valid_loss", "constant_loss")],
               list(kept_epoch = 2L, valid_loss = 0.5, constant_loss = 1))
  # One epoch run, or no validation set: nothing to judge by epoch.
  expect_false(check(1L, 0.5)$untrained)
  none <- check(1L, numeric(), NULL)
  expect_false(none$untrained)
  expect_identical(none$kept_epoch, NA_integer_)
})

test_that("an untrained network falls back to the additive path, or warns without it", {
  sim <- opt_sim()
  # A learning rate this small leaves the networks at their random start: no better than a
  # constant on validation data.
  ctl <- quick_control(4, valid_prop = 0.25, patience = 0, lr = 1e-12, n_seeds = 2L,
                       additive_pairs = 0L)
  expect_silent(fit <- gpatlas(. ~ ., sim, ctl))
  ctl$verbose <- TRUE
  expect_message(utils::capture.output(gpatlas(. ~ ., sim, ctl)),
                 "the others are not trained")
  ctl$verbose <- FALSE
  # the first network is dropped, so the second (another seed) is not trained
  expect_equal(fit$network_check$untrained, TRUE)
  expect_equal(fit$network_check$action, "dropped")
  expect_length(fit$ensemble, 0L)
  expect_equal(unique(fit$history$member), 1L)
  expect_true(all(vapply(fit$calibration, function(cal) all(cal["slope", ] == 0), NA)))
  add <- gpatlas:::additive_predict(fit$additive, gpatlas:::model_genotypes(fit, sim), 2L)
  expect_equal(unname(predict(fit, sim)), unname(gpatlas:::unscale_phenotypes(add, fit$scaling)),
               tolerance = 1e-6)
  expect_output(print(fit), "1 of 1 networks untrained.*dropped")
  expect_output(print(summary(fit)), "networks untrained")
  # Without the additive path the network is the model: kept, with the warning.
  ctl$additive <- FALSE
  ctl$calibrate <- TRUE
  expect_warning(fit2 <- gpatlas(. ~ ., sim, ctl), "kept")
  expect_equal(fit2$network_check$action, c("kept", "kept"))
  expect_true(all(vapply(fit2$calibration, function(cal) all(cal["slope", ] >= 0), NA)))
  # A network that learns is left alone.
  ok <- gpatlas(. ~ ., sim, quick_control(30, valid_prop = 0.25, n_seeds = 1L,
                                          additive = FALSE))
  expect_false(any(ok$network_check$untrained))
  expect_equal(ok$network_check$action, "none")
})
