# Genotype probabilities as the model's genotype input: checks and documentation.

#' Genotype probabilities as model input
#'
#' A [gp_data()] object may carry genotype probabilities (element `probs`, an
#' array individuals x states x markers), for instance the output of
#' `qtl2::calc_genoprob()` or `qtl2::genoprob_to_alleleprob()` brought in by
#' [as_gp_data.cross2()], or imputed dosages given to [gp_data()]. The model
#' then takes, at every locus, the probability vector where it took the
#' one-hot vector of a hard call. A hard call is the special case of a vector
#' with one 1, so a fit on the one-hot vectors of the calls equals a fit on
#' the calls.
#'
#' Each part of the model is defined for a probability vector `p` by being
#' linear in its one-hot input:
#' * **Networks.** The first genotype layer multiplies the input by its
#'   weights, so a locus contributes `sum_a p_a W[, a]`.
#' * **Training noise** (`geno_flip`). A flipped input `x` becomes `1 - x`:
#'   a bit flips as before, and a probability `p` becomes `1 - p` (the
#'   expected value of a flipped bit that is set with probability `p`).
#' * **Additive path.** The design columns are the probabilities instead of
#'   the indicators; allele frequencies are mean probabilities. A locus adds
#'   `sum_a p_a coef[a]`. A pair term's side is `p_a - centre` (the expected
#'   centred indicator); a pair of alleles is a candidate when at least 10
#'   training individuals are expected to carry both (the sum of `p1 p2`).
#' * **Importance.** Ablating allele `a` of individual `i` sets its input
#'   `p_a` to 0 (for a call, the carried allele's 1), leaving the other
#'   alleles' inputs as they are; every allele with a non-zero probability is
#'   ablated, so an individual has up to `n_alleles` importances per locus
#'   (one for a call). In the additive path the change is `p_a coef[a]` plus
#'   `p_a` times each pair term's change per unit of the allele's input.
#' * **VIDA** scores the individual x allele importance matrix: an allele
#'   with probability 0 in an individual has importance 0 there, which VIDA
#'   treats as absent, as it treats a non-carried allele of a call.
#'
#' A vector of `NA` (or of zeros) is a missing call, as an `NA` code is. Other
#' vectors must be non-negative and sum to 1 (within 1e-3). The other analyses
#' ([gp_qtl_baseline()], [gp_split()] summaries, allele tables) use the calls in
#' `geno`. Removing `probs` (`data$probs <- NULL`) fits the calls instead.
#' Predictions of a fit on probabilities for data without them use the calls'
#' one-hot vectors, and the other way round.
#'
#' @name gp_probs
#' @seealso [gp_data()], [as_gp_data.cross2()], [gp_importance()]
#' @examples
#' # Probabilities that put all mass on the calls give the fit of the calls.
#' sim <- gp_simulate(n = 60, n_loci = 20, n_phenotypes = 2, n_causal = 2, seed = 1)
#' p <- array(0, c(60, sim$n_alleles, 20))
#' for (a in seq_len(sim$n_alleles)) p[, a, ] <- sim$geno == a - 1L
#' soft <- gp_data(sim$pheno, sim$geno, probs = p)
#' soft
#' ctl <- gpatlas_control(epochs_pheno = 2, epochs_geno = 2, geno_hidden = 8,
#'                        latent_dim = 2, verbose = FALSE, threads = 1)
#' all.equal(predict(gpatlas(. ~ ., soft, ctl), soft),
#'           predict(gpatlas(. ~ ., sim, ctl), sim))
NULL

# Number of states of a probability array (its second dimension).
probs_states <- function(probs) {
  if (!is.array(probs) || length(dim(probs)) != 3L) {
    stop("`probs` must be a 3-dimensional array individuals x states x markers.", call. = FALSE)
  }
  dim(probs)[2L]
}

# Validated probabilities for individuals `ids` and markers `markers`: double, n_alleles
# states (states the array lacks are added with probability 0), dimnames (ids, states,
# markers); vectors must be NA/zero or sum to 1.
check_probs <- function(probs, ids, markers, n_alleles) {
  d <- dim(probs)
  if (!is.numeric(probs) && !all(is.na(probs))) {
    stop("`probs` must be numeric.", call. = FALSE)
  }
  if (d[1L] != length(ids) || d[3L] != length(markers)) {
    stop(sprintf("`probs` is %d individuals x %d markers; the genotypes are %d x %d.",
                 d[1L], d[3L], length(ids), length(markers)), call. = FALSE)
  }
  names_in <- dimnames(probs)
  if (!is.null(names_in[[1L]]) && !identical(as.character(names_in[[1L]]), ids)) {
    stop("The individuals of `probs` (its row names) differ from the genotypes'.", call. = FALSE)
  }
  if (!is.null(names_in[[3L]]) && !identical(as.character(names_in[[3L]]), markers)) {
    stop("The markers of `probs` (its third dimnames) differ from the genotypes'.", call. = FALSE)
  }
  if (!is.double(probs)) storage.mode(probs) <- "double"
  chk <- cpp_probs_check(probs)  # one pass: range and sums
  if (is.finite(chk$min) && (chk$min < 0 || chk$max > 1 + 1e-3)) {
    stop(sprintf("`probs` holds %g, outside [0, 1].", if (chk$min < 0) chk$min else chk$max),
         call. = FALSE)
  }
  if (chk$individual > 0L) {
    stop(sprintf(paste0("The probabilities of individual %d at marker %d sum to %g; each ",
                        "vector must sum to 1 (or be NA for a missing call)."),
                 chk$individual, chk$locus, chk$sum), call. = FALSE)
  }
  states <- names_in[[2L]]
  if (is.null(states)) states <- as.character(seq_len(d[2L]) - 1L)
  if (d[2L] < n_alleles) states <- c(states, as.character(seq.int(d[2L], n_alleles - 1L)))
  probs <- pad_states(probs, n_alleles)
  dimnames(probs) <- list(ids, states, markers)
  probs
}

# A probability array with n_alleles states: states it lacks are added with probability 0.
pad_states <- function(probs, n_alleles) {
  d <- dim(probs)
  if (d[2L] >= n_alleles) return(probs)
  full <- array(0, c(d[1L], n_alleles, d[3L]))
  full[, seq_len(d[2L]), ] <- probs
  full
}
