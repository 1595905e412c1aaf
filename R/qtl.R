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
#' 3 for intercrosses (`0` = AA, `1` = AB, `2` = BB). The partially informative
#' intercross codes 4 ("not BB") and 5 ("not AA") cannot be expressed as a
#' single allele code and become `NA`, as do missing calls.
#'
#' **X chromosome.** The raw R/qtl codes on the X chromosome depend on sex and
#' cross direction (a male's code 1 and a female's code 1 are different
#' genotypes), so X markers are dropped by default, with a message. With
#' `x_chr = "keep"` they are kept with their raw codes shifted to start at 0;
#' use this only when sex and cross direction are the same for everybody.
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
#' @param x_chr `"drop"` (default) to leave out X-chromosome markers, or
#'   `"keep"` to keep them (see Details).
#' @param chr Optional chromosome names (or numbers) to keep, e.g. `c(1, 4)`;
#'   `NULL` keeps all. This does what `subset(x, chr = ...)` does in R/qtl,
#'   without needing R/qtl's `subset()` method, which is only available once
#'   the qtl namespace is loaded (`library(qtl)`; `qtl::subset.cross` is not
#'   exported).
#' @param ... Unused.
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
#' }
#' @exportS3Method as_gp_data cross
as_gp_data.cross <- function(x, phenotypes = NULL, x_chr = c("drop", "keep"), chr = NULL,
                             ...) {
  need_qtl()
  x_chr <- match.arg(x_chr)
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

  chr_names <- names(x$geno)
  is_x <- vapply(x$geno, function(g) inherits(g, "X"), logical(1))
  if (any(is_x) && x_chr == "drop") {
    n_x <- sum(vapply(x$geno[is_x], function(g) ncol(g$data), integer(1)))
    message(sprintf(
      "Dropping %d marker%s on the X chromosome (%s); use x_chr = \"keep\" to keep them.",
      n_x, if (n_x == 1L) "" else "s", paste(chr_names[is_x], collapse = ", ")
    ))
    chr_names <- chr_names[!is_x]
  }
  if (!length(chr_names)) {
    stop("No chromosomes are left to convert.", call. = FALSE)
  }

  geno <- qtl::pull.geno(x, chr = chr_names)
  map <- qtl::pull.map(x, chr = chr_names, as.table = TRUE)
  storage.mode(geno) <- "integer"
  # Codes above k are partially informative calls (f2: 4 = not BB, 5 = not AA).
  geno[!is.na(geno) & (geno < 1L | geno > k)] <- NA_integer_
  geno <- geno - 1L

  markers <- data.frame(marker = rownames(map), chr = as.character(map$chr),
                        pos = as.numeric(map$pos), stringsAsFactors = FALSE)
  colnames(geno) <- markers$marker

  ids <- qtl_cross_ids(x)
  pheno <- qtl_cross_pheno(x$pheno, phenotypes, id_col = attr(ids, "column"))
  rownames(geno) <- NULL
  gp_data(pheno, geno, markers = markers, n_alleles = k,
          ids = as.vector(ids))
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

#' Locus importance as an R/qtl `scanone` result
#'
#' Recasts the locus importance of [gp_importance()] as a genome scan in the
#' format of R/qtl's `scanone()`, so that R/qtl's tools for genome scans apply
#' to it: `plot()` (`qtl::plot.scanone`), `summary()` (peaks per chromosome),
#' `qtl::lodint()` and `qtl::bayesint()` (support intervals), `qtl::max()`.
#'
#' The score is not a LOD score. With `scale = "none"` it is the importance
#' itself, so `drop` in `lodint()` is in importance units; with
#' `scale = "relative"` it is the importance divided by the largest one (the
#' top locus scores 1), so `lodint(s, chr, drop = 0.5)` gives the interval
#' where importance stays above half the chromosome's peak. `bayesint()` treats
#' the score as a LOD score and is only a rough guide.
#'
#' @param importance A `gp_importance` object from [gp_importance()] with
#'   `from = "genotype"`, or its `loci` data frame.
#' @param scale `"none"` (default) or `"relative"`; see Details.
#' @param ... Unused.
#' @return A data frame of class `c("scanone", "data.frame")` with one row per
#'   locus, sorted by chromosome and position, row names the marker names, and
#'   columns
#'   * `chr`: factor of chromosome names, levels in genome order (numbered
#'     chromosomes by number, then the others, such as X, in order of
#'     appearance);
#'   * `pos`: position as stored in the data (cM for crosses);
#'   * `importance`: the locus importance (scaled according to `scale`).
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
#'   qtl::lodint(s, chr = 4, drop = 0.5)
#' }
#' @export
as_scanone <- function(importance, scale = c("none", "relative"), ...) {
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
  score <- as.numeric(loci$importance)
  if (scale == "relative") {
    top <- max(score, na.rm = TRUE)
    if (is.finite(top) && top > 0) score <- score / top
  }
  chr_chr <- as.character(loci$chr)
  chr <- factor(chr_chr, levels = genome_order(unique(chr_chr)))
  out <- data.frame(chr = chr, pos = as.numeric(loci$pos), importance = score,
                    stringsAsFactors = FALSE)
  rownames(out) <- as.character(loci$marker)
  out <- out[order(as.integer(out$chr), out$pos), , drop = FALSE]
  class(out) <- c("scanone", "data.frame")
  out
}

# Numbered chromosomes by number, then named ones (X, Y, MT, ...) as they come.
genome_order <- function(chr) {
  num <- suppressWarnings(as.numeric(sub("^chr", "", chr, ignore.case = TRUE)))
  c(chr[!is.na(num)][order(num[!is.na(num)])], chr[is.na(num)])
}
