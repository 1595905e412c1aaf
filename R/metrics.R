# Prediction accuracy per trait and per individual (MSE, MAPE, R^2, Pearson r), NA-aware.

#' Prediction accuracy per trait and per individual
#'
#' Compares predicted with observed phenotypes. Entries whose observed (or
#' predicted) value is `NA` are left out of every statistic: a missing
#' measurement is never treated as 0.
#'
#' For each trait (column) and each individual (row), over the `n` usable
#' entries:
#' * `mse`: mean squared error;
#' * `mape`: mean absolute percentage error, `100 * mean(|y - yhat| / |y|)`,
#'   computed over the entries with `y != 0` only (a zero observation has no
#'   relative error); `NA` when there are none;
#' * `r2`: coefficient of determination `1 - SS_res / SS_tot`, with `SS_tot`
#'   taken around the observed mean of that trait (or individual); it can be
#'   negative when the predictions are worse than that mean;
#' * `pearson_r`: Pearson correlation of observed and predicted values.
#'
#' `r2` and `pearson_r` are `NA` with fewer than two entries or when the
#' observed (for `pearson_r`, also the predicted) values do not vary.
#' Per-individual statistics pool traits measured on different scales, so they
#' are most meaningful for traits on a common scale.
#'
#' @param object A fitted model with a `predict()` method accepting
#'   `from` and `type = "phenotype"` (such as a `gpatlas` fit), or a matrix of
#'   predicted phenotypes.
#' @param newdata For a fitted model, a [gp_data()] object holding the
#'   individuals to predict and their observed phenotypes. For a matrix
#'   `object`, the observed phenotype matrix (or a `gp_data`, whose phenotypes
#'   are used), with the same individuals and traits as `object`.
#' @param from For a fitted model, predict from `"genotype"` (default) or
#'   reconstruct from `"phenotype"`.
#' @param ... Passed on to `predict()`.
#'
#' @return A list of class `gp_metrics` with
#'   * `per_phenotype`: data frame with columns `trait`, `n`, `mse`, `mape`,
#'     `r2`, `pearson_r`, one row per trait;
#'   * `per_individual`: data frame with columns `id`, `n`, `mse`, `mape`,
#'     `r2`, `pearson_r`, one row per individual;
#'   * `observed`, `predicted`: the matrices that were compared;
#'   * `from`: the prediction source (`NA` for matrices).
#' @export
#' @examples
#' observed <- matrix(c(1, 2, 3, 4, 10, NA, 30, 40), ncol = 2,
#'                    dimnames = list(paste0("ind_", 1:4), c("a", "b")))
#' predicted <- observed + c(0.1, -0.2, 0.1, 0, 1, 5, -2, 3)
#' m <- gp_metrics(predicted, observed)
#' m
#' m$per_individual
gp_metrics <- function(object, newdata, ...) {
  UseMethod("gp_metrics")
}

#' @rdname gp_metrics
#' @export
gp_metrics.default <- function(object, newdata,
                               from = c("genotype", "phenotype"), ...) {
  from <- match.arg(from)
  if (missing(newdata) || !inherits(newdata, "gp_data")) {
    stop("`newdata` must be a gp_data object with observed phenotypes.",
         call. = FALSE)
  }
  pred <- stats::predict(object, newdata, from = from, type = "phenotype", ...)
  if (!is.matrix(pred) || is.null(colnames(pred))) {
    stop("predict() must return a matrix of phenotypes with trait column names.",
         call. = FALSE)
  }
  missing_traits <- setdiff(colnames(pred), colnames(newdata$pheno))
  if (length(missing_traits)) {
    stop(sprintf("Trait '%s' is predicted but not observed in `newdata`.",
                 missing_traits[1L]), call. = FALSE)
  }
  if (nrow(pred) != length(newdata$ids)) {
    stop(sprintf("predict() returned %d rows for %d individuals.",
                 nrow(pred), length(newdata$ids)), call. = FALSE)
  }
  observed <- newdata$pheno[, colnames(pred), drop = FALSE]
  new_gp_metrics(observed, pred, newdata$ids, from)
}

