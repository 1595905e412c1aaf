# Held-out comparison of a G-P Atlas fit with a baseline model: gp_compare() and its methods.

#' Compare held-out accuracy of two models trait by trait
#'
#' Predicts the test individuals with both models and computes, per trait,
#' `R^2 = 1 - SS_res / SS_tot` over the individuals with an observed value
#' (as [gp_metrics()]). A paired Wilcoxon signed-rank test over traits asks
#' whether one model is systematically more accurate.
#'
#' @param fit A model with a `predict(fit, newdata)` method returning an
#'   individuals x traits matrix with trait column names: a [gpatlas()] fit,
#'   or another `gp_qtl_baseline`.
#' @param baseline The reference model, usually a [gp_qtl_baseline()] fit.
#' @param test A [gp_data()] object (or an R/qtl `cross`) with the held-out
#'   individuals.
#'
#' @return A list of class `gp_compare` with
#'   * `table`: data frame with columns `trait`, `r2_gpatlas` (R^2 of `fit`),
#'     `r2_baseline` (R^2 of `baseline`) and `difference`
#'     (`r2_gpatlas - r2_baseline`), one row per trait predicted by both;
#'   * `statistic`, `p_value`: the signed-rank statistic V and the two-sided
#'     p-value of the paired Wilcoxon test (`NA` with fewer than two traits
#'     with both R^2 defined);
#'   * `median_difference`: median of `difference`;
#'   * `n_wins`: number of traits where `fit` has the larger R^2;
#'   * `n_traits`: number of traits with both R^2 defined;
#'   * `test`: the [stats::wilcox.test()] result, or `NULL`;
#'   * `labels`: short names of the two models (class, or `QTL <method>` for
#'     a baseline).
#' @export
#' @examples
#' d <- gp_simulate(n = 150, n_loci = 40, n_alleles = 2, n_phenotypes = 4,
#'                  n_causal = 2, p_interact = 0, seed = 2)
#' parts <- gp_split(d, 0.75, seed = 2)
#' one <- gp_qtl_baseline(parts$train, method = "scanone")
#' many <- gp_qtl_baseline(parts$train, method = "forward", max_qtl = 5)
#' gp_compare(many, one, parts$test)
gp_compare <- function(fit, baseline, test) {
  test <- as_observed_data(test, "test")
  pred_a <- compare_predict(fit, test, "fit")
  pred_b <- compare_predict(baseline, test, "baseline")
  common <- intersect(intersect(colnames(pred_a), colnames(pred_b)),
                      colnames(test$pheno))
  if (!length(common)) {
    stop("`fit` and `baseline` predict no trait in common with `test`.", call. = FALSE)
  }
  observed <- test$pheno[, common, drop = FALSE]
  r2_a <- metrics_table(observed, pred_a[, common, drop = FALSE])$per_phenotype$r2
  r2_b <- metrics_table(observed, pred_b[, common, drop = FALSE])$per_phenotype$r2
  table <- data.frame(trait = common, r2_gpatlas = r2_a, r2_baseline = r2_b,
                      difference = r2_a - r2_b, stringsAsFactors = FALSE)
  both <- !is.na(table$difference)
  wt <- NULL
  if (sum(both) >= 2L) {
    # Ties and zero differences only change the p-value's approximation;
    # the warning about them would be noise here.
    wt <- suppressWarnings(stats::wilcox.test(r2_a[both], r2_b[both], paired = TRUE))
  }
  structure(
    list(
      table = table,
      statistic = if (is.null(wt)) NA_real_ else unname(wt$statistic),
      p_value = if (is.null(wt)) NA_real_ else wt$p.value,
      median_difference = if (any(both)) stats::median(table$difference[both]) else NA_real_,
      n_wins = sum(table$difference[both] > 0),
      n_traits = sum(both),
      test = wt,
      labels = c(fit = model_label(fit), baseline = model_label(baseline))
    ),
    class = "gp_compare"
  )
}

model_label <- function(model) {
  if (inherits(model, "gp_qtl_baseline")) sprintf("QTL %s", model$method) else class(model)[1L]
}

compare_predict <- function(model, test, what) {
  pred <- stats::predict(model, test)
  if (!is.matrix(pred) || is.null(colnames(pred))) {
    stop(sprintf("predict() on `%s` must return a matrix with trait column names.", what),
         call. = FALSE)
  }
  if (nrow(pred) != length(test$ids)) {
    stop(sprintf("predict() on `%s` returned %d rows for %d individuals.",
                 what, nrow(pred), length(test$ids)), call. = FALSE)
  }
  rownames(pred) <- rownames(test$pheno)
  pred
}

