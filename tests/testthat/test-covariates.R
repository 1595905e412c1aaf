# Covariates through gpatlas(addcovar = ), predict(), fitted() and gp_importance().

covar_sim <- function() {
  sim <- gp_simulate(n = 120, n_loci = 30, n_phenotypes = 2, n_causal = 2, seed = 3)
  sex <- data.frame(sex = factor(rep(c("f", "m"), 60)), row.names = sim$ids)
  shift <- ifelse(sex$sex == "m", 25, 0)
  sim$pheno <- sim$pheno + shift
  list(sim = sim, sex = sex, shift = shift)
}

test_that("a fit with covariates removes their effect and predict() adds it back", {
  d <- covar_sim()
  ctl <- quick_control(3L)
  fit <- gpatlas(. ~ ., d$sim, ctl, addcovar = d$sex)
  expect_s3_class(fit$covar_adjustment, "gp_covar")
  # the sex effect of 25 is recovered on every trait
  expect_equal(unname(fit$covar_adjustment$coef[1, ]), c(25, 25), tolerance = 2)
  p <- predict(fit, d$sim)
  base <- gpatlas(. ~ ., d$sim, ctl)
  # without the covariate the sex difference of the predictions is far from 25
  diff_with <- colMeans(p[d$sex$sex == "m", ]) - colMeans(p[d$sex$sex == "f", ])
  expect_equal(unname(diff_with), c(25, 25), tolerance = 0.2)
  expect_equal(fitted(fit), p)
  expect_equal(residuals(fit), d$sim$pheno[, fit$traits] - p)
  # new individuals need their covariates; given in addcovar they are used
  nd <- gp_subset(d$sim, 1:5)
  nd$covar <- NULL
  ids <- paste0("new", 1:5)
  nd$ids <- ids
  rownames(nd$pheno) <- rownames(nd$geno) <- ids
  expect_error(predict(fit, nd), "unknown")
  q <- predict(fit, nd, addcovar = data.frame(sex = d$sex$sex[1:5], row.names = ids))
  expect_equal(unname(q), unname(p[1:5, ]))
  expect_error(predict(base, d$sim, addcovar = d$sex), "without covariates")
})

test_that("importance compares phenotypes without the covariates' effects", {
  d <- covar_sim()
  ctl <- quick_control(3L)
  fit <- gpatlas(. ~ ., d$sim, ctl, addcovar = d$sex)
  adj <- d$sim
  adj$pheno <- adj$pheno - gp_covar_effect(fit$covar_adjustment, d$sim)[, colnames(adj$pheno)]
  fit_adj <- fit
  fit_adj$covar_adjustment <- NULL
  a <- gp_importance(fit, d$sim, statistic = "mse", verbose = FALSE)
  b <- gp_importance(fit_adj, adj, statistic = "mse", verbose = FALSE)
  expect_equal(a$features$importance, b$features$importance, tolerance = 1e-6)
  # and differs from importance against the phenotypes with the sex effect left in
  raw <- gp_importance(fit_adj, d$sim, statistic = "mse", verbose = FALSE)
  expect_false(isTRUE(all.equal(raw$features$importance, b$features$importance)))
  # prediction importance needs no phenotypes, so no covariates either
  g <- d$sim
  g$covar <- NULL
  expect_silent(gp_importance(fit, g, verbose = FALSE))
})

