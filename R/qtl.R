# Bridges to R/qtl: cross objects as gp_data, and locus importance as scanone results.

# Number of genotype states per locus for each supported cross type.
qtl_cross_states <- c(bc = 2L, f2 = 3L, riself = 2L, risib = 2L, dh = 2L,
                      haploid = 2L)

# Phenotype columns that describe individuals rather than measure traits.
qtl_covariate_names <- c("sex", "pgm", "id")

need_qtl <- function() {
  if (!requireNamespace("qtl", quietly = TRUE)) {
    stop("Package 'qtl' is needed for this function; install it with ",
         "install.packages(\"qtl\").", call. = FALSE)
  }
  invisible(TRUE)
}

#' Convert an R/qtl cross to `gp_data`
#'
#' Turns a cross object of the R/qtl package into a [gp_data()] object, so that
#' it can be passed straight to [gpatlas()], [gp_split()] and the analysis
#' functions.
#'
#' Supported cross types are backcrosses (`bc`), intercrosses (`f2`),
#' recombinant inbred lines by selfing or sib mating (`riself`, `risib`),
#' doubled haploids (`dh`) and haploids (`haploid`).
#'
#' **Genotypes.** R/qtl stores genotypes per chromosome as codes `1, ..., k`;
#' they become `0, ..., k - 1`, with `n_alleles` set to `k`: 2 for
#' backcrosses, RILs, doubled haploids and haploids (`0` = AA, `1` = AB or BB),
#' 3 for intercrosses (`0` = AA, `1` = AB, `2` = BB).
#'
#' **Missing calls.** With `impute = "argmax"` (the default) every missing
#' call, and every partially informative intercross call (R/qtl codes 4 "not
#' BB" and 5 "not AA"), is replaced by the most probable genotype given the
#' individual's other calls on the chromosome and the genetic map: R/qtl's
#' `qtl::fill.geno(method = "argmax")` (Viterbi path of its hidden Markov
#' model, with its defaults `error.prob = 1e-4` and the Haldane map
#' function). R/qtl breaks ties between equally likely genotypes at random;
#' the conversion runs it with a fixed seed, so it is reproducible and leaves
#' the session's random numbers alone. Only unknown calls are replaced:
#' observed calls are kept even where the Viterbi path disagrees with them
#' (on `hyper`, 79 of 20,742 observed calls). A message reports how many
#' calls were filled. Networks see a
#' missing call as an all-zero input, which on selectively genotyped crosses
#' (such as `qtl::hyper`, about half the calls missing) makes importance
#' jump between adjacent markers; imputing from the flanking markers avoids
#' that. With `impute = "none"` missing calls stay `NA` and partially
#' informative calls become `NA`.
#'
#' **X chromosome.** R/qtl's raw X codes mean different genotypes for
#' different individuals, so X markers are recoded to the autosomal scale
#' (the number of B alleles) using each individual's sex and, for
#' intercrosses, cross direction (R/qtl's `qtl::getsex()`: the `sex` and
#' `pgm` phenotype columns; without a `sex` column everybody is taken as
#' female, without `pgm` as direction 0, as R/qtl does):
#' * backcross: females AA = `0`, AB = `1`; hemizygous males AY = `0`,
#'   BY = `1` (code 1 means one B allele in both sexes);
#' * intercross: females of direction 0 (`pgm = 0`) AA = `0`, AB = `1`, of
#'   direction 1 BB = `2`, AB = `1`; hemizygous males are coded as the
#'   homozygote of their one allele, AY = `0` (as AA) and BY = `2` (as BB);
#' * RILs, doubled haploids and haploids: as the autosomes.
#'
#' Keep `sex` (and `pgm`) in mind as covariates: on the X chromosome males
#' and females differ in dosage. `x_chr = "drop"` leaves the X markers out.
#'
#' **Phenotypes.** By default every numeric column of the cross's phenotype
#' table is a trait, except columns named `sex`, `pgm` or `id` (any case) and
#' the column holding individual ids; the columns left out are reported in a
#' message. `phenotypes` selects columns explicitly by name or index instead;
#' they must all be numeric. Traits without any observed value are dropped
#' with a message.
#'
#' Marker names, chromosomes and map positions (cM) are kept in
#' `markers`; individual ids come from the cross's `id` column when there is
#' one.
#'
#' @param x An R/qtl `cross` object.
#' @param phenotypes Optional character or integer vector selecting the
#'   phenotype columns to use as traits; `NULL` (the default) uses all numeric
#'   trait columns.
#' @param x_chr `"keep"` (default) to keep X-chromosome markers, recoded as in
#'   Details, or `"drop"` to leave them out.
#' @param chr Optional chromosome names (or numbers) to keep, e.g. `c(1, 4)`;
#'   `NULL` keeps all. This does what `subset(x, chr = ...)` does in R/qtl,
#'   without needing R/qtl's `subset()` method, which is only available once
#'   the qtl namespace is loaded (`library(qtl)`; `qtl::subset.cross` is not
#'   exported).
#' @param impute `"argmax"` (default) to fill missing and partially
#'   informative calls with R/qtl's most probable genotypes, or `"none"` to
#'   leave them missing (see Details).
#' @param ... Unused; anything given is an error.
#'
#' @return A `gp_data` object; see [gp_data()] for its elements. Its
#'   `markers` data frame has columns `marker` (name), `chr` (chromosome
#'   name as in the cross) and `pos` (position in cM), in the cross's order.
#' @seealso [as_scanone()] to take locus importance back to R/qtl.
#' @examples
#' if (requireNamespace("qtl", quietly = TRUE)) {
#'   data(hyper, package = "qtl")
#'   d <- as_gp_data(hyper)
#'   print(d)
#'   print(head(d$markers))
#'   print(table(d$geno, useNA = "ifany"))
#'   # without imputation about half the calls are missing
#'   mean(is.na(as_gp_data(hyper, impute = "none")$geno))
#' }
#' @exportS3Method as_gp_data cross
as_gp_data.cross <- function(x, phenotypes = NULL, x_chr = c("keep", "drop"), chr = NULL,
                             impute = c("argmax", "none"), ...) {
  check_dots_empty(...)
  need_qtl()
  x_chr <- match.arg(x_chr)
  impute <- match.arg(impute)
  if (!is.list(x) || !is.list(x$geno) || !is.data.frame(x$pheno)) {
    stop("`x` is not a valid R/qtl cross: it needs `geno` (a list) and `pheno` (a data frame).",
         call. = FALSE)
  }
  if (!is.null(chr)) {
    if (!(is.character(chr) || is.numeric(chr)) || !length(chr) || anyNA(chr)) {
      stop("`chr` must name chromosomes of the cross, e.g. chr = c(1, 4).", call. = FALSE)
    }
    unknown <- setdiff(as.character(chr), names(x$geno))
    if (length(unknown)) {
      stop(sprintf("Unknown chromosome%s in `chr`: %s (the cross has %s).",
                   if (length(unknown) > 1L) "s" else "", paste(unknown, collapse = ", "),
                   paste(names(x$geno), collapse = ", ")), call. = FALSE)
    }
    x$geno <- x$geno[names(x$geno) %in% as.character(chr)]
  }
  type <- class(x)[1L]
  if (!type %in% names(qtl_cross_states)) {
    stop(sprintf(
      "Cross type '%s' is not supported; use one of %s.",
      type, paste(names(qtl_cross_states), collapse = ", ")
    ), call. = FALSE)
  }
  if (!length(x$geno)) stop("The cross has no chromosomes.", call. = FALSE)
  k <- qtl_cross_states[[type]]

  is_x <- vapply(x$geno, function(g) inherits(g, "X"), logical(1))
  if (any(is_x) && x_chr == "drop") {
    n_x <- sum(vapply(x$geno[is_x], function(g) ncol(g$data), integer(1)))
    message(sprintf(
      "Dropping %d marker%s on the X chromosome (%s).",
      n_x, if (n_x == 1L) "" else "s", paste(names(x$geno)[is_x], collapse = ", ")
    ))
    x$geno <- x$geno[!is_x]
  }
  if (!length(x$geno)) {
    stop("No chromosomes are left to convert.", call. = FALSE)
  }

  geno <- qtl_cross_genotypes(x, type, k, impute)
  map <- qtl::pull.map(x, as.table = TRUE)
  markers <- data.frame(marker = rownames(map), chr = as.character(map$chr),
                        pos = qtl_scan_positions(as.numeric(map$pos), map$chr),
                        stringsAsFactors = FALSE)
  colnames(geno) <- markers$marker

  ids <- qtl_cross_ids(x)
  pheno <- qtl_cross_pheno(x$pheno, phenotypes, id_col = attr(ids, "column"))
  rownames(geno) <- NULL
  gp_data(pheno, geno, markers = markers, n_alleles = k,
          ids = as.vector(ids))
}

