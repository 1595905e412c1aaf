# Tests of train/test splitting and of seeding that leaves the caller's RNG untouched.

split_data <- function(n = 10) {
  gp_data(
    matrix(seq_len(n) + 0.5, ncol = 1, dimnames = list(NULL, "y")),
    matrix(rep(0:1, length.out = n * 2), ncol = 2),
    ids = sprintf("s%02d", seq_len(n))
  )
}

test_that("sequential split takes the first individuals in file order", {
  d <- split_data(10)
  s <- gp_split(d, 0.8, method = "sequential")
  expect_named(s, c("train", "test", "train_index", "test_index", "method", "prop", "seed"))
  expect_identical(s$train_index, 1:8)
  expect_identical(s$test_index, 9:10)
  expect_s3_class(s$train, "gp_data")
  expect_identical(s$test$ids, c("s09", "s10"))
  expect_identical(unname(s$test$pheno[, "y"]), c(9.5, 10.5))
})

test_that("training size is prop * n rounded half up", {
  n_train <- length(gp_split(split_data(1008), 0.8, "sequential")$train_index)
  expect_identical(n_train, 806L)
  expect_identical(length(gp_split(split_data(5), 0.5, "sequential")$train_index), 3L)
  expect_identical(length(gp_split(split_data(7), 0.3, "sequential")$train_index), 2L)
})

test_that("random split partitions the individuals and is reproducible", {
  d <- split_data(20)
  s1 <- gp_split(d, 0.75, seed = 3)
  s2 <- gp_split(d, 0.75, seed = 3)
  s3 <- gp_split(d, 0.75, seed = 4)
  expect_identical(s1$train_index, s2$train_index)
  expect_false(identical(s1$train_index, s3$train_index))
  expect_length(s1$train_index, 15L)
  expect_identical(sort(c(s1$train_index, s1$test_index)), 1:20)
  expect_false(is.unsorted(s1$train_index))
  expect_identical(s1$train$ids, d$ids[s1$train_index])
  expect_false(identical(s1$train_index, 1:15))
})

test_that("a seeded split leaves the global RNG state untouched", {
  set.seed(99)
  expected <- runif(3)
  set.seed(99)
  gp_split(split_data(20), 0.5, seed = 1)
  expect_identical(runif(3), expected)

  old <- if (exists(".Random.seed", globalenv())) get(".Random.seed", globalenv())
  on.exit(if (!is.null(old)) assign(".Random.seed", old, globalenv()))
  rm(".Random.seed", envir = globalenv())
  gp_split(split_data(20), 0.5, seed = 1)
  expect_false(exists(".Random.seed", envir = globalenv(), inherits = FALSE))
})

test_that("an unseeded split follows the global stream", {
  d <- split_data(30)
  set.seed(5)
  a <- gp_split(d, 0.5)$train_index
  set.seed(5)
  b <- gp_split(d, 0.5)$train_index
  expect_identical(a, b)
})

test_that("gp_split checks its arguments", {
  d <- split_data(10)
  expect_error(gp_split(list(), 0.8), "Cannot convert an object of class 'list'")
  expect_error(gp_split(d, 1), "strictly between 0 and 1")
  expect_error(gp_split(d, 0), "strictly between 0 and 1")
  expect_error(gp_split(d, c(0.5, 0.6)), "single number")
  expect_error(gp_split(d, 0.8, method = "blocks"), "should be one of")
  expect_error(gp_split(d, 0.8, seed = "a"), "`seed` must be")
  expect_error(gp_split(split_data(3), 0.1), "empty training or test set")
  expect_error(gp_split(split_data(3), 0.9), "empty training or test set")
})

test_that("a split prints a compact summary, not its indices", {
  s <- gp_split(split_data(200), 0.75, seed = 9)
  expect_s3_class(s, "gp_split")
  out <- capture.output(print(s))
  expect_lte(length(out), 6L)
  expect_match(out[1], "random split, seed 9 of 200 individuals")
  expect_true(any(grepl("train: 150 individuals", out)))
  expect_true(any(grepl("test:  50 individuals", out)))
  expect_match(capture.output(print(gp_split(split_data(10), 0.5, "sequential")))[1],
               "sequential")
  expect_match(capture.output(print(gp_split(split_data(10), 0.5)))[1], "no seed")
  expect_identical(s$method, "random")
  expect_identical(s$seed, 9)
})

test_that("gp_split takes what as_gp_data() takes, such as an R/qtl cross", {
  skip_if_not_installed("qtl")
  data(hyper, package = "qtl", envir = environment())
  s <- suppressMessages(gp_split(hyper, 0.5, seed = 1))
  d <- suppressMessages(as_gp_data(hyper))
  expect_identical(length(s$train_index) + length(s$test_index), length(d$ids))
  expect_identical(s$train$geno, d$geno[s$train_index, , drop = FALSE])
})
