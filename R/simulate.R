# Simulator of multi-trait genotype-phenotype data with pleiotropy, epistasis and truth.

#' Simulate genotypes and phenotypes with a known genetic architecture
#'
#' Implements the simulator used to benchmark G-P Atlas (Avasthi, Mets and
#' York 2024), returning the generating model with the data so that variable
#' importance can be scored against it.
#'
#' The model:
#' 1. Genotypes: every individual carries one of `n_alleles` states at every
#'    locus, drawn uniformly and independently.
#' 2. Primary causal loci: each phenotype gets `n_causal` distinct loci drawn
#'    at random; each allele of such a locus gets a weight drawn from U(0, 10).
#' 3. Pleiotropy: each primary (phenotype, locus) pair also affects every other
#'    phenotype with probability `p_pleio`, with the same allele weights. A
#'    locus that is already causal for that phenotype keeps its own weights.
#' 4. Interactions: each pair of primary loci of a phenotype interacts with
#'    probability `p_interact`, for one allele drawn at random. The weighted
#'    allele of `locus1` (weight x indicator) is replaced by its product with
#'    the weighted allele of `locus2`, whose own contribution becomes 0.
#'    Interactions sharing a locus and allele are applied in the order of
#'    `truth$interactions`, each on the current values.
#' 5. Phenotype = sum of the weighted alleles after the interactions, plus
#'    noise drawn uniformly from `[-s, s]` with `s = noise * mean` of the
#'    noiseless phenotype, so `noise = 0.01` is the publication's 1% noise.
#'
#' @param n Number of individuals.
#' @param n_loci Number of loci.
#' @param n_alleles Number of allelic states per locus (at least 2).
#' @param n_phenotypes Number of phenotypes.
#' @param n_causal Number of primary causal loci per phenotype.
#' @param p_pleio Probability that a primary causal locus also affects each
#'   other phenotype.
#' @param p_interact Probability that a pair of primary causal loci of a
#'   phenotype interacts.
#' @param noise Noise amplitude as a fraction of each phenotype's mean.
#' @param seed Optional seed. With a seed the result is reproducible and the
#'   caller's random number stream is left untouched.
#'
#' @return A [gp_data()] object with markers `locus_0001`, ... (chromosome
#'   and position `NA`), traits `phen_01`, ..., individuals `ind_0001`, ...,
#'   and `truth`, a list with
#'   * `weights`: numeric array `n_loci` x `n_alleles` x `n_phenotypes` of
#'     allele weights (0 where a locus does not affect a phenotype), with
#'     dimnames marker, allele code, trait;
#'   * `causal`: data frame with columns `phenotype` (trait name), `locus`
#'     (integer column index into `geno`) and `role` (`"primary"` or
#'     `"pleiotropic"`), one row per causal (phenotype, locus) pair;
#'   * `interactions`: data frame with columns `phenotype` (trait name),
#'     `locus1`, `locus2` (integer column indices) and `allele` (integer allele
#'     code, 0-based like `geno`);
#'   * `causal_loci`: sorted integer indices of all causal loci;
#'   * `interacting_loci`: sorted integer indices of loci in an interaction;
#'   * `settings`: the arguments used.
#' @export
#' @examples
#' d <- gp_simulate(n = 40, n_loci = 50, n_phenotypes = 3, n_causal = 3,
#'                  seed = 1)
#' d
#' d$truth$causal_loci
#' head(d$truth$causal)
gp_simulate <- function(n = 600, n_loci = 3000, n_alleles = 3,
                        n_phenotypes = 30, n_causal = 10, p_pleio = 0.2,
                        p_interact = 0.2, noise = 0.01, seed = NULL) {
  n <- check_count(n, "n")
  n_loci <- check_count(n_loci, "n_loci")
  n_alleles <- check_count(n_alleles, "n_alleles", min = 2L)
  n_phenotypes <- check_count(n_phenotypes, "n_phenotypes")
  n_causal <- check_count(n_causal, "n_causal")
  if (n_causal > n_loci) {
    stop(sprintf("`n_causal` (%d) cannot exceed `n_loci` (%d).",
                 n_causal, n_loci), call. = FALSE)
  }
  check_probability(p_pleio, "p_pleio")
  check_probability(p_interact, "p_interact")
  if (!is.numeric(noise) || length(noise) != 1L || !is.finite(noise) ||
      noise < 0) {
    stop("`noise` must be a single non-negative number.", call. = FALSE)
  }
  check_seed(seed)

  settings <- list(n = n, n_loci = n_loci, n_alleles = n_alleles,
                   n_phenotypes = n_phenotypes, n_causal = n_causal,
                   p_pleio = p_pleio, p_interact = p_interact, noise = noise,
                   seed = seed)
  with_rng_seed(seed, simulate_architecture(settings))
}

check_count <- function(x, name, min = 1L) {
  if (!is.numeric(x) || length(x) != 1L || !is.finite(x) || x != round(x) ||
      x < min) {
    stop(sprintf("`%s` must be a single whole number >= %d.", name, min),
         call. = FALSE)
  }
  as.integer(x)
}

check_probability <- function(x, name) {
  if (!is.numeric(x) || length(x) != 1L || is.na(x) || x < 0 || x > 1) {
    stop(sprintf("`%s` must be a single probability in [0, 1].", name),
         call. = FALSE)
  }
  invisible(x)
}

