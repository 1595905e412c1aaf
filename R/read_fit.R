# Whole-file reading with gzip integrity checks, and reading saved fits through it.

# The bytes of a file, decompressed when it is gzip-compressed. A gzip file is read to its
# end, so that zlib checks the CRC-32 of the content, and its trailer must record the
# length that was decompressed: a file cut short (anywhere) or damaged is an error naming
# it, never a partial read. `what` names the file in messages ("Genotype", "Fit", ...).
read_file_bytes <- function(path, what) {
  fail <- function(fmt, ...) {
    stop(sprintf(paste0("%s file '%s' ", fmt), what, path, ...), call. = FALSE)
  }
  if (dir.exists(path)) fail("is a folder, not a file.")
  size <- file.size(path)
  if (is.na(size)) fail("cannot be read.")
  con <- tryCatch(file(path, "rb"), error = function(e) fail("cannot be opened (%s).",
                                                            conditionMessage(e)),
                  warning = function(w) fail("cannot be opened (%s).", conditionMessage(w)))
  raw <- tryCatch(readBin(con, "raw", size), finally = close(con))
  if (length(raw) != size) fail("could only be read in part (%d of %.0f bytes).", length(raw), size)
  if (size >= 2L && raw[1L] == as.raw(0x1f) && raw[2L] == as.raw(0x8b)) {
    if (size < 18L) fail("is truncated: it is shorter than a gzip header and trailer.")
    chunks <- list()
    total <- 0
    con <- gzfile(path, "rb")
    tryCatch(withCallingHandlers({
      repeat {
        chunk <- readBin(con, "raw", 4194304L)
        if (!length(chunk)) break
        chunks[[length(chunks) + 1L]] <- chunk
        total <- total + length(chunk)
      }
    }, warning = function(w) {
      fail("is truncated or corrupt (%s).", conditionMessage(w))
    }), error = function(e) {
      if (grepl(path, conditionMessage(e), fixed = TRUE)) stop(e)
      fail("is truncated or corrupt (%s).", conditionMessage(e))
    }, finally = close(con))
    recorded <- sum(as.numeric(raw[(size - 3L):size]) * 256^(0:3))
    if (total %% 2^32 != recorded && !gzip_members_match(raw, total)) {
      fail(paste0("is truncated or corrupt: its gzip trailer records %.0f bytes of content, ",
                  "but %.0f bytes were decompressed."), recorded, total)
    }
    raw <- if (length(chunks)) do.call(c, chunks) else raw(0)
  }
  raw
}

# A file of several gzip members (concatenated files, bgzip) records the length of each
# member in its own trailer, just before the next member's header. Accepts the file when
# the lengths recorded before some of the member headers found in it, plus the last one,
# add up to what was decompressed (a header-like byte sequence can also occur inside
# compressed data, hence the subsets; with many members, all headers are taken as real).
gzip_members_match <- function(raw, total) {
  size <- length(raw)
  hits <- grepRaw(as.raw(c(0x1f, 0x8b, 0x08)), raw, fixed = TRUE, all = TRUE)
  hits <- hits[hits > 18L & hits <= size - 18L]
  if (!length(hits)) return(FALSE)
  isize <- function(end) sum(as.numeric(raw[(end - 3L):end]) * 256^(0:3))
  before <- vapply(hits - 1L, isize, numeric(1))
  last <- isize(size)
  target <- total %% 2^32
  if ((sum(before) + last) %% 2^32 == target) return(TRUE)
  if (length(hits) > 12L) return(FALSE)
  for (m in seq_len(2^length(hits) - 1L)) {
    pick <- bitwAnd(m, 2^(seq_along(hits) - 1L)) > 0
    if ((sum(before[pick]) + last) %% 2^32 == target) return(TRUE)
  }
  FALSE
}

#' Read a saved G-P Atlas fit, checking the file first
#'
#' `gp_read_fit()` reads a fit saved with `saveRDS()` (gzip-compressed, the
#' default) and checks it before returning it. `readRDS()` reads only as far as
#' the object goes and never checks the file's checksum, so a damaged file can
#' silently give a different object or, with some damage, crash R inside
#' `readRDS()`. `gp_read_fit()` first decompresses the whole file, so that the
#' CRC-32 checksum and the recorded length of gzip catch any cut or changed
#' byte, then deserializes the verified bytes and checks the fit's structure
#' (settings, traits, markers, scaling, and every parameter's bytes against its
#' shape and the network) as [predict.gpatlas()] does.
#'
#' Files saved with `compress = FALSE`, `"bzip2"` or `"xz"` carry no checksum
#' that R checks: they are read with `readRDS()` and only the fit's structure
#' is checked.
#'
#' @param file Path of the `.rds` file.
#' @return The `gpatlas` fit. Errors name the file: a truncated or corrupt
#'   file, an object that is not a fit, or a fit whose parts do not match.
#' @seealso [gpatlas()], [predict.gpatlas()]
#' @export
#' @examples
#' sim <- gp_simulate(n = 60, n_loci = 40, n_phenotypes = 3, n_causal = 2, seed = 1)
#' fit <- gpatlas(. ~ ., sim, gpatlas_control(epochs_pheno = 3, epochs_geno = 3,
#'                geno_hidden = 16, pheno_hidden = 8, decoder_hidden = 8,
#'                latent_dim = 4, verbose = FALSE))
#' f <- tempfile(fileext = ".rds")
#' saveRDS(fit, f)
#' identical(gp_read_fit(f), fit)
gp_read_fit <- function(file) {
  if (missing(file) || !is.character(file) || length(file) != 1L || is.na(file)) {
    stop("`file` must be the path of a saved fit.", call. = FALSE)
  }
  if (!file.exists(file)) stop(sprintf("Fit file '%s' does not exist.", file), call. = FALSE)
  bytes <- read_file_bytes(file, "Fit")
  gzip <- length(bytes) >= 2L && file.size(file) >= 2L &&
    identical(readBin(file, "raw", 2L), as.raw(c(0x1f, 0x8b)))
  fail <- function(e) {
    stop(sprintf("Fit file '%s' is not a readable saved R object (%s).", file,
                 conditionMessage(e)), call. = FALSE)
  }
  obj <- if (gzip) {
    tryCatch(unserialize(bytes), error = fail)
  } else {
    tryCatch(readRDS(file), error = fail)
  }
  if (!inherits(obj, "gpatlas")) {
    stop(sprintf("Fit file '%s' holds an object of class '%s', not a gpatlas fit.", file,
                 class(obj)[1L]), call. = FALSE)
  }
  tryCatch(check_fit(obj), error = function(e) {
    stop(sprintf("Fit file '%s': %s", file, conditionMessage(e)), call. = FALSE)
  })
  obj
}
