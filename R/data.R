# The gp_data container: construction, validation, coercion, subsetting and printing.

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
#'
#' @return A list of class `gp_data` with elements
#'   * `pheno`: double matrix, individuals x traits, with dimnames;
#'   * `geno`: integer matrix, individuals x markers, with dimnames;
#'   * `n_alleles`: integer, number of allelic states per locus;
#'   * `markers`: data frame with columns `marker` (character), `chr`
#'     (character, `NA` if unknown) and `pos` (numeric, `NA` if unknown);
#'   * `ids`: character vector of individual ids;
#'   * `truth`: `NULL`, or the generating model for simulated data
#'     (see [gp_simulate()]).
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
                    ids = NULL) {
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
  new_gp_data(pheno, geno, n_alleles, markers, ids)
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

# Automatic data-frame row names (1, 2, ...) are not ids and must not be
# mistaken for them when comparing with the genotype table.
df_rownames <- function(x) {
  if (.row_names_info(x) > 0L) rownames(x) else NULL
}

phenotype_matrix <- function(phenotypes) {
  if (is.data.frame(phenotypes)) {
    if (ncol(phenotypes) == 0L) {
      stop("`phenotypes` has no trait columns.", call. = FALSE)
    }
    ok <- vapply(phenotypes, function(col) is.numeric(col) || is.logical(col),
                 logical(1))
    if (!all(ok)) {
      stop(sprintf(
        paste0("Phenotype column '%s' is not numeric; ",
               "move id columns to row names and drop non-trait columns."),
        names(phenotypes)[which(!ok)[1L]]
      ), call. = FALSE)
    }
    rn <- df_rownames(phenotypes)
    pheno <- matrix(
      as.double(unlist(phenotypes, use.names = FALSE)),
      nrow = nrow(phenotypes), ncol = ncol(phenotypes),
      dimnames = list(rn, names(phenotypes))
    )
  } else if (is.null(dim(phenotypes))) {
    if (!(is.numeric(phenotypes) || is.logical(phenotypes))) {
      stop("`phenotypes` must be numeric.", call. = FALSE)
    }
    pheno <- matrix(as.double(phenotypes), ncol = 1L,
                    dimnames = list(names(phenotypes), "trait_1"))
  } else if (is.matrix(phenotypes)) {
    if (!(is.numeric(phenotypes) || is.logical(phenotypes))) {
      first <- if (is.null(colnames(phenotypes))) "1" else colnames(phenotypes)[1L]
      stop(sprintf(
        "Phenotype column '%s' is not numeric (the matrix is of type %s).",
        first, typeof(phenotypes)
      ), call. = FALSE)
    }
    pheno <- phenotypes
    storage.mode(pheno) <- "double"
  } else {
    stop("`phenotypes` must be a numeric matrix, data frame or vector.",
         call. = FALSE)
  }
  if (ncol(pheno) == 0L) {
    stop("`phenotypes` has no trait columns.", call. = FALSE)
  }
  if (is.null(colnames(pheno))) {
    colnames(pheno) <- paste0("trait_", seq_len(ncol(pheno)))
  }
  check_names(colnames(pheno), "trait")
  pheno
}

genotype_matrix <- function(genotypes) {
  if (is.data.frame(genotypes)) {
    ok <- vapply(genotypes, function(col) is.numeric(col) || is.logical(col),
                 logical(1))
    if (!all(ok)) {
      stop(sprintf(
        paste0("Genotype column '%s' is not numeric; ",
               "use as_gp_data() for letter-coded genotype tables."),
        names(genotypes)[which(!ok)[1L]]
      ), call. = FALSE)
    }
    genotypes <- matrix(
      if (nrow(genotypes)) unlist(genotypes, use.names = FALSE) else logical(0),
      nrow = nrow(genotypes), ncol = ncol(genotypes),
      dimnames = list(df_rownames(genotypes), names(genotypes))
    )
  } else if (is.null(dim(genotypes)) && is.atomic(genotypes)) {
    genotypes <- matrix(genotypes, ncol = 1L,
                        dimnames = list(names(genotypes), NULL))
  }
  if (!is.matrix(genotypes)) {
    stop("`genotypes` must be a matrix of allele codes.", call. = FALSE)
  }
  if (!(is.numeric(genotypes) || is.logical(genotypes))) {
    stop(paste0("`genotypes` must hold numeric allele codes; ",
                "use as_gp_data() for letter-coded genotype tables."),
         call. = FALSE)
  }
  if (ncol(genotypes) == 0L) {
    stop("`genotypes` has zero markers.", call. = FALSE)
  }
  if (is.double(genotypes)) {
    finite <- is.finite(genotypes)
    frac <- finite & genotypes != round(genotypes)
    if (any(frac)) {
      report_bad_code(genotypes, frac, "Allele codes must be whole numbers")
    }
    infinite <- !finite & !is.na(genotypes)
    if (any(infinite)) {
      report_bad_code(genotypes, infinite, "Allele codes must be finite")
    }
  }
  check_code_range(genotypes)
  if (!is.integer(genotypes)) {
    storage.mode(genotypes) <- "integer"
  }
  genotypes
}

# Names the first offending marker and value so that a bad file can be fixed
# without hunting through millions of cells.
report_bad_code <- function(geno, bad, what, marker_names = colnames(geno)) {
  k <- which(bad)[1L]
  col <- (k - 1L) %/% nrow(geno) + 1L
  name <- if (is.null(marker_names)) as.character(col) else marker_names[col]
  value <- geno[k]
  value <- if (is.character(value)) {
    paste0("'", value, "'")
  } else {
    format(value, digits = 15)
  }
  stop(sprintf("%s: marker '%s' has value %s.", what, name, value),
       call. = FALSE)
}

check_names <- function(x, what) {
  if (anyNA(x) || any(!nzchar(x))) {
    stop(sprintf("Every %s needs a non-empty name.", what), call. = FALSE)
  }
  dup <- anyDuplicated(x)
  if (dup > 0L) {
    stop(sprintf("Duplicated %s name '%s'.", what, x[dup]), call. = FALSE)
  }
  invisible(x)
}

pad_names <- function(prefix, n, min_width = 4L) {
  width <- max(min_width, nchar(as.character(n)))
  sprintf("%s%0*d", prefix, width, seq_len(n))
}

resolve_ids <- function(ids, pheno_ids, geno_ids, n) {
  if (!is.null(pheno_ids) && !is.null(geno_ids) &&
      !identical(as.character(pheno_ids), as.character(geno_ids))) {
    k <- which(pheno_ids != geno_ids)[1L]
    hint <- if (setequal(pheno_ids, geno_ids)) {
      " The same ids appear in a different order; reorder one table."
    } else {
      ""
    }
    stop(sprintf(
      paste0("Individual ids differ between phenotypes and genotypes: ",
             "row %d is '%s' in phenotypes but '%s' in genotypes.%s"),
      k, pheno_ids[k], geno_ids[k], hint
    ), call. = FALSE)
  }
  if (is.null(ids)) {
    ids <- if (!is.null(pheno_ids)) pheno_ids else geno_ids
  }
  if (is.null(ids)) {
    return(pad_names("ind_", n))
  }
  if (!is.atomic(ids)) {
    stop("`ids` must be a character vector of individual ids.", call. = FALSE)
  }
  ids <- as.character(ids)
  if (length(ids) != n) {
    stop(sprintf("`ids` has length %d but the data have %d individuals.",
                 length(ids), n), call. = FALSE)
  }
  if (anyNA(ids) || any(!nzchar(ids))) {
    stop("Every individual needs a non-empty id.", call. = FALSE)
  }
  dup <- anyDuplicated(ids)
  if (dup > 0L) {
    stop(sprintf("Duplicated individual id '%s'.", ids[dup]), call. = FALSE)
  }
  ids
}

resolve_markers <- function(markers, geno_names, n_markers) {
  if (is.null(markers)) {
    if (is.null(geno_names)) {
      geno_names <- pad_names("marker_", n_markers)
    }
    check_names(geno_names, "marker")
    return(data.frame(marker = geno_names, chr = NA_character_, pos = NA_real_,
                      stringsAsFactors = FALSE))
  }
  if (!is.data.frame(markers)) {
    stop("`markers` must be a data frame with columns marker, chr and pos.",
         call. = FALSE)
  }
  if (nrow(markers) != n_markers) {
    stop(sprintf(
      "`markers` has %d rows but `genotypes` has %d marker columns.",
      nrow(markers), n_markers
    ), call. = FALSE)
  }
  marker <- if ("marker" %in% names(markers)) {
    as.character(markers$marker)
  } else {
    geno_names
  }
  if (is.null(marker)) {
    marker <- pad_names("marker_", n_markers)
  }
  if (!is.null(geno_names) && !identical(marker, as.character(geno_names))) {
    k <- which(marker != geno_names | is.na(marker))[1L]
    stop(sprintf(
      paste0("Marker names in `markers` differ from the genotype column names: ",
             "column %d is '%s' in markers but '%s' in genotypes."),
      k, marker[k], geno_names[k]
    ), call. = FALSE)
  }
  check_names(marker, "marker")
  chr <- if ("chr" %in% names(markers)) as.character(markers$chr) else NA_character_
  pos <- if ("pos" %in% names(markers)) markers$pos else NA_real_
  if (!is.numeric(pos) && !all(is.na(pos))) {
    stop("Column `pos` of `markers` must be numeric.", call. = FALSE)
  }
  out <- data.frame(marker = marker, chr = chr, pos = as.numeric(pos),
                    stringsAsFactors = FALSE)
  extra <- setdiff(names(markers), c("marker", "chr", "pos"))
  if (length(extra)) {
    out <- cbind(out, markers[extra])
  }
  rownames(out) <- NULL
  out
}

resolve_n_alleles <- function(n_alleles, geno) {
  if (is.null(n_alleles)) {
    top <- suppressWarnings(max(geno, na.rm = TRUE))
    if (is.finite(top) && top > 253) {
      report_bad_code(geno, !is.na(geno) & geno > 253L,
                      "Allele codes must lie in 0..253 (at most 254 allelic states)")
    }
    return(max(2L, if (is.finite(top)) as.integer(top) + 1L else 2L))
  }
  if (!is.numeric(n_alleles) || length(n_alleles) != 1L || is.na(n_alleles) ||
      n_alleles != round(n_alleles) || n_alleles < 2 || n_alleles > 254) {
    stop("`n_alleles` must be a single whole number between 2 and 254.", call. = FALSE)
  }
  as.integer(n_alleles)
}

check_allele_codes <- function(geno, marker_names, n_alleles) {
  bad <- !is.na(geno) & (geno < 0L | geno >= n_alleles)
  if (any(bad)) {
    report_bad_code(
      geno, bad,
      sprintf("Allele codes must lie in 0..%d", n_alleles - 1L),
      marker_names
    )
  }
  invisible(TRUE)
}

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
#' @param markers Optional marker table, as in [gp_data()].
#' @param alleles Optional character vector of length 2 giving the letters
#'   coded 0 and 1, e.g. `c("B", "R")`.
#' @param n_alleles Optional number of allelic states, as in [gp_data()].
#' @param ids Optional individual ids, as in [gp_data()].
#' @param ... Passed on to methods.
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
  x
}

