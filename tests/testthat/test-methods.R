# Standard extractors of a gpatlas fit: fitted, residuals, coef, nobs, predict without newdata.

methods_data <- function() {
  d <- gp_simulate(n = 48, n_loci = 15, n_alleles = 2, n_phenotypes = 2, n_causal = 2,
                   seed = 3)
  d$pheno[c(2, 7), 1] <- NA
  d
}

methods_fit <- local({
  cache <- NULL
  function() {
    if (is.null(cache)) cache <<- gpatlas(. ~ ., methods_data(), quick_control(2))
    cache
  }
})

test_that("fitted() and predict() without newdata give the training predictions", {
  d <- methods_data()
  fit <- methods_fit()
  f <- fitted(fit)
  expect_equal(dim(f), c(48L, 2L))
  expect_identical(dimnames(f), list(d$ids, colnames(d$pheno)))
  expect_equal(f, predict(fit, d), tolerance = 1e-6)
  expect_identical(predict(fit), f)
  expect_identical(predict(fit, NULL), f)
  expect_identical(nobs(fit), 48L)
})

test_that("residuals() are observed minus fitted, NA where a trait is missing", {
  d <- methods_data()
  fit <- methods_fit()
  r <- residuals(fit)
  expect_equal(r, d$pheno - fitted(fit), tolerance = 1e-6)
  expect_true(all(is.na(r[c(2, 7), 1])))
  expect_false(anyNA(r[, 2]))
  expect_identical(resid(fit), r)
})

test_that("fitted values survive saveRDS()", {
  fit <- methods_fit()
  path <- tempfile(fileext = ".rds")
  on.exit(unlink(path))
  saveRDS(fit, path)
  back <- readRDS(path)
  expect_identical(fitted(back), fitted(fit))
  expect_identical(residuals(back), residuals(fit))
})

test_that("coef() gives the additive path's per-allele effects in original units", {
  d <- methods_data()
  fit <- methods_fit()
  b <- coef(fit)
  expect_equal(dim(b), c(1L + 15L * 2L, 2L))
  expect_identical(rownames(b)[1:3], c("(Intercept)", "locus_0001:0", "locus_0001:1"))
  expect_identical(colnames(b), fit$traits)
  # Intercept plus the effect of each carried allele is the additive prediction.
  g <- d$geno
  rows <- 1L + (col(g) - 1L) * 2L + g + 1L
  manual <- vapply(1:2, function(t) b[1L, t] + rowSums(matrix(b[rows, t], nrow(g))),
                   numeric(nrow(g)))
  add <- gpatlas:::additive_predict(fit$additive, g, 2L)
  expect_equal(manual, unname(gpatlas:::unscale_phenotypes(add, fit$scaling)),
               tolerance = 1e-8)
  # Centred within markers: frequency-weighted effects sum to zero.
  p1 <- colMeans(g)
  eff1 <- b[seq(3L, nrow(b), by = 2L), 1L]
  eff0 <- b[seq(2L, nrow(b), by = 2L), 1L]
  expect_equal(unname((1 - p1) * eff0 + p1 * eff1), rep(0, 15), tolerance = 1e-8)
})

test_that("coef() of a fit without additive path is NULL with a message", {
  fit <- gpatlas(. ~ ., methods_data(), quick_control(1, additive = FALSE, valid_prop = 0,
                                                   patience = 0, calibrate = FALSE))
  expect_message(b <- coef(fit), "no additive path")
  expect_null(b)
})

test_that("fitted() errors clearly for fits that store no training values", {
  fit <- methods_fit()
  fit$training <- NULL
  expect_error(fitted(fit), "refit")
  expect_error(predict(fit), "refit")
  expect_error(predict(methods_fit(), type = "latent"), "without `newdata`")
})

test_that("predict() takes genotype-only newdata", {
  d <- methods_data()
  fit <- methods_fit()
  ref <- predict(fit, d)
  expect_equal(predict(fit, d$geno), ref)
  expect_equal(predict(fit, as.data.frame(d$geno)), ref)
  g_only <- as_gp_data(d$geno)
  expect_identical(ncol(g_only$pheno), 0L)
  expect_output(print(g_only), "none \\(genotypes only\\)")
  expect_equal(predict(fit, g_only), ref)
  expect_equal(predict(fit, g_only, type = "latent"), predict(fit, d, type = "latent"))
  expect_error(predict(fit, d$geno, from = "phenotype"), "gp_data")
  bad <- d$geno
  bad[1, 1] <- 2L
  expect_error(predict(fit, bad), "allele codes 0..1")
  expect_error(gpatlas(. ~ ., g_only, quick_control(1)), "no phenotypes")
})

test_that("misspelt arguments are errors, not silently dropped", {
  fit <- methods_fit()
  d <- methods_data()
  expect_error(predict(fit, d, frm = "genotype"), "unused argument `frm`")
  expect_error(fitted(fit, 1), "unused argument")
  expect_error(coef(fit, complete = TRUE), "`complete`")
  expect_error(nobs(fit, x = 1), "`x`")
  expect_error(as_gp_data(d$geno, pheno_table = d$pheno), "`pheno_table`")
  expect_error(as_gp_data(d, phenotypes = d$pheno), "`phenotypes`")
  expect_error(gp_metrics(d$pheno, d, na_rm = TRUE), "`na_rm`")
})

test_that("summary() and autoplot() methods refuse arguments they do not take", {
  fit <- methods_fit()
  d <- methods_data()
  expect_error(summary(fit, digits = 3), "unused argument `digits`")
  expect_error(summary(d, digits = 3), "unused argument `digits`")
  skip_if_not_installed("ggplot2")
  expect_error(ggplot2::autoplot(fit, logy = TRUE), "unused argument `logy`")
  roc <- gp_roc(c(5, 4, 3, 2, 1), c(TRUE, FALSE, TRUE, FALSE, FALSE))
  expect_error(ggplot2::autoplot(roc, colour = "red"), "unused argument `colour`")
})
