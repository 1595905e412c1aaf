# The sparse additive genotype path of the default model: per-trait lasso on the allele codes.

# Lasso per trait on the training individuals, penalty by cross-validation.
#
# Design: a biallelic data set gets one column per locus (indicator of allele 1); more allelic
# states get one indicator column per state. Missing calls are filled with the allele's
# training frequency. Columns are standardized over the training individuals; each trait
# minimizes 1/(2 n) RSS + lambda * sum |b| over its observed individuals (the objective
# glmnet minimizes). All traits and folds share one fold assignment and run through the C++
# solver together (src/core/lasso.cpp); lambda is the grid point with the least
# cross-validated squared error, and a trait's path stops `patience` grid points after its best.
#
# The fitted model is stored in the one-hot basis the network uses, centred per locus: the
# coefficient of allele a at a locus is its effect minus the frequency-weighted mean effect of
# the locus's alleles, and the intercept absorbs the rest. Predictions are unchanged by this
# choice; it makes "ablating allele a" (setting its one-hot bit to 0) move the prediction to
# the population average of that locus, so every allele of a locus that matters has a
# non-zero importance, and a missing call (all bits 0) predicts the locus average, as the
# frequency fill in the fit does.
#
# `average = TRUE` takes the main effects as the mean of the K fold fits at the chosen penalty
# (cross-model averaging) instead of the fit on all individuals; the out-of-fold predictions are
# the same either way. Measured on the yeast cross by bench/additive_alpha.R: it spreads effects
# over linked markers a little (more peaks ranked high) at no gain in accuracy, so the default
# model does not use it.
#
# Returns a list: intercept (traits), coef (features x traits, features in the one-hot order
# locus-major), oof (individuals x traits: out-of-fold predictions at the chosen penalty, NA
# where the trait is missing), lambda (traits), freq (loci x alleles), nfolds.
additive_fit <- function(y, geno, n_alleles, nfolds = 5L, nlambda = 50L, patience = 10L,
                         seed = 1L, threads = 1L, pair_top = 0L, alpha = 1,
                         average = FALSE) {
  n <- nrow(y)
  m <- ncol(y)
  L <- ncol(geno)
  A <- as.integer(n_alleles)
  freq <- allele_frequencies(geno, A)
  codes <- if (A == 2L) 1L else seq_len(A) - 1L
  X <- additive_design(geno, freq, codes)
  folds <- with_rng_seed(seed, sample(rep_len(seq_len(nfolds), n)))
  yy <- y
  storage.mode(yy) <- "double"
  res <- cpp_lasso_cv(X, yy, as.integer(folds - 1L), as.integer(nfolds), as.integer(nlambda),
                      0.01, as.integer(patience), 1e-5, as.integer(threads), as.double(alpha))
  if (average) {
    res$beta <- res$beta_avg
    res$intercept <- res$intercept_avg
  }
  coef <- matrix(0, L * A, m)
  intercept <- numeric(m)
  for (t in seq_len(m)) {
    cen <- additive_centre(res$beta[, t], freq, codes, A)
    coef[, t] <- cen$coef
    intercept[t] <- res$intercept[t] + cen$shift
  }
  oof <- res$oof
  oof[is.na(y)] <- NA_real_
  pairs <- NULL
  if (pair_top >= 2L) {
    scale_x <- sqrt(colMeans(X^2) - colMeans(X)^2)
    pf <- pair_fit(y - oof, geno, freq, res$beta * scale_x, folds, nfolds, nlambda, patience,
                   pair_top, threads)
    intercept <- intercept + pf$intercept
    oof <- oof + pf$oof
    pairs <- pf$terms
  }
  list(intercept = intercept, coef = coef, pairs = pairs, oof = oof, lambda = res$lambda,
       steps = res$steps, freq = freq, nfolds = as.integer(nfolds))
}

