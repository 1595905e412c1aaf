# Tests of autoplot.gp_compare(): equal axes, named models, short title, labels and errors.

compare_fixture <- function(labels = c(fit = "gpatlas", baseline = "QTL lasso")) {
  structure(list(table = data.frame(trait = c("a", "b", "c", "d"),
                                    r2_gpatlas = c(0.1, 0.55, 0.3, -0.05),
                                    r2_baseline = c(0.2, 0.4, 0.35, 0.02),
                                    difference = c(-0.1, 0.15, -0.05, -0.07),
                                    stringsAsFactors = FALSE),
                 p_value = 0.62, n_wins = 1L, n_traits = 4L, labels = labels),
            class = "gp_compare")
}

test_that("the baseline plot has equal axes covering both models and names them", {
  skip_if_not_installed("ggplot2")
  p <- ggplot2::autoplot(compare_fixture())
  built <- ggplot2::ggplot_build(p)
  x_range <- built$layout$panel_params[[1]]$x.range
  y_range <- built$layout$panel_params[[1]]$y.range
  expect_equal(x_range, y_range)
  expect_true(x_range[1] <= -0.05 && x_range[2] >= 0.55)
  expect_s3_class(p$coordinates, "CoordFixed")
  expect_equal(nrow(built$data[[2]]), 4L)
  expect_identical(p$labels$title, "G-P Atlas vs lasso")
  expect_match(p$labels$subtitle, "better on 1 of 4 traits; paired Wilcoxon p = 0.62",
               fixed = TRUE)
  expect_true(is.call(p$labels$x) || is.expression(p$labels$x))
  expect_match(paste(deparse(p$labels$x), collapse = ""), "lasso")
  expect_match(paste(deparse(p$labels$y), collapse = ""), "G-P Atlas")
})

test_that("the title stays short enough for a narrow figure", {
  skip_if_not_installed("ggplot2")
  p <- ggplot2::autoplot(compare_fixture(c(fit = "gpatlas", baseline = "QTL forward")))
  expect_lte(nchar(p$labels$title), 45L)
  expect_lte(nchar(p$labels$subtitle), 80L)
})

test_that("labels and label_top name the models and the most different traits", {
  skip_if_not_installed("ggplot2")
  p <- ggplot2::autoplot(compare_fixture(), labels = c("network", "ridge"), label_top = 2)
  expect_identical(p$labels$title, "network vs ridge")
  text_layer <- ggplot2::ggplot_build(p)$data[[3]]
  expect_setequal(text_layer$label, c("b", "a"))
  expect_error(ggplot2::autoplot(compare_fixture(), labels = "one"), "two model names")
  # Without stored labels (older objects) the plot still names both models.
  old <- compare_fixture()
  old$labels <- NULL
  expect_match(ggplot2::autoplot(old)$labels$title, "^G-P Atlas vs baseline$")
})

test_that("the heritability plot names both models in its legend", {
  skip_if_not_installed("ggplot2")
  h <- ggplot2::autoplot(compare_fixture(), type = "heritability",
                         heritability = c(a = 0.5, b = 0.9, c = 0.7))
  built <- ggplot2::ggplot_build(h)
  expect_equal(nrow(built$data[[2]]), 6L)
  expect_identical(levels(h$data$model), c("G-P Atlas", "lasso"))
  expect_equal(built$layout$panel_params[[1]]$x.range, built$layout$panel_params[[1]]$y.range)
  expect_error(ggplot2::autoplot(compare_fixture(), type = "heritability",
                                 heritability = c(zz = 0.5)), "no trait")
})
