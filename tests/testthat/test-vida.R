# Tests of gp_vida() against a literal per-allele, per-individual implementation, and of gp_vida_optimize().

# ---- literal implementation, straight from the definition ----------------------------------

lit_clumpiness <- function(z, method, pct) {
  if (length(z) < 3) return(0)
  a <- sort(abs(z), decreasing = TRUE)
  top_share <- function(pct) {
    top <- max(1, ceiling(pct / 100 * length(a)))
    sum(a[seq_len(top)]) / sum(a)
  }
  switch(method,
    concentration = top_share(pct),
    gini = {
      asc <- sort(a)
      n <- length(asc)
      (n + 1 - 2 * sum(cumsum(asc)) / sum(asc)) / n
    },
    entropy = {
      bins <- min(10, length(a) %/% 2)
      lo <- min(a)
      hi <- max(a)
      if (hi == lo || bins < 2) {
        counts <- length(a)
      } else {
        edges <- lo + (0:(bins - 1)) * ((hi - lo) / bins)
        counts <- tabulate(findInterval(a, edges), nbins = bins)
      }
      prob <- counts[counts > 0] / length(a)
      h <- -sum(prob * log2(prob))
      h_max <- if (length(prob) > 1) log2(length(prob)) else 1
      1 - h / h_max
    },
    adaptive = {
      m <- mean(z)
      m2 <- mean((z - m)^2)
      m4 <- mean((z - m)^4)
      heavy <- m2 > (1e-15 * m)^2 && m4 / m2^2 - 3 > 1
      top_share(if (heavy) 5 else 15)
    })
}

lit_vida <- function(x, thr, pct, method, frac = 0.1) {
  n <- nrow(x)
  p <- ncol(x)
  z <- matrix(0, n, p)
  for (j in seq_len(p)) {
    nz <- x[, j] != 0
    if (sum(nz) < 4) next
    v <- x[nz, j]
    s <- sqrt(mean((v - mean(v))^2))
    if (s > 0) z[nz, j] <- (v - mean(v)) / s
  }
  sim <- matrix(NA_real_, p, p)
  for (a in seq_len(p - 1)) {
    for (b in (a + 1):p) {
      ok <- z[, a] != 0 & z[, b] != 0
      if (sum(ok) < 4) next
      r <- if (sd(z[ok, a]) > 0 && sd(z[ok, b]) > 0) cor(z[ok, a], z[ok, b]) else 0
      ea <- abs(z[, a]) > thr
      eb <- abs(z[, b]) > thr
      expected <- sum(ea) * sum(eb) / n
      ratio <- if (expected > 0) sum(ea & eb) / expected else 0
      sim[a, b] <- sim[b, a] <- (abs(r) + ratio) / 2
    }
  }
  out <- data.frame(vida_score = rep(NA_real_, p), extreme_ratio_diff = NA_real_,
                    clumpiness_diff = NA_real_, n_used = 0L)
  for (k in seq_len(p)) {
    ext <- which(abs(z[, k]) > thr)
    cand <- which(!is.na(sim[, k]))
    if (length(ext) < 3 || !length(cand)) next
    ordered <- cand[order(-sim[cand, k], cand)]
    partners <- ordered[seq_len(max(1, floor(frac * length(cand))))]
    if (length(partners) < 3) next
    others <- setdiff(seq_len(p), c(k, partners))
    er <- cl <- numeric()
    for (i in ext) {
      pz <- z[i, partners]
      pz <- pz[pz != 0]
      oz <- z[i, others]
      oz <- oz[oz != 0]
      if (length(pz) < 3 || length(oz) < 3) next
      er <- c(er, mean(abs(pz) > thr) - mean(abs(oz) > thr))
      cl <- c(cl, lit_clumpiness(pz, method, pct) - lit_clumpiness(oz, method, pct))
    }
    out$n_used[k] <- length(er)
    if (length(er) < 3) next
    out$extreme_ratio_diff[k] <- mean(er)
    out$clumpiness_diff[k] <- mean(cl)
    out$vida_score[k] <- mean(er) * mean(cl)
  }
  out
}

# Heavy-tailed importances with ~30% zeros, plus the edge cases the definition singles out.
vida_data <- function(n = 60, p = 40, seed = 1) {
  set.seed(seed)
  x <- matrix(exp(rnorm(n * p)) * (runif(n * p) < 0.7), n, p)
  x[, 3] <- 0                          # never non-zero
  x[, 5] <- c(1, 2, 3, rep(0, n - 3))  # fewer than 4 non-zero entries
  x[, 7] <- (runif(n) < 0.5) * 2       # constant non-zero value: no spread
  x
}

# ---- tests --------------------------------------------------------------------------------

