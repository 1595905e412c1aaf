# Shared test helpers: location of the BYxRM data and a tiny hand-made data set.

# The yeast files live outside the package; tests that need them skip when no
# copy is found.
byxrm_dir <- function() {
  candidates <- c(
    Sys.getenv("GPATLAS_BYXRM_DIR", unset = ""),
    file.path("..", "..", "..", "shared", "data", "byxrm")
  )
  for (dir in candidates[nzchar(candidates)]) {
    files <- file.path(dir, c("BYxRM_GenoData.txt.gz", "BYxRM_PhenoData.txt.gz"))
    if (all(file.exists(files))) {
      return(normalizePath(dir))
    }
  }
  NULL
}

tiny_pheno <- function() {
  matrix(
    c(1.5, 2.0, NA, 0.5, 10, 12, 11, 9),
    ncol = 2,
    dimnames = list(c("a", "b", "c", "d"), c("height", "weight"))
  )
}

tiny_geno <- function() {
  matrix(
    c(0L, 1L, 2L, 0L, 1L, 1L, NA, 0L, 2L, 2L, 1L, 0L),
    ncol = 3,
    dimnames = list(c("a", "b", "c", "d"), c("m1", "m2", "m3"))
  )
}

tiny_gp_data <- function() {
  gp_data(tiny_pheno(), tiny_geno())
}

# Writes a small folder in the BYxRM file layout for reader tests.
write_byxrm_files <- function(dir, geno_lines, pheno_lines) {
  dir.create(dir, showWarnings = FALSE)
  con <- gzfile(file.path(dir, "BYxRM_GenoData.txt.gz"), "w")
  writeLines(geno_lines, con)
  close(con)
  con <- gzfile(file.path(dir, "BYxRM_PhenoData.txt.gz"), "w")
  writeLines(pheno_lines, con)
  close(con)
  dir
}

# Small networks for quick fits: every setting can be overridden through `...`.
quick_control <- function(epochs, ...) {
  args <- list(latent_dim = 3, pheno_hidden = 8, decoder_hidden = 8, geno_hidden = 8,
               epochs_pheno = epochs, epochs_geno = epochs, batch_size = 16, threads = 1,
               n_seeds = 1, verbose = FALSE)
  do.call(gpatlas_control, utils::modifyList(args, list(...)))
}

# One-hot probabilities (individuals x states x loci) of integer codes.
onehot_probs <- function(geno, n_alleles) {
  p <- array(0, c(nrow(geno), n_alleles, ncol(geno)))
  for (a in seq_len(n_alleles)) p[, a, ] <- !is.na(geno) & geno == a - 1L
  for (a in seq_len(n_alleles)) p[, a, ][is.na(geno)] <- NA
  p
}

# Probabilities near the calls: 1 - eps on the call, the rest spread at random.
blurred_probs <- function(geno, n_alleles, eps, seed) {
  set.seed(seed)
  n <- nrow(geno)
  L <- ncol(geno)
  noise <- array(stats::runif(n * n_alleles * L), c(n, n_alleles, L))
  total <- apply(noise, c(1, 3), sum)
  p <- onehot_probs(geno, n_alleles) * (1 - eps)
  for (a in seq_len(n_alleles)) p[, a, ] <- p[, a, ] + eps * noise[, a, ] / total
  p
}

# Two traits over 20 biallelic loci: trait 1 = x1 + x2 + 3 x1 x2 (+ noise), trait 2 additive.
# With `blur`, the data carry probabilities: 1 - blur on each call, the rest spread at random.
pair_data <- function(n, seed, blur = NULL) {
  set.seed(seed)
  geno <- matrix(rbinom(n * 20, 1, 0.5), n, 20,
                 dimnames = list(sprintf("i%03d", seq_len(n)), sprintf("m%02d", 1:20)))
  y1 <- geno[, 1] + geno[, 2] + 3 * geno[, 1] * geno[, 2] + rnorm(n, sd = 0.3)
  y2 <- geno[, 5] - geno[, 6] + rnorm(n, sd = 0.3)
  if (is.null(blur)) return(gp_data(cbind(t1 = y1, t2 = y2), geno))
  storage.mode(geno) <- "integer"
  gp_data(cbind(t1 = y1, t2 = y2), geno, probs = blurred_probs(geno, 2L, blur, seed + 10))
}

# Importance by one prediction per ablated input, the slow reference of gp_importance(): with
# calls, the carried allele's one-hot bit set to 0 (the locus left without a call); with
# probabilities, each allele's non-zero probability set to 0 in turn.
importance_by_prediction <- function(fit, test) {
  base <- predict(fit, test)
  sc <- fit$scaling$scale
  A <- fit$n_alleles
  out <- matrix(0, nrow(test$pheno), ncol(test$geno) * A)
  for (i in seq_len(nrow(test$pheno))) {
    one <- gp_subset(test, i)
    for (l in seq_len(ncol(test$geno))) {
      for (a in seq_len(A)) {
        alt <- one
        if (is.null(one$probs)) {
          if (is.na(one$geno[1, l]) || one$geno[1, l] != a - 1L) next
          alt$geno[1, l] <- NA
        } else {
          v <- one$probs[1, a, l]
          if (is.na(v) || v == 0) next
          alt$probs[1, a, l] <- 0
        }
        d <- (predict(fit, alt) - base[i, , drop = FALSE]) / sc
        out[i, (l - 1) * A + a] <- sqrt(mean(d^2))
      }
    }
  }
  out
}

# The core's fast or slow (one forward pass per feature) importance of `test` for a two-trait
# fit with the additive path; `pairs` (core indices) replaces the fit's pair terms.
core_importance <- function(fit, test, slow, pairs = gpatlas:::pair_terms_c(fit$additive$pairs)) {
  geno <- gpatlas:::model_genotypes(fit, test)
  gpatlas:::cpp_importance(fit$params, unclass(fit$control), 2L, "genotype", geno, 2L,
                           matrix(0, dim(geno)[1L], 2), FALSE, "prediction", slow, FALSE, -1L,
                           fit$calibration[[1]], gpatlas:::additive_predict(fit$additive, geno, 2L),
                           fit$additive$coef, "total", pairs)
}
