# Linear QTL baselines (forward marker regression, single scan, lasso, ridge): fit, predict, print.

#' Linear QTL baseline models, one per trait
#'
#' Fits a classical linear genotype-to-phenotype model to each trait, the
#' yardstick against which a G-P Atlas fit is judged (see [gp_compare()]).
#' Individuals with a missing value for a trait are left out of that trait's
#' model only.
#'
#' Methods:
#' * `"forward"` (default): additive multiple-QTL model built by forward
#'   selection. Each step runs a Haley-Knott-style marker-regression genome
#'   scan: for every marker, the LOD score of adding its genotype (allele
#'   indicators for codes `1, ..., n_alleles - 1`, i.e. the genotype as a
#'   factor; with two allelic states this is the numeric dosage) to the
#'   current linear model, `n/2 * log10(RSS0 / RSS1)`. The best marker enters
#'   when its LOD reaches the threshold, up to `max_qtl` markers; the final
#'   model is an ordinary least-squares fit ([stats::lm()]) on the selected
#'   markers. The scan works on residual projections against an orthonormal
#'   basis of the current model, so a step costs two passes over the
#'   genotype matrix instead of one regression per marker. It needs neither
#'   R/qtl nor genetic map positions, so it runs on any [gp_data()].
#' * `"scanone"`: single-QTL scan only; the top marker is kept when its LOD
#'   reaches the threshold (otherwise the model is the trait mean).
#' * `"lasso"`, `"ridge"`: penalized regression on all markers with
#'   `glmnet::cv.glmnet()` (package glmnet), `alpha = 1` or `0`, at
#'   `lambda.min`. Markers enter as allele dosage with two allelic states and
#'   one-hot encoded (one column per allelic state) with more.
#'
#' Missing genotype calls are imputed by the marker's mean in the training
#' data: the mean allele code for dosage, the allele frequency for an allele
#' indicator. The same training means impute missing calls at prediction.
#'
#' With `n_perm > 0` the LOD threshold of `"forward"` and `"scanone"` is
#' instead estimated per trait as the `1 - alpha` quantile of the genome-wide
#' maximum LOD of `n_perm` single-QTL scans of permuted phenotypes.
#'
#' @param data A [gp_data()] object with the training individuals, or
#'   anything [as_gp_data()] accepts (such as an R/qtl `cross`).
#' @param traits Character vector of trait names to model; `NULL` (default)
#'   models every trait.
#' @param method One of `"forward"`, `"scanone"`, `"lasso"`, `"ridge"`.
#' @param threshold LOD threshold for a marker to enter the model (methods
#'   `"forward"` and `"scanone"`, when `n_perm = 0`).
#' @param max_qtl Maximum number of markers selected per trait (`"forward"`).
#' @param n_perm Number of permutations for an empirical LOD threshold; 0
#'   (default) uses `threshold`.
#' @param alpha Genome-wide significance level of the permutation threshold.
#' @param seed Optional seed for the permutations and the cross-validation
#'   folds of glmnet. With a seed the fit is reproducible and the caller's
#'   random number stream is left untouched.
#' @param ... Passed to `glmnet::cv.glmnet()` (methods `"lasso"` and
#'   `"ridge"`), e.g. `nfolds`. An argument that neither `cv.glmnet()` nor
#'   `glmnet()` takes, or any argument with the other methods, is an error.
#'
#' @return A list of class `gp_qtl_baseline` with
#'   * `models`: named list, one model per trait, each with `intercept`,
#'     `beta` (coefficients), `marker` (column index of each coefficient's
#'     marker in the training genotypes), `code` (allele code of the
#'     indicator column, `NA` for dosage), `threshold` (LOD threshold used, `NA`
#'     for glmnet methods), `n` (individuals used) and, for `"forward"` and
#'     `"scanone"`, `lm` (the final [stats::lm()] fit) or, for `"lasso"` and
#'     `"ridge"`, `lambda`;
#'   * `qtl`: data frame of selected markers with columns `trait`, `marker`,
#'     `chr`, `pos`, `lod` (LOD when the marker entered, `NA` for glmnet
#'     methods), `step` (selection step, `NA` for glmnet methods);
#'   * `scan`: for `"forward"` and `"scanone"`, a markers x traits matrix of
#'     single-QTL LOD scores (the first genome scan), else `NULL`;
#'   * `method`, `traits`, `markers` (training marker names), `n_alleles`,
#'     `allele_freq` (markers x allelic states training frequencies used for
#'     imputation), `threshold`, `n_perm`, `alpha`.
#' @seealso [gp_compare()], [gpatlas()]
#' @export
#' @examples
#' d <- gp_simulate(n = 120, n_loci = 40, n_alleles = 2, n_phenotypes = 2,
#'                  n_causal = 2, p_interact = 0, seed = 1)
#' parts <- gp_split(d, 0.75, seed = 1)
#' base <- gp_qtl_baseline(parts$train, max_qtl = 4)
#' base
#' base$qtl
#' head(predict(base, parts$test))
gp_qtl_baseline <- function(data, traits = NULL,
                            method = c("forward", "scanone", "lasso", "ridge"),
                            threshold = 3, max_qtl = 20, n_perm = 0,
                            alpha = 0.05, seed = NULL, ...) {
  if (!inherits(data, "gp_data")) data <- as_gp_data(data)
  if (!ncol(data$pheno)) stop("`data` has no phenotypes to model.", call. = FALSE)
  method <- match.arg(method)
  if (method %in% c("lasso", "ridge") && requireNamespace("glmnet", quietly = TRUE)) {
    check_dots_for(list(glmnet::cv.glmnet, glmnet::glmnet),
                   "glmnet::cv.glmnet() and glmnet::glmnet()", ...)
  } else if (!method %in% c("lasso", "ridge")) {
    check_dots_for(list(), sprintf("glmnet, used only by methods \"lasso\" and \"ridge\""), ...)
  }
  traits <- baseline_traits(traits, colnames(data$pheno))
  check_phenotype_values(data$pheno[, traits, drop = FALSE], "data")
  check_gp_data(data, "data")
  check_geno_codes(data$geno, data$n_alleles, "data")
  check_baseline_settings(threshold, max_qtl, n_perm, alpha)
  check_seed(seed)
  glm_method <- method %in% c("lasso", "ridge")
  if (glm_method && !requireNamespace("glmnet", quietly = TRUE)) {
    stop(sprintf(paste0("Method \"%s\" needs the 'glmnet' package; ",
                        "install it with install.packages(\"glmnet\")."), method),
         call. = FALSE)
  }
  if (method == "scanone") max_qtl <- 1L

  n_alleles <- data$n_alleles
  freq <- allele_frequencies(data$geno, n_alleles)
  markers <- colnames(data$geno)
  L <- length(markers)
  # The intercept absorbs allele 0, so a scan uses the other indicators; the
  # penalized fits have no baseline to spare and get every allelic state.
  codes <- if (n_alleles == 2L || !glm_method) {
    seq_len(n_alleles - 1L)
  } else {
    seq_len(n_alleles) - 1L
  }
  blocks <- lapply(codes, function(k) {
    encode_columns(data$geno, freq, seq_len(L), rep(k, L))
  })

  res <- with_rng_seed(seed, baseline_fit_traits(data, traits, blocks, codes, method, max_qtl,
                                                  threshold, n_perm, alpha, ...))

  qtl <- do.call(rbind, res$qtl)
  qtl <- data.frame(
    trait = as.character(qtl$trait),
    marker = as.character(data$markers$marker[qtl$index]),
    chr = as.character(data$markers$chr[qtl$index]),
    pos = as.numeric(data$markers$pos[qtl$index]),
    lod = as.numeric(qtl$lod),
    step = as.integer(qtl$step),
    stringsAsFactors = FALSE
  )
  structure(
    list(models = res$models, qtl = qtl, scan = res$scan, method = method,
         traits = traits, markers = markers, n_alleles = n_alleles,
         allele_freq = freq, threshold = threshold, n_perm = as.integer(n_perm),
         alpha = alpha, n_train = length(data$ids)),
    class = "gp_qtl_baseline"
  )
}

