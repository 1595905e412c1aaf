# Choosing VIDA settings against known interactions: gp_vida_optimize() and its print method.

#' Choose VIDA settings against known interactions
#'
#' Runs [gp_vida()] over a grid of z thresholds and clumpiness percentiles
#' and scores each setting by the area under the ROC curve of the chosen
#' metric against the known interacting features. The correlations are
#' computed once for the whole grid and the partner sets once per threshold,
#' so the grid costs little more than a single run.
#'
#' The AUC is the Mann-Whitney statistic: the probability that a random
#' interacting feature scores higher than a random non-interacting one, ties
#' counting one half. As in the reference, features without a score (too
#' few extreme individuals) get the median of the scored features. Features
#' whose `truth` is `NA` are left out; to compare interacting with directly
#' acting alleles only, as the publication does, set the alleles that affect
#' no phenotype to `NA`. A setting that scores few features is pulled
#' towards an AUC of 0.5 by the median filling: read `n_scored` alongside.
#'
#' @param importance A `gp_importance` object or a numeric matrix, as for
#'   [gp_vida()].
#' @param truth Which features interact: a logical vector over the features
#'   (`NA` = unknown, left out), or the interacting features as column
#'   indices or feature names (all others then count as non-interacting).
#'   For data from [gp_simulate()] and a model fitted on all its markers:
#'   `ia <- sim$truth$interactions; ia <- ia[ia$live, ]; mk <- colnames(sim$geno)`, then
#'   `truth = c(paste0(mk[ia$locus1], ":", ia$allele), paste0(mk[ia$locus2], ":", ia$allele))`.
#' @param z_thresholds,percentiles Values of `z_threshold` and
#'   `clumpiness_percentile` to try.
#' @param clumpiness_method Clumpiness method, as in [gp_vida()].
#' @param metric Column of [gp_vida()]'s scores to rank by: `"vida_score"`,
#'   `"clumpiness_diff"` or `"extreme_ratio_diff"`.
#' @param both_directions If `TRUE`, each setting reports the better of the
#'   AUCs of the metric and of its negative, with `direction` saying which
#'   (the reference does this; it is optimistic). If `FALSE` (default), higher
#'   values must indicate interaction.
#' @param verbose Show progress.
#' @param threads Number of threads; `NULL` (or 0) uses every processor. Larger
#'   counts are capped at the processors there are, with a warning.
#' @return An object of class `gp_vida_optimize`, a list with
#' * `grid`: data frame with one row per setting and columns `z_threshold`,
#'   `clumpiness_percentile`, `clumpiness_method`, `metric`, `auc`,
#'   `direction` (`"higher"` or `"lower"`), `n_scored` (labelled features
#'   with a score), `n_positive`, `n_negative` (labelled features);
#' * `best`: the row of `grid` with the highest AUC (first one on ties).
#' @examples
#' # Eight groups of 3 alleles are jointly, strongly important in 3 individuals each.
#' set.seed(4)
#' n <- 100; p <- 300
#' imp <- matrix(abs(rnorm(n * p)) * (runif(n * p) < 0.6), n, p)
#' groups <- matrix(sample(p, 24), 3)
#' for (g in 1:8) {
#'   hit <- sample(n, 3)
#'   imp[hit, groups[, g]] <- imp[hit, groups[, g]] + 8 * (1 + runif(9))
#' }
#' opt <- gp_vida_optimize(imp, truth = as.vector(groups), verbose = FALSE, threads = 1)
#' opt$best
#' @export
gp_vida_optimize <- function(importance, truth, z_thresholds = c(1.5, 2, 2.5, 3),
                             percentiles = c(5, 10, 15, 20),
                             clumpiness_method = c("concentration", "gini", "entropy",
                                                   "adaptive"),
                             metric = c("vida_score", "clumpiness_diff", "extreme_ratio_diff"),
                             both_directions = FALSE, verbose = interactive(), threads = NULL) {
  clumpiness_method <- match.arg(clumpiness_method)
  metric <- match.arg(metric)
  check_vida_grid(z_thresholds, "z_thresholds", single = FALSE)
  check_vida_percentiles(percentiles, single = FALSE)
  if (!is.logical(both_directions) || length(both_directions) != 1L || is.na(both_directions)) {
    stop("`both_directions` must be TRUE or FALSE", call. = FALSE)
  }
  input <- vida_input(importance)
  labels <- vida_truth(truth, input$features$feature)
  if (!any(labels %in% TRUE) || !any(labels %in% FALSE)) {
    stop("`truth` must mark at least one interacting and one non-interacting feature",
         call. = FALSE)
  }
  raw <- vida_run(input$matrix, z_thresholds, percentiles, clumpiness_method,
                  seq_len(ncol(input$matrix)), verbose, threads)
  known <- !is.na(labels)
  grid <- expand.grid(clumpiness_percentile = percentiles, z_threshold = z_thresholds,
                      KEEP.OUT.ATTRS = FALSE)[, c("z_threshold", "clumpiness_percentile")]
  grid$clumpiness_method <- clumpiness_method
  grid$metric <- metric
  grid$auc <- NA_real_
  grid$direction <- "higher"
  grid$n_scored <- NA_integer_
  for (t in seq_along(z_thresholds)) {
    for (q in seq_along(percentiles)) {
      row <- (t - 1L) * length(percentiles) + q
      value <- switch(metric,
                      vida_score = raw$score[, q, t],
                      clumpiness_diff = raw$clumpiness_diff[, q, t],
                      extreme_ratio_diff = raw$extreme_ratio_diff[, t])
      value <- value[known]
      ok <- is.finite(value)
      grid$n_scored[row] <- sum(ok)
      if (!any(ok)) next
      value[!ok] <- stats::median(value[ok])
      auc <- auc_mann_whitney(value, labels[known])
      if (both_directions && auc < 0.5) {
        auc <- 1 - auc
        grid$direction[row] <- "lower"
      }
      grid$auc[row] <- auc
    }
  }
  grid$n_positive <- sum(labels[known])
  grid$n_negative <- sum(!labels[known])
  best <- if (all(is.na(grid$auc))) grid[0L, ] else grid[which.max(grid$auc), ]
  rownames(best) <- NULL
  structure(list(grid = grid, best = best), class = "gp_vida_optimize")
}

#' @export
print.gp_vida_optimize <- function(x, ...) {
  cat(sprintf("<gp_vida_optimize> %d settings, metric \"%s\", clumpiness \"%s\"\n",
              nrow(x$grid), x$grid$metric[1L], x$grid$clumpiness_method[1L]))
  if (nrow(x$best)) {
    cat(sprintf("best: z_threshold %g, clumpiness_percentile %g, AUC %.4f (%s is interacting)\n",
                x$best$z_threshold, x$best$clumpiness_percentile, x$best$auc,
                x$best$direction))
  }
  invisible(x)
}

vida_truth <- function(truth, names) {
  p <- length(names)
  if (is.logical(truth)) {
    if (length(truth) != p) {
      stop(sprintf("a logical `truth` needs one value per feature (%d)", p), call. = FALSE)
    }
    return(truth)
  }
  idx <- tryCatch(vida_alleles(unique(truth), names), error = function(e) {
    stop("`truth` must be a logical vector over the features, or the interacting features ",
         "as indices or names", call. = FALSE)
  })
  seq_len(p) %in% idx
}

# Mann-Whitney AUC: P(score of a positive > score of a negative), ties counting one half.
auc_mann_whitney <- function(score, label) {
  n_pos <- sum(label)
  n_neg <- sum(!label)
  r <- rank(score)
  (sum(r[label]) - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
}
