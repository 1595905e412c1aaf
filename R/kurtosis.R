# Kurtosis of importance distributions: estimate, bootstrap test, normal Q-Q data and plots.

#' Bias-corrected sample excess kurtosis
#'
#' The adjusted Fisher-Pearson estimator
#' \deqn{G_2 = \frac{(n - 1)\,((n + 1)\,g_2 + 6)}{(n - 2)(n - 3)},\qquad
#'   g_2 = \frac{m_4}{m_2^2} - 3,}{
#'   G2 = (n - 1) ((n + 1) g2 + 6) / ((n - 2) (n - 3)),  g2 = m4 / m2^2 - 3,}
#' where \eqn{m_k} is the k-th central sample moment (divisor `n`). It is
#' about 0 for normal data, -1.2 for uniform data and positive for
#' heavy-tailed data; it is unbiased for normal samples.
#'
#' Why it is here: `moments` and `e1071` estimate kurtosis too (`e1071`'s
#' `type = 2` is this estimator), but neither is among R's recommended
#' packages nor needed otherwise; [gp_kurtosis_test()] needs it, and it is
#' five lines.
#'
#' @param x Numeric vector without missing values, at least 4 values that are
#'   not all equal.
#'
#' @return A single number, the excess kurtosis \eqn{G_2}.
#' @seealso [gp_kurtosis_test()] to compare two samples.
#' @export
#' @examples
#' gp_kurtosis(c(1, 2, 3, 4, 10))
#' gp_kurtosis(qnorm(ppoints(1000)))
gp_kurtosis <- function(x) {
  stats_check_kurtosis_sample(x, "x")
  stats_g2(x)
}

# Unchecked estimator for the bootstrap loop: a constant resample yields NaN,
# which the caller handles.
stats_g2 <- function(x) {
  n <- length(x)
  d <- x - mean(x)
  m2 <- sum(d^2) / n
  m4 <- sum(d^4) / n
  g2 <- m4 / m2^2 - 3
  (n - 1) * ((n + 1) * g2 + 6) / ((n - 2) * (n - 3))
}

stats_check_kurtosis_sample <- function(x, arg) {
  if (!is.numeric(x)) {
    stop(sprintf("`%s` must be a numeric vector.", arg), call. = FALSE)
  }
  if (anyNA(x) || any(!is.finite(x))) {
    stop(sprintf("`%s` must not contain missing or infinite values.", arg),
         call. = FALSE)
  }
  if (length(x) < 4L) {
    stop(sprintf("`%s` needs at least 4 values for the kurtosis, not %d.",
                 arg, length(x)), call. = FALSE)
  }
  if (all(x == x[1L])) {
    stop(sprintf("`%s` is constant, so its kurtosis is undefined.", arg),
         call. = FALSE)
  }
  invisible(x)
}

#' Bootstrap test for a difference in kurtosis between two samples
#'
#' Compares the tail weight of two samples, for example the importance of
#' interacting alleles against that of non-interacting ones: interacting
#' alleles are expected to be important in a few individuals only, which
#' shows up as a heavier-tailed (more kurtotic) importance distribution.
#'
#' Kurtosis is the bias-corrected excess kurtosis of [gp_kurtosis()]. Each
#' sample is resampled with replacement, independently, `n_boot` times and
#' the statistic `G2(x*) - G2(y*)` recorded. The confidence interval is the
#' percentile interval of these differences at level `conf`. The two-sided
#' p-value for "no difference" is
#' `2 * min(mean(boot <= 0), mean(boot >= 0))`, capped at 1 and bounded below
#' by `1 / (n_boot + 1)`: with `n_boot` resamples a smaller p-value cannot be
#' resolved, so a reported `1 / (n_boot + 1)` means "at most about this".
#' Resamples that happen to be constant have no kurtosis and are dropped with
#' a warning.
#'
#' @param x,y Numeric vectors without missing values, each with at least 4
#'   values that are not all equal.
#' @param n_boot Number of bootstrap resamples, a positive whole number.
#' @param conf Confidence level of the interval, strictly between 0 and 1.
#' @param seed Optional seed. With a seed the result is reproducible and the
#'   global random number stream is restored afterwards, so the caller's own
#'   random draws are not disturbed. With `NULL` the current stream is used.
#'
#' @return A list of class `gp_kurtosis_test` with
#'   * `kurtosis_x`, `kurtosis_y`: excess kurtosis of each sample;
#'   * `difference`: `kurtosis_x - kurtosis_y`;
#'   * `conf_int`: percentile bootstrap interval for the difference, with
#'     attribute `conf`;
#'   * `p_value`: two-sided bootstrap p-value;
#'   * `n_boot`: number of usable bootstrap resamples;
#'   * `boot`: the bootstrap differences;
#'   * `n_x`, `n_y`: sample sizes; `conf`: the confidence level.
#' @seealso [gp_kurtosis()].
#' @export
#' @examples
#' heavy <- qt(ppoints(200), df = 3)
#' light <- qnorm(ppoints(200))
#' gp_kurtosis_test(heavy, light, n_boot = 200, seed = 1)
gp_kurtosis_test <- function(x, y, n_boot = 2000, conf = 0.95, seed = NULL) {
  stats_check_kurtosis_sample(x, "x")
  stats_check_kurtosis_sample(y, "y")
  if (!is.numeric(n_boot) || length(n_boot) != 1L || !is.finite(n_boot) ||
      n_boot < 1 || n_boot != round(n_boot) || n_boot > .Machine$integer.max) {
    stop("`n_boot` must be a single positive whole number (at most 2147483647).",
         call. = FALSE)
  }
  stats_check_conf(conf)
  check_seed(seed)

  n_x <- length(x)
  n_y <- length(y)
  boot <- with_rng_seed(seed, vapply(seq_len(n_boot), function(b) {
    stats_g2(x[sample.int(n_x, n_x, replace = TRUE)]) -
      stats_g2(y[sample.int(n_y, n_y, replace = TRUE)])
  }, numeric(1)))
  bad <- !is.finite(boot)
  if (all(bad)) {
    stop("Every bootstrap resample was constant; the samples have too few ",
         "distinct values to compare kurtosis.", call. = FALSE)
  }
  if (any(bad)) {
    warning(sprintf("Dropped %d constant bootstrap resamples of %d.",
                    sum(bad), n_boot), call. = FALSE)
    boot <- boot[!bad]
  }
  n_used <- length(boot)

  alpha <- 1 - conf
  ci <- stats::quantile(boot, c(alpha / 2, 1 - alpha / 2), names = FALSE)
  attr(ci, "conf") <- conf
  p <- 2 * min(mean(boot <= 0), mean(boot >= 0))
  p <- min(1, max(p, 1 / (n_used + 1)))

  k_x <- stats_g2(x)
  k_y <- stats_g2(y)
  structure(
    list(
      kurtosis_x = k_x,
      kurtosis_y = k_y,
      difference = k_x - k_y,
      conf_int = ci,
      p_value = p,
      n_boot = n_used,
      boot = boot,
      n_x = n_x,
      n_y = n_y,
      conf = conf
    ),
    class = "gp_kurtosis_test"
  )
}

