# Bridge from R/qtl2: cross2 objects, genotype and allele probabilities as gp_data.

# Two-parent cross types whose hard calls follow qtl2's codes 1 = AA, 2 = AB, 3 = BB.
qtl2_two_parent <- c("bc", "f2", "riself", "risib", "dh")

#' Convert an R/qtl2 cross to `gp_data`
#'
#' Turns a `cross2` object of the R/qtl2 package (from `qtl2::read_cross2()`),
#' optionally with its genotype or allele probabilities, into a [gp_data()]
#' object for [gpatlas()], [gp_split()] and the analysis functions.
#'
#' **Genotype states.** The networks and the additive path take one allelic
#' state per individual and locus (a hard call, one-hot encoded). Each state
#' gets a label, kept in the element `states` of the result (code `k` is
#' `states[k + 1]`):
#' * Hard calls (`probs = NULL`, crosses `bc`, `f2`, `riself`, `risib`, `dh`):
#'   qtl2's codes 1, 2, 3 are the genotypes AA, AB, BB written with the
#'   cross's allele letters (e.g. `"SS"`, `"SB"`, `"BB"` for `iron`); the
#'   partially informative F2 codes 4 and 5 and the code 0 become `NA`. The
#'   states are those possible for the cross type, in the order AA, AB, BB, so
#'   a backcross is coded AA = 0, AB = 1 and a RIL AA = 0, BB = 1.
#' * Hard calls of multi-parent crosses (`do`, `hs`, `magic19`, `riself4`,
#'   `riself8`, `riself16`, `risib4`, `risib8`, `genril*`, `genail*`, `ail3`,
#'   `dh6`): qtl2 stores SNP genotypes, not founder genotypes, coded 1, 2, 3
#'   for AA, AB, BB in each SNP's own two alleles (A is the allele coded 1 in
#'   the founder genotypes `x$founder_geno`). The states are `"AA"`, `"AB"`,
#'   `"BB"` (all three also in inbred lines, where a heterozygous call is
#'   residual heterozygosity or an error); these letters name SNP alleles,
#'   not the founders in `x$alleles`. The result's `qtl2$source` is `"SNP hard
#'   calls"`. To work with founder haplotypes, pass allele probabilities.
#' * Genotype probabilities (`qtl2::calc_genoprob()`): the genotype columns of
#'   the probabilities are the states (3 for an F2, 36 for Diversity Outbred
#'   mice), reciprocal heterozygotes such as `"SB"` and `"BS"` on the F2 X
#'   chromosome summed into one state.
#' * Allele probabilities (`qtl2::genoprob_to_alleleprob()`): the founder
#'   alleles are the states (e.g. 8 in DO, CC and MAGIC populations). As
#'   probability vectors they suit every population: a heterozygous individual
#'   enters with 1/2 for each of its two founder alleles (half its dosage of
#'   each). As calls (`input = "calls"`) they suit inbred lines only: in
#'   heterozygous individuals no allele reaches a probability above 1/2.
#'
#' **Probabilities enter as probability vectors** (`input = "probabilities"`,
#' the default): the result keeps them as its element `probs` (individuals x
#' states x markers), and the networks and the additive path of [gpatlas()]
#' take each locus's probability vector where they take the one-hot vector of
#' a call; [gp_probs] says how training noise, pair terms, importance and VIDA
#' are defined for it. Allele probabilities of heterozygous individuals (1/2
#' for each of two founders) then enter as they are. The element `geno` holds
#' calls for the analyses that take calls: for each individual and marker the
#' state of highest probability when that probability is at least `minprob`,
#' else `NA` (missing). This is `qtl2::maxmarg(probs, minprob = minprob)`
#' except that ties go to the first state rather than a random one. With
#' `input = "calls"` the model takes these calls alone (the behaviour of
#' earlier versions), and a warning says so when fewer than half of the
#' vectors reach `minprob`. Measured (`bench/qtl2_multiparent.R`): on outbred
#' Diversity Outbred mice the probability vectors made the model predict (held-out
#' median R^2 0.026 vs -0.008 from calls); on ArabMAGIC inbred lines the calls
#' did better (0.165 vs 0.139). The default `minprob` is lower than `maxmarg()`'s
#' 0.95 because a missing call removes the locus for that individual, while a
#' call with probability 0.5 to 0.95 still points to the likeliest state.
#'
#' **Genotype classes or allele dosage.** For two-parent crosses, `coding =
#' "genotype"` (default) keeps genotype classes as above; `coding = "dosage"`
#' replaces each genotype by the number of copies of the cross's second allele
#' (0, 1, 2; probabilities are summed over genotypes of equal dosage before the
#' call). Dosage needs hard calls or genotype probabilities of a two-parent
#' cross, or hard calls of a multi-parent cross (copies of each SNP's allele
#' B).
#'
#' **X chromosome.** Kept by default (`x_chr = "drop"` leaves it out) and
#' coded explicitly: females carry the autosomal states; hemizygous males get
#' their own states `AY` and `BY` (e.g. `"SY"`, `"BY"` for `iron`), so a male
#' never shares a state with a homozygous female. With `coding = "dosage"` a
#' hemizygous male counts as homozygous (`AY` = 0, `BY` = 2), as in qtl2's
#' allele probabilities. The hard calls of the outbred multi-parent crosses
#' (`do`, `hs`, `ail3`, `genail*`) are coded the same way, from qtl2's codes 1
#' (AY) and 3 (BY) for males (a male's code 2 becomes `NA`); in inbred lines
#' (two- or multi-parent) the X chromosome is homozygous and coded like an
#' autosome. Because X states differ by sex, add sex as a
#' covariate ([gp_covar_adjust()]) when traits differ between the sexes.
#'
#' **Individuals, traits, covariates and map.** Individuals with genotypes
#' (or probabilities) and at least one phenotype are kept, in genotype order;
#' the others are reported in a message. Traits are the columns of
#' `x$pheno` (or those named in `phenotypes`). The covariate table `x$covar`,
#' if any, is kept as the element `covar` (a data frame with the individual ids
#' as row names) for [gp_covar_adjust()]. Marker positions come from `map`
#' (default: the cross's genetic map, else its physical map); pass the map
#' used by `calc_genoprob()` when it holds pseudomarkers.
#'
#' @param x A `cross2` object.
#' @param probs Optional genotype or allele probabilities for `x`, from
#'   `qtl2::calc_genoprob()` or `qtl2::genoprob_to_alleleprob()`; `NULL` uses
#'   the hard calls in `x$geno`.
#' @param coding `"genotype"` or `"dosage"`; see Details.
#' @param minprob Smallest probability for a call from `probs` (see Details).
#' @param input With `probs`: `"probabilities"` (default) to give the model the
#'   probability vectors, or `"calls"` for the most probable states alone.
#' @param phenotypes Optional names or column numbers of the traits to keep.
#' @param map Optional qtl2 map (a list of named position vectors, one per
#'   chromosome) holding every marker of the genotypes.
#' @param chr Optional chromosomes to keep, e.g. `c(1, 16, "X")`.
#' @param x_chr `"keep"` (default) or `"drop"` the X chromosome.
#' @param ... Unused.
#' @return A `gp_data` object (see [gp_data()]) with, in addition, elements
#'   `states` (state labels, see Details), `covar` (`NULL` or the covariate
#'   data frame) and `qtl2` (a list with `crosstype`, `source`
#'   (`"hard calls"`, `"SNP hard calls"`, `"genotype probabilities"` or
#'   `"allele probabilities"`),
#'   `coding`, `minprob`, `input` and `x_chr`, the names of X chromosomes
#'   kept), and with probabilities as input `probs` (see [gp_data()]). Its
#'   `markers` table has columns `marker`, `chr`, `pos` in the genotypes' order.
#' @seealso [as_scan1()] to take importance back to qtl2, [gp_covar_adjust()].
#' @examples
#' if (requireNamespace("qtl2", quietly = TRUE)) {
#'   iron <- qtl2::read_cross2(system.file("extdata", "iron.zip", package = "qtl2"))
#'   d <- as_gp_data(iron)
#'   d
#'   d$states
#'   pr <- qtl2::calc_genoprob(iron[, c("1", "X")], error_prob = 0.002)
#'   dp <- as_gp_data(iron, probs = pr, coding = "dosage")
#'   table(dp$geno[, 1], useNA = "ifany")
#' }
#' @exportS3Method as_gp_data cross2
as_gp_data.cross2 <- function(x, probs = NULL, coding = c("genotype", "dosage"),
                              minprob = 0.5, phenotypes = NULL, map = NULL, chr = NULL,
                              x_chr = c("keep", "drop"), input = c("probabilities", "calls"),
                              ...) {
  coding <- match.arg(coding)
  x_chr <- match.arg(x_chr)
  input <- if (is.null(probs)) "calls" else match.arg(input)
  check_cross2(x)
  check_probability(minprob, "minprob")
  chrs <- qtl2_chromosomes(x, probs, chr, x_chr)
  if (is.null(probs)) {
    calls <- qtl2_hard_calls(x, chrs, coding)
  } else {
    calls <- qtl2_prob_calls(x, probs, chrs, coding, minprob, keep = input == "probabilities")
    if (input == "calls") qtl2_check_call_rate(calls, minprob)
  }
  markers <- qtl2_markers(calls$geno, calls$chr, qtl2_pick_map(x, map))
  geno <- calls$geno
  pheno <- qtl2_pheno(x$pheno, phenotypes)
  ind <- qtl2_individuals(rownames(geno), pheno)
  pheno <- pheno[ind, , drop = FALSE]
  rows <- match(ind, rownames(geno))
  geno <- geno[rows, , drop = FALSE]
  rownames(geno) <- NULL
  p <- calls$probs
  if (!is.null(p)) {
    if (!identical(rows, seq_len(dim(p)[1L]))) p <- p[rows, , , drop = FALSE]
    dimnames(p) <- list(ind, calls$states, markers$marker)
  }
  d <- gp_data(pheno, geno, markers = markers, n_alleles = max(2L, length(calls$states)),
               ids = ind, probs = p)
  d$states <- calls$states
  d$covar <- qtl2_covar(x$covar, ind)
  is_x <- x$is_x_chr[chrs]
  d$qtl2 <- list(crosstype = x$crosstype, source = calls$source, coding = coding,
                 minprob = if (!is.null(probs)) minprob, input = input,
                 x_chr = chrs[is_x %in% TRUE])
  d
}