#' @export
print.gp_compare <- function(x, n = 6L, ...) {
  cat(sprintf("<gp_compare> %s vs %s on %d traits\n", x$labels[["fit"]],
              x$labels[["baseline"]], nrow(x$table)))
  med <- function(v) stats::median(v, na.rm = TRUE)
  cat(sprintf("  median held-out R^2: %s %.3f, %s %.3f; median difference %.3f\n",
              x$labels[["fit"]], med(x$table$r2_gpatlas), x$labels[["baseline"]],
              med(x$table$r2_baseline), x$median_difference))
  cat(sprintf("  %s better on %d of %d traits; paired Wilcoxon V = %s, p = %s\n",
              x$labels[["fit"]], x$n_wins, x$n_traits, format(x$statistic),
              format(x$p_value, digits = 3)))
  print(utils::head(x$table, n), row.names = FALSE, digits = 3)
  if (nrow(x$table) > n) cat(sprintf("... %d more traits in $table\n", nrow(x$table) - n))
  invisible(x)
}

#' Plot a model comparison: G-P Atlas against a baseline, or against heritability
#'
#' `type = "baseline"` draws each trait's held-out R^2 of the baseline (x)
#' against the fitted model (y) on equal axes, with the line y = x: points
#' above it are traits where the model beats the baseline. The subtitle gives
#' the number of wins and the paired Wilcoxon test of [gp_compare()].
#' `type = "heritability"` draws both models' held-out R^2 against each
#' trait's broad-sense heritability, the ceiling for any genotype-only model
#' (line y = x).
#'
#' Titles are short and the test result sits in the subtitle, so the figure
#' keeps its text at widths down to about 4 in; axis labels use plotmath
#' (\eqn{R^2}, \eqn{H^2}).
#'
#' @param object A `gp_compare` result.
#' @param type `"baseline"` or `"heritability"`.
#' @param heritability For `type = "heritability"`: a numeric vector named by
#'   trait (e.g. `H2_broad` of [byxrm_heritability]).
#' @param labels Optional names of the two models, `c(fit, baseline)`, for
#'   axes and legend. By default `"G-P Atlas"` for a [gpatlas()] fit and the
#'   method of a [gp_qtl_baseline()] (`"lasso"`, `"forward selection"`, ...).
#' @param label_top Label the traits with the `label_top` largest differences
#'   between the models (0 for none; `type = "baseline"` only).
#' @param ... Unused.
#' @return A ggplot object.
#' @examples
#' if (requireNamespace("ggplot2", quietly = TRUE)) {
#'   sim <- gp_simulate(n = 80, n_loci = 30, n_alleles = 2, n_phenotypes = 3, n_causal = 2,
#'                      seed = 1)
#'   fit <- gpatlas(. ~ ., sim, gpatlas_control(epochs_pheno = 5, epochs_geno = 5,
#'                  geno_hidden = 16, pheno_hidden = 8, decoder_hidden = 8,
#'                  latent_dim = 4, verbose = FALSE))
#'   cmp <- gp_compare(fit, gp_qtl_baseline(sim), sim)
#'   ggplot2::autoplot(cmp, label_top = 1)
#'   ggplot2::autoplot(cmp, type = "heritability",
#'                     heritability = c(phen_01 = 0.8, phen_02 = 0.6, phen_03 = 0.7))
#' }
#' @exportS3Method ggplot2::autoplot
autoplot.gp_compare <- function(object, type = c("baseline", "heritability"),
                                heritability = NULL, labels = NULL, label_top = 0L, ...) {
  plots_need_ggplot2()
  type <- match.arg(type)
  model_names <- compare_display_names(object, labels)
  if (type == "baseline") return(compare_plot_baseline(object, model_names, label_top))
  if (!is.numeric(heritability) || is.null(names(heritability))) {
    stop("`heritability` must be a numeric vector named by trait", call. = FALSE)
  }
  tab <- object$table
  tab <- tab[tab$trait %in% names(heritability), , drop = FALSE]
  if (!nrow(tab)) stop("no trait of the comparison has a heritability", call. = FALSE)
  long <- data.frame(trait = rep(tab$trait, 2L),
                     model = factor(rep(model_names, each = nrow(tab)), levels = model_names),
                     r2 = c(tab$r2_gpatlas, tab$r2_baseline),
                     h2 = rep(unname(heritability[tab$trait]), 2L))
  lim <- compare_limits(c(long$r2, long$h2))
  ggplot2::ggplot(long, ggplot2::aes(x = h2, y = r2, colour = model, shape = model)) +
    ggplot2::geom_abline(slope = 1, intercept = 0, linetype = "dashed", colour = "grey50") +
    ggplot2::geom_point(size = 1.8) +
    ggplot2::scale_colour_manual(values = c("#1F5A8C", "#D55E00")) +
    ggplot2::scale_shape_manual(values = c(16, 17)) +
    ggplot2::coord_equal(xlim = lim, ylim = lim) +
    ggplot2::labs(x = expression("Broad-sense heritability" ~ italic(H)^2),
                  y = expression("Held-out" ~ italic(R)^2), colour = NULL, shape = NULL,
                  title = "Accuracy against the heritability ceiling",
                  subtitle = sprintf("%d traits; dashed line: R\u00b2 = H\u00b2", nrow(tab))) +
    compare_theme() +
    ggplot2::theme(legend.position = "bottom")
}

