# Tests of the linear QTL baselines and of gp_compare().

one_qtl_data <- function(n = 200, n_markers = 30, seed = 11) {
  set.seed(seed)
  geno <- matrix(sample(0:1, n * n_markers, replace = TRUE), n,
                 dimnames = list(sprintf("i%03d", seq_len(n)),
                                 sprintf("m%02d", seq_len(n_markers))))
  y <- 2 * geno[, 7] + stats::rnorm(n, sd = 0.5)
  y2 <- -1.5 * geno[, 3] + 1 * geno[, 20] + stats::rnorm(n, sd = 0.5)
  y2[c(5, 17, 40)] <- NA
  geno[cbind(c(1, 9, 30), c(7, 12, 3))] <- NA
  markers <- data.frame(marker = colnames(geno), chr = rep(c("1", "2"), each = n_markers / 2),
                        pos = rep(seq_len(n_markers / 2) * 10, 2))
  gp_data(cbind(big = y, two = y2), geno, markers = markers)
}

lod_lm <- function(y, x0, x1) {
  ok <- !is.na(y)
  rss0 <- sum(stats::resid(stats::lm(y[ok] ~ x0[ok, , drop = FALSE]))^2)
  rss1 <- sum(stats::resid(stats::lm(y[ok] ~ x0[ok, , drop = FALSE] + x1[ok, , drop = FALSE]))^2)
  sum(ok) / 2 * log10(rss0 / rss1)
}

# Genotype columns as the scan sees them: allele indicators of codes 1..A-1,
# missing calls filled with the allele frequency.
scan_columns <- function(d, j) {
  g <- d$geno[, j]
  vapply(seq_len(d$n_alleles - 1L), function(k) {
    x <- as.numeric(g == k)
    x[is.na(x)] <- mean(g == k, na.rm = TRUE)
    x
  }, numeric(length(g)))
}

test_that("forward selection finds a strong planted QTL and little else", {
  d <- one_qtl_data()
  b <- gp_qtl_baseline(d)
  expect_s3_class(b, "gp_qtl_baseline")
  big <- b$qtl[b$qtl$trait == "big", ]
  expect_identical(big$marker[1], "m07")
  expect_gte(big$lod[1], 3)
  expect_lte(nrow(big), 2L)
  two <- b$qtl[b$qtl$trait == "two", ]
  expect_setequal(two$marker[1:2], c("m03", "m20"))
  expect_lte(nrow(two), 3L)
  expect_named(b$qtl, c("trait", "marker", "chr", "pos", "lod", "step"))
  expect_identical(big$chr[1], "1")
  expect_equal(big$pos[1], 70)
  expect_identical(b$markers, colnames(d$geno))
  expect_identical(b$method, "forward")
  expect_equal(b$models$two$n, 197L)
  expect_output(print(b), "forward-selection")

  s <- gp_qtl_baseline(d, method = "scanone")
  expect_identical(as.vector(table(s$qtl$trait)), c(1L, 1L))
  expect_identical(s$qtl$marker[1], "m07")
})

test_that("scan LOD equals the LOD of two lm() fits", {
  d <- one_qtl_data()
  b <- gp_qtl_baseline(d)
  y <- d$pheno[, "two"]
  one <- matrix(1, length(y), 1)
  for (j in c(1L, 3L, 12L, 20L)) {
    expect_equal(b$scan[j, "two"], lod_lm(y, one, scan_columns(d, j)), tolerance = 1e-8)
  }
  sel <- match(b$qtl$marker[b$qtl$trait == "two"], colnames(d$geno))
  expect_equal(b$qtl$lod[b$qtl$trait == "two"][2],
               lod_lm(y, scan_columns(d, sel[1]), scan_columns(d, sel[2])), tolerance = 1e-8)

  # Three allelic states: the genotype enters as a factor (two indicators).
  d3 <- gp_simulate(n = 150, n_loci = 20, n_alleles = 3, n_phenotypes = 1, n_causal = 2,
                    p_interact = 0, seed = 4)
  d3$geno[c(3, 50, 77), c(2, 5, 9)] <- NA
  b3 <- gp_qtl_baseline(d3, max_qtl = 3)
  y3 <- d3$pheno[, 1]
  for (j in c(2L, 5L, 9L)) {
    expect_equal(b3$scan[j, 1], lod_lm(y3, matrix(1, 150, 1), scan_columns(d3, j)),
                 tolerance = 1e-8)
  }
})