test_that("gp_vida equals the literal implementation for every clumpiness method", {
  # 70 alleles give 6 partners each, so most individuals keep 3 non-zero partners.
  x <- vida_data(p = 70)
  for (method in c("concentration", "gini", "entropy", "adaptive")) {
    for (setting in list(c(1.5, 5), c(1, 20))) {
      want <- lit_vida(x, setting[1], setting[2], method)
      got <- gp_vida(x, z_threshold = setting[1], clumpiness_percentile = setting[2],
                     clumpiness_method = method, verbose = FALSE, threads = 2)$scores
      expect_gt(sum(!is.na(want$vida_score)), 30)
      expect_equal(got$vida_score, want$vida_score, tolerance = 1e-8,
                   label = paste(method, "score"))
      expect_equal(got$extreme_ratio_diff, want$extreme_ratio_diff, tolerance = 1e-8)
      expect_equal(got$clumpiness_diff, want$clumpiness_diff, tolerance = 1e-8)
      expect_identical(got$n_used, want$n_used)
    }
  }
})

test_that("results do not depend on the block size, the thread count or the code path", {
  x <- vida_data(n = 50, p = 45, seed = 3)
  full <- gp_vida(x, z_threshold = 1.5, verbose = FALSE, threads = 1)$scores
  old <- options(gpatlas.vida_block_size = 7L)
  on.exit(options(old))
  blocked <- gp_vida(x, z_threshold = 1.5, verbose = FALSE, threads = 2)$scores
  expect_equal(blocked, full, tolerance = 1e-12)
  # 10 of 45 alleles: correlations are recomputed for those columns only.
  pick <- c(44, 2, 9, 30, 17, 1, 25, 38, 12, 6)
  sub <- gp_vida(x, z_threshold = 1.5, alleles = pick, verbose = FALSE, threads = 2)$scores
  expect_identical(sub$feature, full$feature[pick])
  cols <- setdiff(names(full), "rank")
  expect_equal(sub[, cols], `rownames<-`(full[pick, cols], NULL), tolerance = 1e-12)
})

test_that("the result has the documented structure", {
  x <- vida_data()
  colnames(x) <- sprintf("a%02d", seq_len(ncol(x)))
  v <- gp_vida(x, z_threshold = 1.5, verbose = FALSE, threads = 1)
  expect_s3_class(v, "gp_vida")
  expect_named(v$scores, c("feature", "marker", "allele", "chr", "pos", "vida_score",
                           "extreme_ratio_diff", "clumpiness_diff", "n_extreme", "n_used",
                           "n_partners", "n_nonzero", "rank"))
  expect_identical(v$scores$feature, colnames(x))
  expect_null(v$loci)  # a plain matrix has no markers
  s <- v$scores
  expect_identical(s$n_nonzero[c(3, 5, 7)], c(0L, 0L, 0L))
  expect_true(all(is.na(s$vida_score[c(3, 5, 7)])))
  expect_true(all(is.na(s$n_partners[s$n_extreme < 3])))
  expect_true(all(s$n_partners[s$n_extreme >= 3] == 3L))  # floor(0.1 * 36..39)
  expect_equal(s$vida_score, s$extreme_ratio_diff * s$clumpiness_diff)
  expect_identical(s$rank[which.max(s$vida_score)], 1L)
  expect_output(print(v), "gp_vida")
})

test_that("an importance object gives feature labels and a locus projection", {
  x <- vida_data(p = 40)
  mk <- sprintf("m%02d", rep(1:20, each = 2))
  imp <- structure(list(
    matrix = x,
    features = data.frame(feature = paste0(mk, ":", rep(0:1, 20)), marker = mk,
                          allele = rep(0:1, 20), chr = "1", pos = rep(1:20, each = 2) * 1e3,
                          importance = colMeans(x^2), stringsAsFactors = FALSE)),
    class = "gp_importance")
  v <- gp_vida(imp, z_threshold = 1.5, verbose = FALSE, threads = 1)
  expect_identical(v$scores$marker, mk)
  expect_named(v$loci, c("marker", "chr", "pos", "vida_score", "allele", "rank"))
  expect_identical(v$loci$marker, unique(mk))
  by_locus <- tapply(v$scores$vida_score, factor(mk, unique(mk)), function(s)
    if (all(is.na(s))) NA_real_ else max(s, na.rm = TRUE))
  expect_equal(v$loci$vida_score, unname(as.vector(by_locus)))
  got <- v$scores$vida_score[match(paste0(v$loci$marker, ":", v$loci$allele), v$scores$feature)]
  expect_equal(got[!is.na(v$loci$vida_score)], v$loci$vida_score[!is.na(v$loci$vida_score)])
  sub <- gp_vida(imp, z_threshold = 1.5, alleles = c("m03:1", "m10:0"), verbose = FALSE,
                 threads = 1)
  expect_identical(sub$scores$feature, c("m03:1", "m10:0"))
  expect_equal(sub$scores$vida_score, v$scores$vida_score[c(6, 19)])
})