test_that("the joint additive path is glmnet's with unpenalized covariate columns", {
  skip_if_not_installed("glmnet")
  set.seed(5)
  n <- 120
  p <- 30
  g <- matrix(rbinom(n * p, 1, 0.5), n, p)
  storage.mode(g) <- "integer"
  cv <- cbind(sex = rbinom(n, 1, plogis(2 * (g[, 1] - 0.5))), batch = rnorm(n))
  y <- cbind(a = 1.5 * g[, 1] - g[, 2] + 2 * cv[, 1] + 0.5 * cv[, 2] + rnorm(n),
             b = g[, 5] - cv[, 1] + rnorm(n))
  y[c(4, 17), 2] <- NA
  res <- gpatlas:::cpp_additive_fit(y, g, 2L, list(folds = 5L, alpha = 1, average = FALSE,
                                                   pair_top = 0L, seed = 1, threads = 1L,
                                                   covar = cv))
  expect_equal(dim(res$covar_coef), c(2L, 2L))
  # The solver standardizes the columns over all rows; glmnet gets them pre-standardized.
  x <- cbind(g, cv)
  mu <- colMeans(x)
  s <- sqrt(colMeans(sweep(x, 2, mu)^2))
  xs <- sweep(sweep(x, 2, mu), 2, s, "/")
  for (t in 1:2) {
    ok <- !is.na(y[, t])
    # The grid starts where every genotype coefficient is zero given the covariates.
    r <- stats::residuals(stats::lm(y[ok, t] ~ xs[ok, p + 1:2]))
    lmax <- max(abs(crossprod(xs[ok, 1:p], r))) / sum(ok)
    grid <- (lmax * 0.01^((0:49) / 49))[seq_len(res$steps[t])]
    k <- which.min(abs(grid / res$lambda[t] - 1))
    expect_lt(abs(grid[k] / res$lambda[t] - 1), 1e-6)
    # glmnet rescales penalty factors to sum to the number of columns.
    gl <- glmnet::cv.glmnet(xs[ok, ], y[ok, t], foldid = res$folds[ok],
                            penalty.factor = c(rep(1, p), 0, 0), lambda = grid * p / (p + 2),
                            standardize = FALSE, thresh = 1e-14)
    expect_equal(which.min(gl$cvm), k)
    b <- as.vector(gl$glmnet.fit$beta[, k]) / s
    ours <- res$coef[seq(2, 2 * p, 2), t] - res$coef[seq(1, 2 * p, 2), t]
    expect_lt(max(abs(ours - b[1:p])), 0.01)
    expect_lt(max(abs(res$covar_coef[, t] - b[p + 1:2])), 0.01)
  }
})

# A sex covariate that correlates with the one causal locus.
confounded_sim <- function(seed, n = 300) {
  set.seed(seed)
  g <- matrix(rbinom(n * 20, 1, 0.5), n, 20, dimnames = list(paste0("i", 1:n), paste0("m", 1:20)))
  storage.mode(g) <- "integer"
  sex <- rbinom(n, 1, ifelse(g[, 1] == 1, 0.85, 0.15))
  y <- cbind(t1 = 2 * g[, 1] + 1 * sex + rnorm(n, sd = 0.5),
             t2 = -1.5 * g[, 1] + 0.5 * g[, 7] - 0.5 * sex + rnorm(n, sd = 0.5))
  list(data = gp_data(y, g), covar = data.frame(sex = sex, row.names = rownames(g)),
       truth = c(1, -0.5))
}

test_that("joint estimates recover a covariate effect that the two-step fit biases", {
  d <- confounded_sim(7)
  fit <- gpatlas(. ~ ., d$data, quick_control(2L), addcovar = d$covar)
  adj <- fit$covar_adjustment
  expect_identical(adj$method, "joint")
  expect_identical(colnames(adj$coef), c("t1", "t2"))
  # (the lasso's shrinkage of the locus leaks a little into the covariate: not exact)
  expect_lt(max(abs(adj$coef[1, ] - d$truth)), 0.35)
  two <- gp_covar_adjust(d$data, d$covar)$covar_adjustment
  expect_identical(two$method, "two-step")
  expect_gt(min(abs(two$coef[1, ] - d$truth)), 0.6)
  expect_true(all(abs(adj$coef[1, ] - d$truth) < abs(two$coef[1, ] - d$truth) / 3))
  # Without the additive path the fit keeps the two-step adjustment.
  pub <- gpatlas(. ~ ., d$data, quick_control(2L, additive = FALSE, valid_prop = 0,
                                             calibrate = FALSE, patience = 0), addcovar = d$covar)
  expect_identical(pub$covar_adjustment$method, "two-step")
  expect_equal(pub$covar_adjustment$coef, two$coef)
})

