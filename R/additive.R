# The sparse additive genotype path of the default model: a penalized regression per trait on
# the allele indicators, fitted by the core (src/core/additive.cpp) as part of fit_model();
# these wrappers call it alone, for tests and benchmarks.
#
# Design: a biallelic data set gets one column per locus (indicator of allele 1); more allelic
# states get one indicator column per state. Missing calls are filled with the allele's
# training frequency. Columns are standardized over the training individuals; each trait
# minimizes glmnet's elastic-net objective over its observed individuals (`alpha = 1`: the
# lasso). All traits share one fold assignment (balanced, drawn with `seed`); lambda is the
# grid point with the least cross-validated squared error, and a trait's path stops 10 grid
# points after its best. `average = TRUE` (the default model's choice) takes the main effects as
# the mean of the K fold fits at the chosen penalty (cross-model averaging) instead of the fit on
# all individuals; the out-of-fold predictions are the same either way. With `pair_top >= 2`,
# products of centred allele indicators among each trait's `pair_top` strongest loci are fitted
# by a cross-validated lasso (same folds) to the main path's out-of-fold residuals.
#
# The fitted model is stored in the one-hot basis the network uses, centred per locus: the
# coefficient of allele a at a locus is its effect minus the frequency-weighted mean effect of
# the locus's alleles, and the intercept absorbs the rest. Predictions are unchanged by this
# choice; it makes "ablating allele a" (setting its one-hot bit to 0) move the prediction to
# the population average of that locus, so every allele of a locus that matters has a
# non-zero importance, and a missing call (all bits 0) predicts the locus average, as the
# frequency fill in the fit does.
#
# Returns a list: intercept (traits), coef (features x traits, features in the one-hot order
# locus-major), pairs (data frame: trait, locus1, allele1, locus2, allele2, centre1, centre2,
# weight; a term adds weight * (x1 - centre1) * (x2 - centre2), x = 1 where the allele is
# carried, 0 where either call is missing), oof (individuals x traits: out-of-fold predictions
# at the chosen penalty, NA where the trait is missing), lambda and steps (traits), freq (loci x
# alleles), folds (1-based fold of each individual), nfolds.
additive_fit <- function(y, geno, n_alleles, nfolds = 5L, seed = 1L, threads = 1L,
                         pair_top = 0L, alpha = 1, average = FALSE, pair_guard = TRUE) {
  storage.mode(y) <- "double"
  geno <- core_genotypes(geno)
  out <- cpp_additive_fit(y, geno, as.integer(n_alleles),
                          list(folds = as.integer(nfolds), alpha = as.double(alpha),
                               average = isTRUE(average), pair_top = as.integer(pair_top),
                               seed = as.double(seed), threads = as.integer(threads),
                               pair_guard = isTRUE(pair_guard)))
  out$pairs <- as.data.frame(out$pairs)
  out
}

# Pair terms with 0-based trait, locus and allele indices, as the core takes them (NULL: none).
pair_terms_c <- function(terms) {
  if (is.null(terms) || !nrow(terms)) return(NULL)
  idx <- c("trait", "locus1", "locus2")
  terms[idx] <- lapply(terms[idx], function(v) as.integer(v - 1L))
  terms[c("allele1", "allele2")] <- lapply(terms[c("allele1", "allele2")], as.integer)
  as.list(terms)
}

# Additive predictions (individuals x traits) from integer allele codes (or probabilities), in
# the model's standardized units: intercept plus the coefficient of each carried allele plus the
# pair terms (the core's additive_predict()).
additive_predict <- function(add, geno, n_alleles) {
  geno <- core_genotypes(geno)
  cpp_additive_predict(list(intercept = add$intercept, coef = add$coef, pairs = add$pairs), geno,
                       as.integer(n_alleles))
}

# Genotypes as the core takes them: an integer code matrix, or a double probability array
# (individuals x states x loci).
core_genotypes <- function(geno) {
  storage.mode(geno) <- if (length(dim(geno)) == 3L) "double" else "integer"
  geno
}
