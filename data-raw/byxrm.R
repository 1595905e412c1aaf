# Builds data/byxrm.rda (the BYxRM yeast cross of Bloom et al. 2013 as a gp_data object) and
# data/byxrm_qtl.rda, data/byxrm_heritability.rda (the publication's QTL and heritabilities)
# from the original files, as redistributed with the G-P Atlas publication
# (Arcadia-Science/2025-g-p-atlas; Bloom et al. 2013, Nature 494:234-237,
# doi 10.1038/nature11867).
#
# Usage, from the package root, with gpatlas installed:
#   Rscript data-raw/byxrm.R <folder>
# The folder holds BYxRM_GenoData.txt.gz and BYxRM_PhenoData.txt.gz (read by read_byxrm()),
# Bloom2013_QTL.csv.gz (the 591 detected additive QTL) and Bloom2013_heritability.csv.
# Genotypes stay integer allele codes (BY = 0, RM = 1; what gp_data() holds); xz compression
# of the long runs of identical codes along each chromosome keeps the file small.
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1L) stop("usage: Rscript data-raw/byxrm.R <folder>")
src <- args[1]
suppressPackageStartupMessages(library(gpatlas))

byxrm <- read_byxrm(src)
stopifnot(identical(dim(byxrm), c(1008L, 11623L)), ncol(byxrm$pheno) == 46L)

# The QTL file names traits as the publication does; the phenotype file prefixes names that
# start with a digit by "x" and says Magnesium_Sulfate where the QTL file says
# Manganese_Sulfate. Trait names here follow the phenotype file.
raw_qtl <- utils::read.csv(gzfile(file.path(src, "Bloom2013_QTL.csv.gz")),
                           check.names = FALSE, stringsAsFactors = FALSE)
trait <- raw_qtl[["Trait"]]
trait <- ifelse(grepl("^[0-9]", trait), paste0("x", trait), trait)
trait[trait == "Manganese_Sulfate"] <- "Magnesium_Sulfate"
stopifnot(all(trait %in% colnames(byxrm$pheno)))
genes <- function(x) ifelse(is.na(x) | x == "", NA_character_, x)
byxrm_qtl <- data.frame(
  trait = trait,
  chr = as.character(raw_qtl[["Chromosome"]]),
  pos = as.numeric(raw_qtl[["Peak Position (bp)"]]),
  left = as.numeric(raw_qtl[["1.5 LOD Confidence Interval (Left) (bp)"]]),
  right = as.numeric(raw_qtl[["1.5 LOD Confidence Interval (Right) (bp)"]]),
  lod = as.numeric(raw_qtl[["LOD"]]),
  variance_explained = as.numeric(raw_qtl[["Fraction of Phenotypic Variance Explained"]]),
  genes = genes(raw_qtl[["Genes Under Confidence Interval (Common Name)"]]),
  genes_systematic = genes(raw_qtl[["Genes Under Confidence Interval (Standard Name)"]]),
  stringsAsFactors = FALSE
)
stopifnot(nrow(byxrm_qtl) == 591L, all(byxrm_qtl$chr %in% as.character(1:16)),
          !anyNA(byxrm_qtl[c("pos", "left", "right", "lod")]))

byxrm_heritability <- utils::read.csv(file.path(src, "Bloom2013_heritability.csv"),
                                      stringsAsFactors = FALSE)
stopifnot(identical(byxrm_heritability$trait, colnames(byxrm$pheno)),
          identical(names(byxrm_heritability),
                    c("trait", "h2_narrow", "H2_broad", "qtl_variance_explained")))

dir.create("data", showWarnings = FALSE)
save(byxrm, file = file.path("data", "byxrm.rda"), compress = "xz", compression_level = 9)
save(byxrm_qtl, file = file.path("data", "byxrm_qtl.rda"), compress = "xz")
save(byxrm_heritability, file = file.path("data", "byxrm_heritability.rda"), compress = "xz")
print(file.info(file.path("data", c("byxrm.rda", "byxrm_qtl.rda",
                                    "byxrm_heritability.rda")))["size"])
