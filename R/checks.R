# Input checks shared by the data constructors, the readers and the model functions: every
# bad input ends in an R error that names the argument, the file or the offending entry.

# Largest finite float32: the networks compute in single precision, so larger values would
# become infinite inside the model.
float32_max <- 3.4028234663852886e38

# Phenotypes must be finite (NA marks a missing value) and representable in float32.
# `what` names the argument in messages; rows and columns are named by ids and traits.
check_phenotype_values <- function(pheno, what = "phenotypes") {
  bad_nonfinite <- !is.finite(pheno) & !(is.na(pheno) & !is.nan(pheno))
  if (any(bad_nonfinite)) {
    k <- which(bad_nonfinite)[1L]
    stop(sprintf(
      paste0("`%s` must be finite (NA marks a missing value): trait '%s' of individual ",
             "'%s' is %s (%d non-finite value%s)."),
      what, cell_col(pheno, k), cell_row(pheno, k), format(pheno[k]), sum(bad_nonfinite),
      if (sum(bad_nonfinite) == 1L) "" else "s"
    ), call. = FALSE)
  }
  big <- !is.na(pheno) & abs(pheno) > float32_max
  if (any(big)) {
    k <- which(big)[1L]
    stop(sprintf(
      paste0("`%s`: trait '%s' of individual '%s' is %s, beyond the single-precision ",
             "range of the model (about 3.4e38); rescale the trait."),
      what, cell_col(pheno, k), cell_row(pheno, k), format(pheno[k], digits = 6)
    ), call. = FALSE)
  }
  invisible(pheno)
}

cell_row <- function(x, k) {
  i <- (k - 1L) %% nrow(x) + 1L
  if (is.null(rownames(x))) as.character(i) else rownames(x)[i]
}

cell_col <- function(x, k) {
  j <- (k - 1L) %/% nrow(x) + 1L
  if (is.null(colnames(x))) as.character(j) else colnames(x)[j]
}

# Double genotype codes beyond the integer range would become NA (with only a coercion
# warning) when stored as integers.
check_code_range <- function(genotypes) {
  if (is.double(genotypes)) {
    huge <- !is.na(genotypes) & is.finite(genotypes) & abs(genotypes) > .Machine$integer.max
    if (any(huge)) {
      report_bad_code(genotypes, huge, "Allele codes must be small whole numbers")
    }
  }
  invisible(genotypes)
}

# A gp_data object as the model functions need it: the object may have been edited after
# gp_data() built it, so types and values are checked again.
check_gp_data <- function(data, arg = "data") {
  if (!inherits(data, "gp_data") || !is.list(data)) {
    stop(sprintf("`%s` must be a gp_data object (see gp_data()).", arg), call. = FALSE)
  }
  pheno <- data$pheno
  geno <- data$geno
  if (!is.matrix(pheno) || !is.numeric(pheno) || !is.matrix(geno) ||
      !(is.numeric(geno) || is.logical(geno))) {
    stop(sprintf("`%s` is not a valid gp_data object: `pheno` and `geno` must be numeric matrices.",
                 arg), call. = FALSE)
  }
  if (nrow(pheno) != nrow(geno) || is.null(colnames(pheno)) || is.null(colnames(geno))) {
    stop(sprintf(paste0("`%s` is not a valid gp_data object: `pheno` and `geno` need the same ",
                        "individuals and named columns."), arg), call. = FALSE)
  }
  n_alleles <- data$n_alleles
  if (!is.numeric(n_alleles) || length(n_alleles) != 1L || !is.finite(n_alleles) ||
      n_alleles < 2 || n_alleles > 254 || n_alleles != round(n_alleles)) {
    stop(sprintf("`%s$n_alleles` must be a whole number between 2 and 254.", arg), call. = FALSE)
  }
  invisible(data)
}

# Phenotypes of `data` for the traits of `fit`: present, finite, and within float32 once
# put on the model's scale; returns them on that scale.
model_phenotypes <- function(fit, data, arg) {
  check_gp_data(data, arg)
  missing_traits <- setdiff(fit$traits, colnames(data$pheno))
  if (length(missing_traits)) {
    stop(sprintf("`%s` lacks trait(s) of the model: %s", arg,
                 paste(missing_traits, collapse = ", ")), call. = FALSE)
  }
  y <- data$pheno[, fit$traits, drop = FALSE]
  check_phenotype_values(y, arg)
  scaled <- scale_phenotypes(y, fit$scaling)
  big <- !is.na(scaled) & !(abs(scaled) <= float32_max)
  if (any(big)) {
    k <- which(big)[1L]
    stop(sprintf(
      paste0("`%s`: trait '%s' of individual '%s' is %s on the model's standardized scale, ",
             "beyond the single-precision range of the model."),
      arg, cell_col(scaled, k), cell_row(scaled, k), format(scaled[k], digits = 6)
    ), call. = FALSE)
  }
  scaled
}