# Warns when most probability vectors miss `minprob` (they enter as missing calls): typical of
# allele probabilities in heterozygous individuals, which stay near 1/2 (31% of loci called on
# DO mice at the default `minprob`, `bench/qtl2_multiparent.R`).
qtl2_check_call_rate <- function(calls, minprob) {
  called <- mean(!is.na(calls$geno))
  if (is.na(called) || called >= 0.5) return(invisible(called))
  hint <- if (calls$source == "allele probabilities") {
    paste0("allele probabilities of heterozygous individuals stay near 1/2; for outbred ",
           "crosses use the genotype probabilities of qtl2::calc_genoprob(), or a lower `minprob`")
  } else {
    "a lower `minprob` keeps more of them"
  }
  warning(sprintf(paste0("only %.0f%% of the probability vectors reach `minprob` = %g; the ",
                         "others enter as missing calls (%s)."), 100 * called, minprob, hint),
          call. = FALSE)
  invisible(called)
}

check_cross2 <- function(x) {
  if (!is.list(x) || !is.list(x$geno) || !length(x$geno) || is.null(x$crosstype)) {
    stop("`x` is not a valid qtl2 cross2 object: it needs `geno` (a list of genotype ",
         "matrices per chromosome) and `crosstype`.", call. = FALSE)
  }
  if (is.null(x$pheno) || !ncol(x$pheno)) {
    stop("The cross has no phenotypes.", call. = FALSE)
  }
  invisible(TRUE)
}

