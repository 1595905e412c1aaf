# Tests of the genotype-phenotype simulator, the truth it returns and the shipped publication data.

# The interaction part of the noiseless phenotypes, from the truth alone: every live pair adds
# its `effect` to the individuals carrying its allele at both loci.
interaction_part <- function(d) {
  w <- d$truth$weights
  out <- matrix(0, nrow(d$geno), dim(w)[3])
  ia <- d$truth$interactions
  for (r in which(ia$live)) {
    p <- match(ia$phenotype[r], dimnames(w)[[3]])
    both <- d$geno[, ia$locus1[r]] == ia$allele[r] & d$geno[, ia$locus2[r]] == ia$allele[r]
    out[, p] <- out[, p] + both * ia$effect[r]
  }
  out
}

# Recomputes the noiseless phenotypes from the returned truth alone.
expected_phenotypes <- function(d) {
  w <- d$truth$weights
  additive <- vapply(seq_len(dim(w)[3]), function(p) {
    rowSums(vapply(seq_len(dim(w)[2]), function(a) {
      as.vector((d$geno == a - 1L) %*% w[, a, p])
    }, numeric(nrow(d$geno))))
  }, numeric(nrow(d$geno)))
  additive + interaction_part(d)
}

# The statistics the issue asks the generator to match.
architecture_stats <- function(d) {
  held <- apply(d$truth$weights != 0, c(1, 3), any)
  per_locus <- rowSums(held)
  c(trait_mean = mean(colMeans(d$pheno)),
    trait_sd = mean(apply(d$pheno, 2, stats::sd)),
    loci_per_trait = mean(colSums(held)),
    loci = sum(per_locus > 0),
    shared_share = sum(per_locus > 1) / sum(per_locus > 0),
    traits_sharing = mean(colSums(held[per_locus > 1, , drop = FALSE]) > 0),
    pairs_per_trait = nrow(d$truth$interactions) / ncol(d$pheno),
    live_share = mean(d$truth$interactions$live))
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
  expect_named(d$truth$drawn, c("phenotype", "locus"))
  expect_named(d$truth$pleiotropy, c("source", "target", "locus"))
  expect_named(d$truth$interactions,
               c("phenotype", "locus1", "locus2", "allele", "live", "effect"))
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

test_that("down-sampling leaves every trait exactly n_causal weighted loci", {
  d <- gp_simulate(n = 20, n_loci = 200, n_phenotypes = 8, n_causal = 4,
                   p_pleio = 0.4, seed = 2)
  w <- d$truth$weights
  causal <- d$truth$causal
  held <- apply(w != 0, c(1, 3), any)
  expect_true(all(colSums(held) == 4))
  expected <- matrix(FALSE, 200, 8, dimnames = dimnames(held))
  expected[cbind(causal$locus, match(causal$phenotype, dimnames(w)[[3]]))] <- TRUE
  expect_identical(held, expected)
  expect_identical(d$truth$causal_loci, sort(unique(causal$locus)))
  expect_true(all(w[-d$truth$causal_loci, , ] == 0))
  expect_true(all(w >= 0 & w <= 10))
  expect_false(anyDuplicated(causal[, c("phenotype", "locus")]) > 0)
  # a "primary" locus is one of the trait's own first-drawn loci
  own <- paste(causal$phenotype, causal$locus) %in% paste(d$truth$drawn$phenotype, d$truth$drawn$locus)
  expect_identical(causal$role == "primary", own)
  expect_true(all(table(d$truth$drawn$phenotype) == 4))

  full <- gp_simulate(n = 20, n_loci = 200, n_phenotypes = 8, n_causal = 4,
                      p_pleio = 0.4, seed = 2, downsample = FALSE)
  full_held <- apply(full$truth$weights != 0, c(1, 3), any)
  expect_gt(sum(full_held), sum(held))
  expected <- table(factor(c(full$truth$drawn$phenotype,
                             unique(full$truth$pleiotropy[, c("target", "locus")])$target)))
  expect_true(all(colSums(full_held) <= expected))
})

test_that("pleiotropic loci reuse the weights of a first-drawn locus of another trait", {
  d <- gp_simulate(n = 10, n_loci = 300, n_phenotypes = 6, n_causal = 3,
                   p_pleio = 0.5, seed = 3)
  w <- d$truth$weights
  causal <- d$truth$causal
  drawn <- d$truth$drawn
  pleio <- causal[causal$role == "pleiotropic", ]
  expect_gt(nrow(pleio), 0)
  expect_true(all(paste(pleio$phenotype, pleio$locus) %in%
                    paste(d$truth$pleiotropy$target, d$truth$pleiotropy$locus)))
  for (r in seq_len(nrow(pleio))) {
    l <- pleio$locus[r]
    sources <- drawn$phenotype[drawn$locus == l]
    expect_true(length(sources) > 0)
    expect_true(any(vapply(sources, function(q) {
      isTRUE(all.equal(w[l, , pleio$phenotype[r]], w[l, , q])) || all(w[l, , q] == 0)
    }, logical(1))))
  }
  none <- gp_simulate(n = 10, n_loci = 300, n_phenotypes = 6, n_causal = 3,
                      p_pleio = 0, seed = 3)
  expect_true(all(none$truth$causal$role == "primary"))
  expect_identical(nrow(none$truth$pleiotropy), 0L)
})

test_that("publication epistasis pairs first-drawn loci and fires only where both survive", {
  d <- gp_simulate(n = 50, n_loci = 100, n_phenotypes = 6, n_causal = 6,
                   p_pleio = 0.3, p_interact = 0.5, noise = 0, seed = 4)
  ia <- d$truth$interactions
  expect_gt(nrow(ia), 0)
  drawn_key <- paste(d$truth$drawn$phenotype, d$truth$drawn$locus)
  expect_true(all(paste(ia$phenotype, ia$locus1) %in% drawn_key))
  expect_true(all(paste(ia$phenotype, ia$locus2) %in% drawn_key))
  expect_true(all(ia$locus1 != ia$locus2))
  expect_true(all(ia$allele %in% 0:2))
  # each locus is in at most one pair of its trait
  expect_false(any(vapply(split(c(ia$locus1, ia$locus2), c(ia$phenotype, ia$phenotype)),
                          anyDuplicated, integer(1)) > 0))
  held_key <- paste(d$truth$causal$phenotype, d$truth$causal$locus)
  live <- paste(ia$phenotype, ia$locus1) %in% held_key & paste(ia$phenotype, ia$locus2) %in% held_key
  expect_identical(ia$live, live)
  expect_true(all(ia$effect[!ia$live] == 0))
  expect_identical(d$truth$interacting_loci, sort(unique(c(ia$locus1[live], ia$locus2[live]))))
  # a live pair replaces the sum of the two weights by their product
  for (r in which(ia$live)) {
    w <- d$truth$weights[, ia$allele[r] + 1L, ia$phenotype[r]]
    expect_equal(ia$effect[r], unname(w[ia$locus1[r]] * w[ia$locus2[r]] - w[ia$locus1[r]] - w[ia$locus2[r]]))
  }
  expect_equal(unname(d$pheno), expected_phenotypes(d))

  none <- gp_simulate(n = 50, n_loci = 100, n_phenotypes = 6, n_causal = 6,
                      p_interact = 0.5, seed = 4, epistasis = "none")
  expect_identical(nrow(none$truth$interactions), 0L)
  expect_identical(none$truth$interacting_loci, integer(0))
  zero <- gp_simulate(n = 50, n_loci = 100, n_phenotypes = 6, n_causal = 6,
                      p_interact = 0, seed = 4)
  expect_identical(nrow(zero$truth$interactions), 0L)
})

test_that("live epistasis pairs surviving loci and carries the requested share of variance", {
  for (share in c(0.3, 0.6)) {
    d <- gp_simulate(n = 400, n_loci = 300, n_phenotypes = 5, n_causal = 8,
                     epistasis = "live", epistasis_var = share, seed = 5)
    ia <- d$truth$interactions
    expect_true(all(ia$live))
    expect_true(all(table(factor(ia$phenotype, levels = colnames(d$pheno))) >= 1))
    held_key <- paste(d$truth$causal$phenotype, d$truth$causal$locus)
    expect_true(all(paste(ia$phenotype, ia$locus1) %in% held_key))
    expect_true(all(paste(ia$phenotype, ia$locus2) %in% held_key))
    expect_equal(unname(d$pheno), expected_phenotypes(d))
    part <- interaction_part(d)
    ratio <- apply(part, 2, stats::var) / apply(d$pheno, 2, stats::var)
    expect_equal(unname(ratio), rep(share, 5), tolerance = 1e-6)
    # a new sample from the same architecture: the share holds up to sampling noise
    geno2 <- matrix(sample.int(3, 4000 * 300, replace = TRUE) - 1L, 4000)
    d2 <- list(geno = geno2, truth = d$truth)
    part2 <- interaction_part(d2)
    ratio2 <- apply(part2, 2, stats::var) / apply(expected_phenotypes(d2), 2, stats::var)
    expect_true(all(abs(ratio2 - share) < 0.12))
  }
  flat <- gp_simulate(n = 100, n_loci = 100, n_phenotypes = 3, n_causal = 5,
                      epistasis = "live", epistasis_var = 0, noise = 0, seed = 5)
  expect_true(all(flat$truth$interactions$effect == 0))
})

test_that("without noise the phenotype equals the truth's weighted allele sum", {
  d <- gp_simulate(n = 25, n_loci = 60, n_alleles = 4, n_phenotypes = 4,
                   n_causal = 5, p_pleio = 0.3, p_interact = 0.5, noise = 0,
                   seed = 5, downsample = FALSE)
  expect_gt(sum(d$truth$interactions$live), 0)
  expect_equal(unname(d$pheno), expected_phenotypes(d))
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

test_that("the default generator matches the statistics of the publication's data", {
  ref <- architecture_stats(gpatlas_sim)
  # the released data: 185 weighted loci, 10 per trait, 1 live pair of 100
  expect_identical(unname(ref[c("loci", "loci_per_trait")]), c(185, 10))
  sims <- vapply(1:4, function(s) architecture_stats(gp_simulate(seed = s)), ref)
  avg <- rowMeans(sims)
  within <- function(stat, rel) {
    expect_lt(abs(avg[[stat]] / ref[[stat]] - 1), rel, label = stat)
  }
  within("trait_mean", 0.10)
  within("trait_sd", 0.10)
  within("loci", 0.10)
  within("pairs_per_trait", 0.10)
  expect_true(all(sims["loci_per_trait", ] == 10))
  # about 42% of the weighted loci are in more than one trait; nearly every trait shares one
  expect_lt(abs(avg[["shared_share"]] - ref[["shared_share"]]), 0.10)
  expect_lt(abs(avg[["traits_sharing"]] - ref[["traits_sharing"]]), 0.10)
  # about one pair in a hundred is live, in both
  expect_lt(avg[["live_share"]], 0.05)
  expect_lt(ref[["live_share"]], 0.05)
})

test_that("the shipped publication data carry a truth that reproduces their phenotypes", {
  d <- gpatlas_sim
  expect_s3_class(d, "gp_data")
  expect_identical(dim(d), c(600L, 3000L))
  expect_identical(dim(d$pheno), c(600L, 30L))
  expect_identical(typeof(d$geno), "integer")
  expect_equal(unname(d$pheno), expected_phenotypes(d), tolerance = 1e-7)
  expect_identical(sum(d$truth$interactions$live), 1L)
  expect_identical(length(d$truth$causal_loci), 185L)
  causal_allele <- as.vector(t(apply(d$truth$weights != 0, c(1, 2), any)))
  expect_identical(sum(causal_allele), 555L)
  parts <- gp_split(d, 0.8, method = "sequential")
  expect_identical(parts$train_index, 1:480)
  expect_identical(parts$test_index, 481:600)
  expect_identical(nrow(gpatlas_sim_published), 30L)
  expect_identical(gpatlas_sim_published$trait, colnames(d$pheno))
})

test_that("gp_simulate checks its arguments", {
  expect_error(gp_simulate(n = 0), "`n` must be")
  expect_error(gp_simulate(n = 1e12), "`n` .* exceeds the largest integer")
  expect_error(gp_simulate(n = 1e6, n_loci = 1e4), "exceeds the .* genotype calls")
  expect_error(gp_simulate(n_loci = Inf), "`n_loci` must be")
  expect_error(gp_simulate(n_alleles = 1), "`n_alleles` must be .* >= 2")
  expect_error(gp_simulate(n_loci = 5, n_causal = 6), "cannot exceed")
  expect_error(gp_simulate(p_pleio = 1.5), "`p_pleio` must be")
  expect_error(gp_simulate(p_interact = -0.1), "`p_interact` must be")
  expect_error(gp_simulate(noise = -1), "`noise` must be")
  expect_error(gp_simulate(seed = NA), "`seed` must be")
  expect_error(gp_simulate(seed = Inf), "`seed` must be")
  expect_error(gp_simulate(seed = 1e20), "`seed` must be .* within")
  expect_error(gp_simulate(downsample = NA), "`downsample` must be")
  expect_error(gp_simulate(epistasis = "chained"), "should be one of")
  expect_error(gp_simulate(epistasis_var = 1), "`epistasis_var` must be")
  expect_error(gp_simulate(epistasis_var = NA), "`epistasis_var` must be")
})
