# ROC curves and enrichment of labelled items among top scores, with their methods.

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
#' Why it is here: the publication scores importance by the true positives
#' reached at a fixed false positive rate (1%) as well as the AUC, with ties
#' handled as above; `pROC` and `ROCR` compute AUCs but are not among the
#' packages a mapping lab already has, and the number found at a fixed FPR
#' takes the few lines of this function. [stats::wilcox.test()] gives the same
#' AUC as a statistic, not the curve.
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
#' Why it is here: it is the publication's VIDA enrichment table (fold over
#' random among the top percentiles, with a hypergeometric p-value from
#' [stats::phyper()]); no package of the field reports it in this form.
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

#' @rdname as.data.frame.gpatlas
#' @export
as.data.frame.gp_roc <- function(x, row.names = NULL, optional = FALSE, ...) {
  x$curve
}

#' Plot a ROC curve
#'
#' The curve, the diagonal of random scoring, the AUC, and a marked point at
#' the false positive rate the object was computed for (`fpr_target`, 1% by
#' default).
#'
#' @param object A `gp_roc` object.
#' @param ... Unused; anything given is an error.
#' @return A ggplot object.
#' @examples
#' if (requireNamespace("ggplot2", quietly = TRUE)) {
#'   set.seed(1)
#'   lab <- rep(c(TRUE, FALSE), c(20, 180))
#'   ggplot2::autoplot(gp_roc(rnorm(200) + 2 * lab, lab, fpr = 0.05))
#' }
#' @exportS3Method ggplot2::autoplot
autoplot.gp_roc <- function(object, ...) {
  check_dots_empty(...)
  plots_need_ggplot2()
  curve <- object$curve
  mark <- data.frame(fpr = object$fpr_target, tpr = object$tpr_at_fpr)
  mark_label <- sprintf("TPR %.2f at FPR %g", object$tpr_at_fpr, object$fpr_target)
  ggplot2::ggplot(curve, ggplot2::aes(x = fpr, y = tpr)) +
    ggplot2::geom_abline(slope = 1, intercept = 0, colour = "grey50", linetype = "dashed") +
    ggplot2::geom_path(colour = "steelblue4", linewidth = 0.8) +
    ggplot2::geom_point(data = mark, colour = "firebrick", size = 2.5) +
    ggplot2::annotate("text", x = 0.98, y = 0.06, hjust = 1, vjust = 0,
                      label = sprintf("AUC = %.3f\n%s\n%d positives, %d negatives",
                                      object$auc, mark_label, object$n_positive,
                                      object$n_negative),
                      size = 3.5) +
    ggplot2::coord_equal(xlim = c(0, 1), ylim = c(0, 1)) +
    ggplot2::labs(x = "False positive rate", y = "True positive rate", title = "ROC curve") +
    ggplot2::theme_bw()
}
