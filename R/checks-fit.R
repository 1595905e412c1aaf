# Checks of a fitted model read back or edited: its settings, traits, markers, scaling and
# every parameter against the shapes the network needs, before any of it reaches the core.

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
