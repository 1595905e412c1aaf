# Methods of a fitted gpatlas model: print, summary, as.data.frame, autoplot, latent-space plot.

#' @export
print.gpatlas <- function(x, ...) {
  ctl <- x$control
  layers <- function(...) paste(c(...)[c(...) > 0], collapse = " -> ")
  cat("G-P Atlas model\n")
  cat(sprintf("  %d traits, %d markers x %d alleles, trained on %d individuals\n",
              length(x$traits), nrow(x$markers), x$n_alleles, x$n_train))
  cat(sprintf("  phenotype autoencoder %s\n", layers(length(x$traits), ctl$pheno_hidden,
              ctl$latent_dim, ctl$decoder_hidden, length(x$traits))))
  cat(sprintf("  genotype encoder      %s (decoder frozen)\n",
              layers(nrow(x$markers) * x$n_alleles, ctl$geno_hidden, ctl$latent_dim)))
  n_members <- length(model_members(x))
  if (n_members > 1L) cat(sprintf("  mean of %d networks (seeds)\n", n_members))
  if (!is.null(x$additive)) {
    nz <- colSums(matrix(rowSums(x$additive$coef != 0) > 0, nrow = x$n_alleles))
    slope <- vapply(x$calibration, function(cal) cal["slope", ] / x$additive$resid_scale,
                    numeric(length(x$traits)))
    kept <- sum(rowMeans(matrix(slope, nrow = length(x$traits))) > 0)
    alpha <- if (is.null(ctl$additive_alpha)) 1 else ctl$additive_alpha
    penalty <- if (alpha < 1) sprintf("elastic net (alpha %g)", alpha) else "lasso"
    n_pairs <- if (is.null(x$additive$pairs)) 0L else nrow(x$additive$pairs)
    cat(sprintf(paste0("  additive path: %s per trait (%d-fold CV), %d markers with an effect, ",
                       "%d pair terms;\n    the networks model its residuals, kept for %d of %d ",
                       "traits\n"),
                penalty, x$additive$nfolds, sum(nz > 0), n_pairs, kept, length(x$traits)))
  }
  cov <- x$covar_adjustment
  if (!is.null(cov)) {
    how <- if (identical(cov$method, "joint")) "estimated with the additive path" else
      "regressed out first"
    cat(sprintf("  covariates: %s (%s; added back to predictions)\n",
                paste(cov$columns, collapse = ", "), how))
  }
  if (identical(x$input, "probabilities")) {
    cat("  genotype input: probability vectors\n")
  }
  cat(network_notes(x), sep = "")
  h <- x$history
  if (is.null(h$member)) h$member <- 1L
  for (s in 1:2) {
    hs <- h[h$stage == s & h$member == 1L, , drop = FALSE]
    if (nrow(hs)) {
      kept <- if (is.null(hs$kept)) nrow(hs) else which(hs$kept)[1L]
      valid <- if (!is.null(hs$valid_loss) && !is.na(hs$valid_loss[kept])) {
        sprintf(", validation loss %.4g", hs$valid_loss[kept])
      } else ""
      cat(sprintf("  stage %d: %d epochs (kept epoch %d), loss %.4g%s, %.1f s%s\n", s, nrow(hs),
                  kept, hs$loss[kept], valid, sum(hs$seconds),
                  if (n_members > 1L) " (first network)" else ""))
    }
  }
  invisible(x)
}

#' Summarise a fitted G-P Atlas model
#'
#' @param object A `gpatlas` fit.
#' @param ... Unused; anything given is an error.
#' @return A list of class `summary.gpatlas` with `stages`, a data frame with
#'   one row per network (`member`) and stage and columns `member`, `stage`,
#'   `epochs` (run), `kept_epoch` (the epoch whose parameters were kept: the
#'   best validation loss when `valid_prop > 0`, else the last), `first_loss`,
#'   `kept_loss` (training loss), `valid_loss` (`NA` without validation),
#'   `seconds`, `seconds_per_epoch`; `n_parameters` (all networks);
#'   `n_train`; `traits`; `n_markers`; `control`; `notes`, lines about a
#'   skipped phenotype autoencoder and untrained networks (see [gpatlas()]).
#' @examples
#' sim <- gp_simulate(n = 60, n_loci = 40, n_phenotypes = 3, n_causal = 2, seed = 1)
#' fit <- gpatlas(. ~ ., sim, gpatlas_control(epochs_pheno = 3, epochs_geno = 3,
#'                geno_hidden = 16, pheno_hidden = 8, decoder_hidden = 8,
#'                latent_dim = 4, verbose = FALSE))
#' summary(fit)
#' @export
summary.gpatlas <- function(object, ...) {
  check_dots_empty(...)
  h <- object$history
  if (is.null(h$member)) h$member <- 1L
  if (is.null(h$kept)) h$kept <- !duplicated(paste(h$member, h$stage), fromLast = TRUE)
  if (is.null(h$valid_loss)) h$valid_loss <- NA_real_
  stages <- do.call(rbind, lapply(split(h, list(h$stage, h$member), drop = TRUE), function(hs) {
    kept <- which(hs$kept)[1L]
    data.frame(member = hs$member[1L], stage = hs$stage[1L], epochs = nrow(hs),
               kept_epoch = kept, first_loss = hs$loss[1L], kept_loss = hs$loss[kept],
               valid_loss = hs$valid_loss[kept], seconds = sum(hs$seconds),
               seconds_per_epoch = mean(hs$seconds))
  }))
  stages <- stages[order(stages$member, stages$stage), , drop = FALSE]
  rownames(stages) <- NULL
  n_par <- length(model_members(object)) *
    sum(vapply(object$params, function(p) prod(attr(p, "shape")), numeric(1)))
  structure(list(stages = stages, n_parameters = n_par, n_train = object$n_train,
                 traits = object$traits, n_markers = nrow(object$markers),
                 control = object$control, notes = network_notes(object)),
            class = "summary.gpatlas")
}