#' @export
print.gp_kurtosis_test <- function(x, ...) {
  cat(sprintf("<gp_kurtosis_test> bootstrap comparison of excess kurtosis, %s resamples\n",
              format(x$n_boot, big.mark = ",")))
  cat(sprintf("x: %.4f (n = %d)   y: %.4f (n = %d)\n",
              x$kurtosis_x, x$n_x, x$kurtosis_y, x$n_y))
  cat(sprintf("difference x - y: %.4f, %g%% CI [%.4f, %.4f]\n",
              x$difference, 100 * x$conf, x$conf_int[1L], x$conf_int[2L]))
  cat(sprintf("two-sided p = %s\n", format.pval(x$p_value, digits = 3)))
  invisible(x)
}

#' Normal Q-Q data with pointwise confidence bands
#'
#' Standardizes `x` (subtracting its mean and dividing by its standard
#' deviation) and pairs the sorted values with normal quantiles
#' `qnorm(ppoints(n))`, as [stats::qqnorm()] does. The band for the `i`-th
#' smallest of `n` values comes from the distribution of uniform order
#' statistics, \eqn{U_{(i)} \sim \mathrm{Beta}(i, n - i + 1)}, mapped through
#' `qnorm`: under normality each standardized order statistic falls inside
#' its band with probability about `conf`. The bands are pointwise, not
#' simultaneous, so a few points outside them are expected in large samples;
#' they also ignore that mean and standard deviation were estimated.
#'
#' Why it is here: `qqplotr` draws such bands for ggplot2 but is not a package
#' mapping labs have; the bands come from [stats::qbeta()] in three lines and
#' [gp_plot_qq()] draws several samples in one panel, as the publication's
#' kurtosis figure does.
#'
#' @param x Numeric vector; missing values are dropped. At least 2 values
#'   that are not all equal.
#' @param distribution Reference distribution; only `"normal"` is available.
#' @param conf Pointwise coverage of the bands, strictly between 0 and 1.
#'
#' @return A data frame with one row per value of `x`, sorted increasingly,
#'   and columns
#'   * `theoretical`: normal quantile;
#'   * `sample`: standardized sample value;
#'   * `lower`, `upper`: band limits for that order statistic.
#' @export
#' @examples
#' qq <- gp_qq_data(c(-1.2, 0.3, 0.1, 2.5, -0.4, 0.8))
#' qq
#' with(qq, mean(sample >= lower & sample <= upper))
gp_qq_data <- function(x, distribution = c("normal"), conf = 0.95) {
  distribution <- match.arg(distribution)
  stats_check_conf(conf)
  if (!is.numeric(x)) {
    stop("`x` must be a numeric vector.", call. = FALSE)
  }
  x <- x[!is.na(x)]
  if (any(!is.finite(x))) {
    stop("`x` must not contain infinite values.", call. = FALSE)
  }
  if (length(x) < 2L || all(x == x[1L])) {
    stop("`x` needs at least 2 non-missing values that are not all equal.",
         call. = FALSE)
  }
  n <- length(x)
  i <- seq_len(n)
  alpha <- 1 - conf
  data.frame(
    theoretical = stats::qnorm(stats::ppoints(n)),
    sample = sort((x - mean(x)) / stats::sd(x)),
    lower = stats::qnorm(stats::qbeta(alpha / 2, i, n - i + 1)),
    upper = stats::qnorm(stats::qbeta(1 - alpha / 2, i, n - i + 1))
  )
}

