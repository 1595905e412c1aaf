# Feature-ablation importance of loci (alleles) and phenotypes for a fitted G-P Atlas model.

#' Feature-ablation importance
#'
#' For every individual and every input feature (one allele at one locus, or
#' one phenotype), the feature is set to the baseline 0 and the change in the
#' model output is recorded. The computation is exact: in eval mode the first
#' genotype layer is affine, so ablating allele j of individual i shifts the
#' first pre-activation by `-W[, j]`; only alleles an individual carries can
#' change anything, and those are evaluated in batches through the remaining
#' small layers (in double precision). The result equals one forward pass per
#' feature (tested against that slow implementation) at a small fraction of
#' the cost.
#'
#' For a fit of several networks (`n_seeds > 1`), the per-individual
#' statistic and the per-phenotype change are averaged over the networks.
#' With `calibrate = TRUE`, genotype importance is measured on the
#' recalibrated predictions, i.e. on what `predict()` returns.
#'
#' Two statistics per individual i and feature j are offered:
#' * `"prediction"` (default): the root mean square change of the predicted
#'   phenotypes (in the model's standardized units). It needs no observed
#'   phenotypes, is never confounded by an individual's residual, and is
#'   exactly 0 for features that do not change the prediction.
#' * `"mse"`: the change in mean squared error against the observed
#'   phenotypes (missing values skipped), the publication's statistic. It can
#'   be negative when ablation happens to move a prediction towards the
#'   observation.
#'
#' Allele importance is the mean over individuals of the squared statistic;
#' locus importance is the maximum over the locus's alleles. For phenotype
#' features (`from = "phenotype"`), the baseline 0 is the training mean when
#' the model standardizes phenotypes.
#'
#' @param fit A `gpatlas` fit.
#' @param data A [gp_data()] object, normally held-out individuals.
#' @param from `"genotype"` for allele/locus importance through the genotype
#'   encoder, `"phenotype"` for phenotype importance through the autoencoder.
#' @param statistic `"prediction"` or `"mse"` (see Details).
#' @param verbose Show a progress bar over individuals.
#' @return An object of class `gp_importance`, a list with
#' * `matrix`: individuals x features matrix of the per-individual statistic;
#' * `features`: data frame with one row per feature and columns `feature`,
#'   `marker` (or trait), `allele` (allele code; `NA` for phenotypes), `chr`,
#'   `pos`, `importance` (mean squared statistic over individuals);
#' * `loci`: data frame with columns `marker`, `chr`, `pos`, `importance`
#'   (max over alleles), `allele` (the allele reaching it), `rank` (1 = most
#'   important); `NULL` for phenotype features;
#' * `per_phenotype`: features x traits matrix of the mean squared change of
#'   each predicted phenotype, in original units squared;
#' * `from`, `statistic`, `n`.
#' @examples
#' sim <- gp_simulate(n = 60, n_loci = 30, n_phenotypes = 3, n_causal = 2, seed = 1)
#' fit <- gpatlas(. ~ ., sim, gpatlas_control(epochs_pheno = 5, epochs_geno = 5,
#'                geno_hidden = 16, pheno_hidden = 8, decoder_hidden = 8,
#'                latent_dim = 4, verbose = FALSE))
#' imp <- gp_importance(fit, sim)
#' head(imp$loci)
#' @export
gp_importance <- function(fit, data, from = c("genotype", "phenotype"),
                          statistic = c("prediction", "mse"), verbose = interactive()) {
  from <- match.arg(from)
  statistic <- match.arg(statistic)
  if (!inherits(fit, "gpatlas")) stop("`fit` must be a gpatlas fit", call. = FALSE)
  check_fit(fit, need_geno = from == "genotype")
  if (missing(data)) stop("`data` is required (normally the test set)", call. = FALSE)
  if (!inherits(data, "gp_data")) data <- as_gp_data(data)
  # Covariates never enter importance: phenotypes are compared without their effects.
  covar <- if (statistic == "mse" || from == "phenotype") covar_part(fit, data)
  if (!is.null(covar)) data$pheno[, fit$traits] <- data$pheno[, fit$traits, drop = FALSE] - covar
  pheno <- NULL
  if (statistic == "mse" || from == "phenotype") {
    if (from == "phenotype") pheno_members(fit)  # stops when there is no phenotype autoencoder
    pheno <- model_phenotypes(fit, data, "data", scaled = FALSE)
  }
  input <- if (from == "genotype") model_genotypes(fit, data) else pheno
  res <- cpp_model_importance(model_core(fit), input, from == "genotype",
                              if (statistic == "mse") pheno, statistic, TRUE, isTRUE(verbose),
                              fit$n_alleles)
  parts <- if (!is.null(res$additive)) res[c("additive", "network")]
  res <- res$total
  if (from == "genotype") {
    a <- fit$n_alleles
    mk <- fit$markers
    features <- data.frame(
      feature = paste0(rep(mk$marker, each = a), ":", rep(seq_len(a) - 1L, nrow(mk))),
      marker = rep(mk$marker, each = a),
      allele = rep(seq_len(a) - 1L, nrow(mk)),
      chr = rep(mk$chr, each = a),
      pos = rep(mk$pos, each = a),
      stringsAsFactors = FALSE
    )
  } else {
    features <- data.frame(feature = fit$traits, marker = fit$traits, allele = NA_integer_,
                           chr = NA_character_, pos = NA_real_, stringsAsFactors = FALSE)
  }
  tidy <- function(r) {
    mat <- r$per_individual
    dimnames(mat) <- list(rownames(data$pheno), features$feature)
    per_pheno <- sweep(r$per_phenotype, 2L, fit$scaling$scale^2, "*")
    dimnames(per_pheno) <- list(features$feature, fit$traits)
    list(matrix = mat, per_phenotype = per_pheno)
  }
  total <- tidy(res)
  features$importance <- colMeans(total$matrix^2)
  loci <- if (from == "genotype") locus_importance(features, fit$n_alleles)
  if (!is.null(parts)) {
    parts <- lapply(parts, tidy)
    for (nm in names(parts)) {
      col <- paste0("importance_", nm)
      features[[col]] <- colMeans(parts[[nm]]$matrix^2)
      loci[[col]] <- apply(matrix(features[[col]], nrow = fit$n_alleles), 2L, max)
    }
  }
  structure(list(matrix = total$matrix, features = features, loci = loci,
                 per_phenotype = total$per_phenotype, parts = parts, from = from,
                 statistic = statistic, n = nrow(total$matrix)), class = "gp_importance")
}

