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
#' @param newdata For a fitted model, a [gp_data()] object (or an R/qtl
#'   `cross`) holding the individuals to predict and their observed
#'   phenotypes. For a matrix
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
  if (missing(newdata)) newdata <- NULL
  newdata <- as_observed_data(newdata, "newdata")
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
  check_dots_empty(...)
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

#' @rdname as.data.frame.gpatlas
#' @export
as.data.frame.gp_metrics <- function(x, row.names = NULL, optional = FALSE,
                                     what = c("per_phenotype", "per_individual", "long"), ...) {
  what <- match.arg(what)
  if (what != "long") return(x[[what]])
  obs <- as.matrix(x$observed)
  pred <- as.matrix(x$predicted)
  traits <- colnames(pred)
  if (is.null(traits)) traits <- x$per_phenotype$trait
  ids <- x$per_individual$id
  out <- data.frame(
    id = rep(ids, times = ncol(obs)),
    trait = rep(traits, each = nrow(obs)),
    observed = as.vector(obs),
    predicted = as.vector(pred),
    stringsAsFactors = FALSE
  )
  out$error <- out$predicted - out$observed
  out
}

#' Plot prediction accuracy
#'
#' * `type = "observed"`: predicted against observed values, one panel per
#'   trait with the line y = x (at most `max_panels` traits, the first ones).
#' * `type = "error_density"`: density of an error metric over phenotypes
#'   and over individuals (two panels), with a rug of the values.
#' * `type = "per_individual"`: predicted against observed values across
#'   traits, one panel per individual. Each trait is standardized by the
#'   mean and standard deviation of its observed values so that traits on
#'   different scales share the axes. `individuals` picks the panels (ids
#'   or row numbers); by default the individuals at evenly spaced quantiles
#'   of the per-individual `metric`, best to worst.
#'
#' @param object A `gp_metrics` object.
#' @param type Kind of plot, see Details.
#' @param metric Metric of `per_phenotype` / `per_individual` for
#'   `"error_density"` and for choosing individuals: `"mse"`, `"mape"`,
#'   `"r2"` or `"pearson_r"`.
#' @param individuals For `type = "per_individual"`: ids or row numbers.
#' @param max_panels Largest number of panels drawn.
#' @param ... Unused.
#' @return A ggplot object.
#' @examples
#' if (requireNamespace("ggplot2", quietly = TRUE)) {
#'   set.seed(1)
#'   obs <- matrix(rnorm(60), 20, 3, dimnames = list(paste0("i", 1:20), c("a", "b", "c")))
#'   m <- gp_metrics(obs + rnorm(60, sd = 0.3), obs)
#'   ggplot2::autoplot(m)
#'   ggplot2::autoplot(m, type = "error_density")
#' }
#' @exportS3Method ggplot2::autoplot
autoplot.gp_metrics <- function(object, type = c("observed", "error_density", "per_individual"),
                                metric = c("mse", "mape", "r2", "pearson_r"),
                                individuals = NULL, max_panels = 12L, ...) {
  plots_need_ggplot2()
  type <- match.arg(type)
  metric <- match.arg(metric)
  long <- as.data.frame.gp_metrics(object, what = "long")
  long <- long[!is.na(long$observed) & !is.na(long$predicted), , drop = FALSE]
  switch(type,
         observed = metrics_plot_observed(object, long, max_panels),
         error_density = metrics_plot_density(object, metric),
         per_individual = metrics_plot_individuals(object, long, metric, individuals,
                                                   max_panels))
}

metrics_plot_observed <- function(object, long, max_panels) {
  traits <- utils::head(object$per_phenotype$trait, max_panels)
  long <- long[long$trait %in% traits, , drop = FALSE]
  long$trait <- factor(long$trait, levels = traits)
  ggplot2::ggplot(long, ggplot2::aes(x = observed, y = predicted)) +
    ggplot2::geom_abline(slope = 1, intercept = 0, colour = "grey40", linetype = "dashed") +
    ggplot2::geom_point(alpha = 0.5, size = 1, colour = "steelblue4") +
    ggplot2::facet_wrap(ggplot2::vars(trait), scales = "free") +
    ggplot2::labs(x = "Observed", y = "Predicted",
                  title = "Predicted against observed phenotypes") +
    ggplot2::theme_bw()
}

