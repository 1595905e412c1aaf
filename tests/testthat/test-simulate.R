# Tests of the genotype-phenotype simulator and the truth it returns.

# Recomputes the noiseless phenotypes from the returned truth alone, applying
# interactions in the documented order.
expected_phenotypes <- function(d) {
  w <- d$truth$weights
  geno <- d$geno
  n_alleles <- dim(w)[2]
  out <- matrix(0, nrow(geno), dim(w)[3])
  for (p in seq_len(dim(w)[3])) {
    terms <- lapply(seq_len(n_alleles), function(a) {
      sweep(geno == a - 1L, 2, w[, a, p], `*`)
    })
    inter <- d$truth$interactions
    inter <- inter[inter$phenotype == dimnames(w)[[3]][p], , drop = FALSE]
    for (r in seq_len(nrow(inter))) {
      a <- inter$allele[r] + 1L
      l1 <- inter$locus1[r]
      l2 <- inter$locus2[r]
      terms[[a]][, l1] <- terms[[a]][, l1] * terms[[a]][, l2]
      terms[[a]][, l2] <- 0
    }
    out[, p] <- Reduce(`+`, lapply(terms, rowSums))
  }
  out
}

test_that("gp_simulate returns a gp_data object of the requested size", {
  d <- gp_simulate(n = 30, n_loci = 40, n_alleles = 3, n_phenotypes = 4,
                   n_causal = 3, seed = 1)
  expect_s3_class(d, "gp_data")
  expect_identical(dim(d), c(30L, 40L))
  expect_identical(dim(d$pheno), c(30L, 4L))
  expect_identical(d$n_alleles, 3L)
  expect_true(all(d$geno %in% 0:2))
  expect_identical(colnames(d$pheno), c("phen_01", "phen_02", "phen_03", "phen_04"))
  expect_identical(d$markers$marker[c(1, 40)], c("locus_0001", "locus_0040"))
  expect_true(all(is.na(d$markers$chr)) && all(is.na(d$markers$pos)))
  expect_identical(d$ids[1], "ind_0001")
  expect_identical(dim(d$truth$weights), c(40L, 3L, 4L))
  expect_named(d$truth$causal, c("phenotype", "locus", "role"))
  expect_named(d$truth$interactions, c("phenotype", "locus1", "locus2", "allele"))
})

test_that("a seed reproduces the data and leaves the global RNG untouched", {
  set.seed(11)
  expected <- runif(2)
  set.seed(11)
  a <- gp_simulate(n = 20, n_loci = 25, n_phenotypes = 3, n_causal = 4, seed = 7)
  expect_identical(runif(2), expected)
  b <- gp_simulate(n = 20, n_loci = 25, n_phenotypes = 3, n_causal = 4, seed = 7)
  c <- gp_simulate(n = 20, n_loci = 25, n_phenotypes = 3, n_causal = 4, seed = 8)
  expect_identical(a, b)
  expect_false(identical(a$pheno, c$pheno))
})

test_that("weights are zero outside the causal loci and match the causal table", {
  d <- gp_simulate(n = 20, n_loci = 60, n_phenotypes = 5, n_causal = 4,
                   p_pleio = 0.3, seed = 2)
  w <- d$truth$weights
  causal <- d$truth$causal
  nonzero <- apply(w != 0, c(1, 3), any)
  expected <- matrix(FALSE, 60, 5, dimnames = dimnames(nonzero))
  expected[cbind(causal$locus, match(causal$phenotype, dimnames(w)[[3]]))] <- TRUE
  expect_identical(nonzero, expected)
  expect_identical(d$truth$causal_loci, sort(unique(causal$locus)))
  expect_true(all(w[-d$truth$causal_loci, , ] == 0))
  expect_true(all(w >= 0 & w <= 10))
  primary_counts <- table(causal$phenotype[causal$role == "primary"])
  expect_true(all(primary_counts == 4))
  expect_false(anyDuplicated(causal[, c("phenotype", "locus")]) > 0)
})

