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
#' The BY allele is coded 0 and the RM allele 1. Marker names have the form
#' `<genome position>_chr<NN>_<chromosome position>_<ref>_<alt>`; the
#' chromosome becomes `"1"` to `"16"` and `pos` the position in base pairs
#' within the chromosome. Missing phenotypes stay `NA`.
#'
#' @param dir Folder holding the two files.
#'
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
#' yeast <- read_byxrm("path/to/byxrm")
#' split <- gp_split(yeast, 0.8, method = "sequential")  # 806 / 202
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
        "The genotype file has %d segregants but the phenotype file has %d.",
        length(geno$ids), nrow(pheno)
      ), call. = FALSE)
    }
    k <- which(geno$ids != rownames(pheno))[1L]
    stop(sprintf(
      paste0("Segregant order differs between the files: position %d is ",
             "'%s' in the genotype file but '%s' in the phenotype file."),
      k, geno$ids[k], rownames(pheno)[k]
    ), call. = FALSE)
  }

  markers <- parse_byxrm_markers(geno$markers)
  codes <- geno$codes
  dimnames(codes) <- list(geno$ids, geno$markers)
  gp_data(pheno, codes, markers = markers, n_alleles = 2L)
}

# A flat scan of all cells is several times faster than read.table on an
# 11,623 x 1,009 text table, and the result is already laid out with one
# segregant per row within each marker block.
read_byxrm_geno <- function(path) {
  con <- gzfile(path, "rt")
  on.exit(close(con))
  header <- readLines(con, n = 1L)
  if (!length(header)) {
    stop(sprintf("Genotype file '%s' is empty.", path), call. = FALSE)
  }
  header <- strsplit(header, "\t", fixed = TRUE)[[1L]]
  ids <- header[-1L]
  n_ind <- length(ids)
  if (n_ind < 1L) {
    stop(sprintf("Genotype file '%s' has no segregant columns.", path),
         call. = FALSE)
  }
  cells <- scan(con, what = character(), sep = "\t", quiet = TRUE,
                na.strings = c("NA", "-", ""), quote = "", comment.char = "")
  width <- n_ind + 1L
  if (length(cells) %% width != 0L) {
    stop(sprintf(
      paste0("Genotype file '%s' is ragged: rows must have %d fields ",
             "(marker plus %d segregants)."),
      path, width, n_ind
    ), call. = FALSE)
  }
  n_markers <- length(cells) %/% width
  name_pos <- (seq_len(n_markers) - 1L) * width + 1L
  markers <- cells[name_pos]
  codes <- match(cells[-name_pos], c("B", "R")) - 1L
  calls <- cells[-name_pos]
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
  con <- gzfile(path, "rt")
  header <- readLines(con, n = 1L)
  close(con)
  if (!length(header)) {
    stop(sprintf("Phenotype file '%s' is empty.", path), call. = FALSE)
  }
  n_fields <- length(strsplit(header, "\t", fixed = TRUE)[[1L]])
  pheno <- utils::read.delim(
    path, check.names = FALSE, row.names = 1L, na.strings = "NA",
    colClasses = c("character", rep("numeric", n_fields - 1L)),
    quote = "", comment.char = ""
  )
  as.matrix(pheno)
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
