# Tests of genotype probabilities as the model's input (gp_data(probs = ), see ?gp_probs).

probs_ctl <- function(...) {
  gpatlas_control(latent_dim = 3, pheno_hidden = 8, decoder_hidden = 8, geno_hidden = 16,
                  epochs_pheno = 5, epochs_geno = 5, threads = 1, n_seeds = 1,
                  verbose = FALSE, seed = 3, ...)
}

test_that("gp_data() validates and keeps genotype probabilities", {
  sim <- gp_simulate(n = 30, n_loci = 8, n_phenotypes = 2, n_causal = 1, seed = 1)
  p <- blurred_probs(sim$geno, 3L, 0.3, 1)
  d <- gp_data(sim$pheno, sim$geno, probs = p)
  expect_identical(dim(d$probs), c(30L, 3L, 8L))
  expect_identical(dimnames(d$probs)[[1L]], d$ids)
  expect_identical(dimnames(d$probs)[[3L]], colnames(d$geno))
  expect_output(print(d), "genotype probabilities")
  # Subsets keep the probabilities of their individuals.
  s <- gp_subset(d, c(4, 2))
  expect_equal(s$probs, d$probs[c(4, 2), , , drop = FALSE])
  sp <- gp_split(d, prop = 0.8, seed = 1)
  expect_equal(sp$test$probs, d$probs[sp$test$ids, , , drop = FALSE])
  # Fewer states than alleles are padded with probability 0.
  two <- gp_data(sim$pheno, sim$geno, n_alleles = 4L, probs = p)
  expect_identical(dim(two$probs), c(30L, 4L, 8L))
  expect_true(all(two$probs[, 4, ] == 0))
  # Bad input is refused with a clear message.
  expect_error(gp_data(sim$pheno, sim$geno, probs = p[, , 1:7]), "8 markers|x 8")
  expect_error(gp_data(sim$pheno, sim$geno, probs = p[, 1:2, ]), "sum to")
  q <- p
  q[1, 1, 1] <- -0.2
  expect_error(gp_data(sim$pheno, sim$geno, probs = q), "outside \\[0, 1\\]")
  expect_error(gp_data(sim$pheno, sim$geno, probs = matrix(0, 30, 8)), "3-dimensional")
  named <- p
  dimnames(named) <- list(rev(sim$ids), NULL, NULL)
  expect_error(gp_data(sim$pheno, sim$geno, probs = named), "individuals of `probs`")
  # A vector of NA is a missing call.
  na <- p
  na[2, , 3] <- NA
  expect_silent(gp_data(sim$pheno, sim$geno, probs = na))
})

test_that("one-hot probabilities fit, predict and rank exactly as the calls", {
  sim <- gp_simulate(n = 120, n_loci = 25, n_phenotypes = 3, n_causal = 3, seed = 2)
  sim$geno[3, 5] <- NA
  soft <- gp_data(sim$pheno, sim$geno, probs = onehot_probs(sim$geno, 3L))
  ctl <- probs_ctl(additive_pairs = 5)
  f_soft <- gpatlas(. ~ ., soft, ctl)
  f_hard <- gpatlas(. ~ ., sim, ctl)
  expect_identical(f_soft$input, "probabilities")
  expect_identical(f_hard$input, "calls")
  expect_output(print(f_soft), "genotype input: probability vectors")
  expect_equal(predict(f_soft, soft), predict(f_hard, sim), tolerance = 1e-12)
  expect_equal(f_soft$additive$coef, f_hard$additive$coef, tolerance = 1e-12)
  imp_soft <- gp_importance(f_soft, soft, verbose = FALSE)
  imp_hard <- gp_importance(f_hard, sim, verbose = FALSE)
  expect_equal(imp_soft$matrix, imp_hard$matrix, tolerance = 1e-10)
  # A fit on probabilities predicts data without them from their calls' one-hot vectors.
  expect_equal(predict(f_soft, sim), predict(f_hard, sim), tolerance = 1e-12)
})

test_that("the additive path is linear in the probabilities, pair terms included", {
  train <- pair_data(300, 1, blur = 0.2)
  geno <- gpatlas:::genotype_input(train, colnames(train$geno), 2L)
  add <- gpatlas:::additive_fit(train$pheno, geno, 2L, pair_top = 5L)
  terms <- add$pairs
  expect_gt(nrow(terms), 0)
  test <- pair_data(20, 2, blur = 0.2)
  p <- test$probs
  p[3, , 1] <- NA  # a missing call adds the locus average and removes its terms
  pred <- gpatlas:::additive_predict(add, p, 2L)
  manual <- matrix(add$intercept, 20, 2, byrow = TRUE)
  p0 <- p
  p0[is.na(p0)] <- 0
  for (l in seq_len(20)) {
    for (a in 1:2) manual <- manual + outer(p0[, a, l], add$coef[(l - 1) * 2 + a, ])
  }
  for (k in seq_len(nrow(terms))) {
    tm <- terms[k, ]
    side <- function(l, a, ctr) p0[, a + 1, l] - ctr * (p0[, 1, l] + p0[, 2, l])
    manual[, tm$trait] <- manual[, tm$trait] +
      tm$weight * side(tm$locus1, tm$allele1, tm$centre1) * side(tm$locus2, tm$allele2, tm$centre2)
  }
  # The core holds probabilities in single precision.
  expect_equal(pred, manual, tolerance = 1e-6, ignore_attr = TRUE)
})

test_that("importance on probabilities equals one prediction per ablated input", {
  train <- pair_data(300, 3, blur = 0.2)
  test <- gp_subset(pair_data(5, 4, blur = 0.2), 1:5)
  test$probs[2, , 1] <- NA
  fit <- gpatlas(. ~ ., train, probs_ctl(additive_pairs = 5))
  expect_gt(nrow(fit$additive$pairs), 0)
  imp <- gp_importance(fit, test, verbose = FALSE)
  # Both alleles of locus 1 (in the model: trait 1 = x1 + x2 + 3 x1 x2) have an importance
  # wherever they have a probability.
  expect_true(all(imp$matrix[-2, 1:2] > 0))
  expect_equal(unname(imp$matrix), importance_by_prediction(fit, test), tolerance = 1e-5)
  # The slow C++ path (one forward pass per feature) agrees with the fast one.
  fast <- core_importance(fit, test, slow = FALSE)
  slow <- core_importance(fit, test, slow = TRUE)
  expect_equal(fast$per_individual, slow$per_individual, tolerance = 1e-6)
  expect_equal(fast$per_phenotype, slow$per_phenotype, tolerance = 1e-6)
})

test_that("the core refuses probability arrays that are not probability vectors", {
  sim <- gp_simulate(n = 40, n_loci = 6, n_phenotypes = 2, n_causal = 1, seed = 4)
  fit <- gpatlas(. ~ ., sim, probs_ctl())
  p <- onehot_probs(sim$geno, 3L)
  model <- gpatlas:::model_core(fit)
  p[1, 1:2, 1] <- 0.9
  expect_error(gpatlas:::cpp_model_predict(model, p, TRUE, FALSE, 3L), "more than 1")
  expect_error(gpatlas:::cpp_model_predict(model, p[, 1:2, ], TRUE, FALSE, 3L), "3 states")
  p[1, 1:2, 1] <- c(-1, 2)
  expect_error(gpatlas:::cpp_model_predict(model, p, TRUE, FALSE, 3L), "out of \\[0, 1\\]")
})
