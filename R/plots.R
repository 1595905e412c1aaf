# ggplot2 figures (autoplot methods and plot helpers) and data frame conversions of results.

# Columns referred to unquoted inside ggplot2::aes(); declared so R CMD check
# does not report them as undefined globals.
utils::globalVariables(c(
  "epoch", "loss", "stage_label", "observed", "predicted", "trait", "value",
  "level", "id", "x_cum", "importance", "chr_band", "xmin", "xmax", "mid",
  "allele_code", "fpr", "tpr", "boot", "theoretical", "sample", "lower",
  "upper", "group", "vida_score", "label", "percentile", "fold_enrichment",
  "dim1", "dim2", "colour_value", "effect", "causal", "marker", "r2_baseline",
  "r2_gpatlas", "h2", "r2", "model", "fraction_known", "fraction_all", "network", "set"
))

plots_need_ggplot2 <- function() {
  if (!requireNamespace("ggplot2", quietly = TRUE)) {
    stop("the plots need the 'ggplot2' package: install.packages(\"ggplot2\")",
         call. = FALSE)
  }
}

# ---------------------------------------------------------------------------
# Data frame conversions

#' Data frame views of gpatlas results
#'
#' Plain data frames of the tabular parts of result objects, for plotting or
#' export with other tools.
#'
#' @param x A result object.
#' @param row.names,optional Ignored; present for compatibility with
#'   [base::as.data.frame()].
#' @param what Which table to return (see Value).
#' @param ... Unused.
#' @return A data frame:
#' * `gpatlas`: the training history, columns `member` (network, for
#'   `n_seeds > 1`), `stage` (1 = phenotype autoencoder, 2 = genotype
#'   encoder), `epoch`, `loss` (training), `valid_loss` (`NA` without a
#'   validation set), `kept` (the epoch whose parameters the network kept),
#'   `seconds`.
#' * `gp_metrics`: `what = "per_phenotype"` (columns `trait`, `n`, `mse`,
#'   `mape`, `r2`, `pearson_r`), `"per_individual"` (same with `id` instead
#'   of `trait`), or `"long"`: one row per individual and trait with columns
#'   `id`, `trait`, `observed`, `predicted`, `error` (`predicted -
#'   observed`).
#' * `gp_importance`: `what = "loci"` (columns `marker`, `chr`, `pos`,
#'   `importance`, `allele`, `rank`; the default for genotype importance) or
#'   `"features"` (columns `feature`, `marker`, `allele`, `chr`, `pos`,
#'   `importance`; the default for phenotype importance).
#' * `gp_roc`: the curve, columns `threshold`, `fpr`, `tpr`.
#' * `gp_kurtosis_test`: one row per bootstrap resample, column `boot`
#'   (difference of excess kurtosis, x - y).
#' * `gp_vida`: `what = "scores"` (one row per feature; columns as in
#'   [gp_vida()]) or `"loci"`.
#' @name as.data.frame.gpatlas
#' @examples
#' roc <- gp_roc(c(5, 4, 3, 2, 1), c(TRUE, FALSE, TRUE, FALSE, FALSE))
#' as.data.frame(roc)
NULL

