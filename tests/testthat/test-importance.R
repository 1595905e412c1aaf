# Tests of gp_importance(): exactness against slow references, structure, and signal recovery.

imp_fixture <- function() {
  sim <- gp_simulate(n = 160, n_loci = 30, n_alleles = 3, n_phenotypes = 3, n_causal = 3,
                     p_pleio = 0, p_interact = 0, noise = 0.01, seed = 5)
  ctl <- gpatlas_control(latent_dim = 4, pheno_hidden = 16, decoder_hidden = 16,
                         geno_hidden = 32, epochs_pheno = 60, epochs_geno = 60, threads = 1,
                         n_seeds = 1, verbose = FALSE, seed = 3, additive = FALSE)
  list(sim = sim, fit = gpatlas(. ~ ., sim, ctl))
}
fx <- imp_fixture()

test_that("fast importance equals one forward pass per feature", {
  test <- fx$sim[1:12, ]
  imp <- gp_importance(fx$fit, test, verbose = FALSE)
  geno <- test$geno
  storage.mode(geno) <- "integer"
  # The default fit is recalibrated: both paths measure the recalibrated output.
  expect_false(is.null(fx$fit$calibration[[1]]))
  slow <- gpatlas:::cpp_importance(fx$fit$params, unclass(fx$fit$control), 3L, "genotype", geno,
                                   3L, matrix(0, 12, 3), FALSE, "prediction", TRUE, FALSE, -1L,
                                   fx$fit$calibration[[1]])
  expect_equal(unname(imp$matrix), slow$per_individual, tolerance = 1e-5)
  # An independent check through predict(): ablating the carried allele of a locus is the same
  # as a missing call there.
  base <- predict(fx$fit, test)
  sc <- fx$fit$scaling$scale
  for (l in c(1L, 7L, 30L)) {
    for (i in c(1L, 5L)) {
      alt_data <- test
      alt_data$geno[i, l] <- NA
      alt <- predict(fx$fit, alt_data)
      rms <- sqrt(mean(((alt[i, ] - base[i, ]) / sc)^2))
      j <- (l - 1L) * 3L + test$geno[i, l] + 1L
      expect_equal(imp$matrix[i, j], rms, tolerance = 1e-3)
    }
  }
})

test_that("importance has the documented structure", {
  imp <- gp_importance(fx$fit, fx$sim[1:20, ], verbose = FALSE)
  expect_s3_class(imp, "gp_importance")
  expect_equal(dim(imp$matrix), c(20L, 90L))
  expect_equal(rownames(imp$matrix), fx$sim$ids[1:20])
  expect_equal(nrow(imp$features), 90L)
  expect_equal(imp$features$importance, unname(colMeans(imp$matrix^2)))
  # Alleles an individual does not carry cannot matter.
  carried <- matrix(FALSE, 20, 90)
  for (l in 1:30) carried[cbind(1:20, (l - 1) * 3 + fx$sim$geno[1:20, l] + 1)] <- TRUE
  expect_true(all(imp$matrix[!carried] == 0))
  expect_true(all(imp$matrix[carried] >= 0))
  expect_equal(nrow(imp$loci), 30L)
  expect_equal(imp$loci$importance, apply(matrix(imp$features$importance, nrow = 3), 2, max))
  expect_equal(min(imp$loci$rank), 1L)
  expect_equal(dim(imp$per_phenotype), c(90L, 3L))
  expect_output(print(imp), "top loci")
})

test_that("the mse statistic and phenotype importance work and validate input", {
  test <- fx$sim[1:15, ]
  imp <- gp_importance(fx$fit, test, statistic = "mse", verbose = FALSE)
  expect_equal(imp$statistic, "mse")
  # One entry against its definition: change in MSE (standardized units) when the carried
  # allele of locus 4 of individual 2 is ablated.
  sc <- fx$fit$scaling$scale
  obs <- test$pheno[2, ]
  base <- predict(fx$fit, test)[2, ]
  alt_data <- test
  alt_data$geno[2, 4] <- NA
  alt <- predict(fx$fit, alt_data)[2, ]
  want <- mean(((alt - obs) / sc)^2) - mean(((base - obs) / sc)^2)
  expect_equal(imp$matrix[2, 3 * 3 + test$geno[2, 4] + 1], want, tolerance = 1e-3)
  p <- gp_importance(fx$fit, test, from = "phenotype", verbose = FALSE)
  expect_equal(dim(p$matrix), c(15L, 3L))
  expect_null(p$loci)
  expect_true(all(p$features$importance > 0))
  no_traits <- test
  colnames(no_traits$pheno) <- c("a", "b", "c")
  expect_error(gp_importance(fx$fit, no_traits, statistic = "mse"), "lacks trait")
  expect_error(gp_importance(list(), test), "gpatlas fit")
  expect_error(gp_importance(fx$fit), "required")
})

test_that("causal loci rank above non-causal loci on additive simulated data", {
  imp <- gp_importance(fx$fit, fx$sim, verbose = FALSE)
  causal <- seq_len(30) %in% fx$sim$truth$causal_loci
  auc <- mean(outer(imp$loci$importance[causal], imp$loci$importance[!causal], ">"))
  expect_gt(auc, 0.8)
})