# Chromosomes to convert, in the order of the genotypes (or probabilities).
qtl2_chromosomes <- function(x, probs, chr, x_chr) {
  avail <- if (is.null(probs)) names(x$geno) else names(probs)
  if (!is.null(probs) && (!is.list(probs) || is.null(avail) ||
                          !all(vapply(probs, function(p) length(dim(p)) == 3L, logical(1))))) {
    stop("`probs` must come from qtl2::calc_genoprob() or qtl2::genoprob_to_alleleprob(): ",
         "a list of 3-dimensional arrays, one per chromosome.", call. = FALSE)
  }
  if (!is.null(chr)) {
    unknown <- setdiff(as.character(chr), avail)
    if (length(unknown)) {
      stop(sprintf("Unknown chromosome%s in `chr`: %s (available: %s).",
                   if (length(unknown) > 1L) "s" else "", paste(unknown, collapse = ", "),
                   paste(avail, collapse = ", ")), call. = FALSE)
    }
    avail <- avail[avail %in% as.character(chr)]
  }
  is_x <- x$is_x_chr[avail] %in% TRUE
  if (x_chr == "drop") avail <- avail[!is_x]
  if (!length(avail)) stop("No chromosomes are left to convert.", call. = FALSE)
  avail
}

# Calls from genotype or allele probabilities: the most probable state per individual and marker;
# with keep = TRUE also the probabilities of every state (qtl2_assemble_probs()).
qtl2_prob_calls <- function(x, probs, chrs, coding, minprob, keep = FALSE) {
  is_allele <- isTRUE(attr(probs, "alleleprobs"))
  al <- qtl2_allele_letters(x)
  if (coding == "dosage" && (is_allele || length(al) != 2L)) {
    stop("coding = \"dosage\" needs hard calls or genotype probabilities of a two-parent ",
         "cross; allele probabilities are already per allele.", call. = FALSE)
  }
  states <- if (coding == "dosage") as.character(0:2) else character(0)
  pieces <- kept <- vector("list", length(chrs))
  for (i in seq_along(chrs)) {
    p <- probs[[chrs[i]]]
    lab <- dimnames(p)[[2L]]
    group <- if (coding == "dosage") {
      qtl2_dosage_labels(lab, al)
    } else if (is_allele) {
      lab
    } else {
      qtl2_canonical_genotypes(lab, al)
    }
    p <- qtl2_collapse_states(p, group)
    if (keep) kept[[i]] <- p
    states <- c(states, setdiff(dimnames(p)[[2L]], states))
    call <- qtl2_most_probable(p, minprob)
    code <- match(dimnames(p)[[2L]], states)[call] - 1L
    pieces[[i]] <- matrix(code, dim(p)[1L], dim(p)[3L],
                          dimnames = list(dimnames(p)[[1L]], dimnames(p)[[3L]]))
  }
  ids <- lapply(pieces, rownames)
  if (!all(vapply(ids, identical, logical(1), ids[[1L]]))) {
    stop("The chromosomes of `probs` hold different individuals.", call. = FALSE)
  }
  list(geno = do.call(cbind, pieces), states = states,
       chr = rep(chrs, vapply(pieces, ncol, integer(1))),
       probs = if (keep) qtl2_assemble_probs(kept, states),
       source = if (is_allele) "allele probabilities" else "genotype probabilities")
}

