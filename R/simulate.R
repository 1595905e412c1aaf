# Simulator of multi-trait genotype-phenotype data with pleiotropy, epistasis and truth.

#' Simulate genotypes and phenotypes with a known genetic architecture
#'
#' Implements the generator of the simulated data that G-P Atlas was validated
#' on (Avasthi, Mets and York 2024), down-sampling included, and returns the
#' generating model with the data so that predictions and variable importance
#' can be scored against it. With the defaults the statistics of the result
#' match those of the publication's released data set ([gpatlas_sim]): trait
#' means near 50 and standard deviations near 7, exactly `n_causal` weighted
#' loci per trait, about 185 weighted loci in all of which about 17 affect more
#' than one trait, and about 1% of the interaction pairs live.
#'
#' The model:
#' 1. Genotypes: every individual carries one of `n_alleles` states at every
#'    locus, drawn uniformly and independently.
#' 2. First-drawn loci: each trait draws `n_causal` distinct loci; each allele
#'    of such a locus gets a weight drawn from U(0, 10).
#' 3. Pleiotropy: each first-drawn (trait, locus) pair is copied to every other
#'    trait with probability `p_pleio`, with the same allele weights (recorded
#'    in `truth$pleiotropy`). A locus that a trait already carries keeps the
#'    weights it has.
#' 4. Down-sampling (`downsample = TRUE`): every trait keeps `n_causal` of its
#'    weighted loci, drawn at random; the weights of the others become 0. So
#'    only about one of a trait's own first-drawn loci survives, and most of
#'    its loci come from other traits.
#' 5. Interactions, by `epistasis`:
#'    * `"publication"`: pairs of a trait's first-drawn loci, formed in draw
#'      order, each pair with probability `p_interact` and each locus in at
#'      most one pair, for one allele drawn at random. A pair is *live* only
#'      when both loci still carry weight in the trait after down-sampling;
#'      then individuals carrying that allele at both loci get the product of
#'      the two weights instead of their sum (`w1 * w2` instead of
#'      `w1 + w2`), as in the released data.
#'    * `"live"`: the pairs are drawn the same way among each trait's
#'      surviving loci, so every pair is live (a trait with no pair gets one
#'      at random). The same multiplicative term is scaled per trait so that
#'      the interaction terms carry a share `epistasis_var` of the trait's
#'      variance in the simulated sample.
#'    * `"none"`: purely additive traits.
#' 6. Phenotype = sum of the weights of the alleles carried, plus the live
#'    interaction terms, plus noise drawn uniformly from `[-s, s]` with
#'    `s = noise * mean` of the noiseless phenotype. The publication trained
#'    and tested on the noiseless values (`noise = 0`); its simulator also
#'    wrote a copy with `noise = 0.01`.
#'
#' @param n Number of individuals.
#' @param n_loci Number of loci.
#' @param n_alleles Number of allelic states per locus (at least 2).
#' @param n_phenotypes Number of phenotypes.
#' @param n_causal Number of loci first drawn per phenotype, and the number
#'   each phenotype keeps after down-sampling.
#' @param p_pleio Probability that a first-drawn locus is copied to each other
#'   phenotype.
#' @param p_interact Probability that a pair of loci of a phenotype interacts.
#' @param noise Noise amplitude as a fraction of each phenotype's mean.
#' @param seed Optional seed (a whole number within the integer range). With
#'   a seed the result is reproducible and the caller's random number stream
#'   is left untouched.
#' @param downsample Down-sample every phenotype back to `n_causal` weighted
#'   loci after pleiotropy (the publication's generator does).
#' @param epistasis `"publication"` (pairs among the first-drawn loci, live
#'   only where both survive down-sampling), `"live"` (pairs among the
#'   surviving loci, all live, carrying `epistasis_var` of the variance) or
#'   `"none"`.
#' @param epistasis_var With `epistasis = "live"`: the share of each
#'   phenotype's variance carried by its interaction terms, in `[0, 1)`.
#'
#' @return A [gp_data()] object with markers `locus_0001`, ... (chromosome
#'   and position `NA`), traits `phen_01`, ..., individuals `ind_0001`, ...,
#'   and `truth`, a list with
#'   * `weights`: numeric array `n_loci` x `n_alleles` x `n_phenotypes` of
#'     the allele weights after down-sampling (0 where a locus does not affect
#'     a phenotype), with dimnames marker, allele code, trait;
#'   * `causal`: data frame with columns `phenotype` (trait name), `locus`
#'     (integer column index into `geno`) and `role` (`"primary"` for a
#'     trait's own first-drawn locus, `"pleiotropic"` for one copied from
#'     another trait), one row per weighted (phenotype, locus) pair;
#'   * `drawn`: data frame with columns `phenotype` and `locus`: the loci
#'     each phenotype first drew, in draw order, before down-sampling;
#'   * `pleiotropy`: data frame with columns `source`, `target` (trait names)
#'     and `locus`: every pleiotropic copy drawn, before down-sampling;
#'   * `interactions`: data frame with columns `phenotype` (trait name),
#'     `locus1`, `locus2` (integer column indices), `allele` (integer allele
#'     code, 0-based like `geno`), `live` (logical: both loci carry weight in
#'     the phenotype) and `effect` (what the pair adds to the phenotype of an
#'     individual carrying `allele` at both loci; 0 when not live);
#'   * `causal_loci`: sorted integer indices of the loci with a weight;
#'   * `interacting_loci`: sorted integer indices of the loci in a live pair;
#'   * `settings`: the arguments used.
#'
#'   The noiseless phenotype of trait `p` is
#'   `sum(weights[cbind(1:n_loci, geno + 1, p)])` plus `effect` for every
#'   live pair of `p` whose two loci both carry `allele`.
#' @references Avasthi P, Mets DG, York R (2024). Simulating genotype-phenotype
#'   maps. \doi{10.57844/arcadia-5953-995f}
#' @seealso [gpatlas_sim], the publication's data made by this generator.
#' @export
#' @examples
#' d <- gp_simulate(n = 40, n_loci = 50, n_phenotypes = 3, n_causal = 3,
#'                  seed = 1)
#' d
#' d$truth$causal_loci
#' head(d$truth$causal)
#' # interactions that matter: every pair live, 30% of the variance
#' e <- gp_simulate(n = 200, n_loci = 100, n_phenotypes = 4, n_causal = 5,
#'                  epistasis = "live", epistasis_var = 0.3, seed = 1)
#' e$truth$interactions
gp_simulate <- function(n = 600, n_loci = 3000, n_alleles = 3,
                        n_phenotypes = 30, n_causal = 10, p_pleio = 0.2,
                        p_interact = 0.2, noise = 0, seed = NULL,
                        downsample = TRUE,
                        epistasis = c("publication", "live", "none"),
                        epistasis_var = 0.3) {
  n <- check_count(n, "n")
  n_loci <- check_count(n_loci, "n_loci")
  n_alleles <- check_count(n_alleles, "n_alleles", min = 2L)
  n_phenotypes <- check_count(n_phenotypes, "n_phenotypes")
  n_causal <- check_count(n_causal, "n_causal")
  if (n_causal > n_loci) {
    stop(sprintf("`n_causal` (%d) cannot exceed `n_loci` (%d).",
                 n_causal, n_loci), call. = FALSE)
  }
  if (as.double(n) * n_loci > .Machine$integer.max) {
    stop(sprintf("`n` x `n_loci` (%.0f) exceeds the %d genotype calls gp_simulate() can draw.",
                 as.double(n) * n_loci, .Machine$integer.max), call. = FALSE)
  }
  check_probability(p_pleio, "p_pleio")
  check_probability(p_interact, "p_interact")
  if (!is.numeric(noise) || length(noise) != 1L || !is.finite(noise) ||
      noise < 0) {
    stop("`noise` must be a single non-negative number.", call. = FALSE)
  }
  check_seed(seed)
  if (!is.logical(downsample) || length(downsample) != 1L || is.na(downsample)) {
    stop("`downsample` must be TRUE or FALSE.", call. = FALSE)
  }
  if (!is.character(epistasis)) {
    stop("`epistasis` must be one of \"publication\", \"live\", \"none\".", call. = FALSE)
  }
  epistasis <- match.arg(epistasis)
  if (!is.numeric(epistasis_var) || length(epistasis_var) != 1L ||
      is.na(epistasis_var) || epistasis_var < 0 || epistasis_var >= 1) {
    stop("`epistasis_var` must be a single number in [0, 1).", call. = FALSE)
  }

  settings <- list(n = n, n_loci = n_loci, n_alleles = n_alleles,
                   n_phenotypes = n_phenotypes, n_causal = n_causal,
                   p_pleio = p_pleio, p_interact = p_interact, noise = noise,
                   seed = seed, downsample = downsample, epistasis = epistasis,
                   epistasis_var = epistasis_var)
  with_rng_seed(seed, simulate_architecture(settings))
}

