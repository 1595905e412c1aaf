# Locus importance as R/qtl2 scan1 objects, their map, and a permutation threshold.

#' Locus importance as an R/qtl2 `scan1` result
#'
#' Recasts the locus importance of [gp_importance()] as a genome scan in the
#' format of R/qtl2's `scan1()`, so that `qtl2::plot_scan1()`,
#' `qtl2::find_peaks()`, `qtl2::bayes_int()`, `qtl2::lod_int()` and
#' `qtl2::maxlod()` apply to it. The map these functions ask for is
#' [gp_qtl2_map()] of the result.
#'
#' Columns: `overall`, the locus importance of the whole model (the `loci`
#' element of the importance: maximum over a locus's alleles of the mean
#' squared change of the standardized prediction), and with `per_trait =
#' TRUE` one column per trait: the maximum over the locus's alleles of the
#' mean squared change of that trait's prediction (the `per_phenotype` element,
#' in the trait's units squared).
#'
#' The scores are not LOD scores: thresholds for `find_peaks()` are in
#' importance units (see [gp_importance_perm()] for a permutation threshold),
#' and `bayes_int()`, which treats `10^score` as a likelihood, is only a rough
#' guide. With `scale = "relative"` every column is divided by its largest
#' value, so the top locus of each column scores 1 and a `drop` of 0.5 in
#' `lod_int()` means "where importance stays above half the peak".
#'
#' @param importance A `gp_importance` object from [gp_importance()] with
#'   `from = "genotype"`.
#' @param per_trait Add one column per trait (see Details).
#' @param scale `"none"` (default) or `"relative"`.
#' @param ... Unused.
#' @return A numeric matrix of class `c("scan1", "matrix")`, loci x columns,
#'   row names the marker names, sorted by chromosome (numbered chromosomes by
#'   number, then the others such as X) and position, with attributes
#'   `sample_size` (named integer: the number of individuals the importance was
#'   computed on, per column) and `map` (the qtl2 map of the loci, also given by
#'   [gp_qtl2_map()]).
#' @seealso [as_gp_data.cross2()], [as_scanone()] for R/qtl.
#' @examples
#' sim <- gp_simulate(n = 60, n_loci = 20, n_phenotypes = 2, n_causal = 2, seed = 1)
#' sim$markers$chr <- rep(c("1", "2"), each = 10)
#' sim$markers$pos <- rep(seq(0, 90, by = 10), 2)
#' fit <- gpatlas(. ~ ., sim, gpatlas_control(epochs_pheno = 3, epochs_geno = 3,
#'                geno_hidden = 8, pheno_hidden = 8, decoder_hidden = 8,
#'                latent_dim = 2, verbose = FALSE))
#' s <- as_scan1(gp_importance(fit, sim, verbose = FALSE), scale = "relative")
#' head(unclass(s))
#' if (requireNamespace("qtl2", quietly = TRUE)) {
#'   qtl2::find_peaks(s, gp_qtl2_map(s), threshold = 0.5)
#' }
#' @export
as_scan1 <- function(importance, per_trait = TRUE, scale = c("none", "relative"), ...) {
  scale <- match.arg(scale)
  if (!inherits(importance, "gp_importance") || is.null(importance$loci)) {
    stop("`importance` must be a gp_importance object with from = \"genotype\".",
         call. = FALSE)
  }
  loci <- importance$loci
  unplaced <- is.na(loci$chr) | is.na(loci$pos)
  if (any(unplaced)) {
    stop(sprintf(paste0("A scan1 result needs a chromosome and position for every locus; ",
                        "marker '%s' has none (%d of %d loci unplaced)."),
                 loci$marker[which(unplaced)[1L]], sum(unplaced), nrow(loci)), call. = FALSE)
  }
  out <- matrix(as.numeric(loci$importance), ncol = 1L,
                dimnames = list(loci$marker, "overall"))
  if (isTRUE(per_trait)) {
    pp <- importance$per_phenotype
    a <- nrow(pp) %/% nrow(loci)
    per <- vapply(seq_len(ncol(pp)), function(t) {
      apply(matrix(pp[, t], nrow = a), 2L, max)
    }, numeric(nrow(loci)))
    per <- matrix(per, nrow(loci), dimnames = list(loci$marker, colnames(pp)))
    out <- cbind(out, per)
    colnames(out) <- make.unique(colnames(out))
  }
  if (scale == "relative") {
    top <- apply(out, 2L, max, na.rm = TRUE)
    top[!is.finite(top) | top <= 0] <- 1
    out <- sweep(out, 2L, top, "/")
  }
  chr <- as.character(loci$chr)
  levels_chr <- genome_order(unique(chr))
  ord <- order(match(chr, levels_chr), as.numeric(loci$pos))
  out <- out[ord, , drop = FALSE]
  map <- qtl2_map_from(chr[ord], as.numeric(loci$pos)[ord], loci$marker[ord], levels_chr)
  structure(out, sample_size = stats::setNames(rep(as.integer(importance$n), ncol(out)),
                                              colnames(out)),
            map = map, class = c("scan1", "matrix"))
}

