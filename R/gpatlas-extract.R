# Extractors of a fitted gpatlas model in the style of stats: fitted(), residuals(), coef(),
# nobs(), and the data predict() takes when `newdata` is missing or holds genotypes only.

#' Fitted values, residuals, coefficients and size of a G-P Atlas fit
#'
#' The usual extractors of an R model fit.
#'
#' * `fitted()`: the predictions from the genotypes of the training
#'   individuals (genotype networks plus the additive path), in the traits'
#'   original units; an individuals x traits matrix with the training ids as
#'   row names. They are computed once when the model is fitted and stored in
#'   the fit (so they survive `saveRDS()`); `predict(fit)` without `newdata`
#'   returns the same matrix.
#' * `residuals()`: observed minus fitted phenotypes of the training
#'   individuals, `NA` where a trait was not measured.
#' * `coef()`: the per-allele effects of the additive path (the sparse lasso
#'   of the default model), in the traits' original units: a matrix with an
#'   `(Intercept)` row followed by one row per allele of every marker, named
#'   `marker:allele` as the `feature` column of [gp_importance()], and one
#'   column per trait. The additive prediction of an individual is the
#'   intercept plus the effect of each allele it carries; a missing call adds
#'   nothing. Within a marker the effects are centred (their mean weighted by
#'   the training allele frequencies is 0) and the intercept carries the rest,
#'   so an effect is the allele's deviation from the marker's average and a
#'   marker without effect has zeros in all its rows. Pairwise terms of the
#'   additive path, if any, are in the attribute `"pairs"` (a data frame with
#'   columns `trait`, `marker1`, `allele1`, `marker2`, `allele2`, `centre1`,
#'   `centre2`, `weight`: a term adds `weight * (x1 - centre1) * (x2 -
#'   centre2)`, `x = 1` when the individual carries the allele). The networks
#'   have no coefficients: for a fit without additive path
#'   (`gpatlas_control(additive = FALSE)` and the `publication*` presets)
#'   `coef()` returns `NULL` with a message.
#' * `nobs()`: the number of training individuals.
#'
#' @param object A `gpatlas` fit.
#' @param ... Unused; anything given is an error.
#' @return See Description.
#' @seealso [predict.gpatlas()], [gp_importance()]
#' @examples
#' sim <- gp_simulate(n = 60, n_loci = 20, n_alleles = 2, n_phenotypes = 2,
#'                    n_causal = 2, seed = 1)
#' fit <- gpatlas(. ~ ., sim, gpatlas_control(epochs_pheno = 3, epochs_geno = 3,
#'                geno_hidden = 8, pheno_hidden = 8, decoder_hidden = 8,
#'                latent_dim = 2, verbose = FALSE))
#' nobs(fit)
#' head(fitted(fit))
#' head(residuals(fit))
#' b <- coef(fit)
#' b[rowSums(b != 0) > 0, ]
#' @name fitted.gpatlas
NULL

#' @rdname fitted.gpatlas
#' @export
fitted.gpatlas <- function(object, ...) {
  check_dots_empty(...)
  training_values(object)$fitted
}

#' @rdname fitted.gpatlas
#' @export
residuals.gpatlas <- function(object, ...) {
  check_dots_empty(...)
  tv <- training_values(object)
  tv$observed - tv$fitted
}

#' @rdname fitted.gpatlas
#' @export
nobs.gpatlas <- function(object, ...) {
  check_dots_empty(...)
  as.integer(object$n_train)
}

