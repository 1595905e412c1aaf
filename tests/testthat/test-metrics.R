# Tests of per-trait and per-individual prediction metrics, including NA handling.

metric_obs <- function() {
  matrix(c(1, 2, 3, 4, NA,
           10, 0, 30, 40, 50),
         ncol = 2, dimnames = list(paste0("i", 1:5), c("a", "b")))
}

metric_pred <- function() {
  matrix(c(1.5, 1.5, 3.5, 3, 100,
           12, 1, 27, 41, 45),
         ncol = 2, dimnames = list(paste0("i", 1:5), c("a", "b")))
}

reference_metrics <- function(y, yhat) {
  ok <- !is.na(y) & !is.na(yhat)
  y <- y[ok]
  yhat <- yhat[ok]
  nz <- y != 0
  c(n = length(y),
    mse = mean((y - yhat)^2),
    mape = 100 * mean(abs(y - yhat)[nz] / abs(y[nz])),
    r2 = 1 - sum((y - yhat)^2) / sum((y - mean(y))^2),
    pearson_r = stats::cor(y, yhat))
}

test_that("per-trait metrics match direct computation and skip NA", {
  obs <- metric_obs()
  pred <- metric_pred()
  res <- metrics_table(obs, pred)
  pp <- res$per_phenotype
  expect_named(pp, c("trait", "n", "mse", "mape", "r2", "pearson_r"))
  expect_identical(pp$trait, c("a", "b"))
  expect_identical(pp$n, c(4L, 5L))
  for (j in 1:2) {
    expect_equal(unlist(pp[j, -1]), reference_metrics(obs[, j], pred[, j]))
  }
  # the wild prediction for the missing observation must not count
  expect_equal(pp$mse[1], mean(c(0.5, 0.5, 0.5, 1)^2))
})

test_that("MAPE skips zero observations", {
  res <- metrics_table(metric_obs(), metric_pred())
  rel <- abs(c(10, 30, 40, 50) - c(12, 27, 41, 45)) / c(10, 30, 40, 50)
  expect_equal(res$per_phenotype$mape[2], 100 * mean(rel))
  zeros <- metrics_table(matrix(c(0, 0, 0)), matrix(c(1, 2, 3)))
  expect_true(is.na(zeros$per_phenotype$mape))
  expect_equal(zeros$per_phenotype$mse, mean(c(1, 4, 9)))
})

test_that("per-individual metrics use each individual's own traits", {
  obs <- metric_obs()
  pred <- metric_pred()
  pi <- metrics_table(obs, pred)$per_individual
  expect_named(pi, c("id", "n", "mse", "mape", "r2", "pearson_r"))
  expect_identical(pi$id, rownames(obs))
  expect_identical(pi$n, c(2L, 2L, 2L, 2L, 1L))
  for (i in 1:4) {
    expect_equal(unlist(pi[i, -1]), reference_metrics(obs[i, ], pred[i, ]))
  }
  expect_equal(pi$mse[5], 25)
  expect_true(is.na(pi$r2[5]))
  expect_true(is.na(pi$pearson_r[5]))
})

test_that("undefined R^2 and correlation are NA, not extreme numbers", {
  constant <- matrix(rep(0.1, 3))
  res <- metrics_table(constant, matrix(c(0.2, 0.1, 0.3)))$per_phenotype
  expect_true(is.na(res$r2))
  expect_true(is.na(res$pearson_r))
  flat_pred <- metrics_table(matrix(c(1, 2, 3)), matrix(c(2, 2, 2)))$per_phenotype
  expect_equal(flat_pred$r2, 1 - 2 / 2)
  expect_true(is.na(flat_pred$pearson_r))
  empty <- metrics_table(matrix(c(NA, NA, 1)), matrix(c(1, 2, 3)))$per_phenotype
  expect_identical(empty$n, 1L)
  expect_true(is.na(empty$r2))
})

test_that("traits are aligned by name and mismatches are errors", {
  obs <- metric_obs()
  pred <- metric_pred()
  swapped <- metrics_table(obs, pred[, c("b", "a")])
  expect_equal(swapped, metrics_table(obs, pred))
  renamed <- pred
  colnames(renamed) <- c("a", "c")
  expect_error(metrics_table(obs, renamed), "traits differ")
  expect_error(metrics_table(obs, pred[1:4, ]), "5 individuals but predicted has 4")
  rownames(renamed) <- rev(rownames(pred))
  colnames(renamed) <- c("a", "b")
  expect_error(metrics_table(obs, renamed), "row 1 is 'i1' vs 'i5'")
  expect_error(metrics_table(obs, matrix("x", 5, 2)), "numeric matrix")
})

test_that("gp_metrics works on matrices and prints a summary", {
  m <- gp_metrics(metric_pred(), metric_obs())
  expect_s3_class(m, "gp_metrics")
  expect_equal(m$per_phenotype, metrics_table(metric_obs(), metric_pred())$per_phenotype)
  expect_identical(m$observed, metric_obs())
  expect_output(print(m), "2 traits, 5 individuals")
  expect_output(print(m), "median over traits: MSE")
  expect_error(gp_metrics(metric_pred()), "`newdata`")
})

test_that("gp_metrics on a fitted model compares predict() with the observed traits", {
  d <- gp_data(metric_obs(), matrix(c(0L, 1L, 1L, 0L, 1L), ncol = 1))
  fake_predict <- function(object, newdata, from, type, ...) {
    stopifnot(type == "phenotype")
    pred <- metric_pred()[, object$traits, drop = FALSE]
    if (!is.null(object$rename)) colnames(pred) <- object$rename
    if (from == "phenotype") pred <- pred * 0 + 1
    pred
  }
  registerS3method("predict", "gp_fake_model", fake_predict,
                   envir = asNamespace("stats"))
  model <- structure(list(traits = "b"), class = "gp_fake_model")
  m <- gp_metrics(model, d)
  expect_identical(m$per_phenotype$trait, "b")
  expect_identical(m$from, "genotype")
  expect_equal(unlist(m$per_phenotype[1, -1]),
               reference_metrics(metric_obs()[, "b"], metric_pred()[, "b"]))
  expect_identical(m$per_individual$id, d$ids)
  from_pheno <- gp_metrics(model, d, from = "phenotype")
  expect_equal(from_pheno$per_phenotype$mse, mean((metric_obs()[, "b"] - 1)^2))
  expect_error(gp_metrics(model, metric_obs()), "gp_data object")
  unknown <- structure(list(traits = "b", rename = "zz"), class = "gp_fake_model")
  expect_error(gp_metrics(unknown, d), "Trait 'zz' is predicted but not observed")
})