# One array individuals x states x markers from the chromosomes' arrays; a state a chromosome
# lacks (e.g. hemizygous X states on autosomes) has probability 0 there.
qtl2_assemble_probs <- function(pieces, states) {
  widths <- vapply(pieces, function(p) dim(p)[3L], integer(1))
  out <- array(0, c(dim(pieces[[1L]])[1L], length(states), sum(widths)))
  end <- cumsum(widths)
  for (i in seq_along(pieces)) {
    cols <- seq.int(end[i] - widths[i] + 1L, length.out = widths[i])
    out[, match(dimnames(pieces[[i]])[[2L]], states), cols] <- pieces[[i]]
  }
  out
}

# Reciprocal heterozygotes (e.g. "BS" and "SB" on the F2 X chromosome) as one genotype class,
# letters in founder order; hemizygous labels ("SY") and other labels unchanged.
qtl2_canonical_genotypes <- function(lab, alleles) {
  vapply(lab, function(g) {
    ch <- strsplit(g, "")[[1L]]
    if (length(ch) != 2L || !all(ch %in% alleles)) return(g)
    paste(ch[order(match(ch, alleles))], collapse = "")
  }, character(1), USE.NAMES = FALSE)
}

# Copies of the second allele in each genotype label; a hemizygous male counts as homozygous.
qtl2_dosage_labels <- function(lab, alleles) {
  n_b <- vapply(strsplit(lab, ""), function(ch) sum(ch == alleles[2L]), integer(1))
  hemi <- grepl("Y$", lab)
  as.character(ifelse(hemi, 2L * n_b, n_b))
}

