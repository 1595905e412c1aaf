# Reader for the BYxRM yeast cross (Bloom et al. 2013) as shipped with G-P Atlas.

#' Read the BYxRM yeast cross
#'
#' Reads the genotypes and growth phenotypes of the 1,008 haploid segregants
#' of the cross between yeast strains BY and RM (Bloom et al. 2013, Nature
#' 494:234-237), in the files redistributed with the G-P Atlas publication.
#'
#' `dir` must contain
#' * `BYxRM_GenoData.txt.gz`: tab-separated, one row per marker, header
#'   `marker` then the segregant names; cells `B` (BY allele) or `R` (RM
#'   allele);
#' * `BYxRM_PhenoData.txt.gz`: tab-separated, one row per segregant, header
#'   with an empty first field then the trait names; `NA` marks a missing
#'   measurement.
#'
#' Both files are read whole and checked before anything is returned: a gzip
#' file must end in an intact trailer whose recorded length matches the text
#' decompressed (so a file cut short, even at the end of a row, is an error);
#' every row must have as many tab-separated fields as the header (a short row
#' is an error, never padded with `NA`); phenotype cells must be numbers or
#' `NA`/empty; and the phenotype header must start with an empty field. Errors
#' name the file and the line. Plain (uncompressed) text under the same names
#' is read as well.
#'
#' The BY allele is coded 0 and the RM allele 1. Marker names have the form
#' `<genome position>_chr<NN>_<chromosome position>_<ref>_<alt>`; the
#' chromosome becomes `"1"` to `"16"` and `pos` the position in base pairs
#' within the chromosome. Missing phenotypes stay `NA`.
#'
#' @param dir Folder holding the two files.
#'
#' @seealso [byxrm], the same data shipped with the package.
#' @return A [gp_data()] object with 1,008 individuals, 11,623 markers
#'   (`n_alleles = 2`) and 46 traits; `markers` has columns `marker`, `chr`
#'   and `pos`.
#' @export
#' @examples
#' # A tiny folder in the same format as the published files.
#' dir <- tempfile("byxrm")
#' dir.create(dir)
#' geno <- gzfile(file.path(dir, "BYxRM_GenoData.txt.gz"), "w")
#' writeLines(c("marker\tA01_01\tA01_02",
#'              "27915_chr01_27915_T_C\tB\tR",
#'              "230301_chr02_112_G_A\tR\tR"), geno)
#' close(geno)
#' pheno <- gzfile(file.path(dir, "BYxRM_PhenoData.txt.gz"), "w")
#' writeLines(c("\tCaffeine\tEthanol", "A01_01\t0.5\tNA", "A01_02\t-1.2\t0.3"),
#'            pheno)
#' close(pheno)
#' yeast <- read_byxrm(dir)
#' yeast$markers
#'
#' \dontrun{
#' # The original files, from the data folder of the repository
#' # Arcadia-Science/2025-g-p-atlas: the same values as the shipped `byxrm`.
#' yeast <- read_byxrm("path/to/byxrm")
#' identical(yeast, byxrm)
#' }
read_byxrm <- function(dir) {
  if (missing(dir) || !is.character(dir) || length(dir) != 1L || is.na(dir)) {
    stop("`dir` must be the path of the folder holding the BYxRM files.",
         call. = FALSE)
  }
  if (!dir.exists(dir)) {
    stop(sprintf("Folder '%s' does not exist.", dir), call. = FALSE)
  }
  geno_file <- file.path(dir, "BYxRM_GenoData.txt.gz")
  pheno_file <- file.path(dir, "BYxRM_PhenoData.txt.gz")
  absent <- c(geno_file, pheno_file)[!file.exists(c(geno_file, pheno_file))]
  if (length(absent)) {
    stop(sprintf(
      paste0("Missing file '%s'; the folder must hold ",
             "BYxRM_GenoData.txt.gz and BYxRM_PhenoData.txt.gz."),
      absent[1L]
    ), call. = FALSE)
  }

  geno <- read_byxrm_geno(geno_file)
  pheno <- read_byxrm_pheno(pheno_file)

  if (!identical(geno$ids, rownames(pheno))) {
    if (length(geno$ids) != nrow(pheno)) {
      stop(sprintf(
        "BYxRM files in '%s': the genotype file has %d segregants but the phenotype file has %d.",
        dir, length(geno$ids), nrow(pheno)
      ), call. = FALSE)
    }
    k <- which(geno$ids != rownames(pheno))[1L]
    stop(sprintf(
      paste0("BYxRM files in '%s': segregant order differs between the files: position %d is ",
             "'%s' in the genotype file but '%s' in the phenotype file."),
      dir, k, geno$ids[k], rownames(pheno)[k]
    ), call. = FALSE)
  }

  markers <- parse_byxrm_markers(geno$markers)
  codes <- geno$codes
  dimnames(codes) <- list(geno$ids, geno$markers)
  tryCatch(
    gp_data(pheno, codes, markers = markers, n_alleles = 2L),
    error = function(e) {
      stop(sprintf("BYxRM files in '%s': %s", dir, conditionMessage(e)), call. = FALSE)
    }
  )
}

