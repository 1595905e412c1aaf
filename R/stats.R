# Statistics for judging importance scores: ROC, kurtosis bootstrap test, Q-Q bands, enrichment.

#' ROC curve of a score against known labels
#'
#' Treats a higher `scores` value as evidence for the positive class (for
#' example, allele importance against the simulated causal alleles) and traces
#' the receiver operating characteristic over every distinct score.
#'
#' Pairs with a missing score or label are dropped. The curve has one point
#' per distinct score: at threshold `t` every item with `score >= t` is called
#' positive, so tied items always change class together and a tie between a
#' positive and a negative becomes a diagonal segment. The curve starts at
#' threshold `Inf` (nothing called positive, point (0, 0)) and ends at the
#' smallest score (point (1, 1)). The area under it equals the Mann-Whitney
#' statistic `U / (n_positive * n_negative)`, i.e. the probability that a
#' random positive scores higher than a random negative, with ties counted
#' one half.
#'
#' `tpr_at_fpr` and `threshold_at_fpr` are read off the curve at
#' `FPR = fpr` by linear interpolation between its two neighbouring points.
#' When the curve rises vertically at exactly that FPR the highest TPR
#' (lowest threshold) reached there is reported. When `fpr` lies before the
#' first point with a non-zero FPR, the interpolation starts from the
#' `Inf` threshold and the largest score is reported as the threshold.
#'
#' @param scores Numeric vector of finite scores; higher means "more likely
#'   positive".
#' @param labels Logical vector, or numeric vector of 0/1, of the same length:
#'   the true class of each item.
#' @param fpr Single false positive rate in `[0, 1]` at which to report the
#'   true positive rate, default 0.01.
#'
#' @return A list of class `gp_roc` with
#'   * `curve`: data frame with columns `threshold` (score cut-off, `Inf` for
#'     the first row), `fpr` (false positive rate) and `tpr` (true positive
#'     rate), one row per distinct score plus the starting point, in order of
#'     decreasing threshold;
#'   * `auc`: area under the curve;
#'   * `n_positive`, `n_negative`: class sizes after dropping missing values;
#'   * `fpr_target`: the requested `fpr`;
#'   * `tpr_at_fpr`: true positive rate at `fpr_target`;
#'   * `threshold_at_fpr`: score threshold at `fpr_target`;
#'   * `n_found_at_fpr`: `round(tpr_at_fpr * n_positive)`, the number of
#'     positives recovered at that false positive rate;
#'   * `mann_whitney_p`: one-sided [stats::wilcox.test()] p-value for the
#'     hypothesis that positives score higher than negatives (normal
#'     approximation whenever scores are tied).
#' @seealso [gp_enrichment()] for enrichment among the top-scoring items.
#' @export
#' @examples
#' scores <- c(5, 4, 4, 3, 2, 1)
#' labels <- c(TRUE, TRUE, FALSE, FALSE, TRUE, FALSE)
#' roc <- gp_roc(scores, labels, fpr = 0.2)
#' roc
#' roc$curve
gp_roc <- function(scores, labels, fpr = 0.01) {
  if (!is.numeric(fpr) || length(fpr) != 1L || is.na(fpr) ||
      fpr < 0 || fpr > 1) {
    stop("`fpr` must be a single number between 0 and 1.", call. = FALSE)
  }
  clean <- stats_scored_labels(scores, labels)
  scores <- clean$scores
  labels <- clean$labels
  n_pos <- sum(labels)
  n_neg <- length(labels) - n_pos

  distinct <- sort(unique(scores), decreasing = TRUE)
  slot <- match(scores, distinct)
  tp <- cumsum(tabulate(slot[labels], nbins = length(distinct)))
  fp <- cumsum(tabulate(slot[!labels], nbins = length(distinct)))
  curve <- data.frame(
    threshold = c(Inf, distinct),
    fpr = c(0, fp / n_neg),
    tpr = c(0, tp / n_pos)
  )

  # Trapezoids over the tie-aware curve give exactly the Mann-Whitney AUC:
  # a diagonal segment from a positive-negative tie contributes one half.
  n_pts <- nrow(curve)
  auc <- sum(diff(curve$fpr) *
               (curve$tpr[-1L] + curve$tpr[-n_pts]) / 2)

  at <- stats_roc_at_fpr(curve, fpr)

  # The exact null distribution assumes no ties; asking for it with ties only
  # produces a warning and the normal approximation anyway.
  exact <- if (anyDuplicated(scores)) FALSE else NULL
  mw_p <- stats::wilcox.test(scores[labels], scores[!labels],
                             alternative = "greater", exact = exact)$p.value

  structure(
    list(
      curve = curve,
      auc = auc,
      n_positive = n_pos,
      n_negative = n_neg,
      fpr_target = fpr,
      tpr_at_fpr = at$tpr,
      threshold_at_fpr = at$threshold,
      n_found_at_fpr = round(at$tpr * n_pos),
      mann_whitney_p = mw_p
    ),
    class = "gp_roc"
  )
}