# One model per trait, fitted on the individuals with that trait observed; `blocks` holds
# the allele indicator columns of `codes`. Returns the models, the selected loci per trait
# and, for the QTL scans, the first scan's LOD scores.
baseline_fit_traits <- function(data, traits, blocks, codes, method, max_qtl, threshold,
                                n_perm, alpha, ...) {
  glm_method <- method %in% c("lasso", "ridge")
  markers <- colnames(data$geno)
  L <- length(markers)
  models <- vector("list", length(traits))
  names(models) <- traits
  qtl <- vector("list", length(traits))
  scan <- if (glm_method) NULL else matrix(NA_real_, L, length(traits),
                                           dimnames = list(markers, traits))
  for (t in seq_along(traits)) {
    y <- data$pheno[, traits[t]]
    obs <- which(!is.na(y))
    y <- y[obs]
    G <- lapply(blocks, function(b) b[obs, , drop = FALSE])
    if (glm_method) {
      models[[t]] <- fit_glmnet_trait(y, G, codes, method, ...)
      sel <- unique(models[[t]]$marker[models[[t]]$beta != 0])
      qtl[[t]] <- data.frame(trait = rep(traits[t], length(sel)),
                             index = sel, lod = rep(NA_real_, length(sel)),
                             step = rep(NA_integer_, length(sel)),
                             stringsAsFactors = FALSE)
    } else {
      res <- forward_select(y, G, max_qtl, threshold, n_perm, alpha)
      scan[, t] <- res$first_scan
      models[[t]] <- fit_lm_trait(y, G, codes, res$selected, res$threshold)
      qtl[[t]] <- data.frame(trait = rep(traits[t], length(res$selected)),
                             index = res$selected, lod = res$lod,
                             step = seq_along(res$selected),
                             stringsAsFactors = FALSE)
    }
  }
  list(models = models, qtl = qtl, scan = scan)
}

