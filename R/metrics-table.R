# Accuracy tables behind gp_metrics(): per trait and per individual, missing values masked.

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
