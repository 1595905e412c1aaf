# Tests of the ROC, kurtosis, Q-Q band and enrichment statistics.

# Probability that a random positive outscores a random negative, ties 1/2,
# counted over every pair.
pairwise_auc <- function(scores, labels) {
  pos <- scores[labels]
  neg <- scores[!labels]
  wins <- outer(pos, neg, ">") + 0.5 * outer(pos, neg, "==")
  mean(wins)
}

test_that("AUC equals the pairwise count and Mann-Whitney U with ties", {
  set.seed(11)
  scores <- sample(1:15, 80, replace = TRUE)
  labels <- runif(80) < 0.3 + scores / 30
  roc <- gp_roc(scores, labels)
  expect_equal(roc$auc, pairwise_auc(scores, labels))
  u <- stats::wilcox.test(scores[labels], scores[!labels],
                          exact = FALSE)$statistic
  expect_equal(roc$auc, unname(u) / (sum(labels) * sum(!labels)))
  expect_identical(roc$n_positive, sum(labels))
  expect_identical(roc$n_negative, sum(!labels))
})

test_that("the curve has one point per distinct score from (0,0) to (1,1)", {
  scores <- c(3, 3, 2, 2, 2, 1)
  labels <- c(TRUE, FALSE, TRUE, TRUE, FALSE, FALSE)
  curve <- gp_roc(scores, labels)$curve
  expect_named(curve, c("threshold", "fpr", "tpr"))
  expect_equal(curve$threshold, c(Inf, 3, 2, 1))
  expect_equal(curve$fpr, c(0, 1, 2, 3) / 3)
  expect_equal(curve$tpr, c(0, 1, 3, 3) / 3)
})

test_that("perfect and reversed separation give AUC 1 and 0", {
  scores <- 1:20
  labels <- scores > 10
  good <- gp_roc(scores, labels)
  expect_equal(good$auc, 1)
  expect_equal(good$tpr_at_fpr, 1)
  expect_equal(good$n_found_at_fpr, 10)
  expect_lt(good$mann_whitney_p, 1e-4)
  bad <- gp_roc(-scores, labels)
  expect_equal(bad$auc, 0)
  expect_equal(bad$tpr_at_fpr, 0)
  expect_gt(bad$mann_whitney_p, 0.99)
})

test_that("TPR and threshold at the target FPR are interpolated on the curve", {
  # Curve by hand: Inf (0,0); 5 (0,1/3); 4 (1/3,2/3) [tie of a positive and a
  # negative]; 3 (2/3,2/3); 2 (2/3,1); 1 (1,1). AUC = 13/18.
  scores <- c(5, 4, 4, 3, 2, 1)
  labels <- c(1, 1, 0, 0, 1, 0)
  roc <- gp_roc(scores, labels, fpr = 0.2)
  expect_equal(roc$auc, 13 / 18)
  # FPR 0.2 is 0.6 of the way from (0, 1/3) to (1/3, 2/3).
  expect_equal(roc$tpr_at_fpr, 1 / 3 + 0.6 / 3)
  expect_equal(roc$threshold_at_fpr, 5 - 0.6)
  expect_equal(roc$n_found_at_fpr, 2)
  expect_equal(roc$fpr_target, 0.2)
  # On a vertical run the top (highest TPR, lowest threshold) is reported.
  at_vertical <- gp_roc(scores, labels, fpr = 2 / 3)
  expect_equal(at_vertical$tpr_at_fpr, 1)
  expect_equal(at_vertical$threshold_at_fpr, 2)
  # Before the first false positive nothing lies above the top score.
  tied_top <- gp_roc(c(5, 5, 1), c(TRUE, FALSE, FALSE), fpr = 0.25)
  expect_equal(tied_top$tpr_at_fpr, 0.5)
  expect_equal(tied_top$threshold_at_fpr, 5)
})

