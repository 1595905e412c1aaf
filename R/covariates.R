# Additive covariates: phenotypes adjusted before a fit, covariate effects added back after.

#' Adjust phenotypes for additive covariates
#'
#' Regresses every trait on additive covariates (sex, batch, generation, ...)
#' by least squares on the training individuals and returns the data with
#' adjusted phenotypes: the observed value minus the covariate effect, where
#' the effect is measured from the training individuals' mean covariate values,
#' so adjusted traits keep their training mean. A [gpatlas()] fit to the
#' result keeps the adjustment, and its `predict()` adds the covariate effects
#' back (the traits' original scale; do not add them again). Other models fitted
#' to the adjusted traits (a lasso, say) add [gp_covar_effect()] to their
#' predictions. Covariates never enter the genotype input, so they stay out of
#' [gp_importance()].
#'
#' This is the two-step version of a joint model: covariate effects are
#' estimated first without genotypes, as in the null model of
#' `qtl2::scan1(addcovar = )`. When a covariate correlates with genotypes (sex
#' and the X chromosome, generation and allele frequencies) both estimates are
#' biased. `gpatlas(addcovar = )` uses this function only for models without
#' the additive path (`additive = FALSE`, the `publication*` presets); with the
#' additive path (the default) it estimates covariate and genotype effects
#' jointly, with the covariates as unpenalized columns. Individuals with a
#' missing covariate get missing (adjusted) phenotypes, with a message; they
#' are dropped from the regression as `scan1()` drops them.
#'
#' @param data A [gp_data()] object.
#' @param addcovar Covariates: `NULL` uses the table `data$covar` kept by
#'   [as_gp_data.cross2()]; a character vector names columns of it; or give a
#'   numeric matrix as in `qtl2::scan1(addcovar = )` or a data frame (numeric,
#'   logical, character or factor columns; factors become indicator columns with
#'   the first level as reference). Rows are matched to individuals by row names
#'   (the ids), or taken in order when there are none.
#' @param train Individuals whose phenotypes estimate the covariate effects
#'   (indices, a logical vector or ids); `NULL` uses all. Pass the training set
#'   when a test set is held out, so that test phenotypes are not used.
#' @return `data` with adjusted phenotypes and an element `covar_adjustment`
#'   of class `gp_covar`: a list with `coef` (covariate columns x traits
#'   matrix of effects), `center` (training means of the covariate columns),
#'   `columns` (covariate column names), `xlev` (factor levels of data frame
#'   covariates, or `NULL`), `covar` (the covariate table, rows named by id)
#'   and `method` (`"two-step"` here; `"joint"` in fits whose additive path
#'   estimated the effects).
#' @examples
#' sim <- gp_simulate(n = 40, n_loci = 10, n_phenotypes = 2, n_causal = 1, seed = 1)
#' sex <- data.frame(sex = rep(c("f", "m"), 20), row.names = sim$ids)
#' sim$pheno[sex$sex == "m", 1] <- sim$pheno[sex$sex == "m", 1] + 5
#' adj <- gp_covar_adjust(sim, sex)
#' adj$covar_adjustment$coef
#' tapply(adj$pheno[, 1], sex$sex, mean)
#' @export
gp_covar_adjust <- function(data, addcovar = NULL, train = NULL) {
  if (!inherits(data, "gp_data")) stop("`data` must be a gp_data object.", call. = FALSE)
  setup <- covar_setup(data, addcovar, train)
  xc <- setup$xc
  pheno <- data$pheno
  coef <- matrix(NA_real_, ncol(xc), ncol(pheno), dimnames = list(colnames(xc), colnames(pheno)))
  for (t in seq_len(ncol(pheno))) {
    rows <- setup$fit_rows[!is.na(pheno[setup$fit_rows, t])]
    ls <- stats::lm.fit(cbind(1, xc[rows, , drop = FALSE]), pheno[rows, t])
    b <- ls$coefficients[-1L]
    b[is.na(b)] <- 0  # aliased columns (e.g. a constant covariate) have no effect
    coef[, t] <- b
  }
  data$pheno <- pheno - xc %*% coef
  data$pheno[!setup$complete, ] <- NA_real_
  dimnames(data$pheno) <- dimnames(pheno)
  data$covar_adjustment <- covar_adjustment(setup, coef, "two-step")
  data
}