#' The qtl2 map of a data set or genome scan
#'
#' Returns the marker map in R/qtl2's format: a list with one named numeric
#' vector of positions per chromosome (genome order), with attribute
#' `is_x_chr`. This is the `map` argument of `qtl2::plot_scan1()`,
#' `qtl2::find_peaks()` and `qtl2::bayes_int()` for results of [as_scan1()].
#'
#' @param x A `scan1` object from [as_scan1()], a [gp_data()] object (markers
#'   need chromosomes and positions) or a `gp_importance` object.
#' @return A list of named numeric vectors, one per chromosome, with attribute
#'   `is_x_chr` (named logical: chromosomes named X, or those recorded as X by
#'   [as_gp_data.cross2()]).
#' @examples
#' d <- gp_data(matrix(c(1, 2, 3), 3), matrix(c(0L, 1L, 1L, 1L, 0L, 1L), 3),
#'              markers = data.frame(marker = c("a", "b"), chr = c("1", "X"),
#'                                   pos = c(5, 10)))
#' gp_qtl2_map(d)
#' @export
gp_qtl2_map <- function(x) {
  if (inherits(x, "scan1") && !is.null(attr(x, "map"))) return(attr(x, "map"))
  mk <- if (inherits(x, "gp_data")) x$markers else if (inherits(x, "gp_importance")) x$loci
  if (is.null(mk)) {
    stop("`x` must be a scan1 object from as_scan1(), a gp_data or a gp_importance object.",
         call. = FALSE)
  }
  if (anyNA(mk$chr) || anyNA(mk$pos)) {
    stop("Every marker needs a chromosome and a position for a qtl2 map.", call. = FALSE)
  }
  chr <- as.character(mk$chr)
  x_chr <- if (inherits(x, "gp_data") && !is.null(x$qtl2)) x$qtl2$x_chr
  qtl2_map_from(chr, as.numeric(mk$pos), mk$marker, genome_order(unique(chr)), x_chr)
}

qtl2_map_from <- function(chr, pos, marker, levels_chr, x_chr = NULL) {
  map <- lapply(levels_chr, function(ch) {
    on <- chr == ch
    p <- stats::setNames(pos[on], marker[on])
    p[order(p)]
  })
  names(map) <- levels_chr
  is_x <- toupper(levels_chr) %in% c("X", "CHRX") | levels_chr %in% x_chr
  attr(map, "is_x_chr") <- stats::setNames(is_x, levels_chr)
  map
}