# Draws in a fixed order (genotypes, causal loci, weights, pleiotropy,
# interactions, noise) so a seed always reproduces the same data set.
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

  # Row r of the primary table is (phenotype primary_p[r], locus primary_l[r]).
  primary_l <- as.vector(vapply(seq_len(m), function(p) sample.int(n_loci, k),
                                integer(k)))
  primary_p <- rep(seq_len(m), each = k)
  n_primary <- length(primary_l)
  primary_w <- matrix(stats::runif(n_primary * n_alleles, 0, 10),
                      nrow = n_primary)

  weights <- array(0, dim = c(n_loci, n_alleles, m),
                   dimnames = list(marker_names,
                                   as.character(seq_len(n_alleles) - 1L),
                                   trait_names))
  for (a in seq_len(n_alleles)) {
    weights[cbind(primary_l, a, primary_p)] <- primary_w[, a]
  }

  pleio_draw <- matrix(stats::runif(n_primary * m) < s$p_pleio,
                       nrow = n_primary)
  pleio_draw[cbind(seq_len(n_primary), primary_p)] <- FALSE
  hits <- which(pleio_draw, arr.ind = TRUE)
  hits <- hits[order(hits[, 1L], hits[, 2L]), , drop = FALSE]
  pleio_src <- hits[, 1L]
  pleio_l <- primary_l[pleio_src]
  pleio_p <- as.integer(hits[, 2L])
  pair_key <- function(l, p) l + (p - 1) * n_loci
  keep <- !(pair_key(pleio_l, pleio_p) %in% pair_key(primary_l, primary_p)) &
    !duplicated(pair_key(pleio_l, pleio_p))
  pleio_src <- pleio_src[keep]
  pleio_l <- pleio_l[keep]
  pleio_p <- pleio_p[keep]
  # cbind() would recycle the allele index into a bogus row when empty.
  if (length(pleio_l)) {
    for (a in seq_len(n_alleles)) {
      weights[cbind(pleio_l, a, pleio_p)] <- primary_w[pleio_src, a]
    }
  }

  interactions <- draw_interactions(primary_l, k, m, n_alleles, s$p_interact)

  causal_idx <- sort(unique(primary_l))
  clean <- matrix(0, n, m)
  g_causal <- geno[, causal_idx, drop = FALSE]
  for (a in seq_len(n_alleles)) {
    w_a <- matrix(weights[causal_idx, a, ], nrow = length(causal_idx))
    clean <- clean + ((g_causal == a - 1L) * 1) %*% w_a
  }
  clean <- apply_interactions(clean, geno, weights, interactions)

  scale <- s$noise * colMeans(clean)
  pheno <- clean + matrix(stats::runif(n * m, -1, 1), n, m) *
    rep(scale, each = n)
  colnames(pheno) <- trait_names

  data <- gp_data(
    pheno, geno,
    markers = data.frame(marker = marker_names, chr = NA_character_,
                         pos = NA_real_, stringsAsFactors = FALSE),
    n_alleles = n_alleles
  )

  causal <- data.frame(
    phenotype = trait_names[c(primary_p, pleio_p)],
    locus = as.integer(c(primary_l, pleio_l)),
    role = rep(c("primary", "pleiotropic"),
               c(length(primary_l), length(pleio_l))),
    stringsAsFactors = FALSE
  )
  causal <- causal[order(c(primary_p, pleio_p), causal$role != "primary",
                         causal$locus), ]
  rownames(causal) <- NULL

  interaction_table <- data.frame(
    phenotype = trait_names[interactions$phenotype],
    locus1 = interactions$locus1,
    locus2 = interactions$locus2,
    allele = interactions$allele,
    stringsAsFactors = FALSE
  )

  data$truth <- list(
    weights = weights,
    causal = causal,
    interactions = interaction_table,
    causal_loci = causal_idx,
    interacting_loci = sort(unique(c(interactions$locus1,
                                     interactions$locus2))),
    settings = s
  )
  data
}

# Returns a data frame with integer columns phenotype (index), locus1, locus2
# and allele (0-based); one row per interacting pair.
draw_interactions <- function(primary_l, k, m, n_alleles, p_interact) {
  empty <- data.frame(phenotype = integer(0), locus1 = integer(0),
                      locus2 = integer(0), allele = integer(0))
  if (k < 2L) {
    return(empty)
  }
  pairs <- utils::combn(k, 2L)
  n_pairs <- ncol(pairs)
  chosen <- stats::runif(n_pairs * m) < p_interact
  allele <- sample.int(n_alleles, n_pairs * m, replace = TRUE) - 1L
  phen <- rep(seq_len(m), each = n_pairs)
  slot1 <- rep(pairs[1L, ], m) + (phen - 1L) * k
  slot2 <- rep(pairs[2L, ], m) + (phen - 1L) * k
  out <- data.frame(
    phenotype = phen[chosen],
    locus1 = as.integer(primary_l[slot1[chosen]]),
    locus2 = as.integer(primary_l[slot2[chosen]]),
    allele = as.integer(allele[chosen])
  )
  if (!nrow(out)) empty else out
}

# Replaces additive terms by interaction terms. Only the few affected
# (locus, allele) terms are tracked, so the cost is independent of n_loci.
apply_interactions <- function(clean, geno, weights, interactions) {
  if (!nrow(interactions)) {
    return(clean)
  }
  for (p in unique(interactions$phenotype)) {
    rows <- which(interactions$phenotype == p)
    original <- list()
    current <- list()
    term <- function(l, a) {
      key <- paste(l, a)
      if (is.null(current[[key]])) {
        value <- weights[l, a + 1L, p] * (geno[, l] == a)
        original[[key]] <<- value
        current[[key]] <<- value
      }
      key
    }
    for (r in rows) {
      a <- interactions$allele[r]
      key1 <- term(interactions$locus1[r], a)
      key2 <- term(interactions$locus2[r], a)
      current[[key1]] <- current[[key1]] * current[[key2]]
      current[[key2]] <- current[[key2]] * 0
    }
    for (key in names(current)) {
      clean[, p] <- clean[, p] + current[[key]] - original[[key]]
    }
  }
  clean
}