# Allele codes 0..k-1 (individuals x markers) of every chromosome of the cross, missing and
# partially informative calls imputed by R/qtl (impute = "argmax") or NA, X-chromosome calls
# recoded to the autosomal scale.
qtl_cross_genotypes <- function(x, type, k, impute) {
  raw <- qtl::pull.geno(x)
  # Codes above k are partially informative calls (f2: 4 = not BB, 5 = not AA).
  unknown <- is.na(raw) | raw < 1L | raw > k
  if (impute == "argmax" && any(unknown)) {
    # R/qtl breaks ties between equally likely paths at random: a fixed seed makes the
    # conversion reproducible and leaves the caller's random numbers alone.
    x <- with_rng_seed(1L, qtl::fill.geno(x, method = "argmax"))
    filled <- qtl::pull.geno(x)
    n_filled <- sum(unknown & !is.na(filled) & filled >= 1L & filled <= k)
    message(sprintf(paste0(
      "Imputed %s of %s genotype calls (%.1f%%, missing or partially informative) with ",
      "qtl::fill.geno(method = \"argmax\"); impute = \"none\" keeps them missing."),
      format(n_filled, big.mark = ","), format(length(raw), big.mark = ","),
      100 * n_filled / length(raw)))
    # Only unknown calls are filled: Viterbi may overrule an observed call its neighbours make
    # unlikely, but observed calls are data.
    raw[unknown] <- filled[unknown]
  }
  geno <- raw
  storage.mode(geno) <- "integer"
  geno[!is.na(geno) & (geno < 1L | geno > k)] <- NA_integer_
  geno <- geno - 1L
  is_x <- vapply(x$geno, function(g) inherits(g, "X"), logical(1))
  if (any(is_x) && type %in% c("bc", "f2")) {
    n_per_chr <- vapply(x$geno, function(g) ncol(g$data), integer(1))
    cols <- which(rep(is_x, n_per_chr))
    geno[, cols] <- qtl_x_recode(geno[, cols, drop = FALSE], type, qtl::getsex(x))
  }
  geno
}