test_that("gp_roc drops missing pairs and rejects bad input", {
  scores <- c(1, 2, NA, 4, 5)
  labels <- c(FALSE, NA, TRUE, TRUE, FALSE)
  roc <- gp_roc(scores, labels)
  expect_identical(c(roc$n_positive, roc$n_negative), c(1L, 2L))
  expect_error(gp_roc(1:3, c(TRUE, FALSE)), "has 3 values")
  expect_error(gp_roc(1:3, c(TRUE, TRUE, NA)), "No negative")
  expect_error(gp_roc(1:3, c(FALSE, FALSE, FALSE)), "No positive")
  expect_error(gp_roc(1:3, c(0, 2, 1)), "0 or 1")
  expect_error(gp_roc(1:3, c(0, 1, 1), fpr = 1.5), "`fpr`")
  expect_error(gp_roc(c(1, Inf, 2), c(0, 1, 1)), "infinite")
  expect_output(print(gp_roc(1:4, c(0, 0, 1, 1))), "AUC: 1.0000")
})

test_that("gp_kurtosis matches the hand-computed value and a direct formula", {
  # x = 1, 2, 3, 4, 10: mean 4, deviations -3 -2 -1 0 6, m2 = 50/5 = 10,
  # m4 = 1394/5 = 278.8, g2 = 2.788 - 3 = -0.212,
  # G2 = (6 * -0.212 + 6) * 4 / (3 * 2) = 3.152.
  x <- c(1, 2, 3, 4, 10)
  expect_equal(gp_kurtosis(x), 3.152)
  set.seed(3)
  y <- rexp(37)
  n <- length(y)
  d <- y - mean(y)
  direct <- n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * sum(d^4) / var(y)^2 -
    3 * (n - 1)^2 / ((n - 2) * (n - 3))
  expect_equal(gp_kurtosis(y), direct)
})

test_that("gp_kurtosis is about 0 for normal and -1.2 for uniform samples", {
  set.seed(5)
  expect_equal(gp_kurtosis(rnorm(1e5)), 0, tolerance = 0.1)
  expect_equal(gp_kurtosis(runif(1e5)), -1.2, tolerance = 0.05)
  expect_error(gp_kurtosis(1:3), "at least 4")
  expect_error(gp_kurtosis(rep(2, 5)), "constant")
  expect_error(gp_kurtosis(c(1, 2, NA, 4, 5)), "missing")
})

test_that("the bootstrap test separates heavy from normal tails only", {
  # Fixed quantile samples keep the data deterministic; only the bootstrap
  # draws depend on the seed.
  laplace <- function(n) {
    p <- stats::ppoints(n)
    -sign(p - 0.5) * log(1 - 2 * abs(p - 0.5))
  }
  heavy <- gp_kurtosis_test(laplace(300), qnorm(ppoints(300)),
                            n_boot = 500, seed = 1)
  expect_s3_class(heavy, "gp_kurtosis_test")
  expect_lt(heavy$p_value, 0.05)
  expect_gt(heavy$difference, 1)
  expect_gt(heavy$conf_int[1], 0)
  expect_equal(heavy$difference, heavy$kurtosis_x - heavy$kurtosis_y)
  expect_length(heavy$boot, 500)
  # p is bounded below by the bootstrap resolution.
  expect_equal(heavy$p_value, 1 / 501)

  same <- gp_kurtosis_test(qnorm(ppoints(200)), qnorm(ppoints(250)),
                           n_boot = 500, seed = 2)
  expect_gt(same$p_value, 0.05)
  expect_lt(same$conf_int[1], 0)
  expect_gt(same$conf_int[2], 0)
  expect_output(print(same), "two-sided p")
})

test_that("a seed makes the test reproducible and leaves the RNG alone", {
  x <- qnorm(ppoints(40))
  y <- qt(ppoints(50), df = 3)
  set.seed(99)
  before <- .Random.seed
  a <- gp_kurtosis_test(x, y, n_boot = 100, seed = 7)
  expect_identical(.Random.seed, before)
  b <- gp_kurtosis_test(x, y, n_boot = 100, seed = 7)
  expect_identical(a$boot, b$boot)
  other <- gp_kurtosis_test(x, y, n_boot = 100, seed = 8)
  expect_false(identical(a$boot, other$boot))
  expect_error(gp_kurtosis_test(x, y, n_boot = 0), "n_boot")
  expect_error(gp_kurtosis_test(x, y, conf = 1), "conf")
  expect_error(gp_kurtosis_test(x, y, seed = "a"), "seed")
  expect_error(gp_kurtosis_test(x, 1:3), "`y` needs at least 4")
})