# Draws in a fixed order (genotypes, first-drawn loci, weights, pleiotropy,
# down-sampling, interactions, noise) so a seed always reproduces the same data.
simulate_architecture <- function(s) {
  n <- s$n
  n_loci <- s$n_loci
  n_alleles <- s$n_alleles
  m <- s$n_phenotypes
  k <- s$n_causal

  marker_names <- pad_names("locus_", n_loci)
  trait_names <- pad_names("phen_", m, min_width = 2L)

  geno <- matrix(sample.int(n_alleles, n * n_loci, replace = TRUE) - 1L,
                 nrow = n, ncol = n_loci)

  # Row r of the first-drawn table is (trait primary_p[r], locus primary_l[r]).
  primary_l <- as.vector(vapply(seq_len(m), function(p) sample.int(n_loci, k),
                                integer(k)))
  primary_p <- rep(seq_len(m), each = k)
  n_primary <- length(primary_l)
  primary_w <- matrix(stats::runif(n_primary * n_alleles, 0, 10),
                      nrow = n_primary)

  pleio_draw <- matrix(stats::runif(n_primary * m) < s$p_pleio,
                       nrow = n_primary)
  pleio_draw[cbind(seq_len(n_primary), primary_p)] <- FALSE
  hits <- which(pleio_draw, arr.ind = TRUE)
  hits <- hits[order(hits[, 1L], hits[, 2L]), , drop = FALSE]
  pleiotropy <- data.frame(
    source = trait_names[primary_p[hits[, 1L]]],
    target = trait_names[hits[, 2L]],
    locus = as.integer(primary_l[hits[, 1L]]),
    stringsAsFactors = FALSE
  )

  cand <- simulate_candidates(primary_p, primary_l, hits, m, k, s$downsample)
  weights <- array(0, dim = c(n_loci, n_alleles, m),
                   dimnames = list(marker_names,
                                   as.character(seq_len(n_alleles) - 1L),
                                   trait_names))
  for (a in seq_len(n_alleles)) {
    weights[cbind(cand$l, a, cand$p)] <- primary_w[cand$src, a]
  }
  inter <- simulate_interactions(s, primary_l, primary_p, cand, weights)
  causal_idx <- sort(unique(cand$l))
  traits <- simulate_traits(s, geno, weights, causal_idx, inter)
  inter <- traits$inter
  pheno <- traits$pheno
  colnames(pheno) <- trait_names

  data <- gp_data(
    pheno, geno,
    markers = data.frame(marker = marker_names, chr = NA_character_,
                         pos = NA_real_, stringsAsFactors = FALSE),
    n_alleles = n_alleles
  )
  data$truth <- simulate_truth(s, trait_names, weights, cand, inter, primary_p, primary_l,
                               pleiotropy, causal_idx)
  data
}

