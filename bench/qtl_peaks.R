# Shared by the yeast QTL benchmarks: the published QTL (Bloom et al. 2013) and, for each, the
# index of the nearest marker on its chromosome in `markers` (a data frame with chr and pos).
read_qtl_peaks <- function(dir, markers) {
  qtl <- utils::read.csv(file.path(dir, "Bloom2013_QTL.csv.gz"), check.names = FALSE)
  chr_col <- grep("^Chromosome", names(qtl), value = TRUE)[1]
  pos_col <- grep("^Peak Position", names(qtl), value = TRUE)[1]
  nearest <- vapply(seq_len(nrow(qtl)), function(q) {
    on_chr <- which(markers$chr == as.character(qtl[[chr_col]][q]))
    if (!length(on_chr)) return(NA_integer_)
    on_chr[which.min(abs(markers$pos[on_chr] - qtl[[pos_col]][q]))]
  }, integer(1))
  list(qtl = qtl, chr_col = chr_col, nearest = nearest)
}
