# The linear models behind gp_qtl_baseline(): allele encoding, forward QTL selection, and the
# lm and glmnet fits.

# Markers x allelic states matrix of allele frequencies among called genotypes;
# a marker without calls gets all zeros, so its columns impute to 0.
allele_frequencies <- function(geno, n_alleles) {
  called <- colSums(!is.na(geno))
  freq <- vapply(seq_len(n_alleles) - 1L, function(k) {
    colSums(geno == k, na.rm = TRUE) / pmax(called, 1)
  }, numeric(ncol(geno)))
  freq <- matrix(freq, ncol = n_alleles,
                 dimnames = list(colnames(geno), seq_len(n_alleles) - 1L))
  freq
}

# Design columns for markers `idx` (column indices of `geno`) with allele
# indicator `code` each (NA: dosage), missing calls filled with the training
# mean of that column.
encode_columns <- function(geno, freq, idx, code) {
  g <- geno[, idx, drop = FALSE]
  dosage <- is.na(code)
  x <- matrix(0, nrow(g), length(idx))
  if (any(dosage)) {
    x[, dosage] <- g[, dosage, drop = FALSE]
  }
  if (any(!dosage)) {
    cols <- which(!dosage)
    x[, cols] <- (g[, cols, drop = FALSE] == rep(code[cols], each = nrow(g))) + 0
  }
  fill <- ifelse(dosage,
                 as.vector(freq[idx, , drop = FALSE] %*% (seq_len(ncol(freq)) - 1)),
                 freq[cbind(idx, pmin(ifelse(dosage, 0L, code), ncol(freq) - 1L) + 1L)])
  miss <- which(is.na(x))
  if (length(miss)) {
    x[miss] <- fill[(miss - 1L) %/% nrow(x) + 1L]
  }
  x
}

# Forward selection by marker-regression scans. The current model is held as
# an orthonormal basis Q (intercept plus selected columns) with residual r;
# for every genotype column G_k the running sums S of (q'G_k)(q'G_l) give the
# Gram matrix of the residualized columns, G_k'G_l - S, without ever forming
# them. Each step therefore costs one pass of r over G plus one per new basis
# vector.
forward_select <- function(y, G, max_qtl, threshold, n_perm, alpha) {
  n <- length(y)
  p <- length(G)
  L <- ncol(G[[1L]])
  pairs <- which(upper.tri(diag(p), diag = TRUE), arr.ind = TRUE)
  pair_id <- matrix(0L, p, p)
  pair_id[pairs] <- seq_len(nrow(pairs))
  pair_id[pairs[, 2:1, drop = FALSE]] <- seq_len(nrow(pairs))
  gram <- lapply(seq_len(nrow(pairs)), function(i) {
    colSums(G[[pairs[i, 1]]] * G[[pairs[i, 2]]])
  })
  S <- lapply(gram, function(v) 0 * v)
  Q <- matrix(0, n, 0)
  r <- y

  add_direction <- function(v) {
    # Gram-Schmidt twice keeps the basis orthogonal in floating point.
    for (pass in 1:2) {
      if (ncol(Q)) v <- v - Q %*% crossprod(Q, v)
    }
    v <- as.vector(v)
    nv <- sqrt(sum(v^2))
    if (nv <= 1e-8 * max(1, sqrt(n))) return(FALSE)
    q <- v / nv
    Q <<- cbind(Q, q)
    cq <- lapply(G, function(g) as.vector(crossprod(q, g)))
    for (i in seq_len(nrow(pairs))) {
      S[[i]] <<- S[[i]] + cq[[pairs[i, 1]]] * cq[[pairs[i, 2]]]
    }
    r <<- r - q * sum(q * r)
    TRUE
  }
  add_direction(rep(1, n))
  # Column variance around the mean: the scale for "adds nothing new".
  base_var <- lapply(seq_len(p), function(k) gram[[pair_id[k, k]]] - S[[pair_id[k, k]]])

  scan_lod <- function(res) {
    rss0 <- if (is.matrix(res)) colSums(res^2) else sum(res^2)
    z <- lapply(G, function(g) {
      if (is.matrix(res)) crossprod(g, res) else as.vector(crossprod(g, res))
    })
    M <- lapply(seq_along(gram), function(i) gram[[i]] - S[[i]])
    red <- block_reduction(M, z, pair_id, base_var)
    rss1 <- pmax(sweep_rows(-red, rss0), 1e-12 * rep_rows(rss0, red))
    lod <- n / 2 * log10(rep_rows(rss0, red) / rss1)
    lod[!is.finite(lod)] <- 0
    lod
  }

  first <- scan_lod(r)
  if (n_perm > 0) {
    perm <- vapply(seq_len(n_perm), function(i) r[sample.int(n)], numeric(n))
    perm <- matrix(perm, nrow = n)
    max_perm <- apply(matrix(scan_lod(perm), nrow = L), 2L, max)
    threshold <- stats::quantile(max_perm, 1 - alpha, names = FALSE, type = 7)
  }
  selected <- integer(0)
  lods <- numeric(0)
  lod <- first
  while (length(selected) < max_qtl) {
    lod[selected] <- -Inf
    best <- which.max(lod)
    if (!length(best) || !is.finite(lod[best]) || lod[best] < threshold || lod[best] <= 0) break
    added <- FALSE
    for (k in seq_len(p)) added <- add_direction(G[[k]][, best]) || added
    if (!added) break
    selected <- c(selected, best)
    lods <- c(lods, lod[best])
    if (length(selected) < max_qtl) lod <- scan_lod(r)
  }
  list(selected = selected, lod = lods, threshold = threshold, first_scan = first)
}

