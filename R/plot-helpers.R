# Shared pieces of the ggplot2 figures: the ggplot2 check and the genome axis layout.

# Columns referred to unquoted inside ggplot2::aes(); declared so R CMD check
# does not report them as undefined globals.
utils::globalVariables(c(
  "epoch", "loss", "stage_label", "observed", "predicted", "trait", "value",
  "level", "id", "x_cum", "importance", "chr_band", "xmin", "xmax", "mid",
  "allele_code", "fpr", "tpr", "boot", "theoretical", "sample", "lower",
  "upper", "group", "vida_score", "label", "percentile", "fold_enrichment",
  "dim1", "dim2", "colour_value", "effect", "causal", "marker", "r2_baseline",
  "r2_gpatlas", "h2", "r2", "model", "fraction_known", "fraction_all", "network", "set"
))

plots_need_ggplot2 <- function() {
  if (!requireNamespace("ggplot2", quietly = TRUE)) {
    stop("the plots need the 'ggplot2' package: install.packages(\"ggplot2\")",
         call. = FALSE)
  }
}

# Lays markers out along one axis: chromosomes in order of first appearance
# (or factor level order), each shifted by the lengths of the ones before it
# plus a small gap. Markers without a position get their rank within the
# chromosome; markers without a chromosome share one unnamed chromosome.
genome_layout <- function(chr, pos) {
  chr_chr <- as.character(chr)
  no_chr <- is.na(chr_chr)
  chr_chr[no_chr] <- ""
  levels <- if (is.factor(chr)) intersect(levels(chr), chr_chr) else character(0)
  levels <- c(levels, setdiff(unique(chr_chr), levels))
  pos <- as.numeric(pos)
  if (anyNA(pos)) {
    idx <- stats::ave(seq_along(pos), chr_chr, FUN = seq_along)
    # Mixing real and invented positions on one chromosome would mislead, so
    # a chromosome with any missing position is laid out by rank.
    by_rank <- chr_chr %in% unique(chr_chr[is.na(pos)])
    pos[by_rank] <- idx[by_rank]
  }
  f <- factor(chr_chr, levels = levels)
  start <- tapply(pos, f, min)
  end <- tapply(pos, f, max)
  len <- pmax(end - start, 1)
  gap <- 0.01 * sum(len)
  offset <- c(0, cumsum(len + gap))[seq_along(levels)] - start
  names(offset) <- levels
  bands <- data.frame(chr = levels,
                      xmin = start + offset - gap / 2,
                      xmax = end + offset + gap / 2,
                      stringsAsFactors = FALSE)
  bands$mid <- (bands$xmin + bands$xmax) / 2
  bands$chr_band <- factor(seq_along(levels) %% 2L)
  list(x = pos + offset[match(chr_chr, levels)], chr = chr_chr, bands = bands, offset = offset,
       start = start, unplaced = all(no_chr))
}

genome_axis_labels <- function(chr) {
  if (length(chr) > 1L && all(grepl("^chr", chr, ignore.case = TRUE))) {
    chr <- sub("^chr", "", chr, ignore.case = TRUE)
  }
  chr
}

# QTL intervals on the cumulative axis of a genome layout.
qtl_rects <- function(qtl, lay) {
  qtl <- as.data.frame(qtl)
  need <- c("chr", "left", "right")
  if (!all(need %in% names(qtl))) {
    stop("`qtl` must be a data frame with columns chr, left, right", call. = FALSE)
  }
  chr <- as.character(qtl$chr)
  chr[is.na(chr)] <- ""
  known <- chr %in% names(lay$offset)
  if (any(!known)) {
    warning(sprintf("dropped %d QTL interval(s) on chromosomes without markers, e.g. '%s'",
                    sum(!known), chr[!known][1L]), call. = FALSE)
  }
  off <- lay$offset[match(chr[known], names(lay$offset))]
  data.frame(xmin = as.numeric(qtl$left[known]) + off,
             xmax = as.numeric(qtl$right[known]) + off)
}