# Genotypes of `data` for the markers of `fit`: whole-number codes the model knows.
check_model_genotypes <- function(fit, data, arg = "data") {
  check_gp_data(data, arg)
  present <- intersect(fit$markers$marker, colnames(data$geno))
  g <- data$geno[, present, drop = FALSE]
  bad <- bad_codes(g, fit$n_alleles)
  if (any(bad)) {
    report_bad_code(g, bad, sprintf("`%s`: the model takes allele codes 0..%d", arg,
                                    fit$n_alleles - 1L))
  }
  invisible(TRUE)
}

# Cells that are not allele codes 0..n_alleles - 1 (NA is a missing call).
bad_codes <- function(g, n_alleles) {
  bad <- !is.na(g) & (g < 0 | g >= n_alleles)
  if (is.double(g)) bad <- bad | (!is.na(g) & g != round(g))
  bad
}

# Genotype codes of an (possibly edited) matrix against the allelic states of a model.
check_geno_codes <- function(geno, n_alleles, arg) {
  if (!(is.numeric(geno) || is.logical(geno))) {
    stop(sprintf("`%s` must hold numeric allele codes.", arg), call. = FALSE)
  }
  bad <- bad_codes(geno, n_alleles)
  if (any(bad)) {
    report_bad_code(geno, bad, sprintf("`%s`: allele codes must lie in 0..%d", arg,
                                       n_alleles - 1L))
  }
  invisible(TRUE)
}

# Training data and settings as gpatlas() receives them: the control and the data may have
# been edited after they were built.
check_training_data <- function(data, traits, markers, control) {
  check_control(control)
  check_gp_data(data, "data")
  y <- data$pheno[, traits, drop = FALSE]
  check_phenotype_values(y, "data")
  g <- data$geno[, markers, drop = FALSE]
  bad <- bad_codes(g, data$n_alleles)
  if (any(bad)) {
    report_bad_code(g, bad, sprintf("`data`: allele codes must lie in 0..%d", data$n_alleles - 1L))
  }
  if (!isTRUE(control$standardize)) {
    # Unstandardized traits enter the squared-error loss in float32 as they are.
    top <- apply(abs(y), 2L, max, na.rm = TRUE)
    over <- which(top > sqrt(float32_max) / 4)
    if (length(over)) {
      stop(sprintf(
        paste0("Trait '%s' reaches %s: without standardization its squared errors overflow ",
               "single precision; use standardize = TRUE or rescale the trait."),
        traits[over[1L]], format(top[over[1L]], digits = 4)
      ), call. = FALSE)
    }
  }
  invisible(TRUE)
}

# Fold labels of gp_tune(): one non-missing label per individual.
check_fold_labels <- function(folds, n, seed = NULL) {
  check_seed(seed)
  if (is.null(folds) || !is.atomic(folds) || !length(folds)) {
    stop("`folds` must be a number of folds or one fold label per individual.", call. = FALSE)
  }
  if (length(folds) > 1L && anyNA(folds)) {
    stop(sprintf("`folds` has missing labels (individual %s); give every individual a fold.",
                 paste(utils::head(which(is.na(folds)), 5L), collapse = ", ")), call. = FALSE)
  }
  invisible(TRUE)
}

# ---- fitted models -----------------------------------------------------------------------

# The settings a fit cannot be read without: the networks' sizes.
fit_control_required <- c("latent_dim", "pheno_hidden", "decoder_hidden", "geno_hidden",
                          "epochs_geno")

# A stored thread count above this comes from a damaged or edited fit: starting that many
# threads could exhaust the machine.
max_fit_threads <- 1024L