# Marker positions exactly as R/qtl's genome scans report them: calc.genoprob() recomputes
# each chromosome's map as (pos - first) + first, which can move a position by one unit in the
# last place, and c() of scanone results compares positions exactly.
qtl_scan_positions <- function(pos, chr) {
  chr <- as.character(chr)
  for (ch in unique(chr)) {
    i <- which(chr == ch)
    if (length(i) > 1L) pos[i] <- (pos[i] - min(pos[i])) + min(pos[i])
  }
  pos
}

# X-chromosome codes (R/qtl's raw codes minus 1) as numbers of B alleles. R/qtl codes a
# backcross's X as AA/AB in females and AY/BY in males, already 0/1 B alleles. In an
# intercross, females of direction 0 are AA/AB, of direction 1 BB/AB, males AY/BY; males
# become the homozygote of their allele (AY = AA = 0, BY = BB = 2).
qtl_x_recode <- function(g, type, sexpgm) {
  if (type != "f2") return(g)
  n <- nrow(g)
  sex <- if (is.null(sexpgm$sex)) rep(0L, n) else sexpgm$sex
  pgm <- if (is.null(sexpgm$pgm)) rep(0L, n) else sexpgm$pgm
  male <- which(!is.na(sex) & sex == 1L)
  reverse <- which(!is.na(sex) & sex == 0L & !is.na(pgm) & pgm == 1L)
  g[male, ] <- 2L * g[male, ]
  g[reverse, ] <- 2L - g[reverse, ]
  unknown <- which(is.na(sex) | (sex == 0L & is.na(pgm)))
  g[unknown, ] <- NA_integer_
  g
}