#' @rdname as.data.frame.gpatlas
#' @export
as.data.frame.gp_kurtosis_test <- function(x, row.names = NULL, optional = FALSE, ...) {
  data.frame(boot = x$boot)
}

#' Plot the bootstrap distribution of a kurtosis difference
#'
#' Histogram of the bootstrap differences of excess kurtosis with the
#' percentile confidence limits (dashed), the observed difference (solid)
#' and zero (grey).
#'
#' @param object A `gp_kurtosis_test` object.
#' @param bins Number of histogram bins.
#' @param ... Unused; anything given is an error.
#' @return A ggplot object.
#' @examples
#' if (requireNamespace("ggplot2", quietly = TRUE)) {
#'   kt <- gp_kurtosis_test(qt(ppoints(200), 3), qnorm(ppoints(200)), n_boot = 200, seed = 1)
#'   ggplot2::autoplot(kt)
#' }
#' @exportS3Method ggplot2::autoplot
autoplot.gp_kurtosis_test <- function(object, bins = 40L, ...) {
  check_dots_empty(...)
  plots_need_ggplot2()
  d <- data.frame(boot = object$boot)
  ci <- object$conf_int
  ggplot2::ggplot(d, ggplot2::aes(x = boot)) +
    ggplot2::geom_histogram(bins = bins, fill = "steelblue", colour = "white", alpha = 0.8) +
    ggplot2::geom_vline(xintercept = 0, colour = "grey50") +
    ggplot2::geom_vline(xintercept = as.numeric(ci), linetype = "dashed", colour = "firebrick") +
    ggplot2::geom_vline(xintercept = object$difference, colour = "black", linewidth = 0.8) +
    ggplot2::labs(
      x = "Bootstrap difference in excess kurtosis (x - y)", y = "Resamples",
      title = "Bootstrap test of a kurtosis difference",
      subtitle = sprintf("difference %.3f, %g%% CI [%.3f, %.3f], p = %s",
                         object$difference, 100 * object$conf, ci[1L], ci[2L],
                         format.pval(object$p_value, digits = 3))
    ) +
    ggplot2::theme_bw()
}

#' Normal Q-Q plot with confidence bands
#'
#' Draws [gp_qq_data()]: standardized sample quantiles against normal
#' quantiles, the line y = x and the pointwise band. Several samples (for
#' example the importance of interacting and of other alleles) can be given
#' as a named list and are drawn in different colours.
#'
#' @param x A numeric vector or a named list of numeric vectors.
#' @param conf Pointwise coverage of the bands.
#' @param ... Passed to [gp_qq_data()].
#' @return A ggplot object.
#' @examples
#' if (requireNamespace("ggplot2", quietly = TRUE)) {
#'   set.seed(1)
#'   gp_plot_qq(list(normal = rnorm(100), heavy = rt(100, df = 3)))
#' }
#' @export
gp_plot_qq <- function(x, conf = 0.95, ...) {
  plots_need_ggplot2()
  if (is.list(x) && !is.data.frame(x)) {
    nm <- names(x)
    if (is.null(nm) || any(!nzchar(nm))) nm <- paste0("sample_", seq_along(x))
  } else {
    x <- list(x)
    nm <- "sample"
  }
  parts <- lapply(seq_along(x), function(i) {
    q <- gp_qq_data(x[[i]], conf = conf, ...)
    q$group <- nm[i]
    q
  })
  d <- do.call(rbind, parts)
  d$group <- factor(d$group, levels = nm)
  p <- ggplot2::ggplot(d, ggplot2::aes(x = theoretical, y = sample)) +
    ggplot2::geom_abline(slope = 1, intercept = 0, colour = "grey40")
  if (length(nm) > 1L) {
    p <- p + ggplot2::geom_ribbon(ggplot2::aes(ymin = lower, ymax = upper, fill = group),
                                  alpha = 0.15) +
      ggplot2::geom_point(ggplot2::aes(colour = group), size = 1, alpha = 0.8) +
      ggplot2::labs(colour = NULL, fill = NULL)
  } else {
    p <- p + ggplot2::geom_ribbon(ggplot2::aes(ymin = lower, ymax = upper),
                                  fill = "steelblue", alpha = 0.2) +
      ggplot2::geom_point(colour = "steelblue4", size = 1, alpha = 0.8)
  }
  p + ggplot2::labs(x = "Normal quantile", y = "Standardized sample quantile",
                    title = "Normal Q-Q plot",
                    subtitle = sprintf("%g%% pointwise bands", 100 * conf)) +
    ggplot2::theme_bw()
}
