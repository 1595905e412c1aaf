# Cross-validated hyperparameter search through the future framework.

#' Cross-validated grid search over G-P Atlas settings
#'
#' Every combination of settings in `grid` is fitted on all folds but one and
#' scored on the held-out fold, for every fold. The fits run through
#' [future.apply::future_lapply()], so the same call runs sequentially (the
#' default plan), in parallel on one machine (`future::plan("multisession")`)
#' or on a cluster (e.g. `future::plan(future.batchtools::batchtools_slurm)`)
#' with no change to the code. Random numbers are drawn with
#' `future.seed`, so results do not depend on the plan, and the session's
#' random number state is left as it was.
#'
#' Each fit uses `control$threads` threads, except under a plan whose workers
#' run on this machine (`multisession`, `multicore`) with `w > 1` workers:
#' there each fit uses at most `max(1, c %/% w)` threads, `c` being the
#' machine's physical cores, so that the workers do not compete for cores (a
#' message says so when this lowers `threads`). Workers on other machines
#' (`cluster`, `future.batchtools`) use `control$threads`; set it to the
#' cores a worker has there.
#'
#' The score of one fit is the median over traits of the held-out statistic
#' (`"r2"`: coefficient of determination, `"pearson_r"`, or `"mse"` on the
#' standardized scale, each skipping missing phenotypes). Settings are ranked
#' by the mean score over folds (highest R^2 or r, lowest MSE).
#'
#' @param formula,data As in [gpatlas()].
#' @param grid A data frame with one column per [gpatlas_control()] argument
#'   and one row per combination, or a named list of vectors, which is
#'   expanded to all combinations.
#' @param folds Number of folds (individuals are assigned at random with
#'   `seed`), or a vector with one fold label per individual.
#' @param control Settings shared by every fit; `grid` overrides them.
#' @param metric `"r2"`, `"pearson_r"` or `"mse"`.
#' @param seed Seed for the fold assignment; each fit uses `control$seed`.
#' @param verbose Report each finished fit (only with the sequential plan;
#'   other plans report through their own channels).
#' @return An object of class `gp_tune`, a list with
#' * `results`: one row per setting and fold: the grid's columns, `setting`
#'   (row of the grid), `fold`, `n_train`, `n_test`, `r2`, `pearson_r`, `mse`
#'   (medians over traits on the held-out fold), `seconds` (wall time of the
#'   fit) and `threads_used` (threads the fit used);
#' * `summary`: one row per setting: the grid's columns, `setting`, `mean`
#'   and `sd` of the metric over folds, `seconds` (total), `rank`;
#' * `best`: the best row of `summary`;
#' * `best_control`: a [gpatlas_control()] with the best settings;
#' * `metric`, `folds`.
#' @examples
#' sim <- gp_simulate(n = 80, n_loci = 30, n_phenotypes = 3, n_causal = 2, seed = 1)
#' ctl <- gpatlas_control(epochs_pheno = 5, epochs_geno = 5, pheno_hidden = 8,
#'                        decoder_hidden = 8, latent_dim = 4, verbose = FALSE)
#' tuned <- gp_tune(. ~ ., sim, grid = list(geno_hidden = c(0, 16)), folds = 2,
#'                  control = ctl)
#' tuned$summary
#' tuned$best_control$geno_hidden
#' \donttest{
#' # The same search on two local workers:
#' # future::plan("multisession", workers = 2)
#' # gp_tune(. ~ ., sim, grid = list(geno_hidden = c(0, 16)), folds = 2,
#' #         control = gpatlas_control(threads = 1, verbose = FALSE))
#' }
#' @export
gp_tune <- function(formula, data, grid, folds = 5L, control = gpatlas_control(),
                    metric = c("r2", "pearson_r", "mse"), seed = 1L,
                    verbose = interactive()) {
  metric <- match.arg(metric)
  if (!inherits(control, "gpatlas_control")) {
    stop("`control` must come from gpatlas_control()", call. = FALSE)
  }
  if (!inherits(data, "gp_data")) data <- as_gp_data(data)
  if (missing(formula) || is.null(formula)) formula <- . ~ .
  grid <- tune_grid(grid)
  n <- nrow(data$pheno)
  check_fold_labels(folds, n, seed)
  fold_id <- tune_folds(folds, n, seed)
  fold_labels <- unique(fold_id)
  # Checks every setting before any fit runs, so a typo fails at once.
  controls <- lapply(seq_len(nrow(grid)), function(i) tune_control(control, grid[i, , drop = FALSE]))
  controls <- share_threads_among_workers(controls)

  tasks <- expand.grid(setting = seq_len(nrow(grid)), fold = seq_along(fold_labels))
  run <- function(t) {
    test <- fold_id == fold_labels[tasks$fold[t]]
    ctl <- controls[[tasks$setting[t]]]
    ctl$verbose <- FALSE
    train_data <- gp_subset(data, which(!test))
    test_data <- gp_subset(data, which(test))
    secs <- system.time(fit <- gpatlas(formula, train_data, ctl))[["elapsed"]]
    pred <- stats::predict(fit, test_data)
    obs <- test_data$pheno[, fit$traits, drop = FALSE]
    pp <- gp_metrics(pred, obs)$per_phenotype
    # MSE on the standardized scale, so that traits in large units do not dominate.
    mse_std <- colMeans(((pred - obs) / rep(fit$scaling$scale, each = nrow(obs)))^2, na.rm = TRUE)
    out <- data.frame(setting = tasks$setting[t], fold = fold_labels[tasks$fold[t]],
                      n_train = sum(!test), n_test = sum(test),
                      r2 = stats::median(pp$r2, na.rm = TRUE),
                      pearson_r = stats::median(pp$pearson_r, na.rm = TRUE),
                      mse = stats::median(mse_std, na.rm = TRUE), seconds = secs,
                      threads_used = ctl$threads)
    if (verbose) {
      message(sprintf("setting %d, fold %s: %s %.3f (%.0f s)", out$setting, format(out$fold),
                      metric, out[[metric]], secs))
    }
    out
  }
  # future.seed may leave the session on another generator kind; the caller's stream and kind
  # are restored.
  rows <- with_rng_preserved(
    future.apply::future_lapply(seq_len(nrow(tasks)), run, future.seed = TRUE,
                                future.packages = "gpatlas"))
  results <- do.call(rbind, rows)
  results <- cbind(grid[results$setting, , drop = FALSE], results)
  rownames(results) <- NULL

  score <- split(results[[metric]], results$setting)
  summary <- cbind(grid, setting = seq_len(nrow(grid)),
                   mean = vapply(score, mean, numeric(1)),
                   sd = vapply(score, function(v) if (length(v) > 1L) stats::sd(v) else NA_real_,
                               numeric(1)),
                   seconds = vapply(split(results$seconds, results$setting), sum, numeric(1)))
  summary$rank <- rank(if (metric == "mse") summary$mean else -summary$mean, ties.method = "first")
  rownames(summary) <- NULL
  best <- summary[summary$rank == 1L, , drop = FALSE]
  structure(list(results = results, summary = summary, best = best,
                 best_control = controls[[best$setting]], metric = metric,
                 folds = length(fold_labels)), class = "gp_tune")
}

