# Input checks shared by the data constructors, the readers and the model functions: every
# bad input ends in an R error that names the argument, the file or the offending entry.

# Largest finite float32: the networks compute in single precision, so larger values would
# become infinite inside the model.
float32_max <- 3.4028234663852886e38

# Errors on the first observed phenotype value (individuals x traits) beyond float32, naming
# the trait and individual; `scale` says on which scale, `advice` ends the sentence.
check_float32_range <- function(x, arg, scale, advice) {
  big <- !is.na(x) & abs(x) > float32_max
  if (!any(big)) return(invisible(x))
  k <- which(big)[1L]
  stop(sprintf(paste0("`%s`: trait '%s' of individual '%s' is %s%s, beyond the ",
                      "single-precision range of the model%s."),
               arg, cell_col(x, k), cell_row(x, k), format(x[k], digits = 6), scale, advice),
       call. = FALSE)
}

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
  check_float32_range(pheno, what, "", " (about 3.4e38); rescale the trait")
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
  # A pheno without columns (genotype-only data, for prediction) has no column names.
  if (nrow(pheno) != nrow(geno) || (ncol(pheno) && is.null(colnames(pheno))) ||
      is.null(colnames(geno))) {
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
# put on the model's scale; returns them on that scale (`scaled = FALSE`: as they are).
model_phenotypes <- function(fit, data, arg, scaled = TRUE) {
  check_gp_data(data, arg)
  missing_traits <- setdiff(fit$traits, colnames(data$pheno))
  if (length(missing_traits)) {
    stop(sprintf("`%s` lacks trait(s) of the model: %s", arg,
                 paste(missing_traits, collapse = ", ")), call. = FALSE)
  }
  y <- data$pheno[, fit$traits, drop = FALSE]
  check_phenotype_values(y, arg)
  std <- scale_phenotypes(y, fit$scaling)
  check_float32_range(std, arg, " on the model's standardized scale", "")
  if (scaled) std else y
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
  if (!ncol(data$pheno)) {
    stop("`data` has no phenotypes: genotype-only data serve predict(), not model fitting.",
         call. = FALSE)
  }
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

# set.seed() takes integers only: a seed beyond the integer range would become NA with a warning.
check_seed <- function(seed) {
  if (!is.null(seed) &&
      (!is.numeric(seed) || length(seed) != 1L || !is.finite(seed) ||
       abs(seed) > .Machine$integer.max)) {
    stop(sprintf(paste0("`seed` must be NULL or a single finite number within R's ",
                        "integer range (at most %d in size)."), .Machine$integer.max),
         call. = FALSE)
  }
  invisible(seed)
}

check_count <- function(x, name, min = 1L) {
  if (!is.numeric(x) || length(x) != 1L || !is.finite(x) || x != round(x) ||
      x < min) {
    stop(sprintf("`%s` must be a single whole number >= %d.", name, min),
         call. = FALSE)
  }
  if (x > .Machine$integer.max) {
    stop(sprintf("`%s` (%.0f) exceeds the largest integer R can hold (%d).",
                 name, x, .Machine$integer.max), call. = FALSE)
  }
  as.integer(x)
}

check_probability <- function(x, name) {
  if (!is.numeric(x) || length(x) != 1L || is.na(x) || x < 0 || x > 1) {
    stop(sprintf("`%s` must be a single probability in [0, 1].", name),
         call. = FALSE)
  }
  invisible(x)
}

stats_check_conf <- function(conf) {
  if (!is.numeric(conf) || length(conf) != 1L || is.na(conf) ||
      conf <= 0 || conf >= 1) {
    stop("`conf` must be a single number strictly between 0 and 1.",
         call. = FALSE)
  }
  invisible(conf)
}
