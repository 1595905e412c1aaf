# Fitting G-P Atlas models: the fit, prediction and print/summary methods.

#' Fit a G-P Atlas model
#'
#' Trains the phenotype denoising autoencoder (stage 1), freezes its decoder,
#' then trains the genotype encoder into its latent space (stage 2).
#'
#' @section Small data, untrained networks, calibration and one trait:
#' With a validation set (`valid_prop > 0`), each network is checked after
#' training: it is *untrained* when early stopping kept stage-2 epoch 1 of
#' several (its validation loss never fell after the first epoch) or when its
#' kept validation loss is no lower than that of predicting every trait by its
#' training mean (with the additive path, the networks learn its residuals, so
#' that constant is the additive path alone). With the additive path (the
#' default preset) an untrained network's part is dropped (its shrinkage
#' factor set to 0 for every trait), so the fit falls back to the additive
#' path for it; this is reported by `print()`, `summary()` and, with
#' `verbose`, a message, not a warning: the model that remains is all that the
#' validation data support, and on small or mostly additive data it is the
#' usual outcome. The fallback is taken rather than a retry with another seed:
#' a network that cannot beat the additive path on its validation individuals
#' usually meets the same limit of the data with any seed, a retry doubles the
#' time, and the additive path is a complete, sound model on its own (latent
#' codes from genotypes still come from the dropped networks). For the same
#' reason, when the first network of several (`n_seeds`) is dropped, the
#' others are not trained and the fit keeps that one. Without the
#' additive path the network is the whole model: it is kept, and `gpatlas()`
#' warns. Each fit records the checks in
#' `network_check` (columns `member`, `kept_epoch`, `valid_loss`,
#' `constant_loss`, `untrained`, `action`: `"dropped"`, `"kept"` or
#' `"none"`), and `print()` and `summary()` report untrained networks.
#'
#' Per-trait calibration never reverses a prediction: the slope of
#' `calibrate` is kept at 0 or above, the additive path's shrinkage factor in
#' `[0, 1]`. A trait with fewer than 20 observed validation values is not
#' recalibrated (`calibrate`: slope 1, intercept 0) and keeps none of the
#' networks with the additive path (see [gpatlas_control()]).
#'
#' With a single trait, no phenotype autoencoder is trained unless
#' `single_trait_autoencoder = TRUE`: stage 1 is skipped and stage 2 trains the
#' decoder together with the genotype encoder; `predict(from = "phenotype")`
#' and phenotype importance then stop with a message. The fit records this in
#' `pheno_autoencoder` (`FALSE`).
#'
#' @param formula Traits on the left, markers on the right: `. ~ .` uses all
#'   of them, `Caffeine + Ethanol ~ .` two traits and all markers. On the
#'   right, `chr(1, 4)` selects every marker on chromosomes 1 and 4 (labels as
#'   in `data$markers$chr`, given as numbers or strings) and combines with
#'   marker names through `+`; `- name` leaves a marker out again, e.g.
#'   `. ~ chr(1) + D4Mit9 - D1Mit296`. Names that are not syntactic can be
#'   quoted with backticks.
#' @param data A [gp_data()] object (or anything [as_gp_data()] accepts).
#' @param control Settings from [gpatlas_control()].
#' @param addcovar Additive covariates (sex, batch, ...), or `NULL` for none:
#'   names of columns of the table `data$covar` (as [as_gp_data()] keeps it
#'   from an R/qtl2 cross), a numeric matrix as for `qtl2::scan1(addcovar = )`,
#'   or a data frame with factors, rows named by individual id. With the
#'   additive path (`additive = TRUE`, the default) they enter its penalized
#'   regression as unpenalized columns (glmnet's `penalty.factor = 0`), so
#'   covariate and genotype effects are estimated jointly; their effects are then
#'   removed from the traits before the networks are trained, which never see
#'   them. Without the additive path (the `publication*` presets) they are
#'   fitted per trait by least squares first and removed before the model is
#'   trained ([gp_covar_adjust()]). Either way the effects are kept in
#'   `fit$covar_adjustment` (its `method` is `"joint"` or `"two-step"`),
#'   [predict.gpatlas()] and [fitted()] add them back, and importance never
#'   includes them. Individuals with a missing covariate are fitted as if
#'   their phenotypes were missing (with a message).
#' @return An object of class `gpatlas`: a list with the control, the traits and
#'   markers used, the phenotype scaling, the network parameters (stored as
#'   float32 bytes so the fit survives `saveRDS()`), and `history`, a data frame
#'   with columns `stage`, `epoch`, `loss` (mean training loss of the epoch,
#'   on the standardized scale when `standardize = TRUE`) and `seconds`, and
#'   `validation`: for each network, the positions (in the training data) of
#'   the individuals it held out. All of the model is fitted by the C++ core in
#'   one call: the phenotype scaling, the additive path with its folds, each
#'   network's validation individuals and its calibration draw on one seed
#'   (`seed` of [gpatlas_control()]), so the same seed gives the same fit.
#' @examples
#' sim <- gp_simulate(n = 60, n_loci = 40, n_phenotypes = 3, n_causal = 2, seed = 1)
#' fit <- gpatlas(. ~ ., sim, gpatlas_control(epochs_pheno = 3, epochs_geno = 3,
#'                geno_hidden = 16, pheno_hidden = 8, decoder_hidden = 8,
#'                latent_dim = 4, verbose = FALSE))
#' fit
#' @export
gpatlas <- function(formula, data, control = gpatlas_control(), addcovar = NULL) {
  if (!inherits(control, "gpatlas_control")) {
    stop("`control` must come from gpatlas_control()", call. = FALSE)
  }
  if (!inherits(data, "gp_data")) data <- as_gp_data(data)
  original <- data
  if (missing(formula) || is.null(formula)) formula <- . ~ .
  if (!inherits(formula, "formula") || length(formula) != 3L) {
    stop("`formula` must be two-sided, e.g. `. ~ .` or `Caffeine ~ .`", call. = FALSE)
  }
  traits <- formula_names(formula[[2L]], colnames(data$pheno), "trait")
  markers <- formula_names(formula[[3L]], colnames(data$geno), "marker", data$markers)
  covar <- fit_covariates(data, addcovar, control, traits)
  data <- covar$data
  check_training_data(data, traits, markers, control)
  n <- nrow(data$pheno)
  if (n < control$batch_size) {
    stop(sprintf("the data have %d individuals, fewer than one batch (batch_size = %d)",
                 n, control$batch_size), call. = FALSE)
  }
  y <- data$pheno[, traits, drop = FALSE]
  all_na <- colSums(!is.na(y)) == 0L
  if (any(all_na)) {
    stop(sprintf("trait '%s' has no observed values", traits[which(all_na)[1L]]), call. = FALSE)
  }
  geno <- genotype_input(data, markers, data$n_alleles)
  storage.mode(y) <- "double"
  # One trait: no phenotype autoencoder unless asked (stage 2 then trains the decoder too).
  autoencoder <- length(traits) > 1L || isTRUE(control$single_trait_autoencoder) ||
    control$epochs_geno < 1L
  core <- cpp_model_fit(y, geno, as.integer(data$n_alleles), core_settings(control),
                        model_settings(control, autoencoder), isTRUE(control$verbose),
                        covar$x)
  fit <- fit_from_core(core, control, traits, autoencoder)
  network_warning(fit$network_check, isTRUE(control$verbose))
  fit$call <- match.call()
  fit$formula <- formula
  fit$markers <- data$markers[match(markers, colnames(data$geno)), , drop = FALSE]
  fit$n_alleles <- as.integer(data$n_alleles)
  fit$input <- if (is.null(data$probs)) "calls" else "probabilities"
  fit$n_train <- n
  fit$train_ids <- rownames(data$pheno)
  fit$covar_adjustment <- if (is.null(covar$x)) data$covar_adjustment else {
    coef <- core$covar_coef
    dimnames(coef) <- list(colnames(covar$setup$xc), traits)
    covar_adjustment(covar$setup, coef, "joint")
  }
  # For fitted(), residuals() and predict() without newdata (R/gpatlas-extract.R).
  fitted <- core$fitted
  if (!is.null(fitted)) {
    dimnames(fitted) <- list(rownames(data$pheno), traits)
    covar <- covar_part(fit, original)
    if (!is.null(covar)) fitted <- fitted + covar
  }
  fit$training <- list(fitted = fitted, observed = original$pheno[, traits, drop = FALSE])
  fit
}