# The pairwise path: per trait, products of the centred allele indicators of every pair of its
# `top` loci with the largest standardized lasso effects (`beta_std`: design coefficients in
# code-major blocks of one column per locus, traits in columns), fitted by a cross-validated lasso
# (same folds) to the additive path's out-of-fold residuals `r`. Centring each indicator at
# its training frequency makes a product carry no main effect on its own (for independent
# loci) and a missing call contribute 0. Alleles enter as indicators of codes 1..A-1 (code 0
# is the reference; the centred indicators of the others span the same space).
# Returns intercept (traits), oof (individuals x traits, 0 where no pair enters) and terms: a
# data frame (trait, locus1, allele1, locus2, allele2, centre1, centre2, weight), a term
# adding weight * (x1 - centre1) * (x2 - centre2), x = 1 if the individual carries the allele.
pair_fit <- function(r, geno, freq, beta_std, folds, nfolds, nlambda, patience, top,
                     threads) {
  m <- ncol(r)
  L <- nrow(freq)
  A <- ncol(freq)
  intercept <- numeric(m)
  oof <- matrix(0, nrow(r), m)
  terms <- vector("list", m)
  for (t in seq_len(m)) {
    score <- apply(matrix(abs(beta_std[, t]), L), 1L, max)
    ranked <- order(-score)
    loci <- utils::head(ranked[score[ranked] > 0], top)
    ok <- !is.na(r[, t])
    if (length(loci) < 2L || sum(ok) < 2L * nfolds) next
    cand <- pair_candidates(loci, A)
    cand$centre1 <- freq[cbind(cand$locus1, cand$allele1 + 1L)]
    cand$centre2 <- freq[cbind(cand$locus2, cand$allele2 + 1L)]
    Z <- pair_matrix(geno, cand)
    fit <- cpp_lasso_cv(Z, matrix(r[, t]), as.integer(folds - 1L), as.integer(nfolds),
                        as.integer(nlambda), 0.01, as.integer(patience), 1e-5,
                        as.integer(threads))
    nz <- which(fit$beta[, 1L] != 0)
    if (!length(nz)) next
    intercept[t] <- fit$intercept[1L]
    o <- fit$oof[, 1L]
    o[!ok] <- 0
    oof[, t] <- o
    cand <- cand[nz, , drop = FALSE]
    terms[[t]] <- data.frame(trait = t, cand, weight = fit$beta[nz, 1L])
  }
  terms <- do.call(rbind, terms)
  if (is.null(terms)) terms <- pair_terms_empty()
  list(intercept = intercept, oof = oof, terms = terms)
}

pair_terms_empty <- function() {
  data.frame(trait = integer(), locus1 = integer(), allele1 = integer(), locus2 = integer(),
             allele2 = integer(), centre1 = numeric(), centre2 = numeric(), weight = numeric())
}

# Candidate terms among `loci`: every pair of loci and of their non-reference allele codes.
pair_candidates <- function(loci, A) {
  lp <- utils::combn(sort(loci), 2L)
  codes <- seq_len(A - 1L)
  grid <- expand.grid(a2 = codes, a1 = codes, k = seq_len(ncol(lp)))
  data.frame(locus1 = lp[1L, grid$k], allele1 = grid$a1, locus2 = lp[2L, grid$k],
             allele2 = grid$a2)
}

# Values of the terms (individuals x terms): (x1 - centre1) * (x2 - centre2), 0 where either
# call is missing.
pair_matrix <- function(geno, terms) {
  ind <- function(locus, allele, centre) {
    x <- (geno[, locus, drop = FALSE] == rep(allele, each = nrow(geno))) + 0
    sweep(x, 2L, centre, "-")
  }
  v <- ind(terms$locus1, terms$allele1, terms$centre1) *
    ind(terms$locus2, terms$allele2, terms$centre2)
  v[is.na(v)] <- 0
  v
}