test_that("forward selection recovers simulated additive loci", {
  d <- gp_simulate(n = 300, n_loci = 120, n_alleles = 2, n_phenotypes = 3, n_causal = 2,
                   p_pleio = 0, p_interact = 0, noise = 0.01, seed = 3)
  b <- gp_qtl_baseline(d, max_qtl = 6)
  for (tr in colnames(d$pheno)) {
    truth <- colnames(d$geno)[d$truth$causal$locus[d$truth$causal$phenotype == tr]]
    found <- b$qtl$marker[b$qtl$trait == tr]
    expect_true(all(truth %in% found), info = tr)
    expect_lte(length(setdiff(found, truth)), 2L)
  }
})

test_that("predictions have the right shape and beat the training mean", {
  d <- gp_simulate(n = 300, n_loci = 80, n_alleles = 3, n_phenotypes = 3, n_causal = 2,
                   p_interact = 0, seed = 5)
  parts <- gp_split(d, 0.7, seed = 1)
  b <- gp_qtl_baseline(parts$train, traits = c("phen_03", "phen_01"))
  p <- predict(b, parts$test)
  expect_true(is.matrix(p))
  expect_identical(dimnames(p), list(parts$test$ids, c("phen_03", "phen_01")))
  obs <- parts$test$pheno[, colnames(p)]
  mse_model <- colMeans((obs - p)^2)
  mse_mean <- colMeans(sweep(obs, 2, colMeans(parts$train$pheno[, colnames(p)]))^2)
  expect_true(all(mse_model < 0.5 * mse_mean))
  expect_error(predict(b, parts$test$pheno), "whole numbers")
})

test_that("permutation threshold is seeded and leaves the RNG stream alone", {
  d <- one_qtl_data()
  set.seed(99)
  before <- .Random.seed
  b1 <- gp_qtl_baseline(d, n_perm = 30, seed = 7)
  expect_identical(.Random.seed, before)
  b2 <- gp_qtl_baseline(d, n_perm = 30, seed = 7)
  thr <- vapply(b1$models, function(m) m$threshold, numeric(1))
  expect_identical(thr, vapply(b2$models, function(m) m$threshold, numeric(1)))
  expect_true(all(thr > 0.5 & thr < 6))
  expect_identical(b1$qtl$marker[b1$qtl$trait == "big"][1], "m07")
  expect_output(print(b1), "permutation")
})

test_that("lasso and ridge run through glmnet", {
  skip_if_not_installed("glmnet")
  d <- one_qtl_data()
  parts <- gp_split(d, 0.75, seed = 2)
  for (m in c("lasso", "ridge")) {
    b <- gp_qtl_baseline(parts$train, method = m, seed = 1, nfolds = 5)
    expect_identical(b$method, m)
    p <- predict(b, parts$test)
    expect_identical(dim(p), c(length(parts$test$ids), 2L))
    r2 <- gpatlas:::metrics_table(parts$test$pheno, p)$per_phenotype$r2
    expect_true(all(r2 > 0.5), info = m)
    expect_true(all(is.na(b$qtl$lod)))
    b_again <- gp_qtl_baseline(parts$train, method = m, seed = 1, nfolds = 5)
    expect_identical(predict(b_again, parts$test), p)
  }
  lasso <- gp_qtl_baseline(parts$train, method = "lasso", seed = 1, nfolds = 5)
  expect_true("m07" %in% lasso$qtl$marker[lasso$qtl$trait == "big"])
})