# Covariates of a fit: with the additive path, the centred design (x) that the core fits jointly
# with it; without, phenotypes adjusted in advance (gp_covar_adjust()). x is NULL unless joint.
fit_covariates <- function(data, addcovar, control, traits) {
  if (is.null(addcovar)) return(list(data = data, x = NULL))
  if (!isTRUE(control$additive)) return(list(data = gp_covar_adjust(data, addcovar), x = NULL))
  covar_joint_input(data, addcovar, traits)
}

# The settings of the model as a whole that the core's fit_model() reads besides the networks'.
model_settings <- function(control, autoencoder) {
  list(n_seeds = as.integer(control$n_seeds), valid_prop = control$valid_prop,
       calibrate = isTRUE(control$calibrate), standardize = isTRUE(control$standardize),
       additive = isTRUE(control$additive), additive_folds = as.integer(control$additive_folds),
       additive_alpha = control$additive_alpha,
       additive_average = isTRUE(control$additive_average),
       additive_pairs = as.integer(control$additive_pairs), autoencoder = autoencoder)
}

# The fit object from the core's model: names, data frames and the layout that predict(),
# importance and saved fits rely on.
fit_from_core <- function(core, control, traits, autoencoder) {
  if (length(core$unscaled)) {
    warning(sprintf("trait%s without variation left unscaled: %s",
                    if (length(core$unscaled) > 1L) "s" else "",
                    paste(traits[core$unscaled], collapse = ", ")), call. = FALSE)
  }
  members <- core$members
  additive <- core$additive
  if (!is.null(additive)) {
    dimnames(additive$freq) <- list(NULL, seq_len(ncol(additive$freq)) - 1L)
    additive$pairs <- as.data.frame(additive$pairs)
    additive$resid_scale <- core$resid_scale
    additive$seconds <- core$additive_seconds
    if (autoencoder) additive$oof <- NULL
  }
  calibration <- lapply(members, function(mb) {
    if (!is.null(mb$calibration)) colnames(mb$calibration) <- traits
    mb$calibration
  })
  structure(list(
    control = control,
    traits = traits,
    scaling = list(center = stats::setNames(core$center, traits),
                   scale = stats::setNames(core$scale, traits)),
    params = members[[1L]]$params,
    ensemble = lapply(members[-1L], `[[`, "params"),
    calibration = if (control$calibrate || !is.null(additive)) calibration,
    additive = additive,
    pheno_params = if (length(core$pheno_members)) lapply(core$pheno_members, `[[`, "params"),
    pheno_autoencoder = autoencoder,
    network_check = member_checks(members),
    history = member_history(members),
    validation = lapply(members, `[[`, "valid")
  ), class = "gpatlas")
}