tune_grid <- function(grid) {
  if (missing(grid) || is.null(grid)) stop("`grid` is required", call. = FALSE)
  if (is.list(grid) && !is.data.frame(grid)) {
    if (is.null(names(grid)) || any(names(grid) == "")) {
      stop("`grid` must name every setting, e.g. list(geno_hidden = c(0, 64))", call. = FALSE)
    }
    grid <- expand.grid(grid, stringsAsFactors = FALSE, KEEP.OUT.ATTRS = FALSE)
  }
  if (!is.data.frame(grid) || !nrow(grid) || !ncol(grid)) {
    stop("`grid` must be a non-empty data frame or named list", call. = FALSE)
  }
  unknown <- setdiff(names(grid), control_table$name)
  if (length(unknown)) {
    stop(sprintf("unknown setting%s in `grid`: %s", if (length(unknown) > 1L) "s" else "",
                 paste(unknown, collapse = ", ")), call. = FALSE)
  }
  grid
}

tune_folds <- function(folds, n, seed) {
  if (length(folds) == 1L) {
    k <- folds
    if (!is.numeric(k) || is.na(k) || k < 2 || k != round(k) || k > n) {
      stop("`folds` must be a whole number between 2 and the number of individuals, ",
           "or one fold label per individual", call. = FALSE)
    }
    return(with_rng_seed(seed, sample(rep_len(seq_len(k), n))))
  }
  if (length(folds) != n || anyNA(folds)) {
    stop(sprintf("`folds` has %d labels for %d individuals", length(folds), n), call. = FALSE)
  }
  if (length(unique(folds)) < 2L) stop("`folds` needs at least two distinct labels", call. = FALSE)
  folds
}

tune_control <- function(control, row) {
  args <- unclass(control)
  args$preset <- NULL
  for (nm in names(row)) {
    v <- row[[nm]]
    if (is.factor(v)) v <- as.character(v)
    if (nm %in% control_names("integer") && is.numeric(v) && !is.na(v) && v == round(v)) {
      v <- as.integer(v)
    }
    args[[nm]] <- v
  }
  ctl <- do.call(gpatlas_control, c(list(preset = control$preset), args))
  ctl
}

#' @export
print.gp_tune <- function(x, ...) {
  cat(sprintf("G-P Atlas tuning: %d settings x %d folds, metric %s (median over traits)\n",
              nrow(x$summary), x$folds, x$metric))
  s <- x$summary[order(x$summary$rank), , drop = FALSE]
  print(utils::head(s, 10L), row.names = FALSE, digits = 4)
  if (nrow(s) > 10L) cat(sprintf("... %d more settings in $summary\n", nrow(s) - 10L))
  invisible(x)
}

#' @export
as.data.frame.gp_tune <- function(x, row.names = NULL, optional = FALSE, ...) {
  x$results
}
