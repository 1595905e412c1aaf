# as_gp_data(): gp_data objects from matrices and data frames of allele codes or letters.

#' Convert genotype tables and other objects to `gp_data`
#'
#' `as_gp_data()` turns a genotype table plus phenotypes into a [gp_data()]
#' object. For matrices and data frames, `x` holds genotypes with individuals
#' in rows and markers in columns, in one of two codings:
#'
#' * **letters**, one letter per allele of a biallelic marker (e.g. `"B"`/`"R"`
#'   or `"A"`/`"H"`). Letters are coded 0 and 1 in alphabetical order unless
#'   `alleles` gives the order. When the whole table uses only two letters the
#'   order is shared by all markers, so that a marker where only one allele
#'   was seen still gets the same code for it; otherwise each marker is coded
#'   on its own. A marker with more than two distinct letters is an error.
#' * **numbers**: allele codes or dosages such as 0/1 (two states) or 0/1/2
#'   (three states); `n_alleles` defaults to the largest code plus one.
#'
#' `NA`, `"-"` and `""` mark missing calls. A table that mixes numbers and
#' letters is an error naming the first odd cell, since coding it either way
#' would silently change some calls.
#'
#' @param x Object to convert: a genotype matrix or data frame, or a `gp_data`
#'   (returned unchanged).
#' @param phenotypes Phenotypes for the same individuals, as in [gp_data()].
#'   `NULL` (the default) gives genotype-only data: a `gp_data` whose `pheno`
#'   has no columns, for [predict.gpatlas()] (a model cannot be fitted to it).
#' @param markers Optional marker table, as in [gp_data()].
#' @param alleles Optional character vector of length 2 giving the letters
#'   coded 0 and 1, e.g. `c("B", "R")`.
#' @param n_alleles Optional number of allelic states, as in [gp_data()].
#' @param ids Optional individual ids, as in [gp_data()].
#' @param ... Arguments of the methods; an argument no method takes is an
#'   error.
#'
#' @return A `gp_data` object; see [gp_data()] for its elements.
#' @export
#' @examples
#' geno <- matrix(c("B", "R", "B", "R", "R", "-"), nrow = 3,
#'                dimnames = list(c("s1", "s2", "s3"), c("m1", "m2")))
#' pheno <- data.frame(growth = c(0.3, 1.2, 0.8),
#'                     row.names = c("s1", "s2", "s3"))
#' d <- as_gp_data(geno, pheno)
#' d$geno
#'
#' dosage <- data.frame(m1 = c(0, 1, 2), m2 = c(2, 2, 0))
#' as_gp_data(dosage, phenotypes = c(1.5, 2.0, 0.1))$n_alleles
as_gp_data <- function(x, ...) {
  UseMethod("as_gp_data")
}

#' @rdname as_gp_data
#' @export
as_gp_data.default <- function(x, ...) {
  stop(sprintf(
    paste0("Cannot convert an object of class '%s' to gp_data; ",
           "supply a genotype matrix or data frame."),
    class(x)[1L]
  ), call. = FALSE)
}

#' @rdname as_gp_data
#' @export
as_gp_data.gp_data <- function(x, ...) {
  check_dots_empty(...)
  x
}

#' @rdname as_gp_data
#' @export
as_gp_data.matrix <- function(x, phenotypes = NULL, markers = NULL, alleles = NULL,
                              n_alleles = NULL, ids = NULL, ...) {
  check_dots_empty(...)
  coded <- code_genotypes(x, alleles)
  if (is.null(n_alleles)) {
    n_alleles <- coded$n_alleles
  }
  if (is.null(phenotypes)) {
    return(genotype_only_data(coded$codes, markers, n_alleles, ids))
  }
  gp_data(phenotypes, coded$codes, markers = markers, n_alleles = n_alleles,
          ids = ids)
}

# A gp_data without traits (a zero-column `pheno`), validated as gp_data() validates genotypes.
genotype_only_data <- function(geno, markers, n_alleles, ids) {
  d <- gp_data(rep(0, nrow(geno)), geno, markers = markers, n_alleles = n_alleles, ids = ids)
  d$pheno <- matrix(numeric(0), nrow(geno), 0L, dimnames = list(d$ids, NULL))
  d
}

