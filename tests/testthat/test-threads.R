# Thread counts: capped at the machine, passive OpenMP waiting, and fits that do not depend on them.

test_that("the same seed gives the same fit on one thread and on two (to float rounding)", {
  skip_if(available_cores() < 2L, "needs two processors")
  sim <- gp_simulate(n = 80, n_loci = 150, n_phenotypes = 3, n_causal = 3, seed = 2)
  fit_with <- function(threads) {
    gpatlas(. ~ ., sim, quick_control(4, geno_hidden = 64, threads = threads, valid_prop = 0.1,
                                      patience = 2, calibrate = TRUE))
  }
  one <- fit_with(1)
  two <- fit_with(2)
  expect_equal(predict(one, sim), predict(two, sim), tolerance = 1e-6)
  expect_equal(predict(one, sim, from = "phenotype"), predict(two, sim, from = "phenotype"),
               tolerance = 1e-6)
  imp1 <- gp_importance(one, sim, verbose = FALSE)
  two$control$threads <- 2L
  imp2 <- gp_importance(two, sim, verbose = FALSE)
  expect_equal(imp1$matrix, imp2$matrix, tolerance = 1e-6)
})

test_that("VIDA thread counts beyond the machine are capped with a warning", {
  set.seed(1)
  x <- matrix(abs(rnorm(60 * 12)), 60, 12)
  ref <- gp_vida(x, z_threshold = 1.5, verbose = FALSE, threads = 1)$scores
  expect_warning(big <- gp_vida(x, z_threshold = 1.5, verbose = FALSE, threads = 1e5)$scores,
                 "processors")
  expect_equal(big, ref)
  expect_error(gp_vida(x, threads = Inf), "threads")
  expect_error(gp_vida(x, threads = 1.5), "threads")
})

test_that("loading the package sets passive OpenMP waiting unless the user chose a policy", {
  skip_if_not_installed("callr")
  policy <- function(env) {
    callr::r(function() {
      library(gpatlas)
      Sys.getenv("OMP_WAIT_POLICY")
    }, env = env)
  }
  base <- callr::rcmd_safe_env()
  base <- base[names(base) != "OMP_WAIT_POLICY"]
  expect_identical(policy(base), "PASSIVE")
  expect_identical(policy(c(base, OMP_WAIT_POLICY = "ACTIVE")), "ACTIVE")
})

test_that("local future workers share the cores; other plans leave threads alone", {
  skip_if_not_installed("future")
  old <- future::plan()
  on.exit(future::plan(old), add = TRUE)
  future::plan(future::sequential)
  expect_null(future_worker_threads())
  ctls <- list(quick_control(1, threads = 1))
  expect_identical(share_threads_among_workers(ctls), ctls)
  future::plan(future::multicore, workers = 2)
  skip_if(future::nbrOfWorkers() < 2, "multicore futures are not supported here")
  per <- max(1L, default_threads() %/% 2L)
  expect_identical(future_worker_threads(), per)
  many <- ctls
  many[[1]]$threads <- 64L
  if (per < 64L) {
    expect_message(capped <- share_threads_among_workers(many), "2 future workers")
  } else {
    capped <- share_threads_among_workers(many)
  }
  expect_identical(capped[[1]]$threads, min(64L, per))
  expect_identical(share_threads_among_workers(ctls)[[1]]$threads, 1L)
})