#' @rdname gp_metrics
#' @export
gp_metrics.matrix <- function(object, newdata, ...) {
  if (missing(newdata)) {
    stop("`newdata` (the observed phenotypes) is required.", call. = FALSE)
  }
  if (inherits(newdata, "gp_data")) {
    observed <- newdata$pheno
    if (!is.null(colnames(object))) {
      absent <- setdiff(colnames(object), colnames(observed))
      if (length(absent)) {
        stop(sprintf("Trait '%s' is predicted but not observed in `newdata`.",
                     absent[1L]), call. = FALSE)
      }
      observed <- observed[, colnames(object), drop = FALSE]
    }
  } else {
    observed <- newdata
  }
  new_gp_metrics(observed, object, rownames(observed), NA_character_)
}

new_gp_metrics <- function(observed, predicted, ids, from) {
  tables <- metrics_table(observed, predicted, ids = ids)
  structure(
    c(tables, list(observed = observed, predicted = predicted, from = from)),
    class = "gp_metrics"
  )
}

#' @rdname gp_metrics
#' @param x A `gp_metrics` object.
#' @param n Number of trait rows to print.
#' @export
print.gp_metrics <- function(x, n = 6L, ...) {
  pp <- x$per_phenotype
  med <- function(v) stats::median(v, na.rm = TRUE)
  cat(sprintf("<gp_metrics> %d traits, %d individuals%s\n",
              nrow(pp), nrow(x$per_individual),
              if (!is.null(x$from) && !is.na(x$from)) {
                sprintf(", predicted from %s", x$from)
              } else {
                ""
              }))
  cat(sprintf(
    "median over traits: MSE %s, MAPE %s%%, R^2 %s, Pearson r %s\n",
    format(med(pp$mse), digits = 4), format(med(pp$mape), digits = 4),
    format(med(pp$r2), digits = 3), format(med(pp$pearson_r), digits = 3)
  ))
  print(utils::head(pp, n), row.names = FALSE, digits = 4)
  if (nrow(pp) > n) {
    cat(sprintf("... %d more traits in $per_phenotype\n", nrow(pp) - n))
  }
  invisible(x)
}

# Per-trait and per-individual metrics of two aligned matrices. Columns are
# matched by name when both carry names, so a reordered prediction cannot be
# scored against the wrong trait.
metrics_table <- function(observed, predicted, ids = rownames(observed)) {
  observed <- as_metric_matrix(observed, "observed")
  predicted <- as_metric_matrix(predicted, "predicted")
  if (nrow(observed) != nrow(predicted)) {
    stop(sprintf("Observed has %d individuals but predicted has %d.",
                 nrow(observed), nrow(predicted)), call. = FALSE)
  }
  obs_names <- colnames(observed)
  pred_names <- colnames(predicted)
  if (!is.null(obs_names) && !is.null(pred_names)) {
    if (!setequal(obs_names, pred_names) || ncol(observed) != ncol(predicted)) {
      diff <- c(setdiff(obs_names, pred_names), setdiff(pred_names, obs_names))
      stop(sprintf(
        "Observed and predicted traits differ (e.g. '%s').",
        if (length(diff)) diff[1L] else obs_names[1L]
      ), call. = FALSE)
    }
    predicted <- predicted[, obs_names, drop = FALSE]
  } else if (ncol(observed) != ncol(predicted)) {
    stop(sprintf("Observed has %d traits but predicted has %d.",
                 ncol(observed), ncol(predicted)), call. = FALSE)
  }
  obs_rows <- rownames(observed)
  pred_rows <- rownames(predicted)
  if (!is.null(obs_rows) && !is.null(pred_rows) &&
      !identical(obs_rows, pred_rows)) {
    k <- which(obs_rows != pred_rows)[1L]
    stop(sprintf(
      "Observed and predicted individuals differ: row %d is '%s' vs '%s'.",
      k, obs_rows[k], pred_rows[k]
    ), call. = FALSE)
  }
  traits <- if (is.null(obs_names)) pred_names else obs_names
  if (is.null(traits)) {
    traits <- paste0("trait_", seq_len(ncol(observed)))
  }
  if (is.null(ids)) {
    ids <- if (is.null(pred_rows)) pad_names("ind_", nrow(observed)) else pred_rows
  }
  if (length(ids) != nrow(observed)) {
    stop(sprintf("`ids` has length %d for %d individuals.",
                 length(ids), nrow(observed)), call. = FALSE)
  }

  per_phenotype <- cbind(
    data.frame(trait = traits, stringsAsFactors = FALSE),
    column_metrics(observed, predicted)
  )
  per_individual <- cbind(
    data.frame(id = as.character(ids), stringsAsFactors = FALSE),
    column_metrics(t(observed), t(predicted))
  )
  rownames(per_phenotype) <- NULL
  rownames(per_individual) <- NULL
  list(per_phenotype = per_phenotype, per_individual = per_individual)
}