test_that("a joint fit predicts, saves and handles missing covariates as the two-step one", {
  d <- confounded_sim(8, n = 120)
  fit <- gpatlas(. ~ ., d$data, quick_control(2L), addcovar = d$covar)
  expect_output(print(fit), "covariates: .*estimated with the additive path")
  p <- predict(fit, d$data)
  expect_equal(fitted(fit), p)
  expect_equal(predict(fit, d$data, addcovar = d$covar), p)
  expect_equal(residuals(fit), d$data$pheno - p)
  # the covariate part is the stored effect at the stored centre
  flipped <- d$covar
  flipped$sex <- 1 - flipped$sex
  delta <- predict(fit, d$data, addcovar = flipped) - p
  expect_equal(unname(delta), unname(outer(1 - 2 * d$covar$sex, fit$covar_adjustment$coef[1, ])),
               tolerance = 1e-8)
  path <- tempfile(fileext = ".rds")
  saveRDS(fit, path)
  back <- readRDS(path)
  expect_identical(predict(back, d$data), p)
  expect_identical(back$covar_adjustment, fit$covar_adjustment)
  # an individual with a missing covariate has no phenotype in the fit and no prediction
  miss <- d$covar
  miss$sex[3] <- NA
  expect_message(f2 <- gpatlas(. ~ ., d$data, quick_control(2L), addcovar = miss),
                 "1 individual with missing covariates")
  expect_true(all(is.na(fitted(f2)[3, ])))
  expect_false(anyNA(fitted(f2)[-3, ]))
})

test_that("a joint fit is one call into the core", {
  d <- confounded_sim(9, n = 80)
  ns <- asNamespace("gpatlas")
  rec <- new.env()
  rec$calls <- character()
  wrappers <- grep("^cpp_", ls(ns), value = TRUE)
  for (w in wrappers) {
    tracer <- bquote(assign("calls", c(get("calls", envir = .(rec)), .(w)), envir = .(rec)))
    suppressMessages(trace(w, tracer = tracer, where = ns, print = FALSE))
  }
  on.exit(for (w in wrappers) suppressMessages(untrace(w, where = ns)))
  gpatlas(. ~ ., d$data, quick_control(2L), addcovar = d$covar)
  expect_identical(rec$calls, "cpp_model_fit")
})

test_that("bad covariates are refused with clear errors", {
  d <- confounded_sim(10, n = 60)
  ctl <- quick_control(2L)
  expect_error(gpatlas(. ~ ., d$data, ctl, addcovar = "sex"), "no covariate table")
  d$data$covar <- d$covar
  expect_error(gpatlas(. ~ ., d$data, ctl, addcovar = "age"), "Unknown covariate 'age'")
  expect_error(gpatlas(. ~ ., d$data, ctl, addcovar = matrix("a", 60, 1)), "must be numeric")
  expect_error(gpatlas(. ~ ., d$data, ctl, addcovar = data.frame(b = rep("x", 60))),
               "No covariate varies")
  expect_error(gpatlas(. ~ ., d$data, ctl, addcovar = d$covar[1:10, , drop = FALSE]),
               "has no row in the covariates")
  few <- d$data
  few$pheno[-(1:2), "t2"] <- NA
  expect_error(gpatlas(t2 ~ ., few, ctl, addcovar = "sex"), "too few observed training values")
  expect_error(gpatlas:::cpp_additive_fit(d$data$pheno, d$data$geno, 2L,
                                          list(folds = 5L, alpha = 1, average = FALSE,
                                               pair_top = 0L, seed = 1, threads = 1L,
                                               covar = matrix(NA_real_, 60, 1))),
               "covariates must be finite")
})

test_that("a fit to gp_covar_adjust() output keeps the adjustment and predicts the original scale", {
  sim <- gp_simulate(n = 80, n_loci = 10, n_phenotypes = 2, n_causal = 1, seed = 1)
  sex <- data.frame(sex = rep(c("f", "m"), 40), row.names = sim$ids)
  sim$pheno[sex$sex == "m", 1] <- sim$pheno[sex$sex == "m", 1] + 5
  adj <- gp_covar_adjust(sim, sex)
  fit <- gpatlas(. ~ ., adj, gpatlas_control(epochs_pheno = 3, epochs_geno = 3, threads = 1,
                                             verbose = FALSE, n_seeds = 1))
  expect_identical(fit$covar_adjustment$method, "two-step")
  p <- predict(fit, adj)
  # The effect is added once: the predicted sex difference is the estimated one (about 5), not
  # twice it, while the adjusted traits have none.
  gap <- diff(tapply(p[, 1], sex$sex, mean))
  est <- fit$covar_adjustment$coef[1, 1]
  expect_equal(unname(gap), unname(est), tolerance = 0.25 * abs(est))
  expect_lt(abs(diff(tapply(adj$pheno[, 1], sex$sex, mean))), 1e-8)
})