test_that("gp_compare tabulates R^2 and a paired Wilcoxon test", {
  d <- gp_simulate(n = 200, n_loci = 40, n_alleles = 2, n_phenotypes = 5, n_causal = 2,
                   p_interact = 0, seed = 8)
  parts <- gp_split(d, 0.75, seed = 3)
  fwd <- gp_qtl_baseline(parts$train, max_qtl = 5)
  one <- gp_qtl_baseline(parts$train, method = "scanone")
  cmp <- gp_compare(fwd, one, parts$test)
  expect_s3_class(cmp, "gp_compare")
  expect_named(cmp$table, c("trait", "r2_gpatlas", "r2_baseline", "difference"))
  expect_identical(cmp$table$trait, colnames(d$pheno))
  expect_equal(cmp$table$difference, cmp$table$r2_gpatlas - cmp$table$r2_baseline)
  expect_equal(cmp$table$r2_baseline,
               gp_metrics(predict(one, parts$test), parts$test)$per_phenotype$r2)
  expect_true(cmp$p_value > 0 && cmp$p_value <= 1)
  expect_identical(cmp$n_wins, sum(cmp$table$difference > 0))
  expect_gte(cmp$n_wins, 4L)
  expect_equal(cmp$median_difference, stats::median(cmp$table$difference))
  expect_output(print(cmp), "Wilcoxon")

  fit <- gpatlas(. ~ ., parts$train,
                 gpatlas_control(epochs_pheno = 3, epochs_geno = 3, geno_hidden = 8,
                                 pheno_hidden = 8, decoder_hidden = 8, latent_dim = 4,
                                 verbose = FALSE))
  cmp2 <- gp_compare(fit, fwd, parts$test)
  expect_identical(nrow(cmp2$table), 5L)
  expect_true(is.numeric(cmp2$p_value) && !is.na(cmp2$p_value))
  expect_identical(cmp2$labels[["fit"]], "gpatlas")
  expect_error(gp_compare(fit, fwd, parts$test$pheno), "gp_data")
})

test_that("invalid input is refused with clear errors", {
  d <- one_qtl_data()
  expect_error(gp_qtl_baseline(d$pheno), "whole numbers")
  expect_error(gp_qtl_baseline(d, addcovar = 1), "unused argument `addcovar`")
  expect_error(gp_qtl_baseline(d, method = "scanone", nfolds = 3), "unused argument `nfolds`")
  expect_error(gp_qtl_baseline(as_gp_data(d$geno)), "no phenotypes")
  b0 <- gp_qtl_baseline(d, traits = "big")
  expect_error(predict(b0, d, type = "link"), "unused argument `type`")
  expect_equal(predict(b0, d$geno), predict(b0, d))
  expect_error(gp_qtl_baseline(d, traits = c("big", "nope")), "Unknown trait.*nope")
  expect_error(gp_qtl_baseline(d, method = "magic"))
  expect_error(gp_qtl_baseline(d, max_qtl = 0), "max_qtl")
  expect_error(gp_qtl_baseline(d, n_perm = -1), "n_perm")
  expect_error(gp_qtl_baseline(d, alpha = 1), "alpha")
  b <- gp_qtl_baseline(d, traits = "big")
  other <- gp_data(d$pheno, d$geno[, 1:5])
  expect_error(predict(b, other), "lacks")
})

test_that("a trait with no QTL above the threshold predicts its training mean", {
  set.seed(3)
  geno <- matrix(sample(0:1, 60 * 8, replace = TRUE), 60, 8,
                 dimnames = list(NULL, paste0("m", 1:8)))
  pheno <- matrix(rnorm(60), ncol = 1, dimnames = list(NULL, "noise"))
  d <- gp_data(pheno, geno)
  b <- gp_qtl_baseline(d, threshold = 50)
  expect_equal(nrow(b$qtl[b$qtl$trait == "noise", , drop = FALSE]), 0L)
  expect_equal(unname(predict(b, d)[, 1]), rep(mean(pheno), 60), tolerance = 1e-12)
})

test_that("misspelt glmnet arguments are errors", {
  skip_if_not_installed("glmnet")
  d <- one_qtl_data(n = 60)
  expect_error(gp_qtl_baseline(d, method = "lasso", nfold = 3, seed = 1),
               "unused argument `nfold`")
  b <- gp_qtl_baseline(d, method = "lasso", nfolds = 3, seed = 1)
  expect_s3_class(b, "gp_qtl_baseline")
})

test_that("gp_qtl_baseline takes an R/qtl cross", {
  skip_if_not_installed("qtl")
  data(hyper, package = "qtl", envir = environment())
  b <- suppressMessages(gp_qtl_baseline(hyper, max_qtl = 3))
  d <- suppressMessages(as_gp_data(hyper))
  expect_identical(b$markers, colnames(d$geno))
  expect_identical(b$n_train, length(d$ids))
  expect_true("D4Mit164" %in% b$qtl$marker || any(b$qtl$chr == "4"))
})