# A gpatlas fit, checked before any of it reaches the C++ core: a fit read back from a
# damaged file or edited by hand must fail here with a message, never inside the core.
check_fit <- function(fit, need_geno = FALSE, arg = "fit") {
  bad <- function(fmt, ...) {
    stop(sprintf(paste0("`%s` is not a valid gpatlas fit: ", fmt), arg, ...), call. = FALSE)
  }
  if (!inherits(fit, "gpatlas") || !is.list(fit)) {
    stop(sprintf("`%s` must be a gpatlas fit (see gpatlas()).", arg), call. = FALSE)
  }
  ctl <- check_fit_control(fit$control, bad)
  traits <- fit$traits
  if (!is.character(traits) || !length(traits) || anyNA(traits) || anyDuplicated(traits)) {
    bad("`traits` must be distinct trait names")
  }
  mk <- fit$markers
  if (!is.data.frame(mk) || !nrow(mk) || !is.character(mk$marker) || anyNA(mk$marker) ||
      anyDuplicated(mk$marker)) {
    bad("`markers` must be a data frame of distinct marker names")
  }
  a <- fit$n_alleles
  if (!is.numeric(a) || length(a) != 1L || !is.finite(a) || a != round(a) || a < 2 || a > 254) {
    bad("`n_alleles` must be a whole number between 2 and 254")
  }
  sc <- fit$scaling
  m <- length(traits)
  for (nm in c("center", "scale")) {
    v <- sc[[nm]]
    if (!is.numeric(v) || length(v) != m || !all(is.finite(v))) {
      bad("`scaling$%s` must hold %d finite numbers", nm, m)
    }
  }
  if (any(sc$scale <= 0)) bad("`scaling$scale` must be positive")

  members <- c(list(fit$params), if (is.list(fit$ensemble)) fit$ensemble)
  if (!is.null(fit$ensemble) && !is.list(fit$ensemble)) bad("`ensemble` must be a list")
  shapes <- fit_param_shapes(ctl, m, nrow(mk) * a)
  for (k in seq_along(members)) {
    check_fit_params(members[[k]], shapes, k, bad)
  }
  cal <- fit$calibration
  if (!is.null(cal)) {
    if (!is.list(cal) || length(cal) != length(members)) {
      bad("`calibration` must hold one entry per network")
    }
    for (k in seq_along(cal)) {
      ck <- cal[[k]]
      if (!is.null(ck) && (!is.matrix(ck) || !is.numeric(ck) || !identical(dim(ck), c(2L, m)) ||
                           !all(is.finite(ck)) ||
                           !identical(rownames(ck), c("intercept", "slope")))) {
        bad("`calibration[[%d]]` must be a finite 2 x %d matrix (intercept, slope)", k, m)
      }
    }
  }
  if (need_geno && ctl$epochs_geno < 1) {
    stop(sprintf(paste0("`%s` has no trained genotype encoder (it was fitted with ",
                        "epochs_geno = 0); use from = \"phenotype\" or refit."), arg),
         call. = FALSE)
  }
  invisible(fit)
}

# The settings stored with a fit. The network's sizes must be there; other settings may be
# absent from fits saved by earlier versions (see core_settings()) but must be valid when
# present. Stored values are checked by type only, as written by gpatlas_control().
check_fit_control <- function(ctl, bad) {
  if (!is.list(ctl)) bad("`control` is missing")
  absent <- setdiff(fit_control_required, names(ctl))
  if (length(absent)) bad("`control$%s` is missing", absent[1L])
  for (i in which(control_table$name %in% names(ctl))) {
    row <- control_table[i, ]
    nm <- row$name
    v <- ctl[[nm]]
    if (is.null(v)) next
    single <- is.atomic(v) && length(v) == 1L
    switch(row$type,
           integer = if (!single || !is.numeric(v) || !is.finite(v) || v != round(v) || v < 0 ||
                         v > .Machine$integer.max) {
             bad("`control$%s` must be a whole number >= 0", nm)
           },
           number = if (!single || !is.numeric(v) || !is.finite(v)) {
             bad("`control$%s` must be a finite number", nm)
           },
           logical = if (!single || !is.logical(v) || is.na(v)) {
             bad("`control$%s` must be TRUE or FALSE", nm)
           },
           choice = if (!single || !is.character(v) || !v %in% row$choices[[1L]]) {
             bad("`control$%s` must be %s", nm,
                 paste0("\"", row$choices[[1L]], "\"", collapse = " or "))
           })
  }
  if (ctl$latent_dim < 1 || ctl$decoder_hidden < 1 || isTRUE(ctl$threads < 1)) {
    bad("`control` has a zero layer size or thread count")
  }
  if (isTRUE(ctl$threads > max_fit_threads)) {
    bad("`control$threads` = %s is implausible (more than %d)", format(ctl$threads),
        max_fit_threads)
  }
  invisible(ctl)
}

# Expected parameter shapes of one network: the phenotype autoencoder from the traits and
# the sizes in the control, and the genotype encoder's input width from the markers.
# Returns a named list; a NULL shape means the parameter is checked for consistency only.
fit_param_shapes <- function(ctl, n_traits, n_inputs) {
  list(n_traits = n_traits, n_inputs = n_inputs, latent = ctl$latent_dim,
       pheno_hidden = ctl$pheno_hidden, decoder_hidden = ctl$decoder_hidden,
       geno_hidden = ctl$geno_hidden, geno_trained = ctl$epochs_geno > 0)
}