# Sums the state columns of a probability array (individuals x states x markers) by group.
qtl2_collapse_states <- function(p, group) {
  u <- unique(group)
  if (length(u) == length(group)) {
    dimnames(p)[[2L]] <- group
    return(p)
  }
  d <- dim(p)
  out <- array(0, c(d[1L], length(u), d[3L]),
               dimnames = list(dimnames(p)[[1L]], u, dimnames(p)[[3L]]))
  for (j in seq_along(group)) {
    k <- match(group[j], u)
    out[, k, ] <- out[, k, , drop = FALSE] + p[, j, , drop = FALSE]
  }
  out
}

# Index of the most probable state (the first on ties); NA where its probability is below
# minprob. The array is viewed as individuals x (states x markers), so each state's slice is a
# set of whole columns.
qtl2_most_probable <- function(p, minprob) {
  d <- dim(p)
  mat <- p
  dim(mat) <- c(d[1L], d[2L] * d[3L])
  first <- seq.int(1L, d[2L] * d[3L], by = d[2L])
  best <- mat[, first, drop = FALSE]
  idx <- matrix(1L, d[1L], d[3L])
  for (j in seq_len(d[2L])[-1L]) {
    pj <- mat[, first + (j - 1L), drop = FALSE]
    up <- which(pj > best)
    best[up] <- pj[up]
    idx[up] <- j
  }
  idx[is.na(best) | best < minprob] <- NA_integer_
  idx
}

qtl2_pick_map <- function(x, map) {
  if (!is.null(map)) {
    if (!is.list(map) || is.null(names(map))) {
      stop("`map` must be a qtl2 map: a named list of named position vectors.", call. = FALSE)
    }
    return(map)
  }
  if (!is.null(x$gmap)) x$gmap else x$pmap
}

qtl2_markers <- function(geno, chr, map) {
  marker <- colnames(geno)
  pos <- rep(NA_real_, length(marker))
  if (!is.null(map)) {
    for (ch in unique(chr)) {
      on <- chr == ch
      pos[on] <- unname(map[[ch]][marker[on]])
    }
    if (anyNA(pos)) {
      stop(sprintf(paste0("Marker '%s' (chromosome %s) is not in the map; pass the map used ",
                          "by calc_genoprob() in `map`."),
                   marker[is.na(pos)][1L], chr[is.na(pos)][1L]), call. = FALSE)
    }
  }
  data.frame(marker = marker, chr = chr, pos = as.numeric(pos), stringsAsFactors = FALSE)
}

# Ids with genotypes and at least one phenotype, in genotype order; the rest are reported.
qtl2_individuals <- function(geno_ids, pheno) {
  has_pheno <- rownames(pheno)[rowSums(!is.na(pheno)) > 0L]
  keep <- geno_ids[geno_ids %in% has_pheno]
  dropped <- c(setdiff(geno_ids, keep), setdiff(rownames(pheno), geno_ids))
  if (length(dropped)) {
    message(sprintf("Leaving out %d individual%s without both genotypes and phenotypes.",
                    length(dropped), if (length(dropped) == 1L) "" else "s"))
  }
  if (!length(keep)) {
    stop("No individual has both genotypes and phenotypes (ids must match).", call. = FALSE)
  }
  keep
}

qtl2_pheno <- function(pheno, phenotypes) {
  if (!is.null(phenotypes)) {
    cols <- colnames(pheno)
    sel <- if (is.numeric(phenotypes)) cols[phenotypes] else as.character(phenotypes)
    if (anyNA(sel) || !all(sel %in% cols)) {
      stop(sprintf("Unknown phenotype in `phenotypes` (the cross has %s).",
                   paste(cols, collapse = ", ")), call. = FALSE)
    }
    pheno <- pheno[, sel, drop = FALSE]
  }
  storage.mode(pheno) <- "double"
  empty <- colSums(!is.na(pheno)) == 0L
  if (any(empty)) {
    message(sprintf("Dropping traits without observed values: %s.",
                    paste(colnames(pheno)[empty], collapse = ", ")))
    pheno <- pheno[, !empty, drop = FALSE]
  }
  pheno
}

qtl2_covar <- function(covar, ids) {
  if (is.null(covar) || !ncol(covar)) return(NULL)
  covar <- as.data.frame(covar, stringsAsFactors = FALSE)
  out <- covar[match(ids, rownames(covar)), , drop = FALSE]
  rownames(out) <- ids
  out
}