as_metric_matrix <- function(x, what) {
  if (is.data.frame(x)) {
    x <- as.matrix(x)
  } else if (is.null(dim(x)) && is.numeric(x)) {
    x <- matrix(x, ncol = 1L, dimnames = list(names(x), NULL))
  }
  if (!is.matrix(x) || !(is.numeric(x) || is.logical(x))) {
    stop(sprintf("`%s` must be a numeric matrix.", what), call. = FALSE)
  }
  storage.mode(x) <- "double"
  infinite <- !is.finite(x) & !(is.na(x) & !is.nan(x))
  if (any(infinite)) {
    k <- which(infinite)[1L]
    stop(sprintf("`%s` must be finite (NA marks a missing value): trait '%s' of individual '%s' is %s.",
                 what, cell_col(x, k), cell_row(x, k), format(x[k])), call. = FALSE)
  }
  x
}

# Column-wise statistics over the entries where both matrices are non-missing,
# computed with masked column sums so that thousands of individuals cost no
# R-level loop.
column_metrics <- function(y, yhat) {
  ok <- !is.na(y) & !is.na(yhat)
  n <- colSums(ok)
  y0 <- ifelse(ok, y, 0)
  p0 <- ifelse(ok, yhat, 0)
  err <- y0 - p0
  safe_div <- function(a, b) ifelse(b > 0, a / b, NA_real_)

  mse <- safe_div(colSums(err^2), n)

  nonzero <- ok & y != 0
  rel <- ifelse(nonzero, abs(err) / abs(ifelse(nonzero, y, 1)), 0)
  mape <- 100 * safe_div(colSums(rel), colSums(nonzero))

  mean_y <- safe_div(colSums(y0), n)
  mean_p <- safe_div(colSums(p0), n)
  dy <- ifelse(ok, sweep(y0, 2L, mean_y), 0)
  dp <- ifelse(ok, sweep(p0, 2L, mean_p), 0)
  ss_tot <- colSums(dy^2)
  ss_pred <- colSums(dp^2)
  y_varies <- masked_varies(y, ok)
  p_varies <- masked_varies(yhat, ok)

  r2 <- ifelse(n >= 2 & y_varies, 1 - colSums(err^2) / ss_tot, NA_real_)
  pearson <- ifelse(n >= 2 & y_varies & p_varies,
                    colSums(dy * dp) / sqrt(ss_tot * ss_pred), NA_real_)
  data.frame(
    n = as.integer(n),
    mse = unname(mse),
    mape = unname(mape),
    r2 = unname(r2),
    pearson_r = unname(pmin(pmax(pearson, -1), 1))
  )
}

# Exact comparison of extremes: a variance computed from a floating-point mean
# can be a tiny positive number for constant data, which would turn an
# undefined R^2 into a huge negative one.
masked_varies <- function(x, ok) {
  hi <- ifelse(ok, x, -Inf)
  lo <- ifelse(ok, x, Inf)
  col_max <- apply(hi, 2L, max)
  col_min <- apply(lo, 2L, min)
  is.finite(col_max) & col_max > col_min
}