# Pair terms with 0-based trait, locus and allele indices, as the core takes them (NULL: none).
pair_terms_c <- function(terms) {
  if (is.null(terms) || !nrow(terms)) return(NULL)
  idx <- c("trait", "locus1", "locus2")
  terms[idx] <- lapply(terms[idx], function(v) as.integer(v - 1L))
  terms[c("allele1", "allele2")] <- lapply(terms[c("allele1", "allele2")], as.integer)
  as.list(terms)
}

# Prediction of the pair terms (individuals x traits).
pair_predict <- function(terms, geno, m) {
  out <- matrix(0, nrow(geno), m)
  if (is.null(terms) || !nrow(terms)) return(out)
  v <- pair_matrix(geno, terms)
  for (t in unique(terms$trait)) {
    k <- which(terms$trait == t)
    out[, t] <- v[, k, drop = FALSE] %*% terms$weight[k]
  }
  out
}

# Dense design matrix: one indicator column per locus and code in `codes` (code-major blocks),
# missing calls filled with the training frequency of the code.
additive_design <- function(geno, freq, codes) {
  L <- ncol(geno)
  X <- matrix(0, nrow(geno), L * length(codes))
  for (q in seq_along(codes)) {
    cols <- (q - 1L) * L + seq_len(L)
    x <- (geno == codes[q]) + 0
    miss <- which(is.na(x))
    if (length(miss)) x[miss] <- freq[cbind((miss - 1L) %/% nrow(x) + 1L, codes[q] + 1L)]
    X[, cols] <- x
  }
  X
}

# Design coefficients (code-major blocks) to centred one-hot coefficients (locus-major) and the
# constant they shed: coef[l, a] = b[l, a] - sum_a' p[l, a'] b[l, a'].
additive_centre <- function(b, freq, codes, A) {
  L <- nrow(freq)
  full <- matrix(0, L, A)
  full[, codes + 1L] <- matrix(b, L, length(codes))
  mean_effect <- rowSums(full * freq)
  # Loci without calls (all frequencies 0) keep coefficient 0.
  centred <- (full - mean_effect) * (rowSums(freq) > 0)
  list(coef = as.vector(t(centred)), shift = sum(mean_effect))
}

# Additive predictions (individuals x traits) from integer allele codes, in the model's
# standardized units: intercept plus the coefficient of each carried allele.
additive_predict <- function(add, geno, n_alleles) {
  n <- nrow(geno)
  m <- length(add$intercept)
  out <- matrix(add$intercept, n, m, byrow = TRUE)
  active <- which(colSums(matrix(rowSums(add$coef != 0) > 0, nrow = n_alleles)) > 0)
  for (l in active) {
    g <- geno[, l]
    ok <- which(!is.na(g))
    if (!length(ok)) next
    rows <- (l - 1L) * n_alleles + g[ok] + 1L
    out[ok, ] <- out[ok, , drop = FALSE] + add$coef[rows, , drop = FALSE]
  }
  out + pair_predict(add$pairs, geno, m)
}

# Per trait, how much of the network's output to keep: the least-squares slope of the
# additive path's residual on the network's prediction over the network's validation
# individuals, clamped to [0, 1], applied around the network's validation mean. Returned as a
# 2 x traits calibration (intercept, slope) so that the network part is intercept + slope *
# output. The clamp keeps the factor from reversing the network's output. Traits with fewer
# than `min_calibration_n` observed validation values (too few to estimate a slope) or a
# constant network output keep nothing of the network.
network_shrinkage <- function(pred, resid) {
  out <- rbind(intercept = rep(0, ncol(resid)), slope = rep(0, ncol(resid)))
  for (k in seq_len(ncol(resid))) {
    ok <- !is.na(resid[, k])
    p <- pred[ok, k]
    if (sum(ok) < min_calibration_n || stats::var(p) <= 0) next
    s <- min(1, max(0, stats::cov(p, resid[ok, k]) / stats::var(p)))
    out[, k] <- c(-s * mean(p), s)
  }
  out
}