#' @export
print.summary.gpatlas <- function(x, ...) {
  cat(sprintf("G-P Atlas model: %d traits, %d markers, %d training individuals, %s parameters\n",
              length(x$traits), x$n_markers, x$n_train,
              format(x$n_parameters, big.mark = ",")))
  cat(sprintf("preset %s; standardize = %s, mask_missing = %s\n\n", x$control$preset,
              x$control$standardize, x$control$mask_missing))
  if (length(x$notes)) cat(x$notes, "\n", sep = "")
  print(x$stages, row.names = FALSE, digits = 4)
  invisible(x)
}

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

#' Plot the training loss of a G-P Atlas fit
#'
#' One panel per training stage (phenotype autoencoder, genotype encoder)
#' with the training and validation loss of each epoch for every network, and
#' a dotted line at the epoch each network kept.
#'
#' @param object A `gpatlas` fit.
#' @param log_y Draw the loss on a log10 scale (non-positive losses are
#'   dropped then).
#' @param ... Unused; anything given is an error.
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
  check_dots_empty(...)
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

#' Individuals in the latent space
#'
#' Encodes `data` into the latent space of a fit (through the phenotype
#' encoder or the genotype encoder) and takes two dimensions: the first two
#' principal components of the latent codes (`method = "pca"`, default) or
#' the first two latent dimensions (`method = "first"`). `gp_latent_data()`
#' returns them, `gp_plot_latent()` draws them.
#'
#' @param fit A `gpatlas` fit.
#' @param data A [gp_data()] object.
#' @param from `"phenotype"` or `"genotype"`: which encoder maps to the
#'   latent space.
#' @param colour `NULL`, the name of a trait in `data`, or a vector with one
#'   value per individual used to colour the points.
#' @param method `"pca"` or `"first"`.
#' @return `gp_latent_data()`: a data frame with one row per individual (row
#'   names the ids) and columns `dim1`, `dim2` and, with `colour`,
#'   `colour_value`; attributes `labels` (axis labels, with the share of
#'   variance of each principal component) and `colour_name`.
#'   `gp_plot_latent()`: a ggplot object drawn from it.
#' @examples
#' sim <- gp_simulate(n = 60, n_loci = 30, n_phenotypes = 3, n_causal = 2, seed = 1)
#' fit <- gpatlas(. ~ ., sim, gpatlas_control(epochs_pheno = 5, epochs_geno = 5,
#'                geno_hidden = 16, pheno_hidden = 8, decoder_hidden = 8,
#'                latent_dim = 4, verbose = FALSE))
#' head(gp_latent_data(fit, sim))
#' if (requireNamespace("ggplot2", quietly = TRUE)) {
#'   gp_plot_latent(fit, sim, colour = colnames(sim$pheno)[1])
#' }
#' @export
gp_latent_data <- function(fit, data, from = c("phenotype", "genotype"), colour = NULL,
                           method = c("pca", "first")) {
  from <- match.arg(from)
  method <- match.arg(method)
  if (!inherits(fit, "gpatlas")) stop("`fit` must be a gpatlas fit", call. = FALSE)
  z <- stats::predict(fit, data, from = from, type = "latent")
  if (ncol(z) < 2L) stop("the latent space has fewer than two dimensions", call. = FALSE)
  if (method == "pca") {
    pc <- stats::prcomp(z, center = TRUE, scale. = FALSE)
    share <- pc$sdev^2 / sum(pc$sdev^2)
    d <- data.frame(dim1 = pc$x[, 1L], dim2 = pc$x[, 2L], row.names = rownames(z))
    labels <- sprintf("Latent PC%d (%.0f%%)", 1:2, 100 * share[1:2])
  } else {
    d <- data.frame(dim1 = z[, 1L], dim2 = z[, 2L], row.names = rownames(z))
    labels <- sprintf("Latent dimension %d", 1:2)
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
  attr(d, "labels") <- labels
  attr(d, "colour_name") <- colour_name
  attr(d, "from") <- from
  d
}

#' @rdname gp_latent_data
#' @export
gp_plot_latent <- function(fit, data, from = c("phenotype", "genotype"), colour = NULL,
                           method = c("pca", "first")) {
  plots_need_ggplot2()
  d <- gp_latent_data(fit, data, from, colour, method)
  labels <- attr(d, "labels")
  p <- if (is.null(d$colour_value)) {
    ggplot2::ggplot(d, ggplot2::aes(x = dim1, y = dim2)) +
      ggplot2::geom_point(colour = "steelblue4", alpha = 0.7, size = 1.3)
  } else {
    q <- ggplot2::ggplot(d, ggplot2::aes(x = dim1, y = dim2, colour = colour_value)) +
      ggplot2::geom_point(alpha = 0.8, size = 1.3) +
      ggplot2::labs(colour = attr(d, "colour_name"))
    if (is.numeric(d$colour_value)) q <- q + ggplot2::scale_colour_viridis_c()
    q
  }
  p + ggplot2::labs(x = labels[1L], y = labels[2L],
                    title = sprintf("Latent space (%s encoder)", attr(d, "from"))) +
    ggplot2::theme_bw()
}
