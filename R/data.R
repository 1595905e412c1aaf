# The gp_data container: construction, dimensions, subsetting, print and summary.

#' Create a validated genotype-phenotype data set
#'
#' `gp_data()` bundles a phenotype matrix and a matrix of allele codes for the
#' same individuals into one validated object, the input of every model and
#' analysis in the package.
#'
#' Individual ids come from `ids`, else from the row names of `phenotypes` or
#' `genotypes`, else they are generated as `ind_0001`, `ind_0002`, ... When both
#' tables have row names they must be identical (same ids in the same order),
#' because silently reordering one of them would pair genotypes with the wrong
#' phenotypes.
#'
#' Phenotypes must be finite: `Inf`, `-Inf` and `NaN` are errors naming the
#' trait and the individual (a single such value would turn every prediction of
#' the model into `NaN`), as are values beyond the single-precision range of the
#' networks (magnitude above about 3.4e38). Allele codes must be whole numbers
#' in `0..253`; codes beyond R's integer range are errors, not missing calls.
#'
#' @param phenotypes Numeric matrix or data frame of numeric columns, one row
#'   per individual and one column per trait. A numeric vector becomes a single
#'   trait. `NA` marks a missing measurement; every trait needs at least one
#'   observed value. Other values must be finite (see Details).
#' @param genotypes Matrix of whole-number allele codes `0, ..., n_alleles - 1`,
#'   one row per individual and one column per marker; `NA` marks a missing
#'   call. Letter-coded tables go through [as_gp_data()].
#' @param markers Optional data frame with one row per genotype column and
#'   columns `marker` (name), `chr` (chromosome) and `pos` (position); missing
#'   columns are filled with `NA` and extra columns are kept.
#' @param n_alleles Number of allelic states per locus (width of the one-hot
#'   encoding). Defaults to the largest code plus one, and at least 2.
#' @param ids Optional character vector of individual ids, overriding row names.
#' @param probs Optional genotype probabilities, the model's input in place of
#'   the allele codes (see [gp_probs]): a numeric array individuals x states x
#'   markers (the layout of a chromosome of `qtl2::calc_genoprob()`), states in
#'   the order of the codes. `genotypes` then holds the calls the other
#'   analyses use, usually the most probable state.
#'
#' @return A list of class `gp_data` with elements
#'   * `pheno`: double matrix, individuals x traits, with dimnames;
#'   * `geno`: integer matrix, individuals x markers, with dimnames;
#'   * `n_alleles`: integer, number of allelic states per locus;
#'   * `markers`: data frame with columns `marker` (character), `chr`
#'     (character, `NA` if unknown) and `pos` (numeric, `NA` if unknown);
#'   * `ids`: character vector of individual ids;
#'   * `truth`: `NULL`, or the generating model for simulated data
#'     (see [gp_simulate()]);
#'   * `probs`: `NULL`, or the genotype probabilities, a double array
#'     individuals x `n_alleles` states x markers with dimnames.
#' @seealso [as_gp_data()], [read_byxrm()], [gp_simulate()], [gp_split()]
#' @export
#' @examples
#' pheno <- matrix(c(1.2, 0.4, 2.2, 1.0, NA, 3.1), ncol = 2,
#'                 dimnames = list(NULL, c("height", "weight")))
#' geno <- matrix(c(0L, 1L, 2L, 1L, 1L, 0L), ncol = 2)
#' d <- gp_data(pheno, geno)
#' d
#' dim(d)
gp_data <- function(phenotypes, genotypes, markers = NULL, n_alleles = NULL,
                    ids = NULL, probs = NULL) {
  if (missing(phenotypes)) {
    stop("`phenotypes` is required.", call. = FALSE)
  }
  if (missing(genotypes)) {
    stop("`genotypes` is required.", call. = FALSE)
  }
  pheno <- phenotype_matrix(phenotypes)
  geno <- genotype_matrix(genotypes)

  if (nrow(pheno) != nrow(geno)) {
    stop(sprintf(
      "`phenotypes` has %d individuals but `genotypes` has %d.",
      nrow(pheno), nrow(geno)
    ), call. = FALSE)
  }
  n <- nrow(pheno)
  if (n < 1L) {
    stop("The data contain no individuals.", call. = FALSE)
  }

  ids <- resolve_ids(ids, rownames(pheno), rownames(geno), n)
  markers <- resolve_markers(markers, colnames(geno), ncol(geno))
  n_alleles <- resolve_n_alleles(n_alleles, geno)
  if (!is.null(probs)) n_alleles <- max(n_alleles, probs_states(probs))
  check_allele_codes(geno, markers$marker, n_alleles)

  all_missing <- colSums(!is.na(pheno)) == 0L
  if (any(all_missing)) {
    stop(sprintf(
      "Trait '%s' has no observed values (all NA).",
      colnames(pheno)[which(all_missing)[1L]]
    ), call. = FALSE)
  }

  dimnames(pheno) <- list(ids, colnames(pheno))
  dimnames(geno) <- list(ids, markers$marker)
  check_phenotype_values(pheno)
  out <- new_gp_data(pheno, geno, n_alleles, markers, ids)
  if (!is.null(probs)) out$probs <- check_probs(probs, ids, markers$marker, n_alleles)
  out
}

