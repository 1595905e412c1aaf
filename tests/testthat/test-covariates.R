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