# Every (trait, locus) with a weight before down-sampling: the trait's own
# loci first, then the copies in draw order; a locus already held keeps its
# weights. With `downsample`, each trait keeps `k` of them at random.
simulate_candidates <- function(primary_p, primary_l, hits, m, k, downsample) {
  n_primary <- length(primary_l)
  cand <- data.frame(
    p = c(primary_p, as.integer(hits[, 2L])),
    l = c(primary_l, primary_l[hits[, 1L]]),
    src = c(seq_len(n_primary), hits[, 1L]),
    primary = rep(c(TRUE, FALSE), c(n_primary, nrow(hits)))
  )
  cand <- cand[!duplicated(cand[, c("p", "l")]), , drop = FALSE]
  cand <- cand[order(cand$p, !cand$primary), , drop = FALSE]
  keep <- rep(TRUE, nrow(cand))
  if (downsample) {
    for (p in seq_len(m)) {
      rows <- which(cand$p == p)
      if (length(rows) > k) {
        keep[rows] <- FALSE
        keep[rows[sample.int(length(rows), k)]] <- TRUE
      }
    }
  }
  cand[keep, , drop = FALSE]
}

# The interacting pairs of the chosen epistasis model, with whether both loci act on the
# trait (`live`) and their effect before any rescaling.
simulate_interactions <- function(s, primary_l, primary_p, cand, weights) {
  m <- s$n_phenotypes
  inter <- switch(
    s$epistasis,
    publication = draw_pairs(split(primary_l, primary_p), s$n_alleles,
                             s$p_interact, at_least_one = FALSE),
    live = draw_pairs(split(cand$l, factor(cand$p, levels = seq_len(m))),
                      s$n_alleles, s$p_interact, at_least_one = TRUE),
    none = draw_pairs(list(), s$n_alleles, 0, FALSE)
  )
  # rep(): cbind() would recycle a scalar into a bogus row when there are no pairs.
  one <- rep(1L, nrow(inter))
  inter$live <- weights[cbind(inter$locus1, one, inter$phenotype)] != 0 &
    weights[cbind(inter$locus2, one, inter$phenotype)] != 0
  w1 <- weights[cbind(inter$locus1, inter$allele + 1L, inter$phenotype)]
  w2 <- weights[cbind(inter$locus2, inter$allele + 1L, inter$phenotype)]
  inter$effect <- ifelse(inter$live, w1 * w2 - w1 - w2, 0)
  inter
}