#' Permutation threshold for locus importance
#'
#' The null distribution of the genome-wide maximum of [as_scan1()]'s columns:
#' for each permutation the phenotype rows of `data` are permuted (all traits
#' together, so genotypes and the correlation between traits are kept, their
#' link broken), the model is refitted with `control` and the importance is
#' computed on `newdata`; the maximum of each column over loci is recorded.
#' `summary()` of the result (with qtl2 installed, `qtl2:::summary.scan1perm`)
#' gives the `1 - alpha` quantiles, thresholds for `qtl2::find_peaks()` on
#' `as_scan1(gp_importance(fit, newdata), per_trait)` (importance on its own
#' scale: with `scale = "relative"` every maximum would be 1).
#'
#' The fits run through [future.apply::future_lapply()], like [gp_tune()]: set
#' a `future::plan()` to run them in parallel and `threads` in `control` so
#' the workers do not compete for cores. Random numbers come from
#' `future.seed = seed`, so results do not depend on the plan, and the
#' session's random number state is left as it was. Use the same `control`
#' and `newdata` as for the observed scan.
#'
#' @param data A [gp_data()] object to fit on (normally the training set).
#' @param formula As in [gpatlas()].
#' @param newdata Individuals to compute importance on (normally the test
#'   set); `NULL` uses `data`.
#' @param n_perm Number of permutations.
#' @param control A [gpatlas_control()] for every refit.
#' @param per_trait As in [as_scan1()].
#' @param seed Seed for the permutations and refits.
#' @return A numeric matrix of class `c("scan1perm", "matrix")`, permutations
#'   x columns of [as_scan1()] (`overall` and, with `per_trait`, one per
#'   trait), each entry the genome-wide maximum importance of one refit.
#' @examples
#' sim <- gp_simulate(n = 50, n_loci = 10, n_phenotypes = 2, n_causal = 1, seed = 1)
#' sim$markers$chr <- "1"
#' sim$markers$pos <- seq(0, 90, by = 10)
#' ctl <- gpatlas_control(epochs_pheno = 2, epochs_geno = 2, geno_hidden = 8,
#'                        pheno_hidden = 8, decoder_hidden = 8, latent_dim = 2,
#'                        verbose = FALSE)
#' perm <- gp_importance_perm(sim, n_perm = 2, control = ctl)
#' unclass(perm)
#' if (requireNamespace("qtl2", quietly = TRUE)) summary(perm, alpha = 0.5)
#' @export
gp_importance_perm <- function(data, formula = . ~ ., newdata = NULL, n_perm = 100L,
                               control = gpatlas_control(), per_trait = TRUE, seed = 1L) {
  if (!inherits(data, "gp_data")) stop("`data` must be a gp_data object.", call. = FALSE)
  if (!is.null(newdata) && !inherits(newdata, "gp_data")) {
    stop("`newdata` must be a gp_data object or NULL.", call. = FALSE)
  }
  if (!is.numeric(n_perm) || length(n_perm) != 1L || is.na(n_perm) || n_perm < 1 ||
      n_perm != round(n_perm)) {
    stop("`n_perm` must be a positive whole number.", call. = FALSE)
  }
  if (!inherits(control, "gpatlas_control")) {
    stop("`control` must come from gpatlas_control().", call. = FALSE)
  }
  check_seed(seed)
  control$verbose <- FALSE
  n <- nrow(data$pheno)
  one <- function(k) {
    shuffled <- data
    shuffled$pheno <- data$pheno[sample.int(n), , drop = FALSE]
    dimnames(shuffled$pheno) <- dimnames(data$pheno)
    fit <- gpatlas(formula, shuffled, control)
    target <- if (is.null(newdata)) shuffled else newdata
    s <- as_scan1(gp_importance(fit, target, verbose = FALSE), per_trait = per_trait)
    apply(unclass(s), 2L, max, na.rm = TRUE)
  }
  maxima <- with_rng_preserved(
    future.apply::future_lapply(seq_len(n_perm), one, future.seed = as.integer(seed),
                                future.packages = "gpatlas"))
  out <- do.call(rbind, maxima)
  rownames(out) <- NULL
  class(out) <- c("scan1perm", "matrix")
  out
}
