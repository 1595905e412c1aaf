# Locus importance back to R/qtl: a genome scan in the format of scanone().

#' Locus importance as an R/qtl `scanone` result
#'
#' Recasts the locus importance of [gp_importance()] as a genome scan in the
#' format of R/qtl's `scanone()`, so that R/qtl's tools for genome scans apply
#' to it: `plot()` (`qtl::plot.scanone`), `summary()` (peaks per chromosome),
#' `qtl::lodint()` and `qtl::bayesint()` (support intervals), `max()`, and
#' `c()` with a `scanone()` result of the same cross and markers.
#'
#' As `scanone(cross, pheno.col = 1:k)` gives one LOD column per trait, the
#' result has one score column per trait of the fit, in the fit's trait
#' order, followed by a pooled column `overall`; so `lodcolumn = j` in
#' `plot()`, `summary()`, `lodint()` picks trait `j` as it would in R/qtl.
#' A trait's score at a locus is the mean over individuals of the squared
#' change of that trait's prediction when one allele of the locus is
#' ablated, maximised over the locus's alleles (the `per_phenotype` table
#' of [gp_importance()]), in the trait's squared units. The pooled `overall`
#' score is the locus importance of [gp_importance()] (`loci$importance`).
#' Given only a `loci` data frame, the result has the `overall` column alone.
#'
#' The scores are not LOD scores. With `scale = "none"` they are the
#' importances themselves, so `drop` in `lodint()` is in importance units;
#' with `scale = "relative"` each column is divided by its largest value (its
#' top locus scores 1), which puts traits in different units on one scale,
#' and `lodint(s, chr, drop = 0.5, lodcolumn = j)` gives the interval where
#' trait `j`'s importance stays above half its peak on the chromosome.
#' `bayesint()` treats the score as a LOD score and is only a rough guide.
#'
#' @param importance A `gp_importance` object from [gp_importance()] with
#'   `from = "genotype"`, or its `loci` data frame.
#' @param scale `"none"` (default) or `"relative"`; see Details.
#' @param ... Unused; anything given is an error.
#' @return A data frame of class `c("scanone", "data.frame")` with one row per
#'   locus, sorted by chromosome and position, row names the marker names, and
#'   columns
#'   * `chr`: factor of chromosome names, levels in genome order (numbered
#'     chromosomes by number, then the others, such as X, in order of
#'     appearance);
#'   * `pos`: position as stored in the data (cM for crosses);
#'   * one column per trait (named by the trait, made syntactic and unique
#'     with [make.names()]): that trait's locus importance;
#'   * `overall`: the pooled locus importance.
#' @seealso [as_gp_data.cross()], [gp_importance()]
#' @examples
#' if (requireNamespace("qtl", quietly = TRUE)) {
#'   data(hyper, package = "qtl")
#'   d <- as_gp_data(hyper, chr = c(1, 4))
#'   fit <- gpatlas(. ~ ., d, gpatlas_control(epochs_pheno = 3, epochs_geno = 3,
#'                  geno_hidden = 16, pheno_hidden = 8, decoder_hidden = 8,
#'                  latent_dim = 2, verbose = FALSE))
#'   s <- as_scanone(gp_importance(fit, d, verbose = FALSE), scale = "relative")
#'   print(summary(s))
#'   qtl::lodint(s, chr = 4, drop = 0.5, lodcolumn = 1)
#' }
#' @export
as_scanone <- function(importance, scale = c("none", "relative"), ...) {
  check_dots_empty(...)
  scale <- match.arg(scale)
  loci <- if (inherits(importance, "gp_importance")) importance$loci else importance
  if (is.null(loci)) {
    stop("`importance` holds no locus importance; use gp_importance(from = \"genotype\").",
         call. = FALSE)
  }
  if (!is.data.frame(loci) ||
      !all(c("marker", "chr", "pos", "importance") %in% names(loci))) {
    stop("`importance` must be a gp_importance object or its `loci` data frame.",
         call. = FALSE)
  }
  if (!nrow(loci)) stop("`importance` has no loci.", call. = FALSE)
  unplaced <- is.na(loci$chr) | is.na(loci$pos)
  if (any(unplaced)) {
    stop(sprintf(
      paste0("A genome scan needs a chromosome and position for every locus; ",
             "marker '%s' has none (%d of %d loci unplaced)."),
      loci$marker[which(unplaced)[1L]], sum(unplaced), nrow(loci)
    ), call. = FALSE)
  }
  scores <- cbind(scanone_trait_scores(importance, loci$marker),
                  overall = as.numeric(loci$importance))
  if (scale == "relative") {
    top <- apply(scores, 2L, max, na.rm = TRUE)
    top[!is.finite(top) | top <= 0] <- 1
    scores <- sweep(scores, 2L, top, "/")
  }
  chr_chr <- as.character(loci$chr)
  chr <- factor(chr_chr, levels = genome_order(unique(chr_chr)))
  out <- data.frame(chr = chr, pos = as.numeric(loci$pos), scores, stringsAsFactors = FALSE,
                    check.names = FALSE)
  # Syntactic, unique names; `chr`, `pos` and `overall` keep theirs.
  traits <- names(out)[-c(1L, 2L, ncol(out))]
  nm <- make.unique(make.names(c("chr", "pos", "overall", traits)))
  names(out) <- nm[c(1L, 2L, 3L + seq_along(traits), 3L)]
  rownames(out) <- as.character(loci$marker)
  out <- out[order(as.integer(out$chr), out$pos), , drop = FALSE]
  class(out) <- c("scanone", "data.frame")
  out
}

# Per-trait locus importance (loci x traits, rows in the order of `markers`): the largest over
# a locus's alleles of the per-trait importance; NULL for a bare loci table.
scanone_trait_scores <- function(importance, markers) {
  pp <- if (inherits(importance, "gp_importance")) importance$per_phenotype
  feats <- if (inherits(importance, "gp_importance")) importance$features
  if (is.null(pp) || is.null(feats) || !nrow(pp)) return(NULL)
  idx <- split(seq_len(nrow(pp)), factor(feats$marker, levels = unique(feats$marker)))
  per_locus <- t(vapply(idx, function(i) apply(pp[i, , drop = FALSE], 2L, max),
                        numeric(ncol(pp))))
  if (ncol(pp) == 1L) per_locus <- t(per_locus)
  dimnames(per_locus) <- list(names(idx), colnames(pp))
  per_locus[as.character(markers), , drop = FALSE]
}