# Reads a whole text file (gzip-compressed or plain) and returns its lines. A gzip file must
# end in an intact trailer whose recorded length matches what was decompressed, so a file
# cut short (even at the end of a row) or damaged is an error, never a partial read.
read_text_lines <- function(path, what) {
  fail <- function(fmt, ...) {
    stop(sprintf(paste0("%s file '%s' ", fmt), what, path, ...), call. = FALSE)
  }
  raw <- read_file_bytes(path, what)
  if (!length(raw)) fail("is empty.")
  if (any(raw == as.raw(0L))) fail("is not a text file (it holds NUL bytes).")
  lines <- strsplit(rawToChar(raw), "\n", fixed = TRUE, useBytes = TRUE)[[1L]]
  invalid <- which(!validUTF8(lines))
  if (length(invalid)) fail("is not plain text: line %d holds invalid characters.", invalid[1L])
  lines <- sub("\r$", "", lines, useBytes = TRUE)
  if (!length(lines) || !nzchar(lines[1L])) fail("has no header line.")
  empty <- which(!nzchar(lines))
  if (length(empty)) fail("has an empty line (line %d).", empty[1L])
  lines
}

# Tab-separated fields of each line, keeping empty fields (also a trailing one).
split_fields <- function(lines) {
  strsplit(paste0(lines, "\t"), "\t", fixed = TRUE, useBytes = TRUE)
}

# Lines whose number of fields differs from `width`, reported with the file and line.
check_field_counts <- function(lines, width, path, what, expected) {
  n_fields <- nchar(lines, type = "bytes") -
    nchar(gsub("\t", "", lines, fixed = TRUE, useBytes = TRUE), type = "bytes") + 1L
  bad <- which(n_fields != width)
  if (length(bad)) {
    k <- bad[1L]
    stop(sprintf(
      "%s file '%s' is ragged: line %d has %d fields, but rows must have %d (%s).",
      what, path, k + 1L, n_fields[k], width, expected
    ), call. = FALSE)
  }
  invisible(TRUE)
}

read_byxrm_geno <- function(path) {
  lines <- read_text_lines(path, "Genotype")
  header <- split_fields(lines[1L])[[1L]]
  ids <- header[-1L]
  n_ind <- length(ids)
  if (n_ind < 1L) {
    stop(sprintf("Genotype file '%s' has no segregant columns.", path), call. = FALSE)
  }
  rows <- lines[-1L]
  if (!length(rows)) {
    stop(sprintf("Genotype file '%s' has no marker rows.", path), call. = FALSE)
  }
  width <- n_ind + 1L
  check_field_counts(rows, width, path, "Genotype",
                     sprintf("marker plus %d segregants", n_ind))
  cells <- unlist(split_fields(rows), use.names = FALSE)
  n_markers <- length(rows)
  name_pos <- (seq_len(n_markers) - 1L) * width + 1L
  markers <- cells[name_pos]
  calls <- cells[-name_pos]
  calls[calls %in% c("NA", "-", "")] <- NA_character_
  codes <- match(calls, c("B", "R")) - 1L
  unknown <- !is.na(calls) & is.na(codes)
  if (any(unknown)) {
    k <- which(unknown)[1L]
    stop(sprintf(
      "Genotype file '%s': marker '%s' has call '%s' (expected B or R).",
      path, markers[(k - 1L) %/% n_ind + 1L], calls[k]
    ), call. = FALSE)
  }
  list(ids = ids, markers = markers,
       codes = matrix(codes, nrow = n_ind, ncol = n_markers))
}

read_byxrm_pheno <- function(path) {
  lines <- read_text_lines(path, "Phenotype")
  header <- split_fields(lines[1L])[[1L]]
  rows <- lines[-1L]
  if (!length(rows)) {
    stop(sprintf("Phenotype file '%s' has no segregant rows.", path), call. = FALSE)
  }
  width <- length(header)
  row_width <- length(split_fields(rows[1L])[[1L]])
  if (nzchar(header[1L]) && row_width == width + 1L) {
    stop(sprintf(
      paste0("Phenotype file '%s': the header has %d fields but the rows %d; the header must ",
             "start with an empty field (above the segregant names), then the trait names."),
      path, width, row_width
    ), call. = FALSE)
  }
  if (width < 2L) {
    stop(sprintf("Phenotype file '%s' has no trait columns.", path), call. = FALSE)
  }
  check_field_counts(rows, width, path, "Phenotype",
                     sprintf("segregant plus %d traits", width - 1L))
  cells <- matrix(unlist(split_fields(rows), use.names = FALSE), nrow = width)
  ids <- cells[1L, ]
  text <- trimws(cells[-1L, , drop = FALSE])
  text[text %in% c("NA", "")] <- NA_character_
  values <- suppressWarnings(as.numeric(text))
  bad <- !is.na(text) & is.na(values)
  if (any(bad)) {
    k <- which(bad)[1L]
    stop(sprintf(
      "Phenotype file '%s': trait '%s' of segregant '%s' is '%s', not a number.",
      path, header[-1L][(k - 1L) %% (width - 1L) + 1L], ids[(k - 1L) %/% (width - 1L) + 1L],
      text[k]
    ), call. = FALSE)
  }
  matrix(values, nrow = length(ids), byrow = TRUE, dimnames = list(ids, header[-1L]))
}

# Unparseable names keep NA chromosome and position instead of failing, since
# the genotypes themselves are still usable.
parse_byxrm_markers <- function(names) {
  pattern <- "^[0-9]+_chr([0-9]+)_([0-9]+)(_.*)?$"
  ok <- grepl(pattern, names)
  chr <- rep(NA_character_, length(names))
  pos <- rep(NA_real_, length(names))
  chr[ok] <- as.character(as.integer(sub(pattern, "\\1", names[ok])))
  pos[ok] <- as.numeric(sub(pattern, "\\2", names[ok]))
  data.frame(marker = names, chr = chr, pos = pos, stringsAsFactors = FALSE)
}