# Names and shapes of the parameters of one network (torch layout: weights out x in).
param_layout <- function(e) {
  batchnorm <- function(prefix, size) {
    stats::setNames(rep(list(size), 4L),
                    paste0(prefix, c(".weight", ".bias", ".running_mean", ".running_var")))
  }
  linear <- function(prefix, out, inp) {
    stats::setNames(list(c(out, inp), out), paste0(prefix, c(".weight", ".bias")))
  }
  L <- e$latent
  out <- if (e$pheno_hidden > 0) {
    c(linear("pheno_encoder.0", e$pheno_hidden, e$n_traits),
      batchnorm("pheno_encoder.1", e$pheno_hidden),
      linear("pheno_encoder.3", L, e$pheno_hidden), batchnorm("pheno_encoder.4", L))
  } else {
    c(linear("pheno_encoder.0", L, e$n_traits), batchnorm("pheno_encoder.1", L))
  }
  out <- c(out, linear("decoder.0", e$decoder_hidden, L),
           batchnorm("decoder.1", e$decoder_hidden),
           linear("decoder.3", e$n_traits, e$decoder_hidden))
  if (e$geno_trained) {
    first <- if (e$geno_hidden > 0) e$geno_hidden else L
    out <- c(out, list(geno_encoder.w1t = c(e$n_inputs, first), geno_encoder.b1 = first),
             batchnorm("geno_encoder.rest.0", first))
    if (e$geno_hidden > 0) {
      out <- c(out, linear("geno_encoder.rest.2", L, e$geno_hidden),
               batchnorm("geno_encoder.rest.3", L))
    }
  }
  out
}

check_fit_params <- function(params, expect, k, bad) {
  where <- if (k == 1L) "`params`" else sprintf("`ensemble[[%d]]`", k - 1L)
  if (!is.list(params) || !length(params) || is.null(names(params)) ||
      anyNA(names(params)) || any(!nzchar(names(params))) || anyDuplicated(names(params))) {
    bad("%s must be a named list of network parameters", where)
  }
  dims <- list()
  for (nm in names(params)) {
    p <- params[[nm]]
    shape <- attr(p, "shape", exact = TRUE)
    if (!is.raw(p) || !is.integer(shape) || !length(shape) || length(shape) > 2L ||
        anyNA(shape) || any(shape < 0L)) {
      bad("parameter '%s' of %s must be raw float32 bytes with a non-negative integer `shape`",
          nm, where)
    }
    if (length(p) != 4 * prod(as.numeric(shape))) {
      bad("parameter '%s' of %s has %d bytes, but its shape %s needs %s", nm, where,
          length(p), paste(shape, collapse = " x "), format(4 * prod(as.numeric(shape))))
    }
    values <- readBin(p, "double", n = length(p) %/% 4L, size = 4L)
    if (!all(is.finite(values))) {
      bad("parameter '%s' of %s holds non-finite values", nm, where)
    }
    dims[[nm]] <- shape
  }
  check_param_layout(dims, expect, where, bad)
  invisible(TRUE)
}

# Matches the stored shapes against the network the control describes.
check_param_layout <- function(dims, expect, where, bad) {
  need <- param_layout(expect)
  absent <- setdiff(names(need), names(dims))
  if (length(absent)) {
    bad("%s lacks parameter '%s' (does the fit match this version of gpatlas?)", where,
        absent[1L])
  }
  for (nm in names(need)) {
    if (!identical(as.integer(dims[[nm]]), as.integer(need[[nm]]))) {
      bad("parameter '%s' of %s has shape %s, but the model needs %s", nm, where,
          paste(dims[[nm]], collapse = " x "), paste(need[[nm]], collapse = " x "))
    }
  }
  invisible(TRUE)
}

check_baseline_settings <- function(threshold, max_qtl, n_perm, alpha) {
  if (!is.numeric(threshold) || length(threshold) != 1L || !is.finite(threshold)) {
    stop("`threshold` must be a single finite number.", call. = FALSE)
  }
  if (!is.numeric(max_qtl) || length(max_qtl) != 1L || is.na(max_qtl) ||
      max_qtl < 1 || max_qtl != round(max_qtl)) {
    stop("`max_qtl` must be a whole number >= 1.", call. = FALSE)
  }
  if (!is.numeric(n_perm) || length(n_perm) != 1L || !is.finite(n_perm) ||
      n_perm < 0 || n_perm != round(n_perm) || n_perm > .Machine$integer.max) {
    stop("`n_perm` must be a whole number >= 0 (at most 2147483647).", call. = FALSE)
  }
  if (!is.numeric(alpha) || length(alpha) != 1L || is.na(alpha) ||
      alpha <= 0 || alpha >= 1) {
    stop("`alpha` must be a number strictly between 0 and 1.", call. = FALSE)
  }
  invisible(TRUE)
}