compare_plot_baseline <- function(object, model_names, label_top) {
  tab <- object$table[!is.na(object$table$difference), , drop = FALSE]
  lim <- compare_limits(c(tab$r2_gpatlas, tab$r2_baseline))
  n_wins <- if (is.null(object$n_wins)) sum(tab$difference > 0) else object$n_wins
  n_traits <- if (is.null(object$n_traits)) nrow(tab) else object$n_traits
  p_text <- if (is.null(object$p_value) || is.na(object$p_value)) "no test" else
    sprintf("paired Wilcoxon p = %s", format.pval(object$p_value, digits = 2))
  p <- ggplot2::ggplot(tab, ggplot2::aes(x = r2_baseline, y = r2_gpatlas)) +
    ggplot2::geom_abline(slope = 1, intercept = 0, linetype = "dashed", colour = "grey50") +
    ggplot2::geom_point(shape = 21, size = 2, fill = "#1F5A8C", colour = "white", stroke = 0.3)
  label_top <- as.integer(label_top)
  if (!is.na(label_top) && label_top > 0L) {
    lab <- utils::head(tab[order(-abs(tab$difference)), , drop = FALSE], label_top)
    p <- p + ggplot2::geom_text(data = lab, ggplot2::aes(label = trait), size = 2.7,
                                vjust = -0.8, hjust = "inward", colour = "grey20",
                                check_overlap = TRUE)
  }
  p + ggplot2::coord_equal(xlim = lim, ylim = lim) +
    ggplot2::labs(x = bquote("Held-out" ~ italic(R)^2 * "," ~ .(model_names[2L])),
                  y = bquote("Held-out" ~ italic(R)^2 * "," ~ .(model_names[1L])),
                  title = sprintf("%s vs %s", model_names[1L], model_names[2L]),
                  subtitle = sprintf("%s better on %d of %d traits; %s", model_names[1L], n_wins,
                                     n_traits, p_text)) +
    compare_theme()
}

# Display names of the two models: given, else from the labels stored by gp_compare().
compare_display_names <- function(object, labels) {
  if (!is.null(labels)) {
    if (!is.character(labels) || length(labels) != 2L || anyNA(labels)) {
      stop("`labels` must be two model names, c(fit, baseline)", call. = FALSE)
    }
    return(unname(labels))
  }
  stored <- object$labels
  if (is.null(stored)) stored <- c(fit = "gpatlas", baseline = "baseline")
  pretty <- c(gpatlas = "G-P Atlas", "QTL forward" = "forward selection",
              "QTL scanone" = "single-QTL scan", "QTL lasso" = "lasso", "QTL ridge" = "ridge")
  out <- unname(stored[c("fit", "baseline")])
  known <- out %in% names(pretty)
  out[known] <- pretty[out[known]]
  if (identical(out[1L], out[2L])) out <- paste(out, c("(fit)", "(baseline)"))
  out
}

# Common axis limits of both models' R^2 (and heritability), with a little room.
compare_limits <- function(values) {
  values <- values[is.finite(values)]
  if (!length(values)) return(c(0, 1))
  lim <- range(values, 0)
  lim + c(-1, 1) * 0.03 * max(diff(lim), 0.1)
}

compare_theme <- function() {
  ggplot2::theme_bw(base_size = 11) +
    ggplot2::theme(plot.title.position = "plot",
                   plot.title = ggplot2::element_text(face = "bold", size = 12),
                   plot.subtitle = ggplot2::element_text(size = 9.5, colour = "grey25"),
                   panel.grid.minor = ggplot2::element_blank())
}