#' @rdname as_gp_data
#' @export
as_gp_data.data.frame <- function(x, phenotypes = NULL, markers = NULL,
                                  alleles = NULL, n_alleles = NULL,
                                  ids = NULL, ...) {
  check_dots_empty(...)
  cols <- lapply(x, function(col) if (is.factor(col)) as.character(col) else col)
  numeric_cols <- vapply(cols, function(col) is.numeric(col) || is.logical(col),
                         logical(1))
  values <- if (all(numeric_cols)) {
    unlist(cols, use.names = FALSE)
  } else {
    unlist(lapply(cols, as.character), use.names = FALSE)
  }
  if (is.null(values)) {
    values <- logical(0)
  }
  if (!nrow(x)) values <- logical(0)
  m <- matrix(values, nrow = nrow(x), ncol = ncol(x),
              dimnames = list(df_rownames(x), names(x)))
  as_gp_data.matrix(m, phenotypes, markers = markers, alleles = alleles,
                    n_alleles = n_alleles, ids = ids)
}

# Returns list(codes = integer matrix, n_alleles = integer or NULL).
code_genotypes <- function(x, alleles = NULL) {
  if (ncol(x) == 0L) {
    stop("`genotypes` has zero markers.", call. = FALSE)
  }
  if (is.numeric(x) || is.logical(x)) {
    return(list(codes = x, n_alleles = NULL))
  }
  if (!is.character(x)) {
    stop("Genotype table must hold letters or numeric codes.", call. = FALSE)
  }
  vals <- trimws(x)
  vals[vals %in% c("", "-", "NA")] <- NA_character_
  observed <- vals[!is.na(vals)]

  # Numbers read as text (e.g. from a character-typed file) keep their codes.
  as_num <- suppressWarnings(as.numeric(observed))
  if (length(observed) && anyNA(as_num) && !all(is.na(as_num))) {
    # Letters among numbers (or numbers among letters) mean a damaged or mixed table: coding
    # them as letters would turn the number codes into arbitrary allele codes.
    numeric_cell <- !is.na(suppressWarnings(as.numeric(vals)))
    letter_cell <- !is.na(vals) & !numeric_cell
    odd <- if (sum(letter_cell) <= sum(numeric_cell)) letter_cell else numeric_cell
    report_bad_code(vals, odd, "Genotype table mixes numeric codes and letters",
                    if (is.null(colnames(x))) as.character(seq_len(ncol(x))) else colnames(x))
  }
  if (length(observed) && !anyNA(as_num)) {
    num <- suppressWarnings(as.numeric(vals))
    dim(num) <- dim(x)
    dimnames(num) <- dimnames(x)
    return(list(codes = num, n_alleles = NULL))
  }

  marker_names <- colnames(x)
  if (is.null(marker_names)) {
    marker_names <- as.character(seq_len(ncol(x)))
  }
  codes <- matrix(NA_integer_, nrow(x), ncol(x), dimnames = dimnames(x))
  if (!is.null(alleles)) {
    if (!is.character(alleles) || length(alleles) != 2L || anyNA(alleles) ||
        alleles[1L] == alleles[2L]) {
      stop("`alleles` must be two distinct letters, e.g. c(\"B\", \"R\").",
           call. = FALSE)
    }
    codes[] <- match(vals, alleles) - 1L
    unknown <- !is.na(vals) & is.na(codes)
    if (any(unknown)) {
      report_bad_code(
        vals, unknown,
        sprintf("Genotype letters must be '%s' or '%s'", alleles[1L], alleles[2L]),
        marker_names
      )
    }
    return(list(codes = codes, n_alleles = 2L))
  }

  letters_seen <- sort(unique(observed), method = "radix")
  if (length(letters_seen) <= 2L) {
    codes[] <- match(vals, letters_seen) - 1L
    return(list(codes = codes, n_alleles = 2L))
  }
  for (j in seq_len(ncol(vals))) {
    u <- sort(unique(vals[!is.na(vals[, j]), j]), method = "radix")
    if (length(u) > 2L) {
      stop(sprintf(
        paste0("Marker '%s' has %d distinct alleles (%s); ",
               "letter-coded markers must be biallelic."),
        marker_names[j], length(u), paste(u, collapse = ", ")
      ), call. = FALSE)
    }
    codes[, j] <- match(vals[, j], u) - 1L
  }
  list(codes = codes, n_alleles = 2L)
}