#' @rdname fitted.gpatlas
#' @export
coef.gpatlas <- function(object, ...) {
  check_dots_empty(...)
  add <- object$additive
  if (is.null(add)) {
    message("This fit has no additive path (additive = FALSE), hence no coefficients; ",
            "see gp_importance() for the networks' marker effects.")
    return(invisible(NULL))
  }
  A <- object$n_alleles
  mk <- object$markers$marker
  scale <- object$scaling$scale
  out <- rbind(add$intercept * scale + object$scaling$center,
               sweep(add$coef, 2L, scale, "*"))
  dimnames(out) <- list(c("(Intercept)", paste0(rep(mk, each = A), ":", rep(seq_len(A) - 1L,
                                                                             length(mk)))),
                        object$traits)
  pairs <- add$pairs
  if (!is.null(pairs) && nrow(pairs)) {
    attr(out, "pairs") <- data.frame(
      trait = object$traits[pairs$trait], marker1 = mk[pairs$locus1], allele1 = pairs$allele1,
      marker2 = mk[pairs$locus2], allele2 = pairs$allele2, centre1 = pairs$centre1,
      centre2 = pairs$centre2, weight = pairs$weight * scale[pairs$trait],
      stringsAsFactors = FALSE)
  }
  out
}

# The training-set values stored in a fit (see store_training_values()).
training_values <- function(object) {
  tv <- object$training
  if (is.null(tv)) {
    stop(paste0("This fit stores no training-set values (it predates them); refit it, or ",
                "use predict(fit, data) with the training data."), call. = FALSE)
  }
  if (is.null(tv$fitted)) {
    stop("This fit has no genotype predictions (epochs_geno = 0), hence no fitted values.",
         call. = FALSE)
  }
  tv
}

# What gpatlas() stores for fitted(), residuals() and predict() without newdata: the
# observed phenotypes of the training individuals and their predictions from genotypes
# (NULL when the fit has no genotype encoder).
store_training_values <- function(fit, data) {
  observed <- data$pheno[, fit$traits, drop = FALSE]
  fitted <- if (fit$control$epochs_geno >= 1L) stats::predict(fit, data)
  list(fitted = fitted, observed = observed)
}

# predict() without newdata: the fitted values.
predict_training <- function(object, from, type) {
  if (from != "genotype" || type != "phenotype") {
    stop(paste0("predict() without `newdata` gives the fitted values (from = \"genotype\", ",
                "type = \"phenotype\"); supply `newdata` for other predictions."),
         call. = FALSE)
  }
  fitted.gpatlas(object)
}

# `newdata` of predict() as a gp_data: anything as_gp_data() takes; from genotypes, a genotype
# matrix or data frame needs no phenotypes.
prediction_data <- function(object, newdata, from) {
  if (inherits(newdata, "gp_data")) return(newdata)
  if (is.matrix(newdata) || is.data.frame(newdata)) {
    if (from == "phenotype") {
      stop(paste0("To predict from phenotypes, `newdata` must be a gp_data object (or a ",
                  "cross) holding the traits of the model."), call. = FALSE)
    }
    return(as_gp_data(newdata, n_alleles = max(object$n_alleles, genotype_max_code(newdata) + 1L)))
  }
  as_gp_data(newdata)
}

# Largest numeric allele code of a genotype table (-1 when it has letters or no calls), so
# that a table whose codes exceed the model's reaches the model's clear error.
genotype_max_code <- function(x) {
  v <- if (is.data.frame(x)) unlist(x, use.names = FALSE) else as.vector(x)
  v <- suppressWarnings(as.numeric(as.character(v)))
  v <- v[is.finite(v)]
  if (length(v)) as.integer(min(max(v), 253)) else -1L
}

# Data with observed phenotypes, for functions that score predictions: a gp_data, or anything
# else as_gp_data() converts by itself (such as an R/qtl cross). A bare matrix or data frame is
# refused: it would be read as genotypes.
as_observed_data <- function(x, arg) {
  if (is.null(x) || is.matrix(x) || is.data.frame(x) || is.atomic(x)) {
    stop(sprintf("`%s` must be a gp_data object (or an R/qtl cross) with observed phenotypes.",
                 arg), call. = FALSE)
  }
  if (!inherits(x, "gp_data")) x <- as_gp_data(x)
  if (!ncol(x$pheno)) {
    stop(sprintf("`%s` has no phenotypes to score predictions against.", arg), call. = FALSE)
  }
  x
}
