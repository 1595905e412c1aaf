# Locus importance against known loci of simulated data: effect-size and known-locus plots.

#' Importance against the true additive effect of simulated loci
#'
#' For data from [gp_simulate()], pairs the locus importance of a fit with the
#' size of each locus's true additive effect. The effect of a locus is
#' `max |w[a, p] - mean_a w[a, p]|` over alleles `a` and phenotypes `p`,
#' where `w` are its allele weights in `truth$weights` (loci x alleles x
#' phenotypes) and the mean is over the locus's alleles for that phenotype:
#' the largest deviation of any allele from the locus average, which is 0
#' exactly for loci without an additive effect. Interactions in the
#' simulation are not part of it. `gp_effects_data()` returns the table,
#' `gp_plot_effects()` draws it.
#'
#' @param importance A `gp_importance` object from genotype features.
#' @param truth The `truth` list of a simulated data set (`sim$truth`), or
#'   the simulated `gp_data` itself.
#' @param log_y Draw the importance on a log10 scale (zeros dropped).
#' @return `gp_effects_data()`: a data frame with one row per locus and columns
#'   `marker`, `importance`, `effect` and `causal` (a factor: `"causal"` where
#'   effect > 0). `gp_plot_effects()`: a ggplot object drawn from that table.
#' @examples
#' sim <- gp_simulate(n = 60, n_loci = 30, n_phenotypes = 3, n_causal = 2, seed = 1)
#' fit <- gpatlas(. ~ ., sim, gpatlas_control(epochs_pheno = 5, epochs_geno = 5,
#'                geno_hidden = 16, pheno_hidden = 8, decoder_hidden = 8,
#'                latent_dim = 4, verbose = FALSE))
#' eff <- gp_effects_data(gp_importance(fit, sim, verbose = FALSE), sim$truth)
#' head(eff)
#' if (requireNamespace("ggplot2", quietly = TRUE)) {
#'   gp_plot_effects(gp_importance(fit, sim, verbose = FALSE), sim$truth)
#' }
#' @export
gp_effects_data <- function(importance, truth) {
  if (!inherits(importance, "gp_importance") || is.null(importance$loci)) {
    stop("`importance` must be genotype importance from gp_importance()", call. = FALSE)
  }
  if (inherits(truth, "gp_data")) truth <- truth$truth
  w <- truth$weights
  if (is.null(w) || length(dim(w)) != 3L) {
    stop("`truth$weights` must be a loci x alleles x phenotypes array", call. = FALSE)
  }
  effect <- locus_additive_effect(w)
  loci <- importance$loci
  ids <- dimnames(w)[[1L]]
  at <- if (!is.null(ids)) match(loci$marker, ids) else seq_len(nrow(loci))
  if (anyNA(at) || length(at) != nrow(loci) || max(at) > length(effect)) {
    stop("the loci of `importance` do not match the loci of `truth$weights`", call. = FALSE)
  }
  d <- data.frame(marker = loci$marker, importance = loci$importance, effect = effect[at],
                  stringsAsFactors = FALSE)
  d$causal <- factor(ifelse(d$effect > 0, "causal", "non-causal"),
                     levels = c("non-causal", "causal"))
  d
}

#' @rdname gp_effects_data
#' @export
gp_plot_effects <- function(importance, truth, log_y = FALSE) {
  plots_need_ggplot2()
  d <- gp_effects_data(importance, truth)
  if (log_y) d <- d[d$importance > 0, , drop = FALSE]
  r <- suppressWarnings(stats::cor(d$effect, d$importance, method = "spearman"))
  p <- ggplot2::ggplot(d, ggplot2::aes(x = effect, y = importance, colour = causal)) +
    ggplot2::geom_point(alpha = 0.8, size = 1.5) +
    ggplot2::scale_colour_manual(values = c("non-causal" = "grey55", causal = "firebrick"),
                                 drop = FALSE) +
    ggplot2::labs(x = "True additive effect (max |allele weight - locus mean|)",
                  y = "Locus importance", colour = NULL,
                  title = "Importance against simulated additive effect",
                  subtitle = sprintf("Spearman correlation %.2f over %d loci", r, nrow(d))) +
    ggplot2::theme_bw()
  if (log_y) p <- p + ggplot2::scale_y_log10()
  p
}

# Largest deviation of an allele weight from the mean weight of its locus,
# per locus, over alleles and phenotypes.
locus_additive_effect <- function(w) {
  centred <- sweep(w, c(1L, 3L), apply(w, c(1L, 3L), mean), "-")
  apply(abs(centred), 1L, max)
}

#' Fraction of known loci recovered by importance threshold
#'
#' For thresholds at every percentile of locus importance, the fraction of
#' known loci (e.g. published QTL peak markers) whose importance reaches the
#' threshold, against the fraction of all loci that do (the chance line).
#' `gp_known_loci_data()` returns the table, `gp_plot_known_loci()` draws it.
#'
#' @param importance A `gp_importance` object from genotypes.
#' @param known Marker names of the known loci.
#' @return `gp_known_loci_data()`: a data frame with 101 rows and columns
#'   `percentile` (0 to 100: the top percent of loci by importance),
#'   `fraction_known` and `fraction_all`; its attribute `n_known` is the number
#'   of known loci found in the importance table. `gp_plot_known_loci()`: a
#'   ggplot object drawn from that table.
#' @examples
#' sim <- gp_simulate(n = 60, n_loci = 30, n_phenotypes = 3, n_causal = 2, seed = 1)
#' fit <- gpatlas(. ~ ., sim, gpatlas_control(epochs_pheno = 5, epochs_geno = 5,
#'                geno_hidden = 16, pheno_hidden = 8, decoder_hidden = 8,
#'                latent_dim = 4, verbose = FALSE))
#' imp <- gp_importance(fit, sim, verbose = FALSE)
#' known <- sim$markers$marker[sim$truth$causal_loci]
#' subset(gp_known_loci_data(imp, known), percentile %in% c(10, 20, 50))
#' if (requireNamespace("ggplot2", quietly = TRUE)) gp_plot_known_loci(imp, known)
#' @export
gp_known_loci_data <- function(importance, known) {
  if (!inherits(importance, "gp_importance") || is.null(importance$loci)) {
    stop("`importance` must be a gp_importance object from genotypes", call. = FALSE)
  }
  imp <- importance$loci$importance
  is_known <- importance$loci$marker %in% known
  if (!any(is_known)) stop("none of the `known` markers is in the importance table", call. = FALSE)
  pct <- 0:100
  cut <- stats::quantile(imp, 1 - pct / 100, names = FALSE)
  d <- data.frame(percentile = pct,
                  fraction_known = vapply(cut, function(v) mean(imp[is_known] >= v), numeric(1)),
                  fraction_all = vapply(cut, function(v) mean(imp >= v), numeric(1)))
  attr(d, "n_known") <- sum(is_known)
  d
}

#' @rdname gp_known_loci_data
#' @export
gp_plot_known_loci <- function(importance, known) {
  plots_need_ggplot2()
  d <- gp_known_loci_data(importance, known)
  ggplot2::ggplot(d, ggplot2::aes(x = percentile, y = fraction_known)) +
    ggplot2::geom_line(ggplot2::aes(y = fraction_all), linetype = "dashed", colour = "grey50") +
    ggplot2::geom_line(colour = "steelblue4", linewidth = 0.8) +
    ggplot2::labs(x = "top % of loci by importance", y = "fraction of known loci included",
                  title = sprintf("%d known loci (dashed: all loci)", attr(d, "n_known"))) +
    ggplot2::theme_bw()
}
