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
#' against G-P Atlas (y) with the line y = x. `type = "heritability"` draws
#' both models' held-out R^2 against each trait's broad-sense heritability,
#' the ceiling for any genotype-only model (line y = x).
#'
#' @param object A `gp_compare` result.
#' @param type `"baseline"` or `"heritability"`.
#' @param heritability For `type = "heritability"`: a numeric vector named by
#'   trait (e.g. `H2_broad` of the yeast cross).
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
#'   ggplot2::autoplot(cmp)
#'   ggplot2::autoplot(cmp, type = "heritability",
#'                     heritability = c(phen_01 = 0.8, phen_02 = 0.6, phen_03 = 0.7))
#' }
#' @exportS3Method ggplot2::autoplot
autoplot.gp_compare <- function(object, type = c("baseline", "heritability"),
                                heritability = NULL, ...) {
  plots_need_ggplot2()
  type <- match.arg(type)
  tab <- object$table
  if (type == "baseline") {
    return(ggplot2::ggplot(tab, ggplot2::aes(x = r2_baseline, y = r2_gpatlas)) +
      ggplot2::geom_abline(slope = 1, intercept = 0, linetype = "dashed", colour = "grey50") +
      ggplot2::geom_point(colour = "steelblue4") +
      ggplot2::coord_equal() +
      ggplot2::labs(x = "held-out R^2, baseline", y = "held-out R^2, G-P Atlas",
                    title = sprintf("G-P Atlas better on %d of %d traits (Wilcoxon p = %s)",
                                    object$n_wins, object$n_traits,
                                    format.pval(object$p_value, digits = 2))) +
      ggplot2::theme_bw())
  }
  if (!is.numeric(heritability) || is.null(names(heritability))) {
    stop("`heritability` must be a numeric vector named by trait", call. = FALSE)
  }
  tab <- tab[tab$trait %in% names(heritability), , drop = FALSE]
  if (!nrow(tab)) stop("no trait of the comparison has a heritability", call. = FALSE)
  long <- data.frame(trait = rep(tab$trait, 2L),
                     model = rep(c("G-P Atlas", "baseline"), each = nrow(tab)),
                     r2 = c(tab$r2_gpatlas, tab$r2_baseline),
                     h2 = rep(unname(heritability[tab$trait]), 2L))
  ggplot2::ggplot(long, ggplot2::aes(x = h2, y = r2, colour = model)) +
    ggplot2::geom_abline(slope = 1, intercept = 0, linetype = "dashed", colour = "grey50") +
    ggplot2::geom_point() +
    ggplot2::labs(x = "broad-sense heritability", y = "held-out R^2", colour = NULL,
                  title = "Held-out R^2 against the heritability ceiling") +
    ggplot2::theme_bw()
}