metrics_plot_density <- function(object, metric) {
  metric_label <- c(mse = "Mean squared error", mape = "Mean absolute percentage error (%)",
                    r2 = "R squared", pearson_r = "Pearson r")[[metric]]
  pp <- object$per_phenotype
  pi <- object$per_individual
  lev <- c(sprintf("Per phenotype (n = %d)", nrow(pp)),
           sprintf("Per individual (n = %d)", nrow(pi)))
  d <- data.frame(value = c(pp[[metric]], pi[[metric]]),
                  level = factor(rep(lev, c(nrow(pp), nrow(pi))), levels = lev))
  d <- d[is.finite(d$value), , drop = FALSE]
  # A density needs at least two distinct values per panel; single values
  # still show up in the rug.
  dens_ok <- tapply(d$value, d$level, function(v) length(unique(v)) >= 2L)
  dens <- d[d$level %in% names(dens_ok)[dens_ok %in% TRUE], , drop = FALSE]
  ggplot2::ggplot(d, ggplot2::aes(x = value)) +
    ggplot2::geom_density(data = dens, fill = "steelblue", alpha = 0.4,
                          colour = "steelblue4") +
    ggplot2::geom_rug(alpha = 0.5, colour = "grey20") +
    ggplot2::facet_wrap(ggplot2::vars(level), scales = "free") +
    ggplot2::scale_y_continuous(labels = function(b) format(b, scientific = FALSE,
                                                              drop0trailing = TRUE)) +
    ggplot2::labs(x = metric_label, y = "Density",
                  title = "Distribution of prediction errors") +
    ggplot2::theme_bw()
}

# The ids of the individuals to draw: those given (ids or row numbers), or by default the
# individuals at evenly spaced quantiles of `metric`, best to worst.
metrics_pick_individuals <- function(pi, metric, individuals, max_panels) {
  if (is.null(individuals)) {
    v <- pi[[metric]]
    ok <- which(is.finite(v))
    if (!length(ok)) stop("no individual has a finite `", metric, "`", call. = FALSE)
    ord <- ok[order(v[ok], decreasing = metric %in% c("r2", "pearson_r"))]
    k <- min(6L, max_panels, length(ord))
    pick <- ord[unique(round(seq(1, length(ord), length.out = k)))]
    individuals <- pi$id[pick]
  } else if (is.numeric(individuals)) {
    if (any(individuals < 1 | individuals > nrow(pi))) {
      stop("`individuals` row numbers must lie in 1..", nrow(pi), call. = FALSE)
    }
    individuals <- pi$id[individuals]
  } else {
    unknown <- setdiff(individuals, pi$id)
    if (length(unknown)) stop("unknown individual id: ", unknown[1L], call. = FALSE)
  }
  utils::head(unique(as.character(individuals)), max_panels)
}

metrics_plot_individuals <- function(object, long, metric, individuals, max_panels) {
  pi <- object$per_individual
  individuals <- metrics_pick_individuals(pi, metric, individuals, max_panels)
  obs <- as.matrix(object$observed)
  mu <- colMeans(obs, na.rm = TRUE)
  s <- apply(obs, 2L, stats::sd, na.rm = TRUE)
  s[!is.finite(s) | s == 0] <- 1
  long$observed <- (long$observed - mu[long$trait]) / s[long$trait]
  long$predicted <- (long$predicted - mu[long$trait]) / s[long$trait]
  long <- long[long$id %in% individuals, , drop = FALSE]
  vals <- pi[[metric]][match(individuals, pi$id)]
  labs <- sprintf("%s (%s %s)", individuals, metric,
                  vapply(vals, function(v) format(signif(v, 3)), character(1)))
  long$id <- factor(labs[match(long$id, individuals)], levels = labs)
  ggplot2::ggplot(long, ggplot2::aes(x = observed, y = predicted)) +
    ggplot2::geom_abline(slope = 1, intercept = 0, colour = "grey40", linetype = "dashed") +
    # Swapped copy of the points: both axes get the same range, so y = x is the diagonal.
    ggplot2::geom_blank(data = long, ggplot2::aes(x = predicted, y = observed)) +
    ggplot2::geom_point(alpha = 0.7, size = 1.5, colour = "steelblue4") +
    ggplot2::facet_wrap(ggplot2::vars(id)) +
    ggplot2::coord_equal() +
    ggplot2::labs(x = "Observed (standardized per trait)",
                  y = "Predicted (standardized per trait)",
                  title = "Predicted against observed phenotypes of individuals") +
    ggplot2::theme_bw()
}