# Helpers that let scan_lod treat one residual vector and a matrix of permuted
# residuals (markers x permutations results) alike.
rep_rows <- function(v, like) {
  if (is.matrix(like)) matrix(v, nrow(like), ncol(like), byrow = TRUE) else rep(v, length(like))
}

sweep_rows <- function(x, v) x + rep_rows(v, x)

# Residual sum of squares removed by each marker's block of columns:
# z' M^{-1} z with M the residualized Gram matrix, via a Cholesky
# factorization carried out elementwise across markers. A column that is
# (numerically) a combination of the model already contributes nothing.
block_reduction <- function(M, z, pair_id, base_var) {
  p <- length(z)
  Lf <- matrix(list(), p, p)
  w <- vector("list", p)
  red <- 0
  for (k in seq_len(p)) {
    d <- M[[pair_id[k, k]]]
    for (m in seq_len(k - 1L)) d <- d - Lf[[k, m]]^2
    ok <- d > pmax(1e-8 * base_var[[k]], 1e-10)
    lkk <- ifelse(ok, sqrt(pmax(d, 0)), 1)
    Lf[[k, k]] <- lkk
    for (l in seq_len(p)[-seq_len(k)]) {
      v <- M[[pair_id[l, k]]]
      for (m in seq_len(k - 1L)) v <- v - Lf[[l, m]] * Lf[[k, m]]
      Lf[[l, k]] <- ifelse(ok, v / lkk, 0)
    }
    wk <- z[[k]]
    for (m in seq_len(k - 1L)) wk <- wk - Lf[[k, m]] * w[[m]]
    wk <- wk / lkk
    wk[!ok] <- 0
    w[[k]] <- wk
    red <- red + wk^2
  }
  red
}

fit_lm_trait <- function(y, G, codes, selected, threshold) {
  p <- length(G)
  idx <- rep(selected, each = p)
  code <- rep(codes, times = length(selected))
  X <- matrix(0, length(y), length(idx))
  for (j in seq_along(idx)) X[, j] <- G[[match(code[j], codes)]][, idx[j]]
  # A trait without any QTL above the threshold gets the intercept-only model.
  if (length(idx)) {
    colnames(X) <- paste0("x", seq_along(idx))
    fit <- stats::lm(y ~ ., data = data.frame(y = y, X))
  } else {
    fit <- stats::lm(y ~ 1)
  }
  cf <- stats::coef(fit)
  cf[is.na(cf)] <- 0 # aliased columns (e.g. markers in complete linkage)
  list(intercept = unname(cf[1L]), beta = unname(cf[-1L]), marker = idx,
       code = if (length(codes) == 1L && codes == 1L) rep(NA_integer_, length(idx)) else code,
       threshold = threshold, n = length(y), lm = fit)
}

fit_glmnet_trait <- function(y, G, codes, method, ...) {
  L <- ncol(G[[1L]])
  X <- do.call(cbind, G)
  idx <- rep(seq_len(L), times = length(G))
  code <- rep(codes, each = L)
  if (length(codes) == 1L && codes == 1L) code <- rep(NA_integer_, length(idx))
  cv <- glmnet::cv.glmnet(X, y, alpha = if (method == "lasso") 1 else 0, ...)
  cf <- as.vector(stats::coef(cv, s = "lambda.min"))
  beta <- cf[-1L]
  keep <- beta != 0
  list(intercept = cf[1L], beta = beta[keep], marker = idx[keep], code = code[keep],
       threshold = NA_real_, n = length(y), lambda = cv$lambda.min)
}