baseline_traits <- function(traits, available) {
  if (is.null(traits)) return(available)
  if (!is.character(traits) || !length(traits) || anyNA(traits)) {
    stop("`traits` must be NULL or a character vector of trait names.", call. = FALSE)
  }
  unknown <- setdiff(traits, available)
  if (length(unknown)) {
    stop(sprintf("Unknown trait(s): %s.", paste(unknown, collapse = ", ")),
         call. = FALSE)
  }
  unique(traits)
}

#' Predict phenotypes with a linear QTL baseline
#'
#' @param object A `gp_qtl_baseline` fit.
#' @param newdata A [gp_data()] object holding (at least) the training
#'   markers, or anything [as_gp_data()] accepts, including a genotype matrix
#'   or data frame without phenotypes.
#' @param ... Unused; anything given is an error.
#' @return A numeric matrix, individuals x traits, with the individual ids as
#'   row names and the trait names as column names (as [predict.gpatlas()]).
#' @examples
#' sim <- gp_simulate(n = 80, n_loci = 30, n_alleles = 2, n_phenotypes = 2, n_causal = 2,
#'                    p_interact = 0, seed = 1)
#' base <- gp_qtl_baseline(sim)
#' head(predict(base, sim))
#' @export
predict.gp_qtl_baseline <- function(object, newdata, ...) {
  check_dots_empty(...)
  if (missing(newdata)) stop("`newdata` is required.", call. = FALSE)
  if (!inherits(newdata, "gp_data")) newdata <- as_gp_data(newdata)
  absent <- setdiff(object$markers, colnames(newdata$geno))
  if (length(absent)) {
    stop(sprintf("`newdata` lacks %d marker(s) of the model, e.g. %s.",
                 length(absent), absent[1L]), call. = FALSE)
  }
  if (newdata$n_alleles > object$n_alleles) {
    stop(sprintf("`newdata` has %d allelic states per locus, the model %d.",
                 newdata$n_alleles, object$n_alleles), call. = FALSE)
  }
  geno <- newdata$geno[, object$markers, drop = FALSE]
  check_geno_codes(geno, object$n_alleles, "newdata")
  out <- matrix(NA_real_, nrow(geno), length(object$traits),
                dimnames = list(newdata$ids, object$traits))
  for (t in object$traits) {
    m <- object$models[[t]]
    pred <- rep(m$intercept, nrow(geno))
    if (length(m$beta)) {
      X <- encode_columns(geno, object$allele_freq, m$marker, m$code)
      pred <- pred + as.vector(X %*% m$beta)
    }
    out[, t] <- pred
  }
  out
}

#' @export
print.gp_qtl_baseline <- function(x, ...) {
  labels <- c(forward = "forward-selection additive QTL model",
              scanone = "single-QTL scan", lasso = "lasso (glmnet, lambda.min)",
              ridge = "ridge (glmnet, lambda.min)")
  cat(sprintf("<gp_qtl_baseline> %s\n", labels[[x$method]]))
  cat(sprintf("  %d traits, %d markers x %d alleles, trained on %d individuals\n",
              length(x$traits), length(x$markers), x$n_alleles, x$n_train))
  if (x$method %in% c("forward", "scanone")) {
    thr <- vapply(x$models, function(m) m$threshold, numeric(1))
    if (x$n_perm > 0) {
      cat(sprintf("  permutation LOD threshold (%d permutations, alpha %g): median %.2f\n",
                  x$n_perm, x$alpha, stats::median(thr)))
    } else {
      cat(sprintf("  LOD threshold %g\n", x$threshold))
    }
  }
  per_trait <- table(factor(x$qtl$trait, levels = x$traits))
  cat(sprintf("  markers per trait: median %g, range %d-%d, total %d\n",
              stats::median(per_trait), min(per_trait), max(per_trait), nrow(x$qtl)))
  invisible(x)
}