test_that("pleiotropic loci reuse the weights of a primary locus", {
  d <- gp_simulate(n = 10, n_loci = 30, n_phenotypes = 6, n_causal = 3,
                   p_pleio = 0.5, seed = 3)
  w <- d$truth$weights
  causal <- d$truth$causal
  pleio <- causal[causal$role == "pleiotropic", ]
  expect_gt(nrow(pleio), 0)
  primary <- causal[causal$role == "primary", ]
  for (r in seq_len(nrow(pleio))) {
    l <- pleio$locus[r]
    sources <- primary$phenotype[primary$locus == l]
    matches <- vapply(sources, function(q) {
      isTRUE(all.equal(w[l, , pleio$phenotype[r]], w[l, , q]))
    }, logical(1))
    expect_true(any(matches))
  }
  none <- gp_simulate(n = 10, n_loci = 30, n_phenotypes = 6, n_causal = 3,
                      p_pleio = 0, seed = 3)
  expect_true(all(none$truth$causal$role == "primary"))
})

test_that("interactions pair primary causal loci of the same phenotype", {
  d <- gp_simulate(n = 10, n_loci = 50, n_phenotypes = 4, n_causal = 5,
                   p_interact = 0.5, seed = 4)
  inter <- d$truth$interactions
  causal <- d$truth$causal
  expect_gt(nrow(inter), 0)
  primary_key <- paste(causal$phenotype, causal$locus)[causal$role == "primary"]
  expect_true(all(paste(inter$phenotype, inter$locus1) %in% primary_key))
  expect_true(all(paste(inter$phenotype, inter$locus2) %in% primary_key))
  expect_true(all(inter$locus1 != inter$locus2))
  expect_true(all(inter$allele %in% 0:2))
  expect_identical(d$truth$interacting_loci,
                   sort(unique(c(inter$locus1, inter$locus2))))
  none <- gp_simulate(n = 10, n_loci = 50, n_phenotypes = 4, n_causal = 5,
                      p_interact = 0, seed = 4)
  expect_identical(nrow(none$truth$interactions), 0L)
  expect_identical(none$truth$interacting_loci, integer(0))
})

test_that("without noise the phenotype equals the weighted allele sum", {
  d <- gp_simulate(n = 25, n_loci = 30, n_alleles = 3, n_phenotypes = 4,
                   n_causal = 5, p_pleio = 0.3, p_interact = 0.5, noise = 0,
                   seed = 5)
  expect_gt(nrow(d$truth$interactions), 0)
  expect_equal(unname(d$pheno), expected_phenotypes(d))
  additive <- gp_simulate(n = 25, n_loci = 30, n_phenotypes = 4, n_causal = 5,
                          p_interact = 0, noise = 0, seed = 5)
  expect_equal(unname(additive$pheno), expected_phenotypes(additive))
})

test_that("noise is bounded by noise x mean", {
  args <- list(n = 200, n_loci = 20, n_phenotypes = 3, n_causal = 3, seed = 6)
  clean <- do.call(gp_simulate, c(args, noise = 0))
  noisy <- do.call(gp_simulate, c(args, noise = 0.05))
  deviation <- abs(noisy$pheno - clean$pheno)
  bound <- 0.05 * colMeans(clean$pheno)
  expect_true(all(sweep(deviation, 2, bound, `<=`)))
  expect_true(any(deviation > 0))
  expect_identical(noisy$truth$weights, clean$truth$weights)
})

test_that("the publication scale runs quickly", {
  elapsed <- system.time(d <- gp_simulate(seed = 1))[["elapsed"]]
  expect_lt(elapsed, 5)
  expect_identical(dim(d), c(600L, 3000L))
  expect_identical(ncol(d$pheno), 30L)
})

test_that("gp_simulate checks its arguments", {
  expect_error(gp_simulate(n = 0), "`n` must be")
  expect_error(gp_simulate(n_alleles = 1), "`n_alleles` must be .* >= 2")
  expect_error(gp_simulate(n_loci = 5, n_causal = 6), "cannot exceed")
  expect_error(gp_simulate(p_pleio = 1.5), "`p_pleio` must be")
  expect_error(gp_simulate(p_interact = -0.1), "`p_interact` must be")
  expect_error(gp_simulate(noise = -1), "`noise` must be")
  expect_error(gp_simulate(seed = NA), "`seed` must be")
})