#' @rdname as_gp_data
#' @export
as_gp_data.matrix <- function(x, phenotypes, markers = NULL, alleles = NULL,
                              n_alleles = NULL, ids = NULL, ...) {
  if (missing(phenotypes)) {
    stop("`phenotypes` is required to build a gp_data object.", call. = FALSE)
  }
  coded <- code_genotypes(x, alleles)
  if (is.null(n_alleles)) {
    n_alleles <- coded$n_alleles
  }
  gp_data(phenotypes, coded$codes, markers = markers, n_alleles = n_alleles,
          ids = ids)
}

#' @rdname as_gp_data
#' @export
as_gp_data.data.frame <- function(x, phenotypes, markers = NULL,
                                  alleles = NULL, n_alleles = NULL,
                                  ids = NULL, ...) {
  if (missing(phenotypes)) {
    stop("`phenotypes` is required to build a gp_data object.", call. = FALSE)
  }
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
                    n_alleles = n_alleles, ids = ids, ...)
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
  cat("  traits:  ", paste(shown, collapse = ", "),
      if (more > 0L) sprintf(", ... (+%d more)", more) else "", "\n", sep = "")
  chr <- unique(x$markers$chr[!is.na(x$markers$chr)])
  cat("  markers: ",
      if (length(chr)) sprintf("%d chromosome%s", length(chr),
                               if (length(chr) == 1L) "" else "s")
      else "chromosomes unknown",
      if (all(is.na(x$markers$pos))) ", positions unknown" else "",
      "\n", sep = "")
  cat(sprintf("  missing: %s of phenotype values, %s of genotype calls\n",
              format_percent(mean(is.na(x$pheno))),
              format_percent(mean(is.na(x$geno)))))
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
#' @param ... Unused.
#' @return `summary()` returns an object of class `summary.gp_data`: a list with
#'   `n_individuals`, `n_markers`, `n_alleles`, `geno_missing` (fraction of
#'   missing calls), `allele_freq` (overall frequency of each allele code),
#'   `has_truth`, `traits` (data frame with columns `trait`, `n_observed`,
#'   `n_missing`, `mean`, `sd`, `min`, `max`) and `chromosomes` (data frame
#'   with columns `chr`, `n_markers`, `min_pos`, `max_pos`, or `NULL` when
#'   chromosomes are unknown).
#' @export
summary.gp_data <- function(object, ...) {
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