test_that("bad input is rejected with a clear message", {
  x <- vida_data()
  expect_error(gp_vida("a"), "gp_importance object or a numeric matrix")
  expect_error(gp_vida(x[, 1, drop = FALSE]), "two features")
  bad <- x
  bad[2, 2] <- NA
  expect_error(gp_vida(bad, verbose = FALSE), "missing or infinite")
  expect_error(gp_vida(x, z_threshold = -1), "positive")
  expect_error(gp_vida(x, z_threshold = c(1, 2)), "single")
  expect_error(gp_vida(x, clumpiness_percentile = 0), "\\(0, 100\\]")
  expect_error(gp_vida(x, clumpiness_method = "median"), "should be one of")
  expect_error(gp_vida(x, alleles = c(1, 1)), "twice")
  expect_error(gp_vida(x, alleles = 41), "between 1 and 40")
  expect_error(gp_vida(x, alleles = "nope"), "unknown feature")
  expect_error(gp_vida(x, threads = -1), "threads")
  expect_error(gp_vida_optimize(x, truth = rep(FALSE, 40)), "at least one interacting")
  expect_error(gp_vida_optimize(x, truth = TRUE), "one value per feature")
})

test_that("gp_vida_optimize finds a planted interaction and reports the grid", {
  # Groups of 3 alleles are jointly, strongly important in the same 3 individuals; everything
  # else is half-normal noise with 40% zeros. VIDA's concentration clumpiness rewards a few
  # dominant partners, so small groups are what it detects.
  set.seed(4)
  n <- 100
  p <- 300
  x <- matrix(abs(rnorm(n * p)) * (runif(n * p) < 0.6), n, p)
  groups <- matrix(sample(p, 3 * 8), 3)
  for (g in seq_len(ncol(groups))) {
    hit <- sample(n, 3)
    x[hit, groups[, g]] <- x[hit, groups[, g]] + 8 * (1 + runif(9))
  }
  truth <- seq_len(p) %in% groups
  opt <- gp_vida_optimize(x, truth, verbose = FALSE, threads = 2)
  expect_s3_class(opt, "gp_vida_optimize")
  expect_identical(nrow(opt$grid), 16L)
  expect_named(opt$grid, c("z_threshold", "clumpiness_percentile", "clumpiness_method",
                           "metric", "auc", "direction", "n_scored", "n_positive",
                           "n_negative"))
  expect_identical(opt$grid$z_threshold, rep(c(1.5, 2, 2.5, 3), each = 4))
  expect_identical(opt$grid$clumpiness_percentile, rep(c(5, 10, 15, 20), 4))
  expect_gt(opt$best$auc, 0.9)
  expect_identical(opt$best$auc, max(opt$grid$auc, na.rm = TRUE))
  expect_identical(opt$best$z_threshold, 1.5)
  # Each grid cell equals a separate gp_vida run scored by the Mann-Whitney AUC.
  cell <- opt$grid[6, ]
  one <- gp_vida(x, z_threshold = cell$z_threshold,
                 clumpiness_percentile = cell$clumpiness_percentile, verbose = FALSE,
                 threads = 1)$scores$vida_score
  one[is.na(one)] <- median(one, na.rm = TRUE)
  pos <- one[truth]
  neg <- one[!truth]
  auc <- mean(outer(pos, neg, ">") + 0.5 * outer(pos, neg, "=="))
  expect_equal(cell$auc, auc)
  # Indices are accepted as truth; unknown labels are left out.
  by_index <- gp_vida_optimize(x, which(truth), z_thresholds = 2, percentiles = 10,
                               verbose = FALSE, threads = 1)
  expect_equal(by_index$grid$auc, cell$auc)
  partial <- truth
  partial[which(!truth)[1:2]] <- NA
  expect_identical(gp_vida_optimize(x, partial, z_thresholds = 2, percentiles = 5,
                                    verbose = FALSE, threads = 1)$grid$n_negative,
                   as.integer(p - sum(truth) - 2))
  # Swapped labels: the reference's "best of both directions" recovers the same AUC.
  swapped <- gp_vida_optimize(x, !truth, z_thresholds = 2, percentiles = 10,
                              both_directions = TRUE, verbose = FALSE, threads = 1)
  expect_equal(swapped$grid$auc, cell$auc)
  expect_identical(swapped$grid$direction, "lower")
  expect_output(print(opt), "best")
})