# Assembles the object without checks; callers guarantee consistency.
new_gp_data <- function(pheno, geno, n_alleles, markers, ids, truth = NULL) {
  structure(
    list(
      pheno = pheno,
      geno = geno,
      n_alleles = as.integer(n_alleles),
      markers = markers,
      ids = ids,
      truth = truth
    ),
    class = "gp_data"
  )
}

#' @rdname gp_data
#' @param x A `gp_data` object.
#' @export
dim.gp_data <- function(x) {
  c(length(x$ids), ncol(x$geno))
}

#' Subset a `gp_data` object by individual
#'
#' `x[i, ]` keeps the individuals selected by `i` (positive or negative
#' integer positions, a logical vector, or ids) with all traits and markers.
#' The simulation truth, if any, is kept.
#'
#' @param x A `gp_data` object.
#' @param i Individuals to keep.
#' @param j Not supported; traits and markers are selected by the model
#'   formula.
#' @param ... Unused.
#' @param drop Unused.
#' @return A `gp_data` object with the selected individuals in the order given.
#' @export
#' @examples
#' d <- gp_simulate(n = 20, n_loci = 30, n_phenotypes = 2, n_causal = 2, seed = 1)
#' dim(d[1:5, ])
#' dim(d[c("ind_0003", "ind_0007"), ])
`[.gp_data` <- function(x, i, j, ..., drop = FALSE) {
  if (!missing(j)) {
    stop("gp_data objects are subset by individual only: use x[i, ].",
         call. = FALSE)
  }
  if (nargs() - (!missing(drop)) < 3L) {
    stop("Use x[i, ] to select individuals of a gp_data object.",
         call. = FALSE)
  }
  if (missing(i)) {
    return(x)
  }
  gp_subset(x, i)
}

# Subsets individuals; no re-validation, because a trait that is all NA in a
# small subset (e.g. a test fold) is legitimate there.
gp_subset <- function(data, i) {
  if (!inherits(data, "gp_data")) {
    stop("`data` must be a gp_data object.", call. = FALSE)
  }
  n <- length(data$ids)
  if (is.character(i)) {
    idx <- match(i, data$ids)
    if (anyNA(idx)) {
      stop(sprintf("Unknown individual id '%s'.", i[is.na(idx)][1L]),
           call. = FALSE)
    }
  } else if (is.logical(i)) {
    if (length(i) != n || anyNA(i)) {
      stop(sprintf("A logical selection needs %d non-NA values.", n),
           call. = FALSE)
    }
    idx <- which(i)
  } else if (is.numeric(i)) {
    if (anyNA(i) || any(i != round(i))) {
      stop("Individual indices must be whole numbers without NA.",
           call. = FALSE)
    }
    if (length(i) && all(i < 0)) {
      if (any(-i > n)) {
        stop(sprintf("Individual indices must lie in 1..%d.", n), call. = FALSE)
      }
      idx <- seq_len(n)[i]
    } else {
      if (any(i < 1 | i > n)) {
        stop(sprintf(paste0("Individual indices must lie in 1..%d ",
                            "(no mixing of positive and negative)."), n),
             call. = FALSE)
      }
      idx <- as.integer(i)
    }
  } else {
    stop("Select individuals by index, logical vector or id.", call. = FALSE)
  }
  if (!length(idx)) {
    stop("The selection contains no individuals.", call. = FALSE)
  }
  dup <- anyDuplicated(idx)
  if (dup > 0L) {
    stop(sprintf("Individual '%s' is selected more than once.",
                 data$ids[idx[dup]]), call. = FALSE)
  }
  data$pheno <- data$pheno[idx, , drop = FALSE]
  data$geno <- data$geno[idx, , drop = FALSE]
  if (!is.null(data$probs)) data$probs <- data$probs[idx, , , drop = FALSE]
  data$ids <- data$ids[idx]
  data
}