# Resolves one side of the model formula to names, erroring on unknown ones.
# The right side also accepts chr(...) (all markers on those chromosomes, looked
# up in `markers`) and `-` to leave names out again.
formula_names <- function(side, available, what, markers = NULL) {
  if (identical(side, quote(.))) return(available)
  vars <- all.vars(side)
  if ("." %in% vars && length(vars) > 1L) {
    stop(sprintf("use either `.` or %s names on one side of the formula", what), call. = FALSE)
  }
  keep <- formula_terms(side, available, what, markers)
  unknown <- setdiff(c(keep$add, keep$drop), available)
  if (length(unknown)) {
    stop(sprintf("unknown %s%s: %s", what, if (length(unknown) > 1L) "s" else "",
                 paste(utils::head(unknown, 5L), collapse = ", ")), call. = FALSE)
  }
  out <- setdiff(unique(keep$add), keep$drop)
  if (!length(out)) {
    stop(sprintf("the formula selects no %s", what), call. = FALSE)
  }
  out
}

# Walks `a + chr(1, 4) - b` into list(add = names, drop = names).
formula_terms <- function(expr, available, what, markers) {
  if (is.name(expr)) {
    nm <- as.character(expr)
    return(list(add = if (nm == ".") available else nm, drop = character()))
  }
  if (is.character(expr) && length(expr) == 1L) {
    return(list(add = expr, drop = character()))
  }
  if (!is.call(expr)) {
    stop(sprintf("cannot read `%s` as %s names in the formula", deparse(expr), what),
         call. = FALSE)
  }
  op <- as.character(expr[[1L]])
  if (op == "(" && length(expr) == 2L) {
    return(formula_terms(expr[[2L]], available, what, markers))
  }
  if (op %in% c("+", "-") && length(expr) == 3L) {
    lhs <- formula_terms(expr[[2L]], available, what, markers)
    rhs <- formula_terms(expr[[3L]], available, what, markers)
    if (op == "+") {
      return(list(add = c(lhs$add, rhs$add), drop = c(lhs$drop, rhs$drop)))
    }
    return(list(add = lhs$add, drop = c(lhs$drop, rhs$add)))
  }
  if (op == "chr") {
    if (what != "marker") {
      stop(sprintf("chr() selects markers and cannot be used for %ss", what), call. = FALSE)
    }
    return(list(add = formula_chr_markers(expr, available, markers), drop = character()))
  }
  stop(sprintf("unsupported term `%s` in the formula; combine %s names with `+`%s",
               paste(deparse(expr), collapse = " "), what,
               if (what == "marker") " and chr()" else ""), call. = FALSE)
}