test_that("Q-Q bands are ordered and cover normal data", {
  set.seed(21)
  x <- rnorm(300, mean = 5, sd = 2)
  qq <- gp_qq_data(x)
  expect_named(qq, c("theoretical", "sample", "lower", "upper"))
  expect_equal(nrow(qq), 300)
  expect_false(is.unsorted(qq$theoretical))
  expect_false(is.unsorted(qq$sample))
  expect_true(all(qq$lower <= qq$theoretical & qq$theoretical <= qq$upper))
  expect_equal(qq$sample, sort((x - mean(x)) / sd(x)))
  expect_gt(mean(qq$sample >= qq$lower & qq$sample <= qq$upper), 0.9)
  # the band of the middle order statistic of 3 is the Beta(2, 2) interval
  mid <- gp_qq_data(c(-1, 0, 1))[2, ]
  expect_equal(mid$lower, qnorm(qbeta(0.025, 2, 2)))
  expect_equal(mid$upper, qnorm(qbeta(0.975, 2, 2)))
  expect_error(gp_qq_data(c(1, 1, 1)), "not all equal")
  expect_error(gp_qq_data(1:10, distribution = "gamma"))
})

test_that("enrichment matches phyper and Clopper-Pearson by hand", {
  scores <- c(9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
  labels <- c(1, 1, 0, 1, 0, 0, 0, 0, 1, 0)
  res <- gp_enrichment(scores, labels, percentiles = c(20, 35, 100))
  expect_named(res, c("percentile", "n_top", "hits", "expected",
                      "fold_enrichment", "lower", "upper", "p_value"))
  # N = 10, K = 4: top 20% is 2 items, both labelled; top 35% rounds up to 4.
  expect_equal(res$n_top, c(2L, 4L, 10L))
  expect_equal(res$hits, c(2L, 3L, 4L))
  expect_equal(res$expected, c(0.8, 1.6, 4))
  expect_equal(res$fold_enrichment, c(2.5, 1.875, 1))
  # P(hits >= 2 | 2 drawn from 4 labelled, 6 not) = choose(4,2)/choose(10,2).
  expect_equal(res$p_value[1], 6 / 45)
  expect_equal(res$p_value[2],
               sum(dhyper(3:4, 4, 6, 4)))
  expect_equal(res$p_value[3], 1)
  expect_equal(res$lower[2], qbeta(0.025, 3, 2) / 0.4)
  expect_equal(res$upper[2], qbeta(0.975, 4, 1) / 0.4)
  expect_equal(res$upper[1], 1 / 0.4)
})

test_that("enrichment is 1 on average under random labelling", {
  set.seed(31)
  scores <- rnorm(100)
  folds <- replicate(300, {
    labels <- sample(rep(c(TRUE, FALSE), c(20, 80)))
    gp_enrichment(scores, labels, percentiles = 20)$fold_enrichment
  })
  expect_equal(mean(folds), 1, tolerance = 0.1)
})

test_that("gp_enrichment rejects bad input", {
  expect_error(gp_enrichment(1:5, c(1, 0, 1)), "has 5 values")
  expect_error(gp_enrichment(1:5, rep(0, 5)), "No positive")
  expect_error(gp_enrichment(1:5, c(1, 0, 1, 0, 0), percentiles = 0),
               "percentiles")
  expect_error(gp_enrichment(1:5, c(1, 0, 1, 0, 0), percentiles = 101),
               "percentiles")
  expect_error(gp_enrichment(1:5, c(1, 0, 1, 0, 0), percentiles = NA_real_),
               "percentiles")
  expect_error(gp_enrichment(1:5, c("a", "b", "a", "b", "b")), "logical")
})