#' @rdname gp_data
#' @export
print.gp_data <- function(x, ...) {
  n <- length(x$ids)
  traits <- colnames(x$pheno)
  cat(sprintf(
    "<gp_data> %d individuals, %d markers (%d allelic states), %d trait%s\n",
    n, ncol(x$geno), x$n_alleles, length(traits),
    if (length(traits) == 1L) "" else "s"
  ))
  shown <- utils::head(traits, 5L)
  more <- length(traits) - length(shown)
  cat("  traits:  ", if (!length(traits)) "none (genotypes only)",
      paste(shown, collapse = ", "),
      if (more > 0L) sprintf(", ... (+%d more)", more) else "", "\n", sep = "")
  chr <- unique(x$markers$chr[!is.na(x$markers$chr)])
  cat("  markers: ",
      if (length(chr)) sprintf("%d chromosome%s", length(chr),
                               if (length(chr) == 1L) "" else "s")
      else "chromosomes unknown",
      if (all(is.na(x$markers$pos))) ", positions unknown" else "",
      "\n", sep = "")
  cat(sprintf("  missing: %s of phenotype values, %s of genotype calls\n",
              if (length(x$pheno)) format_percent(mean(is.na(x$pheno))) else "-",
              format_percent(mean(is.na(x$geno)))))
  if (!is.null(x$probs)) {
    cat("  input:   genotype probabilities (networks and additive path)\n")
  }
  if (!is.null(x$truth)) {
    ia <- x$truth$interactions
    n_pairs <- if (is.null(ia)) 0L else nrow(ia)
    n_live <- if (is.null(ia$live)) n_pairs else sum(ia$live)
    cat(sprintf("  truth:   simulated; %d causal loci, %d interacting pairs (%d live)\n",
                length(x$truth$causal_loci), n_pairs, n_live))
  }
  invisible(x)
}

format_percent <- function(p) {
  sprintf("%.3g%%", 100 * p)
}

#' @rdname gp_data
#' @param object A `gp_data` object.
#' @param ... Unused; anything given is an error.
#' @return `summary()` returns an object of class `summary.gp_data`: a list with
#'   `n_individuals`, `n_markers`, `n_alleles`, `geno_missing` (fraction of
#'   missing calls), `allele_freq` (overall frequency of each allele code),
#'   `has_truth`, `traits` (data frame with columns `trait`, `n_observed`,
#'   `n_missing`, `mean`, `sd`, `min`, `max`) and `chromosomes` (data frame
#'   with columns `chr`, `n_markers`, `min_pos`, `max_pos`, or `NULL` when
#'   chromosomes are unknown).
#' @export
summary.gp_data <- function(object, ...) {
  check_dots_empty(...)
  pheno <- object$pheno
  observed <- !is.na(pheno)
  n_obs <- colSums(observed)
  col_stat <- function(f) {
    vapply(seq_len(ncol(pheno)), function(j) {
      v <- pheno[observed[, j], j]
      if (length(v)) f(v) else NA_real_
    }, numeric(1))
  }
  traits <- data.frame(
    trait = colnames(pheno),
    n_observed = as.integer(n_obs),
    n_missing = as.integer(nrow(pheno) - n_obs),
    mean = col_stat(mean),
    sd = col_stat(stats::sd),
    min = col_stat(min),
    max = col_stat(max),
    stringsAsFactors = FALSE
  )
  chromosomes <- NULL
  known <- !is.na(object$markers$chr)
  if (any(known)) {
    chr <- object$markers$chr[known]
    pos <- object$markers$pos[known]
    levels_chr <- unique(chr)
    pos_range <- function(f) {
      vapply(levels_chr, function(k) {
        p <- pos[chr == k & !is.na(pos)]
        if (length(p)) f(p) else NA_real_
      }, numeric(1), USE.NAMES = FALSE)
    }
    chromosomes <- data.frame(
      chr = levels_chr,
      n_markers = as.integer(table(factor(chr, levels = levels_chr))),
      min_pos = pos_range(min),
      max_pos = pos_range(max),
      stringsAsFactors = FALSE
    )
  }
  n_called <- sum(!is.na(object$geno))
  counts <- tabulate(object$geno + 1L, nbins = object$n_alleles)
  structure(
    list(
      n_individuals = length(object$ids),
      n_markers = ncol(object$geno),
      n_alleles = object$n_alleles,
      geno_missing = mean(is.na(object$geno)),
      allele_freq = stats::setNames(
        if (n_called > 0L) counts / n_called else rep(NA_real_, object$n_alleles),
        as.character(seq_len(object$n_alleles) - 1L)
      ),
      has_truth = !is.null(object$truth),
      traits = traits,
      chromosomes = chromosomes
    ),
    class = "summary.gp_data"
  )
}

#' @rdname gp_data
#' @export
print.summary.gp_data <- function(x, ...) {
  cat(sprintf("gp_data: %d individuals, %d markers, %d allelic states, %d traits\n",
              x$n_individuals, x$n_markers, x$n_alleles, nrow(x$traits)))
  cat(sprintf("Missing genotype calls: %s; allele frequencies: %s\n",
              format_percent(x$geno_missing),
              paste(sprintf("%s = %.3f", names(x$allele_freq), x$allele_freq),
                    collapse = ", ")))
  if (x$has_truth) {
    cat("Simulated data: the generating model is attached as $truth.\n")
  }
  cat("\nTraits:\n")
  print(x$traits, row.names = FALSE, digits = 4)
  if (!is.null(x$chromosomes)) {
    cat("\nChromosomes:\n")
    print(x$chromosomes, row.names = FALSE)
  }
  invisible(x)
}