# The covariate design of `data`'s individuals centred at the training means of the complete
# rows (xc; rows with a missing covariate are NA), with the rows that estimate the effects
# (fit_rows); stops when a trait has too few observed training values for the covariates.
covar_setup <- function(data, addcovar, train = NULL, traits = colnames(data$pheno)) {
  covar <- covar_table(data, addcovar)
  design <- covar_design(covar, NULL)
  x <- design$x
  train_idx <- if (is.null(train)) seq_along(data$ids) else match(gp_subset(data, train)$ids,
                                                                  data$ids)
  complete <- stats::complete.cases(x)
  if (!all(complete)) {
    message(sprintf("%d individual%s with missing covariates get missing adjusted phenotypes.",
                    sum(!complete), if (sum(!complete) == 1L) "" else "s"))
  }
  fit_rows <- intersect(train_idx, which(complete))
  for (t in traits) {
    n_obs <- sum(!is.na(data$pheno[fit_rows, t]))
    if (n_obs <= ncol(x) + 1L) {
      stop(sprintf("Trait '%s' has too few observed training values (%d) for %d covariates.",
                   t, n_obs, ncol(x)), call. = FALSE)
    }
  }
  center <- colMeans(x[fit_rows, , drop = FALSE])
  list(xc = sweep(x, 2L, center, "-"), center = center, complete = complete,
       fit_rows = fit_rows, xlev = design$xlev, covar = covar)
}

# The gp_covar object of a fit's covariate effects (`coef`: columns x traits, original units).
covar_adjustment <- function(setup, coef, method) {
  structure(list(coef = coef, center = setup$center, columns = colnames(setup$xc),
                 xlev = setup$xlev, covar = setup$covar, method = method), class = "gp_covar")
}

# Covariates of a fit with the additive path, estimated jointly with it by the core: the data
# with missing phenotypes where a covariate is missing, and the centred design the core takes
# (those rows 0, i.e. at the mean; they carry no phenotype).
covar_joint_input <- function(data, addcovar, traits) {
  setup <- covar_setup(data, addcovar, NULL, traits)
  data$pheno[!setup$complete, ] <- NA_real_
  x <- setup$xc
  x[!setup$complete, ] <- 0
  storage.mode(x) <- "double"
  list(data = data, x = unname(x), setup = setup)
}

#' Covariate effects to add back to predictions
#'
#' The covariate part of each trait for the individuals of `newdata`, to add
#' to `predict(fit, newdata)` for a model fitted to phenotypes adjusted by
#' [gp_covar_adjust()].
#'
#' @param adjustment The `covar_adjustment` element of the result of
#'   [gp_covar_adjust()] (or that result itself).
#' @param newdata A [gp_data()] object with the individuals to predict.
#' @param addcovar Covariates of `newdata` in the form given to
#'   [gp_covar_adjust()]; `NULL` looks the individuals up by id in the table
#'   used for the adjustment, then in `newdata$covar`.
#' @return A numeric matrix, individuals of `newdata` x traits, of covariate
#'   effects (`NA` where a covariate is missing).
#' @examples
#' sim <- gp_simulate(n = 40, n_loci = 10, n_phenotypes = 2, n_causal = 1, seed = 1)
#' sex <- data.frame(sex = rep(c("f", "m"), 20), row.names = sim$ids)
#' adj <- gp_covar_adjust(sim, sex, train = 1:30)
#' test <- sim[31:40, ]
#' head(gp_covar_effect(adj, test))
#' @export
gp_covar_effect <- function(adjustment, newdata, addcovar = NULL) {
  if (inherits(adjustment, "gp_data")) adjustment <- adjustment$covar_adjustment
  if (!inherits(adjustment, "gp_covar")) {
    stop("`adjustment` must come from gp_covar_adjust().", call. = FALSE)
  }
  if (!inherits(newdata, "gp_data")) stop("`newdata` must be a gp_data object.", call. = FALSE)
  if (is.null(addcovar)) {
    known <- newdata$ids %in% rownames(adjustment$covar)
    addcovar <- if (all(known)) adjustment$covar else newdata$covar
    if (is.null(addcovar)) {
      stop("Covariates of `newdata` are unknown; give them in `addcovar`.", call. = FALSE)
    }
  }
  covar <- covar_table(newdata, addcovar)
  x <- covar_design(covar, adjustment$xlev)$x
  missing_cols <- setdiff(adjustment$columns, colnames(x))
  if (length(missing_cols)) {
    stop(sprintf("Covariate column '%s' of the adjustment is missing from `addcovar`.",
                 missing_cols[1L]), call. = FALSE)
  }
  x <- x[, adjustment$columns, drop = FALSE]
  out <- sweep(x, 2L, adjustment$center, "-") %*% adjustment$coef
  dimnames(out) <- list(newdata$ids, colnames(adjustment$coef))
  out
}

