# The parts of gp_data(): phenotype and genotype tables as matrices, and their ids, markers and
# allele codes resolved and checked.

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
