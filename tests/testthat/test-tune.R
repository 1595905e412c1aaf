# Tests of gp_tune().

tune_sim <- function() {
  gp_simulate(n = 96, n_loci = 30, n_alleles = 2, n_phenotypes = 3, n_causal = 2,
              p_pleio = 0.2, p_interact = 0, noise = 0.01, seed = 3)
}

tune_ctl <- function(...) quick_control(10, ...)

test_that("gp_tune scores every setting on every fold and picks the best", {
  sim <- tune_sim()
  tuned <- gp_tune(. ~ ., sim, grid = list(geno_hidden = c(0, 8), epochs_geno = c(1, 30)),
                   folds = 3, control = tune_ctl(), verbose = FALSE)
  expect_s3_class(tuned, "gp_tune")
  expect_equal(nrow(tuned$results), 4 * 3)
  expect_equal(nrow(tuned$summary), 4)
  expect_equal(sort(unique(tuned$results$fold)), 1:3)
  expect_equal(sum(tuned$results$n_test[tuned$results$setting == 1]), 96)
  expect_true(all(c("geno_hidden", "epochs_geno", "r2", "pearson_r", "mse", "seconds") %in%
                    names(tuned$results)))
  # The summary is the mean of the fold scores, and the best has the highest mean.
  m1 <- mean(tuned$results$r2[tuned$results$setting == 1])
  expect_equal(tuned$summary$mean[1], m1)
  expect_equal(tuned$best$mean, max(tuned$summary$mean))
  expect_s3_class(tuned$best_control, "gpatlas_control")
  expect_equal(tuned$best_control$geno_hidden, tuned$best$geno_hidden)
  expect_equal(tuned$best_control$epochs_pheno, 10)
  # A score is the held-out median R^2 of a fit on the other folds: redo one by hand.
  folds <- gpatlas:::tune_folds(3, 96, 1L)
  row <- tuned$results[tuned$results$setting == 4 & tuned$results$fold == 2, ]
  ctl <- tune_ctl(geno_hidden = row$geno_hidden, epochs_geno = row$epochs_geno)
  fit <- gpatlas(. ~ ., gpatlas:::gp_subset(sim, which(folds != 2)), ctl)
  test <- gpatlas:::gp_subset(sim, which(folds == 2))
  expect_equal(row$r2, stats::median(gp_metrics(fit, test)$per_phenotype$r2))
  expect_equal(row$n_test, sum(folds == 2))
  expect_output(print(tuned), "2 folds|3 folds")
  expect_identical(as.data.frame(tuned), tuned$results)
})

test_that("gp_tune leaves the session's random numbers alone", {
  sim <- tune_sim()
  set.seed(99)
  want <- runif(3)
  set.seed(99)
  gp_tune(. ~ ., sim, grid = list(geno_hidden = 8), folds = 2, control = tune_ctl(),
          verbose = FALSE)
  expect_identical(runif(3), want)
  expect_identical(RNGkind()[1], "Mersenne-Twister")
})

test_that("gp_tune gives the same result under a multisession plan", {
  skip_if_not_installed("future")
  sim <- tune_sim()
  args <- list(formula = . ~ ., data = sim, grid = data.frame(geno_hidden = c(0, 8)),
               folds = 2, control = tune_ctl(), verbose = FALSE)
  seq_res <- do.call(gp_tune, args)
  old <- future::plan(future::multisession, workers = 2)
  on.exit(future::plan(old), add = TRUE)
  # Two local workers share the cores: a fit asking for more gets its share.
  args$control$threads <- gpatlas:::default_threads()
  per_worker <- max(1L, gpatlas:::default_threads() %/% 2L)
  if (per_worker < args$control$threads) {
    expect_message(par_res <- do.call(gp_tune, args), "2 future workers")
  } else {
    par_res <- do.call(gp_tune, args)
  }
  expect_true(all(par_res$results$threads_used == per_worker))
  expect_true(all(seq_res$results$threads_used == 1L))
  expect_equal(par_res$results$r2, seq_res$results$r2, tolerance = 1e-6)
  expect_equal(par_res$best$setting, seq_res$best$setting)
})

test_that("gp_tune rejects bad grids and folds", {
  sim <- tune_sim()
  expect_error(gp_tune(. ~ ., sim, grid = list(nope = 1), control = tune_ctl()), "unknown setting")
  expect_error(gp_tune(. ~ ., sim, grid = list(1, 2), control = tune_ctl()), "name every")
  expect_error(gp_tune(. ~ ., sim, grid = list(geno_hidden = 8), folds = 1,
                       control = tune_ctl()), "folds")
  expect_error(gp_tune(. ~ ., sim, grid = list(geno_hidden = 8), folds = rep(1, 5),
                       control = tune_ctl()), "labels for 96")
  expect_error(gp_tune(. ~ ., sim, grid = list(lr = -1), folds = 2, control = tune_ctl()), "lr")
  # Fold labels given by the user are used as they are.
  f <- rep(c("a", "b"), length.out = 96)
  tuned <- gp_tune(. ~ ., sim, grid = list(geno_hidden = 8), folds = f, control = tune_ctl(),
                   verbose = FALSE)
  expect_equal(sort(unique(tuned$results$fold)), c("a", "b"))
})