#' @rdname as.data.frame.gpatlas
#' @export
as.data.frame.gpatlas <- function(x, row.names = NULL, optional = FALSE, ...) {
  x$history
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

#' @rdname as.data.frame.gpatlas
#' @export
as.data.frame.gp_importance <- function(x, row.names = NULL, optional = FALSE,
                                        what = NULL, ...) {
  if (is.null(what)) what <- if (is.null(x$loci)) "features" else "loci"
  what <- match.arg(what, c("loci", "features"))
  if (what == "loci" && is.null(x$loci)) {
    stop("phenotype importance has no loci; use `what = \"features\"`", call. = FALSE)
  }
  x[[what]]
}

#' @rdname as.data.frame.gpatlas
#' @export
as.data.frame.gp_roc <- function(x, row.names = NULL, optional = FALSE, ...) {
  x$curve
}

#' @rdname as.data.frame.gpatlas
#' @export
as.data.frame.gp_kurtosis_test <- function(x, row.names = NULL, optional = FALSE, ...) {
  data.frame(boot = x$boot)
}

#' @rdname as.data.frame.gpatlas
#' @export
as.data.frame.gp_vida <- function(x, row.names = NULL, optional = FALSE,
                                  what = c("scores", "loci"), ...) {
  what <- match.arg(what)
  if (what == "loci" && is.null(x$loci)) {
    stop("these VIDA scores have no loci; use `what = \"scores\"`", call. = FALSE)
  }
  x[[what]]
}

# ---------------------------------------------------------------------------
# Training history

#' Plot the training loss of a G-P Atlas fit
#'
#' One panel per training stage (phenotype autoencoder, genotype encoder)
#' with the training and validation loss of each epoch for every network, and
#' a dotted line at the epoch each network kept.
#'
#' @param object A `gpatlas` fit.
#' @param log_y Draw the loss on a log10 scale (non-positive losses are
#'   dropped then).
#' @param ... Unused.
#' @return A ggplot object.
#' @examples
#' if (requireNamespace("ggplot2", quietly = TRUE)) {
#'   sim <- gp_simulate(n = 60, n_loci = 30, n_phenotypes = 3, n_causal = 2, seed = 1)
#'   fit <- gpatlas(. ~ ., sim, gpatlas_control(epochs_pheno = 5, epochs_geno = 5,
#'                  geno_hidden = 16, pheno_hidden = 8, decoder_hidden = 8,
#'                  latent_dim = 4, verbose = FALSE))
#'   ggplot2::autoplot(fit)
#' }
#' @exportS3Method ggplot2::autoplot
autoplot.gpatlas <- function(object, log_y = FALSE, ...) {
  plots_need_ggplot2()
  h <- object$history
  if (is.null(h$member)) h$member <- 1L
  if (is.null(h$valid_loss)) h$valid_loss <- NA_real_
  if (is.null(h$kept)) h$kept <- FALSE
  long <- rbind(
    data.frame(h[, c("member", "stage", "epoch")], set = "training", loss = h$loss,
               kept = h$kept),
    data.frame(h[, c("member", "stage", "epoch")], set = "validation", loss = h$valid_loss,
               kept = h$kept)
  )
  long <- long[!is.na(long$loss), , drop = FALSE]
  stage_names <- c("1: phenotype autoencoder", "2: genotype encoder")
  long$stage_label <- factor(stage_names[long$stage], levels = stage_names)
  long$set <- factor(long$set, levels = c("training", "validation"))
  long$network <- factor(long$member)
  if (log_y) long <- long[is.finite(long$loss) & long$loss > 0, , drop = FALSE]
  kept <- unique(long[long$kept, c("member", "stage", "epoch", "stage_label"), drop = FALSE])
  p <- ggplot2::ggplot(long, ggplot2::aes(x = epoch, y = loss, colour = set,
                                          group = interaction(network, set))) +
    ggplot2::geom_line(alpha = 0.7) +
    ggplot2::geom_point(size = 0.6) +
    ggplot2::geom_vline(data = kept, ggplot2::aes(xintercept = epoch), linetype = 3,
                        colour = "grey40") +
    ggplot2::scale_colour_manual(values = c(training = "steelblue4", validation = "darkorange3"),
                                 drop = TRUE) +
    ggplot2::facet_wrap(ggplot2::vars(stage_label), scales = "free") +
    ggplot2::labs(x = "Epoch", y = "Loss (MSE)", colour = NULL,
                  title = "G-P Atlas training history",
                  subtitle = "dotted: epoch kept (best validation loss) per network") +
    ggplot2::theme_bw()
  if (log_y) p <- p + ggplot2::scale_y_log10()
  p
}

# ---------------------------------------------------------------------------
# Prediction accuracy

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
  metric_label <- c(mse = "Mean squared error", mape = "Mean absolute percentage error (%)",
                    r2 = "R squared", pearson_r = "Pearson r")[[metric]]
  long <- as.data.frame.gp_metrics(object, what = "long")
  long <- long[!is.na(long$observed) & !is.na(long$predicted), , drop = FALSE]

  if (type == "observed") {
    traits <- utils::head(object$per_phenotype$trait, max_panels)
    long <- long[long$trait %in% traits, , drop = FALSE]
    long$trait <- factor(long$trait, levels = traits)
    return(
      ggplot2::ggplot(long, ggplot2::aes(x = observed, y = predicted)) +
        ggplot2::geom_abline(slope = 1, intercept = 0, colour = "grey40", linetype = "dashed") +
        ggplot2::geom_point(alpha = 0.5, size = 1, colour = "steelblue4") +
        ggplot2::facet_wrap(ggplot2::vars(trait), scales = "free") +
        ggplot2::labs(x = "Observed", y = "Predicted",
                      title = "Predicted against observed phenotypes") +
        ggplot2::theme_bw()
    )
  }

  if (type == "error_density") {
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
    return(
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
    )
  }

  # per_individual
  pi <- object$per_individual
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
  individuals <- utils::head(unique(as.character(individuals)), max_panels)
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

# ---------------------------------------------------------------------------
# Genome plots

# Lays markers out along one axis: chromosomes in order of first appearance
# (or factor level order), each shifted by the lengths of the ones before it
# plus a small gap. Markers without a position get their rank within the
# chromosome; markers without a chromosome share one unnamed chromosome.
genome_layout <- function(chr, pos) {
  chr_chr <- as.character(chr)
  no_chr <- is.na(chr_chr)
  chr_chr[no_chr] <- ""
  levels <- if (is.factor(chr)) intersect(levels(chr), chr_chr) else character(0)
  levels <- c(levels, setdiff(unique(chr_chr), levels))
  pos <- as.numeric(pos)
  if (anyNA(pos)) {
    idx <- stats::ave(seq_along(pos), chr_chr, FUN = seq_along)
    # Mixing real and invented positions on one chromosome would mislead, so
    # a chromosome with any missing position is laid out by rank.
    by_rank <- chr_chr %in% unique(chr_chr[is.na(pos)])
    pos[by_rank] <- idx[by_rank]
  }
  f <- factor(chr_chr, levels = levels)
  start <- tapply(pos, f, min)
  end <- tapply(pos, f, max)
  len <- pmax(end - start, 1)
  gap <- 0.01 * sum(len)
  offset <- c(0, cumsum(len + gap))[seq_along(levels)] - start
  names(offset) <- levels
  bands <- data.frame(chr = levels,
                      xmin = start + offset - gap / 2,
                      xmax = end + offset + gap / 2,
                      stringsAsFactors = FALSE)
  bands$mid <- (bands$xmin + bands$xmax) / 2
  bands$chr_band <- factor(seq_along(levels) %% 2L)
  list(x = pos + offset[match(chr_chr, levels)], chr = chr_chr, bands = bands, offset = offset,
       start = start, unplaced = all(no_chr))
}

genome_axis_labels <- function(chr) {
  if (length(chr) > 1L && all(grepl("^chr", chr, ignore.case = TRUE))) {
    chr <- sub("^chr", "", chr, ignore.case = TRUE)
  }
  chr
}

#' Plot locus or allele importance along the genome
#'
#' * `type = "genome"`: locus importance (`$loci`) against genome position.
#'   Chromosomes are laid side by side on one axis (cumulative position)
#'   with alternating background bands and their names as axis labels.
#'   Markers without positions are drawn at their rank within the
#'   chromosome, and data without chromosomes (as from [gp_simulate()]) on
#'   one axis of locus indices.
#' * `type = "alleles"`: the importance of every allele (`$features`), at its
#'   locus position, coloured by allele code.
#'
#' @param object A `gp_importance` object from genotype features.
#' @param type `"genome"` or `"alleles"`.
#' @param qtl Optional data frame with columns `chr`, `left`, `right` (in the
#'   units of the marker positions, or locus indices when positions are
#'   missing) of known QTL intervals, drawn as shaded rectangles. Intervals
#'   on chromosomes absent from the markers are dropped with a warning.
#' @param log_y Draw the importance on a log10 scale (zero importances are
#'   dropped then).
#' @param top Label the `top` most important loci with their marker names
#'   (0 for none).
#' @param ... Unused.
#' @return A ggplot object.
#' @examples
#' if (requireNamespace("ggplot2", quietly = TRUE)) {
#'   sim <- gp_simulate(n = 60, n_loci = 30, n_phenotypes = 3, n_causal = 2, seed = 1)
#'   fit <- gpatlas(. ~ ., sim, gpatlas_control(epochs_pheno = 5, epochs_geno = 5,
#'                  geno_hidden = 16, pheno_hidden = 8, decoder_hidden = 8,
#'                  latent_dim = 4, verbose = FALSE))
#'   imp <- gp_importance(fit, sim, verbose = FALSE)
#'   ggplot2::autoplot(imp, qtl = data.frame(chr = NA, left = 3, right = 6))
#' }
#' @exportS3Method ggplot2::autoplot
autoplot.gp_importance <- function(object, type = c("genome", "alleles"), qtl = NULL,
                                   log_y = FALSE, top = 0L, ...) {
  plots_need_ggplot2()
  type <- match.arg(type)
  if (is.null(object$loci)) {
    stop("genome plots need genotype importance (from = \"genotype\")", call. = FALSE)
  }
  d <- if (type == "genome") object$loci else object$features
  lay <- genome_layout(d$chr, d$pos)
  d$x_cum <- lay$x
  if (type == "alleles") d$allele_code <- factor(d$allele)
  if (log_y) d <- d[d$importance > 0, , drop = FALSE]
  bands <- lay$bands
  bands$label <- genome_axis_labels(bands$chr)
  # A log scale cannot take -Inf, so there the bands start at the lowest point.
  y_low <- if (log_y) min(d$importance) else -Inf

  p <- ggplot2::ggplot(d, ggplot2::aes(x = x_cum, y = importance))
  if (nrow(bands) > 1L) {
    p <- p + ggplot2::geom_rect(
      data = bands[bands$chr_band == "0", , drop = FALSE],
      ggplot2::aes(xmin = xmin, xmax = xmax, ymin = y_low, ymax = Inf),
      inherit.aes = FALSE, fill = "grey90"
    )
  }
  if (!is.null(qtl)) {
    q <- qtl_rects(qtl, lay)
    if (nrow(q)) {
      p <- p + ggplot2::geom_rect(
        data = q, ggplot2::aes(xmin = xmin, xmax = xmax, ymin = y_low, ymax = Inf),
        inherit.aes = FALSE, fill = "darkorange", alpha = 0.3
      )
    }
  }
  if (type == "genome") {
    chr_idx <- match(lay$chr, bands$chr)
    d$chr_band <- factor(chr_idx %% 2L)
    p <- p + ggplot2::geom_point(data = d, ggplot2::aes(colour = chr_band), size = 1.2,
                                 show.legend = FALSE) +
      ggplot2::scale_colour_manual(values = c("0" = "grey25", "1" = "steelblue3"))
  } else {
    p <- p + ggplot2::geom_point(ggplot2::aes(colour = allele_code), size = 1.1, alpha = 0.8) +
      ggplot2::labs(colour = "Allele")
  }
  top <- as.integer(top)
  if (top > 0L) {
    lab <- utils::head(d[order(-d$importance), , drop = FALSE], top)
    p <- p + ggplot2::geom_text(data = lab, ggplot2::aes(label = marker), size = 2.8,
                                vjust = -0.7, check_overlap = TRUE)
  }
  if (lay$unplaced) {
    p <- p + ggplot2::labs(x = "Locus")
  } else {
    many <- nrow(bands) > 12L
    p <- p + ggplot2::scale_x_continuous(
      breaks = bands$mid, labels = bands$label, expand = ggplot2::expansion(mult = 0.01),
      guide = ggplot2::guide_axis(n.dodge = if (many) 2L else 1L)
    ) + ggplot2::labs(x = "Chromosome")
  }
  # Room above the highest point for its label.
  y_expand <- ggplot2::expansion(mult = c(0.03, if (top > 0L) 0.12 else 0.05))
  p <- if (log_y) {
    p + ggplot2::scale_y_log10(expand = y_expand)
  } else {
    p + ggplot2::scale_y_continuous(expand = y_expand) + ggplot2::expand_limits(y = 0)
  }
  p + ggplot2::labs(
    y = if (type == "genome") "Locus importance" else "Allele importance",
    title = if (type == "genome") "Locus importance along the genome"
            else "Allele importance along the genome"
  ) +
    ggplot2::theme_bw() +
    ggplot2::theme(panel.grid.major.x = ggplot2::element_blank(),
                   panel.grid.minor.x = ggplot2::element_blank())
}



# QTL intervals on the cumulative axis of a genome layout.
qtl_rects <- function(qtl, lay) {
  qtl <- as.data.frame(qtl)
  need <- c("chr", "left", "right")
  if (!all(need %in% names(qtl))) {
    stop("`qtl` must be a data frame with columns chr, left, right", call. = FALSE)
  }
  chr <- as.character(qtl$chr)
  chr[is.na(chr)] <- ""
  known <- chr %in% names(lay$offset)
  if (any(!known)) {
    warning(sprintf("dropped %d QTL interval(s) on chromosomes without markers, e.g. '%s'",
                    sum(!known), chr[!known][1L]), call. = FALSE)
  }
  off <- lay$offset[match(chr[known], names(lay$offset))]
  data.frame(xmin = as.numeric(qtl$left[known]) + off,
             xmax = as.numeric(qtl$right[known]) + off)
}

# ---------------------------------------------------------------------------
# ROC, kurtosis, Q-Q

#' Plot a ROC curve
#'
#' The curve, the diagonal of random scoring, the AUC, and a marked point at
#' the false positive rate the object was computed for (`fpr_target`, 1% by
#' default).
#'
#' @param object A `gp_roc` object.
#' @param ... Unused.
#' @return A ggplot object.
#' @examples
#' if (requireNamespace("ggplot2", quietly = TRUE)) {
#'   set.seed(1)
#'   lab <- rep(c(TRUE, FALSE), c(20, 180))
#'   ggplot2::autoplot(gp_roc(rnorm(200) + 2 * lab, lab, fpr = 0.05))
#' }
#' @exportS3Method ggplot2::autoplot
autoplot.gp_roc <- function(object, ...) {
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

#' Plot the bootstrap distribution of a kurtosis difference
#'
#' Histogram of the bootstrap differences of excess kurtosis with the
#' percentile confidence limits (dashed), the observed difference (solid)
#' and zero (grey).
#'
#' @param object A `gp_kurtosis_test` object.
#' @param bins Number of histogram bins.
#' @param ... Unused.
#' @return A ggplot object.
#' @examples
#' if (requireNamespace("ggplot2", quietly = TRUE)) {
#'   kt <- gp_kurtosis_test(qt(ppoints(200), 3), qnorm(ppoints(200)), n_boot = 200, seed = 1)
#'   ggplot2::autoplot(kt)
#' }
#' @exportS3Method ggplot2::autoplot
autoplot.gp_kurtosis_test <- function(object, bins = 40L, ...) {
  plots_need_ggplot2()
  d <- data.frame(boot = object$boot)
  ci <- object$conf_int
  ggplot2::ggplot(d, ggplot2::aes(x = boot)) +
    ggplot2::geom_histogram(bins = bins, fill = "steelblue", colour = "white", alpha = 0.8) +
    ggplot2::geom_vline(xintercept = 0, colour = "grey50") +
    ggplot2::geom_vline(xintercept = as.numeric(ci), linetype = "dashed", colour = "firebrick") +
    ggplot2::geom_vline(xintercept = object$difference, colour = "black", linewidth = 0.8) +
    ggplot2::labs(
      x = "Bootstrap difference in excess kurtosis (x - y)", y = "Resamples",
      title = "Bootstrap test of a kurtosis difference",
      subtitle = sprintf("difference %.3f, %g%% CI [%.3f, %.3f], p = %s",
                         object$difference, 100 * object$conf, ci[1L], ci[2L],
                         format.pval(object$p_value, digits = 3))
    ) +
    ggplot2::theme_bw()
}

#' Normal Q-Q plot with confidence bands
#'
#' Draws [gp_qq_data()]: standardized sample quantiles against normal
#' quantiles, the line y = x and the pointwise band. Several samples (for
#' example the importance of interacting and of other alleles) can be given
#' as a named list and are drawn in different colours.
#'
#' @param x A numeric vector or a named list of numeric vectors.
#' @param conf Pointwise coverage of the bands.
#' @param ... Passed to [gp_qq_data()].
#' @return A ggplot object.
#' @examples
#' if (requireNamespace("ggplot2", quietly = TRUE)) {
#'   set.seed(1)
#'   gp_plot_qq(list(normal = rnorm(100), heavy = rt(100, df = 3)))
#' }
#' @export
gp_plot_qq <- function(x, conf = 0.95, ...) {
  plots_need_ggplot2()
  if (is.list(x) && !is.data.frame(x)) {
    nm <- names(x)
    if (is.null(nm) || any(!nzchar(nm))) nm <- paste0("sample_", seq_along(x))
  } else {
    x <- list(x)
    nm <- "sample"
  }
  parts <- lapply(seq_along(x), function(i) {
    q <- gp_qq_data(x[[i]], conf = conf, ...)
    q$group <- nm[i]
    q
  })
  d <- do.call(rbind, parts)
  d$group <- factor(d$group, levels = nm)
  p <- ggplot2::ggplot(d, ggplot2::aes(x = theoretical, y = sample)) +
    ggplot2::geom_abline(slope = 1, intercept = 0, colour = "grey40")
  if (length(nm) > 1L) {
    p <- p + ggplot2::geom_ribbon(ggplot2::aes(ymin = lower, ymax = upper, fill = group),
                                  alpha = 0.15) +
      ggplot2::geom_point(ggplot2::aes(colour = group), size = 1, alpha = 0.8) +
      ggplot2::labs(colour = NULL, fill = NULL)
  } else {
    p <- p + ggplot2::geom_ribbon(ggplot2::aes(ymin = lower, ymax = upper),
                                  fill = "steelblue", alpha = 0.2) +
      ggplot2::geom_point(colour = "steelblue4", size = 1, alpha = 0.8)
  }
  p + ggplot2::labs(x = "Normal quantile", y = "Standardized sample quantile",
                    title = "Normal Q-Q plot",
                    subtitle = sprintf("%g%% pointwise bands", 100 * conf)) +
    ggplot2::theme_bw()
}

# ---------------------------------------------------------------------------
# VIDA

#' Plot VIDA interaction scores
#'
#' * `type = "scores"`: histogram of the VIDA scores (alleles, or loci with
#'   `level = "locus"`); with `labels`, the known positives and negatives
#'   are stacked in different colours.
#' * `type = "enrichment"`: fold enrichment of `labels` among the top
#'   `percentiles` of scores (from [gp_enrichment()]), with confidence
#'   intervals and the line of no enrichment.
#'
#' Unscored (`NA`) scores are left out.
#'
#' @param object A `gp_vida` object.
#' @param type `"scores"` or `"enrichment"`.
#' @param labels Logical (or 0/1) vector over the rows of `object$scores`
#'   (or of `object$loci` for `level = "locus"`), e.g. which alleles truly
#'   interact. Required for `"enrichment"`.
#' @param level `"allele"` or `"locus"`.
#' @param percentiles Top percentages for `"enrichment"`.
#' @param bins Number of histogram bins.
#' @param ... Unused.
#' @return A ggplot object.
#' @examples
#' if (requireNamespace("ggplot2", quietly = TRUE)) {
#'   set.seed(1)
#'   imp <- matrix(rexp(60 * 40) * (runif(60 * 40) < 0.7), 60, 40)
#'   v <- gp_vida(imp, z_threshold = 1.5, verbose = FALSE, threads = 1)
#'   ggplot2::autoplot(v)
#' }
#' @exportS3Method ggplot2::autoplot
autoplot.gp_vida <- function(object, type = c("scores", "enrichment"), labels = NULL,
                             level = c("allele", "locus"), percentiles = c(1, 5, 10, 20),
                             bins = 30L, ...) {
  plots_need_ggplot2()
  type <- match.arg(type)
  level <- match.arg(level)
  d <- if (level == "allele") object$scores else object$loci
  if (is.null(d)) stop("these VIDA scores have no loci", call. = FALSE)
  if (!is.null(labels)) {
    if (length(labels) != nrow(d)) {
      stop(sprintf("`labels` has %d values for %d %s scores", length(labels), nrow(d), level),
           call. = FALSE)
    }
    d$label <- as.logical(labels)
  }
  d <- d[!is.na(d$vida_score), , drop = FALSE]
  if (!nrow(d)) stop("no feature has a VIDA score", call. = FALSE)
  unit <- if (level == "allele") "alleles" else "loci"

  if (type == "scores") {
    if (is.null(labels)) {
      p <- ggplot2::ggplot(d, ggplot2::aes(x = vida_score)) +
        ggplot2::geom_histogram(bins = bins, fill = "steelblue", colour = "white")
    } else {
      d$label <- factor(ifelse(d$label, "labelled", "other"), levels = c("other", "labelled"))
      p <- ggplot2::ggplot(d, ggplot2::aes(x = vida_score, fill = label)) +
        ggplot2::geom_histogram(bins = bins, colour = "white") +
        ggplot2::scale_fill_manual(values = c(other = "grey60", labelled = "firebrick"),
                                   drop = FALSE) +
        ggplot2::labs(fill = NULL)
    }
    return(p + ggplot2::labs(x = "VIDA score", y = sprintf("Number of %s", unit),
                             title = sprintf("VIDA interaction scores of %d %s", nrow(d), unit)) +
             ggplot2::theme_bw())
  }

  if (is.null(labels)) stop("`labels` are required for type = \"enrichment\"", call. = FALSE)
  e <- gp_enrichment(d$vida_score, d$label, percentiles = percentiles)
  e$percentile <- factor(sprintf("top %g%%", e$percentile),
                         levels = sprintf("top %g%%", e$percentile))
  ggplot2::ggplot(e, ggplot2::aes(x = percentile, y = fold_enrichment)) +
    ggplot2::geom_hline(yintercept = 1, linetype = "dashed", colour = "grey40") +
    ggplot2::geom_col(fill = "steelblue", alpha = 0.7, width = 0.6) +
    ggplot2::geom_errorbar(ggplot2::aes(ymin = lower, ymax = upper), width = 0.2) +
    ggplot2::labs(x = sprintf("Highest VIDA scores (share of %s)", unit),
                  y = "Fold enrichment of labelled features",
                  title = "Enrichment of labelled features among top VIDA scores") +
    ggplot2::theme_bw()
}

# ---------------------------------------------------------------------------
# Latent space and effect sizes

#' Plot individuals in the latent space
#'
#' Encodes `data` into the latent space of a fit (through the phenotype
#' encoder or the genotype encoder) and draws two dimensions: the first two
#' principal components of the latent codes (`method = "pca"`, default) or
#' the first two latent dimensions (`method = "first"`).
#'
#' @param fit A `gpatlas` fit.
#' @param data A [gp_data()] object.
#' @param from `"phenotype"` or `"genotype"`: which encoder maps to the
#'   latent space.
#' @param colour `NULL`, the name of a trait in `data`, or a vector with one
#'   value per individual used to colour the points.
#' @param method `"pca"` or `"first"`.
#' @return A ggplot object.
#' @examples
#' if (requireNamespace("ggplot2", quietly = TRUE)) {
#'   sim <- gp_simulate(n = 60, n_loci = 30, n_phenotypes = 3, n_causal = 2, seed = 1)
#'   fit <- gpatlas(. ~ ., sim, gpatlas_control(epochs_pheno = 5, epochs_geno = 5,
#'                  geno_hidden = 16, pheno_hidden = 8, decoder_hidden = 8,
#'                  latent_dim = 4, verbose = FALSE))
#'   gp_plot_latent(fit, sim, colour = colnames(sim$pheno)[1])
#' }
#' @export
gp_plot_latent <- function(fit, data, from = c("phenotype", "genotype"), colour = NULL,
                           method = c("pca", "first")) {
  plots_need_ggplot2()
  from <- match.arg(from)
  method <- match.arg(method)
  if (!inherits(fit, "gpatlas")) stop("`fit` must be a gpatlas fit", call. = FALSE)
  z <- stats::predict(fit, data, from = from, type = "latent")
  if (ncol(z) < 2L) stop("the latent space has fewer than two dimensions", call. = FALSE)
  if (method == "pca") {
    pc <- stats::prcomp(z, center = TRUE, scale. = FALSE)
    share <- pc$sdev^2 / sum(pc$sdev^2)
    d <- data.frame(dim1 = pc$x[, 1L], dim2 = pc$x[, 2L])
    xlab <- sprintf("Latent PC1 (%.0f%%)", 100 * share[1L])
    ylab <- sprintf("Latent PC2 (%.0f%%)", 100 * share[2L])
  } else {
    d <- data.frame(dim1 = z[, 1L], dim2 = z[, 2L])
    xlab <- "Latent dimension 1"
    ylab <- "Latent dimension 2"
  }
  colour_name <- NULL
  if (!is.null(colour)) {
    if (is.character(colour) && length(colour) == 1L && nrow(d) != 1L) {
      if (!inherits(data, "gp_data")) data <- as_gp_data(data)
      if (!colour %in% colnames(data$pheno)) {
        stop(sprintf("`colour` '%s' is not a trait of `data`", colour), call. = FALSE)
      }
      colour_name <- colour
      colour <- data$pheno[, colour]
    } else if (length(colour) != nrow(d)) {
      stop(sprintf("`colour` has %d values for %d individuals", length(colour), nrow(d)),
           call. = FALSE)
    }
    d$colour_value <- colour
  }
  p <- if (is.null(colour)) {
    ggplot2::ggplot(d, ggplot2::aes(x = dim1, y = dim2)) +
      ggplot2::geom_point(colour = "steelblue4", alpha = 0.7, size = 1.3)
  } else {
    q <- ggplot2::ggplot(d, ggplot2::aes(x = dim1, y = dim2, colour = colour_value)) +
      ggplot2::geom_point(alpha = 0.8, size = 1.3) +
      ggplot2::labs(colour = colour_name)
    if (is.numeric(d$colour_value)) q <- q + ggplot2::scale_colour_viridis_c()
    q
  }
  p + ggplot2::labs(x = xlab, y = ylab,
                    title = sprintf("Latent space (%s encoder)", from)) +
    ggplot2::theme_bw()
}

#' Plot importance against the true additive effect of simulated loci
#'
#' For data from [gp_simulate()], compares the locus importance of a fit to
#' the size of each locus's true additive effect. The effect of a locus is
#' `max |w[a, p] - mean_a w[a, p]|` over alleles `a` and phenotypes `p`,
#' where `w` are its allele weights in `truth$weights` (loci x alleles x
#' phenotypes) and the mean is over the locus's alleles for that phenotype:
#' the largest deviation of any allele from the locus average, which is 0
#' exactly for loci without an additive effect. Interactions in the
#' simulation are not part of it.
#'
#' @param importance A `gp_importance` object from genotype features.
#' @param truth The `truth` list of a simulated data set (`sim$truth`), or
#'   the simulated `gp_data` itself.
#' @param log_y Draw the importance on a log10 scale (zeros dropped).
#' @return A ggplot object; its data has columns `marker`, `importance`,
#'   `effect` and `causal` (effect > 0).
#' @examples
#' if (requireNamespace("ggplot2", quietly = TRUE)) {
#'   sim <- gp_simulate(n = 60, n_loci = 30, n_phenotypes = 3, n_causal = 2, seed = 1)
#'   fit <- gpatlas(. ~ ., sim, gpatlas_control(epochs_pheno = 5, epochs_geno = 5,
#'                  geno_hidden = 16, pheno_hidden = 8, decoder_hidden = 8,
#'                  latent_dim = 4, verbose = FALSE))
#'   gp_plot_effects(gp_importance(fit, sim, verbose = FALSE), sim$truth)
#' }
#' @export
gp_plot_effects <- function(importance, truth, log_y = FALSE) {
  plots_need_ggplot2()
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

#' Fraction of known loci recovered by importance threshold
#'
#' For thresholds at every percentile of locus importance, the fraction of
#' known loci (e.g. published QTL peak markers) whose importance reaches the
#' threshold, against the fraction of all loci that do (the chance line).
#'
#' @param importance A `gp_importance` object from genotypes.
#' @param known Marker names of the known loci.
#' @return A ggplot object; its data has columns `percentile`, `fraction_known`,
#'   `fraction_all`.
#' @examples
#' if (requireNamespace("ggplot2", quietly = TRUE)) {
#'   sim <- gp_simulate(n = 60, n_loci = 30, n_phenotypes = 3, n_causal = 2, seed = 1)
#'   fit <- gpatlas(. ~ ., sim, gpatlas_control(epochs_pheno = 5, epochs_geno = 5,
#'                  geno_hidden = 16, pheno_hidden = 8, decoder_hidden = 8,
#'                  latent_dim = 4, verbose = FALSE))
#'   imp <- gp_importance(fit, sim, verbose = FALSE)
#'   gp_plot_known_loci(imp, sim$markers$marker[sim$truth$causal_loci])
#' }
#' @export
gp_plot_known_loci <- function(importance, known) {
  plots_need_ggplot2()
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
  ggplot2::ggplot(d, ggplot2::aes(x = percentile, y = fraction_known)) +
    ggplot2::geom_line(ggplot2::aes(y = fraction_all), linetype = "dashed", colour = "grey50") +
    ggplot2::geom_line(colour = "steelblue4", linewidth = 0.8) +
    ggplot2::labs(x = "top % of loci by importance", y = "fraction of known loci included",
                  title = sprintf("%d known loci (dashed: all loci)", sum(is_known))) +
    ggplot2::theme_bw()
}