# Phenotypes: additive effects plus interactions (rescaled to their share of the variance
# under "live" epistasis) plus uniform noise. Returns the phenotypes and the interactions
# with their effects as applied.
simulate_traits <- function(s, geno, weights, causal_idx, inter) {
  n <- nrow(geno)
  m <- s$n_phenotypes
  additive <- matrix(0, n, m)
  g_causal <- geno[, causal_idx, drop = FALSE]
  for (a in seq_len(s$n_alleles)) {
    w_a <- matrix(weights[causal_idx, a, ], nrow = length(causal_idx))
    additive <- additive + ((g_causal == a - 1L) * 1) %*% w_a
  }
  pairs <- interaction_terms(geno, inter, m)
  if (s$epistasis == "live") {
    scale <- vapply(seq_len(m), function(p) {
      epistasis_scale(additive[, p], pairs[, p], s$epistasis_var)
    }, numeric(1))
    inter$effect <- inter$effect * scale[inter$phenotype]
    pairs <- sweep(pairs, 2L, scale, `*`)
  }
  clean <- additive + pairs

  amplitude <- s$noise * colMeans(clean)
  pheno <- clean + matrix(stats::runif(n * m, -1, 1), n, m) *
    rep(amplitude, each = n)
  list(pheno = pheno, inter = inter)
}