# The covariate table of `data`'s individuals, rows in their order and named by id.
covar_table <- function(data, addcovar) {
  if (is.null(addcovar) || is.character(addcovar) && is.null(dim(addcovar))) {
    if (is.null(data$covar)) {
      stop("`data` carries no covariate table; give the covariates in `addcovar`.",
           call. = FALSE)
    }
    if (!is.null(addcovar)) {
      unknown <- setdiff(addcovar, names(data$covar))
      if (length(unknown)) {
        stop(sprintf("Unknown covariate '%s' (the table has %s).", unknown[1L],
                     paste(names(data$covar), collapse = ", ")), call. = FALSE)
      }
      return(covar_table(data, data$covar[, addcovar, drop = FALSE]))
    }
    addcovar <- data$covar
  }
  if (is.matrix(addcovar)) {
    if (!is.numeric(addcovar) && !is.logical(addcovar)) {
      stop("A covariate matrix must be numeric, as in qtl2::scan1(addcovar = ).", call. = FALSE)
    }
    if (is.null(colnames(addcovar))) colnames(addcovar) <- paste0("covar", seq_len(ncol(addcovar)))
    addcovar <- as.data.frame(addcovar, stringsAsFactors = FALSE)
  }
  if (!is.data.frame(addcovar) || !ncol(addcovar)) {
    stop("`addcovar` must be a numeric matrix or a data frame with at least one column.",
         call. = FALSE)
  }
  # Ids first (qtl2's ids are often "1", "2", ..., like default row names); order otherwise.
  idx <- match(data$ids, rownames(addcovar))
  if (anyNA(idx)) {
    if (nrow(addcovar) != length(data$ids)) {
      stop(sprintf(paste0("Individual '%s' has no row in the covariates (rows are matched by ",
                          "id, or taken in order when there are as many rows as individuals)."),
                   data$ids[is.na(idx)][1L]), call. = FALSE)
    }
    idx <- seq_along(data$ids)
  }
  out <- addcovar[idx, , drop = FALSE]
  rownames(out) <- data$ids
  out
}

# Numeric design matrix (no intercept) of a covariate table; factors as indicators.
covar_design <- function(covar, xlev) {
  for (nm in names(covar)) {
    v <- covar[[nm]]
    if (is.character(v) || is.logical(v)) covar[[nm]] <- factor(v)
    else if (!is.numeric(v) && !is.factor(v)) {
      stop(sprintf("Covariate '%s' must be numeric, logical, character or factor.", nm),
           call. = FALSE)
    }
  }
  if (is.null(xlev)) {
    # A factor with one level (e.g. a single batch) has no effect to estimate.
    single <- vapply(covar, function(v) is.factor(v) && nlevels(droplevels(v)) < 2L, logical(1))
    covar <- covar[!single]
    if (!ncol(covar)) stop("No covariate varies between individuals.", call. = FALSE)
    xlev <- lapply(covar[vapply(covar, is.factor, logical(1))], function(v) levels(droplevels(v)))
    if (!length(xlev)) xlev <- NULL
  } else {
    covar <- covar[!vapply(covar, is.factor, logical(1)) | names(covar) %in% names(xlev)]
  }
  for (nm in names(xlev)) {
    if (nm %in% names(covar)) covar[[nm]] <- factor(as.character(covar[[nm]]), levels = xlev[[nm]])
  }
  mf <- stats::model.frame(~ ., covar, na.action = stats::na.pass)
  x <- stats::model.matrix(~ ., mf)[, -1L, drop = FALSE]
  rownames(x) <- rownames(covar)
  list(x = x, xlev = xlev)
}

# The covariates' part of a fit's predictions for `newdata` (individuals x the fit's traits), or
# NULL for a fit without covariates.
covar_part <- function(fit, newdata, addcovar = NULL) {
  adj <- fit$covar_adjustment
  if (is.null(adj)) {
    if (!is.null(addcovar)) {
      stop("`addcovar` is given but the model was fitted without covariates.", call. = FALSE)
    }
    return(NULL)
  }
  eff <- gp_covar_effect(adj, newdata, addcovar)[, fit$traits, drop = FALSE]
  rownames(eff) <- rownames(newdata$pheno)
  eff
}