formula_chr_markers <- function(expr, available, markers) {
  if (is.null(markers) || is.null(markers$chr) || all(is.na(markers$chr))) {
    stop("chr() needs chromosome labels in the data's marker table", call. = FALSE)
  }
  args <- as.list(expr)[-1L]
  if (!length(args)) stop("chr() needs at least one chromosome", call. = FALSE)
  # Symbols are taken as labels (chr(X)); calls such as 1:3 or c(1, 4) are
  # evaluated without access to the user's variables.
  wanted <- unlist(lapply(args, function(a) {
    if (is.name(a)) return(as.character(a))
    if (is.call(a)) a <- eval(a, baseenv())
    as.character(a)
  }))
  chr <- as.character(markers$chr)
  unknown <- setdiff(wanted, chr)
  if (length(unknown)) {
    stop(sprintf("unknown chromosome%s: %s (the data have %s)",
                 if (length(unknown) > 1L) "s" else "",
                 paste(utils::head(unknown, 5L), collapse = ", "),
                 paste(utils::head(unique(chr[!is.na(chr)]), 25L), collapse = ", ")),
         call. = FALSE)
  }
  mk <- as.character(markers$marker)[chr %in% wanted]
  mk[mk %in% available]
}

scale_phenotypes <- function(y, scaling) {
  sweep(sweep(y, 2L, scaling$center, "-"), 2L, scaling$scale, "/")
}

unscale_phenotypes <- function(y, scaling) {
  sweep(sweep(y, 2L, scaling$scale, "*"), 2L, scaling$center, "+")
}