# The genotype input of `data` for the markers of `fit` (see genotype_input()), with clear
# errors when it does not fit.
model_genotypes <- function(fit, data) {
  check_model_genotypes(fit, data)
  missing_markers <- setdiff(fit$markers$marker, colnames(data$geno))
  if (length(missing_markers)) {
    stop(sprintf("`data` lacks %d marker(s) of the model, e.g. %s", length(missing_markers),
                 missing_markers[1L]), call. = FALSE)
  }
  if (data$n_alleles > fit$n_alleles) {
    stop(sprintf("`data` has %d allelic states per locus, the model %d", data$n_alleles,
                 fit$n_alleles), call. = FALSE)
  }
  genotype_input(data, fit$markers$marker, fit$n_alleles)
}

# What the core takes as genotypes for `markers`: the state probabilities (an array
# individuals x n_alleles states x markers) when `data` has them, else the integer codes.
genotype_input <- function(data, markers, n_alleles) {
  if (is.null(data$probs)) {
    geno <- data$geno[, markers, drop = FALSE]
    storage.mode(geno) <- "integer"
    return(geno)
  }
  p <- data$probs[, , match(markers, colnames(data$geno)), drop = FALSE]
  storage.mode(p) <- "double"
  pad_states(p, n_alleles)  # states the data lack have probability 0
}

locus_importance <- function(features, n_alleles) {
  imp <- matrix(features$importance, nrow = n_alleles)
  best <- max.col(t(imp), ties.method = "first")
  first <- seq(1L, nrow(features), by = n_alleles)
  loci <- data.frame(marker = features$marker[first], chr = features$chr[first],
                     pos = features$pos[first], importance = imp[cbind(best, seq_along(best))],
                     allele = best - 1L, stringsAsFactors = FALSE)
  loci$rank <- rank(-loci$importance, ties.method = "min")
  loci
}

#' @export
print.gp_importance <- function(x, ...) {
  cat(sprintf("<gp_importance> %s features, %d individuals, statistic \"%s\"\n",
              format(ncol(x$matrix), big.mark = ","), x$n, x$statistic))
  if (!is.null(x$loci)) {
    top <- x$loci[order(x$loci$rank), , drop = FALSE]
    cat("top loci:\n")
    print(utils::head(top, 10L), row.names = FALSE, digits = 4)
  } else {
    top <- x$features[order(-x$features$importance), c("feature", "importance")]
    print(utils::head(top, 10L), row.names = FALSE, digits = 4)
  }
  invisible(x)
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
  # Bands of every locus before a log scale drops those of zero importance.
  if (type == "genome") d$chr_band <- factor(match(lay$chr, lay$bands$chr) %% 2L)
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