# Individual ids from the cross's id column, if any; the attribute "column"
# names the column so it is never mistaken for a trait.
qtl_cross_ids <- function(x) {
  cols <- names(x$pheno)
  col <- cols[tolower(cols) == "id"]
  if (!length(col)) return(NULL)
  ids <- as.character(x$pheno[[col[1L]]])
  if (anyNA(ids) || anyDuplicated(ids) || any(!nzchar(ids))) return(NULL)
  structure(ids, column = col[1L])
}

qtl_cross_pheno <- function(pheno, phenotypes, id_col = NULL) {
  if (is.null(pheno) || !ncol(pheno)) {
    stop("The cross has no phenotypes.", call. = FALSE)
  }
  cols <- names(pheno)
  if (!is.null(phenotypes)) {
    if (is.numeric(phenotypes)) {
      bad <- phenotypes[is.na(phenotypes) | phenotypes < 1 | phenotypes > length(cols)]
      if (length(bad)) {
        stop(sprintf("Phenotype index %s is out of range (the cross has %d columns).",
                     format(bad[1L]), length(cols)), call. = FALSE)
      }
      phenotypes <- cols[phenotypes]
    }
    phenotypes <- as.character(phenotypes)
    unknown <- setdiff(phenotypes, cols)
    if (length(unknown)) {
      stop(sprintf("Unknown phenotype%s: %s (the cross has %s).",
                   if (length(unknown) > 1L) "s" else "",
                   paste(unknown, collapse = ", "), paste(cols, collapse = ", ")),
           call. = FALSE)
    }
    numeric <- vapply(pheno[phenotypes], is.numeric, logical(1))
    if (!all(numeric)) {
      stop(sprintf("Phenotype '%s' is not numeric.", phenotypes[!numeric][1L]),
           call. = FALSE)
    }
    keep <- phenotypes
  } else {
    numeric <- vapply(pheno, is.numeric, logical(1))
    covariate <- tolower(cols) %in% qtl_covariate_names | cols %in% id_col
    keep <- cols[numeric & !covariate]
    left_out <- setdiff(cols, keep)
    if (length(left_out)) {
      message(sprintf(
        "Phenotype column%s not used as traits: %s.",
        if (length(left_out) > 1L) "s" else "", paste(left_out, collapse = ", ")
      ))
    }
  }
  out <- pheno[keep]
  empty <- vapply(out, function(v) all(is.na(v)), logical(1))
  if (any(empty)) {
    message(sprintf("Dropping trait%s without observed values: %s.",
                    if (sum(empty) > 1L) "s" else "",
                    paste(keep[empty], collapse = ", ")))
    out <- out[!empty]
  }
  if (!ncol(out)) {
    stop("The cross has no numeric phenotype to use as a trait.", call. = FALSE)
  }
  rownames(out) <- NULL
  out
}

# Numbered chromosomes by number, then named ones (X, Y, MT, ...) as they come.
genome_order <- function(chr) {
  num <- suppressWarnings(as.numeric(sub("^chr", "", chr, ignore.case = TRUE)))
  c(chr[!is.na(num)][order(num[!is.na(num)])], chr[is.na(num)])
}