#' Predict phenotypes or latent codes from a fitted G-P Atlas model
#'
#' @param object A `gpatlas` fit.
#' @param newdata A [gp_data()] object (or anything [as_gp_data()] accepts) with
#'   the markers (`from = "genotype"`; a genotype matrix or data frame needs no
#'   phenotypes) or traits (`from = "phenotype"`) of the fit. Missing or `NULL`:
#'   the training individuals' fitted values, as [fitted.gpatlas()].
#' @param from Predict from genotypes (the genotype encoder) or from
#'   phenotypes (the phenotype autoencoder).
#' @param type `"phenotype"` for predicted phenotypes in original units, or
#'   `"latent"` for the latent codes.
#' @param addcovar With a fit that has covariates (`gpatlas(addcovar = )`): the
#'   covariates of `newdata`'s individuals, in the form given to the fit, or
#'   `NULL` to take them from the fit (training individuals) or from
#'   `newdata$covar`. Predicted phenotypes include the covariates' effects.
#' @param ... Unused; anything given is an error.
#' @return A numeric matrix with one row per individual (row names are the
#'   individual ids) and one column per trait (`type = "phenotype"`) or per
#'   latent dimension (`latent_1`, ...).
#' @examples
#' sim <- gp_simulate(n = 60, n_loci = 40, n_phenotypes = 3, n_causal = 2, seed = 1)
#' fit <- gpatlas(. ~ ., sim, gpatlas_control(epochs_pheno = 3, epochs_geno = 3,
#'                geno_hidden = 16, pheno_hidden = 8, decoder_hidden = 8,
#'                latent_dim = 4, verbose = FALSE))
#' head(predict(fit, sim))
#' head(predict(fit, sim, from = "phenotype", type = "latent"))
#' @export
predict.gpatlas <- function(object, newdata, from = c("genotype", "phenotype"),
                            type = c("phenotype", "latent"), addcovar = NULL, ...) {
  from <- match.arg(from)
  type <- match.arg(type)
  check_dots_empty(...)
  check_fit(object, need_geno = from == "genotype", arg = "object")
  if (missing(newdata) || is.null(newdata)) return(predict_training(object, from, type))
  newdata <- prediction_data(object, newdata, from)
  latent <- type == "latent"
  covar <- covar_part(object, newdata, addcovar)
  if (from == "genotype") {
    if (object$control$epochs_geno < 1L) {
      stop("this model has no trained genotype encoder (epochs_geno = 0)", call. = FALSE)
    }
    input <- model_genotypes(object, newdata)
  } else {
    pheno_members(object)  # stops when the fit has no phenotype autoencoder
    if (!is.null(covar)) {
      newdata$pheno[, object$traits] <- newdata$pheno[, object$traits, drop = FALSE] - covar
    }
    input <- model_phenotypes(object, newdata, "newdata", scaled = FALSE)
  }
  out <- cpp_model_predict(model_core(object), input, from == "genotype", latent,
                           object$n_alleles)
  if (latent) {
    colnames(out) <- paste0("latent_", seq_len(ncol(out)))
  } else {
    colnames(out) <- object$traits
    if (!is.null(covar)) out <- out + covar
  }
  rownames(out) <- rownames(newdata$pheno)
  out
}

# What the core needs of a fit to predict from it (see cpp_model_predict()).
model_core <- function(object) {
  calibration <- object$calibration
  members <- lapply(seq_along(model_members(object)), function(k) {
    list(params = model_members(object)[[k]], calibration = calibration[[k]])
  })
  add <- object$additive
  if (!is.null(add)) add <- list(intercept = add$intercept, coef = add$coef, pairs = add$pairs)
  list(control = core_settings(object$control, stored = TRUE), m = length(object$traits),
       n_alleles = object$n_alleles, center = unname(object$scaling$center),
       scale = unname(object$scaling$scale), members = members,
       pheno_members = if (!is.null(object$pheno_params)) {
         lapply(object$pheno_params, function(p) list(params = p))
       }, additive = add)
}

# Parameter lists of every network of a fit (one per seed).
model_members <- function(object) c(list(object$params), object$ensemble)

# The phenotype autoencoders: separate ones when the genotype networks learned residuals.
# A single-trait fit has none unless it was asked for (`single_trait_autoencoder`).
pheno_members <- function(object) {
  if (isFALSE(object$pheno_autoencoder)) {
    stop(paste0("this model has no phenotype autoencoder: with a single trait, ",
                "phenotype-to-phenotype prediction and a phenotype latent space mean nothing, ",
                "so none was fitted. Use from = \"genotype\", or refit with ",
                "gpatlas_control(single_trait_autoencoder = TRUE)."), call. = FALSE)
  }
  if (!is.null(object$pheno_params)) object$pheno_params else model_members(object)
}