# Reads TPR and threshold off a curve ordered by decreasing threshold (so FPR
# and TPR never decrease). The last point with FPR <= target is the top of any
# vertical run there, which is the most lenient threshold still meeting the
# target.
stats_roc_at_fpr <- function(curve, target) {
  i <- max(which(curve$fpr <= target))
  if (curve$fpr[i] == target || i == nrow(curve)) {
    return(list(tpr = curve$tpr[i], threshold = curve$threshold[i]))
  }
  w <- (target - curve$fpr[i]) / (curve$fpr[i + 1L] - curve$fpr[i])
  tpr <- curve$tpr[i] + w * (curve$tpr[i + 1L] - curve$tpr[i])
  upper <- curve$threshold[i]
  lower <- curve$threshold[i + 1L]
  # No score lies above the largest one, so an infinite upper end carries no
  # information to interpolate with.
  threshold <- if (is.finite(upper)) upper + w * (lower - upper) else lower
  list(tpr = tpr, threshold = threshold)
}

#' @export
print.gp_roc <- function(x, ...) {
  cat(sprintf("<gp_roc> %d positives, %d negatives\n",
              x$n_positive, x$n_negative))
  cat(sprintf("AUC: %.4f (one-sided Mann-Whitney p = %s)\n",
              x$auc, format.pval(x$mann_whitney_p, digits = 3)))
  cat(sprintf("at FPR %g: TPR %.4f (%d of %d positives), threshold %s\n",
              x$fpr_target, x$tpr_at_fpr, as.integer(x$n_found_at_fpr),
              x$n_positive, format(x$threshold_at_fpr, digits = 4)))
  invisible(x)
}

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

