# Linear QTL baselines (forward marker regression, single scan, lasso, ridge) and model comparison.

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
#' @param data A [gp_data()] object with the training individuals.
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
#'   `"ridge"`), e.g. `nfolds`.
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
  if (!inherits(data, "gp_data")) {
    stop("`data` must be a gp_data object (see gp_data()).", call. = FALSE)
  }
  method <- match.arg(method)
  traits <- baseline_traits(traits, colnames(data$pheno))
  check_phenotype_values(data$pheno[, traits, drop = FALSE], "data")
  check_gp_data(data, "data")
  check_geno_codes(data$geno, data$n_alleles, "data")
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

  fit_all <- function() {
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
  res <- with_rng_seed(seed, fit_all())

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

#' Predict phenotypes with a linear QTL baseline
#'
#' @param object A `gp_qtl_baseline` fit.
#' @param newdata A [gp_data()] object holding (at least) the training markers.
#' @param ... Unused.
#' @return A numeric matrix, individuals x traits, with the individual ids as
#'   row names and the trait names as column names (as [predict.gpatlas()]).
#' @examples
#' sim <- gp_simulate(n = 80, n_loci = 30, n_alleles = 2, n_phenotypes = 2, n_causal = 2,
#'                    p_interact = 0, seed = 1)
#' base <- gp_qtl_baseline(sim)
#' head(predict(base, sim))
#' @export
predict.gp_qtl_baseline <- function(object, newdata, ...) {
  if (missing(newdata)) stop("`newdata` is required.", call. = FALSE)
  if (!inherits(newdata, "gp_data")) {
    stop("`newdata` must be a gp_data object (see gp_data()).", call. = FALSE)
  }
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

#' Compare held-out accuracy of two models trait by trait
#'
#' Predicts the test individuals with both models and computes, per trait,
#' `R^2 = 1 - SS_res / SS_tot` over the individuals with an observed value
#' (as [gp_metrics()]). A paired Wilcoxon signed-rank test over traits asks
#' whether one model is systematically more accurate.
#'
#' @param fit A model with a `predict(fit, newdata)` method returning an
#'   individuals x traits matrix with trait column names: a [gpatlas()] fit,
#'   or another `gp_qtl_baseline`.
#' @param baseline The reference model, usually a [gp_qtl_baseline()] fit.
#' @param test A [gp_data()] object with the held-out individuals.
#'
#' @return A list of class `gp_compare` with
#'   * `table`: data frame with columns `trait`, `r2_gpatlas` (R^2 of `fit`),
#'     `r2_baseline` (R^2 of `baseline`) and `difference`
#'     (`r2_gpatlas - r2_baseline`), one row per trait predicted by both;
#'   * `statistic`, `p_value`: the signed-rank statistic V and the two-sided
#'     p-value of the paired Wilcoxon test (`NA` with fewer than two traits
#'     with both R^2 defined);
#'   * `median_difference`: median of `difference`;
#'   * `n_wins`: number of traits where `fit` has the larger R^2;
#'   * `n_traits`: number of traits with both R^2 defined;
#'   * `test`: the [stats::wilcox.test()] result, or `NULL`;
#'   * `labels`: short names of the two models (class, or `QTL <method>` for
#'     a baseline).
#' @export
#' @examples
#' d <- gp_simulate(n = 150, n_loci = 40, n_alleles = 2, n_phenotypes = 4,
#'                  n_causal = 2, p_interact = 0, seed = 2)
#' parts <- gp_split(d, 0.75, seed = 2)
#' one <- gp_qtl_baseline(parts$train, method = "scanone")
#' many <- gp_qtl_baseline(parts$train, method = "forward", max_qtl = 5)
#' gp_compare(many, one, parts$test)
gp_compare <- function(fit, baseline, test) {
  if (!inherits(test, "gp_data")) {
    stop("`test` must be a gp_data object (see gp_data()).", call. = FALSE)
  }
  pred_a <- compare_predict(fit, test, "fit")
  pred_b <- compare_predict(baseline, test, "baseline")
  common <- intersect(intersect(colnames(pred_a), colnames(pred_b)),
                      colnames(test$pheno))
  if (!length(common)) {
    stop("`fit` and `baseline` predict no trait in common with `test`.", call. = FALSE)
  }
  observed <- test$pheno[, common, drop = FALSE]
  r2_a <- metrics_table(observed, pred_a[, common, drop = FALSE])$per_phenotype$r2
  r2_b <- metrics_table(observed, pred_b[, common, drop = FALSE])$per_phenotype$r2
  table <- data.frame(trait = common, r2_gpatlas = r2_a, r2_baseline = r2_b,
                      difference = r2_a - r2_b, stringsAsFactors = FALSE)
  both <- !is.na(table$difference)
  wt <- NULL
  if (sum(both) >= 2L) {
    # Ties and zero differences only change the p-value's approximation;
    # the warning about them would be noise here.
    wt <- suppressWarnings(stats::wilcox.test(r2_a[both], r2_b[both], paired = TRUE))
  }
  structure(
    list(
      table = table,
      statistic = if (is.null(wt)) NA_real_ else unname(wt$statistic),
      p_value = if (is.null(wt)) NA_real_ else wt$p.value,
      median_difference = if (any(both)) stats::median(table$difference[both]) else NA_real_,
      n_wins = sum(table$difference[both] > 0),
      n_traits = sum(both),
      test = wt,
      labels = c(fit = model_label(fit), baseline = model_label(baseline))
    ),
    class = "gp_compare"
  )
}

model_label <- function(model) {
  if (inherits(model, "gp_qtl_baseline")) sprintf("QTL %s", model$method) else class(model)[1L]
}

compare_predict <- function(model, test, what) {
  pred <- stats::predict(model, test)
  if (!is.matrix(pred) || is.null(colnames(pred))) {
    stop(sprintf("predict() on `%s` must return a matrix with trait column names.", what),
         call. = FALSE)
  }
  if (nrow(pred) != length(test$ids)) {
    stop(sprintf("predict() on `%s` returned %d rows for %d individuals.",
                 what, nrow(pred), length(test$ids)), call. = FALSE)
  }
  rownames(pred) <- rownames(test$pheno)
  pred
}

#' @export
print.gp_compare <- function(x, n = 6L, ...) {
  cat(sprintf("<gp_compare> %s vs %s on %d traits\n", x$labels[["fit"]],
              x$labels[["baseline"]], nrow(x$table)))
  med <- function(v) stats::median(v, na.rm = TRUE)
  cat(sprintf("  median held-out R^2: %s %.3f, %s %.3f; median difference %.3f\n",
              x$labels[["fit"]], med(x$table$r2_gpatlas), x$labels[["baseline"]],
              med(x$table$r2_baseline), x$median_difference))
  cat(sprintf("  %s better on %d of %d traits; paired Wilcoxon V = %s, p = %s\n",
              x$labels[["fit"]], x$n_wins, x$n_traits, format(x$statistic),
              format(x$p_value, digits = 3)))
  print(utils::head(x$table, n), row.names = FALSE, digits = 3)
  if (nrow(x$table) > n) cat(sprintf("... %d more traits in $table\n", nrow(x$table) - n))
  invisible(x)
}