# The generating model as gp_simulate() documents it under `truth`.
simulate_truth <- function(s, trait_names, weights, cand, inter, primary_p, primary_l,
                           pleiotropy, causal_idx) {
  causal <- data.frame(
    phenotype = trait_names[cand$p],
    locus = as.integer(cand$l),
    role = ifelse(cand$primary, "primary", "pleiotropic"),
    stringsAsFactors = FALSE
  )
  causal <- causal[order(cand$p, !cand$primary, cand$l), , drop = FALSE]
  rownames(causal) <- NULL

  interaction_table <- data.frame(
    phenotype = trait_names[inter$phenotype],
    locus1 = inter$locus1,
    locus2 = inter$locus2,
    allele = inter$allele,
    live = inter$live,
    effect = inter$effect,
    stringsAsFactors = FALSE
  )

  list(
    weights = weights,
    causal = causal,
    drawn = data.frame(phenotype = trait_names[primary_p],
                       locus = as.integer(primary_l),
                       stringsAsFactors = FALSE),
    pleiotropy = pleiotropy,
    interactions = interaction_table,
    causal_loci = causal_idx,
    interacting_loci = sort(unique(c(inter$locus1[inter$live],
                                     inter$locus2[inter$live]))),
    settings = s
  )
}

# Pairs the loci of each trait (list element p holds trait p's loci in order):
# pairs (i, j), i < j, are visited in order and each becomes an interaction
# with probability p_interact when neither locus is paired yet. Returns a data
# frame with integer columns phenotype, locus1, locus2 and allele (0-based).
draw_pairs <- function(loci_by_trait, n_alleles, p_interact, at_least_one) {
  out <- list()
  for (p in seq_along(loci_by_trait)) {
    loci <- loci_by_trait[[p]]
    k <- length(loci)
    if (k < 2L) next
    pairs <- utils::combn(k, 2L)
    chosen <- stats::runif(ncol(pairs)) < p_interact
    used <- logical(k)
    take <- integer(0)
    for (j in which(chosen)) {
      a <- pairs[1L, j]
      b <- pairs[2L, j]
      if (!used[a] && !used[b]) {
        used[c(a, b)] <- TRUE
        take <- c(take, j)
      }
    }
    if (at_least_one && !length(take)) {
      take <- sample.int(ncol(pairs), 1L)
    }
    if (!length(take)) next
    out[[length(out) + 1L]] <- data.frame(
      phenotype = p,
      locus1 = as.integer(loci[pairs[1L, take]]),
      locus2 = as.integer(loci[pairs[2L, take]]),
      allele = sample.int(n_alleles, length(take), replace = TRUE) - 1L
    )
  }
  if (!length(out)) {
    return(data.frame(phenotype = integer(0), locus1 = integer(0),
                      locus2 = integer(0), allele = integer(0)))
  }
  do.call(rbind, out)
}

# n x m matrix: per trait, the summed effects of the live pairs an individual
# carries (the pair's allele at both loci).
interaction_terms <- function(geno, inter, m) {
  out <- matrix(0, nrow(geno), m)
  for (r in which(inter$live)) {
    both <- geno[, inter$locus1[r]] == inter$allele[r] &
      geno[, inter$locus2[r]] == inter$allele[r]
    out[, inter$phenotype[r]] <- out[, inter$phenotype[r]] + both * inter$effect[r]
  }
  out
}

# The factor c such that var(c * e) / var(a + c * e) = share in the sample:
# the positive root of (1 - share) var(e) c^2 - 2 share cov(a, e) c - share var(a) = 0.
epistasis_scale <- function(a, e, share) {
  ve <- stats::var(e)
  if (share == 0 || !is.finite(ve) || ve <= 0) {
    return(if (share == 0) 0 else 1)
  }
  va <- stats::var(a)
  cv <- stats::cov(a, e)
  qa <- (1 - share) * ve
  qb <- -2 * share * cv
  qc <- -share * va
  (-qb + sqrt(qb^2 - 4 * qa * qc)) / (2 * qa)
}