#' Enrichment of labelled items among the top scores
#'
#' For each percentile `p`, takes the `n_top = ceiling(p / 100 * N)` items
#' with the highest scores out of `N` and counts how many of them are
#' labelled (`hits`), out of `K` labelled items overall. Under random
#' scoring `hits` is hypergeometric with mean `expected = n_top * K / N`;
#' `fold_enrichment = hits / expected`. The p-value is the one-sided
#' hypergeometric probability of at least `hits`,
#' `phyper(hits - 1, K, N - K, n_top, lower.tail = FALSE)`. The interval for
#' the fold is the exact (Clopper-Pearson) binomial interval for
#' `hits / n_top`, divided by the base rate `K / N`.
#'
#' Pairs with a missing score or label are dropped. Items tied at the
#' cut-off are taken in their input order.
#'
#' @param scores Numeric vector of scores; higher ranks first.
#' @param labels Logical vector, or numeric vector of 0/1, of the same length;
#'   at least one item must be labelled.
#' @param percentiles Numeric vector of top percentages, each in `(0, 100]`.
#' @param conf Confidence level of the interval, strictly between 0 and 1.
#'
#' @return A data frame with one row per percentile and columns
#'   * `percentile`: the top percentage;
#'   * `n_top`: number of items in it;
#'   * `hits`: labelled items among them;
#'   * `expected`: expected hits under random scoring;
#'   * `fold_enrichment`: `hits / expected`;
#'   * `lower`, `upper`: confidence limits for the fold;
#'   * `p_value`: one-sided hypergeometric p-value for enrichment.
#' @seealso [gp_roc()].
#' @export
#' @examples
#' scores <- c(9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#' labels <- c(1, 1, 0, 1, 0, 0, 0, 0, 1, 0)
#' gp_enrichment(scores, labels, percentiles = c(20, 50))
gp_enrichment <- function(scores, labels, percentiles = c(10, 20),
                          conf = 0.95) {
  if (!is.numeric(percentiles) || length(percentiles) == 0L ||
      anyNA(percentiles) || any(percentiles <= 0 | percentiles > 100)) {
    stop("`percentiles` must be numbers in (0, 100].", call. = FALSE)
  }
  stats_check_conf(conf)
  clean <- stats_scored_labels(scores, labels, need_negative = FALSE)
  labels <- clean$labels
  n <- length(labels)
  n_lab <- sum(labels)
  ranked <- labels[order(clean$scores, decreasing = TRUE)]

  # p * N / 100 keeps whole products exact (0.07 * 100 is not 7 in floating
  # point); the tolerance absorbs the rounding left by fractional percentiles.
  n_top <- as.integer(ceiling(percentiles * n / 100 - 1e-9))
  n_top <- pmax(n_top, 1L)
  hits <- vapply(n_top, function(k) sum(ranked[seq_len(k)]), numeric(1))
  base_rate <- n_lab / n
  expected <- n_top * base_rate

  alpha <- 1 - conf
  lower <- ifelse(hits == 0, 0,
                  stats::qbeta(alpha / 2, hits, n_top - hits + 1))
  upper <- ifelse(hits == n_top, 1,
                  stats::qbeta(1 - alpha / 2, hits + 1, n_top - hits))

  data.frame(
    percentile = percentiles,
    n_top = n_top,
    hits = as.integer(hits),
    expected = expected,
    fold_enrichment = hits / expected,
    lower = lower / base_rate,
    upper = upper / base_rate,
    p_value = stats::phyper(hits - 1, n_lab, n - n_lab, n_top,
                            lower.tail = FALSE)
  )
}

# Shared input checks for score/label pairs: returns finite scores and a
# logical label vector with incomplete pairs removed.
stats_scored_labels <- function(scores, labels, need_negative = TRUE) {
  if (!is.numeric(scores)) {
    stop("`scores` must be a numeric vector.", call. = FALSE)
  }
  if (length(scores) != length(labels)) {
    stop(sprintf("`scores` has %d values but `labels` has %d.",
                 length(scores), length(labels)), call. = FALSE)
  }
  if (is.numeric(labels)) {
    if (any(!is.na(labels) & labels != 0 & labels != 1)) {
      stop("Numeric `labels` must be 0 or 1.", call. = FALSE)
    }
    labels <- labels == 1
  } else if (!is.logical(labels)) {
    stop("`labels` must be logical or numeric 0/1.", call. = FALSE)
  }
  keep <- !is.na(scores) & !is.na(labels)
  scores <- as.numeric(scores[keep])
  labels <- as.logical(labels[keep])
  if (any(!is.finite(scores))) {
    stop("`scores` must not contain infinite values.", call. = FALSE)
  }
  if (!any(labels)) {
    stop("No positive labels among the non-missing scores.", call. = FALSE)
  }
  if (need_negative && all(labels)) {
    stop("No negative labels among the non-missing scores.", call. = FALSE)
  }
  list(scores = scores, labels = labels)
}

stats_check_conf <- function(conf) {
  if (!is.numeric(conf) || length(conf) != 1L || is.na(conf) ||
      conf <= 0 || conf >= 1) {
    stop("`conf` must be a single number strictly between 0 and 1.",
         call. = FALSE)
  }
  invisible(conf)
}
