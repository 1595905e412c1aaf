# The BYxRM yeast cross (Bloom et al. 2013) shipped with the package: data, QTL, heritabilities.

#' The BYxRM yeast cross (Bloom et al. 2013)
#'
#' Genotypes and growth phenotypes of 1,008 haploid segregants of a cross
#' between the *Saccharomyces cerevisiae* laboratory strain BY and the wine
#' strain RM: 11,623 biallelic markers and 46 traits (end-point colony growth
#' on agar plates, each condition a chemical or temperature; units are the
#' publication's normalised growth values). It is the real data set of the
#' G-P Atlas publication, as [read_byxrm()] reads it from the original files.
#'
#' Allele codes are 0 for the BY allele and 1 for the RM allele; there are no
#' missing genotype calls. Every trait has missing measurements (`NA`, from
#' 1 to 409 of 1,008 segregants), which models and metrics skip. Traits are
#' on their own scales: `gpatlas()` standardizes them inside the model.
#'
#' The publication's split is sequential: the first 806 segregants for
#' training, the last 202 (`A09_84` to `A11_96`) for testing, that is
#' `gp_split(byxrm, 0.8, method = "sequential")`.
#'
#' @format A [gp_data()] object: `pheno` 1,008 x 46 (double, `NA` allowed),
#'   `geno` 1,008 x 11,623 integer allele codes, `n_alleles = 2`, `markers`
#'   (columns `marker`, `chr` `"1"` to `"16"`, `pos` in base pairs within the
#'   chromosome), ids `A01_01` to `A11_96`.
#' @source Bloom JS, Ehrenreich IM, Loo WT, Lite T-LV, Kruglyak L (2013).
#'   Finding the sources of missing heritability in a yeast cross. *Nature*
#'   494:234-237. \doi{10.1038/nature11867}. The files used are those
#'   redistributed with the G-P Atlas publication (repository
#'   Arcadia-Science/2025-g-p-atlas, MIT licence; see the package's
#'   `COPYRIGHTS` file): `BYxRM_GenoData.txt.gz` and `BYxRM_PhenoData.txt.gz`,
#'   converted with values unchanged by `data-raw/byxrm.R` in the package
#'   sources (`read_byxrm()` reads the same files).
#' @references Bell, Cheveralls, Lane, Mets, Patton, York (2025). G-P Atlas:
#'   a neural network that maps genotypes to many phenotypes.
#'   \doi{10.57844/arcadia-d316-721f}
#' @seealso [byxrm_qtl] and [byxrm_heritability] for the publication's QTL and
#'   heritabilities of the same traits; [read_byxrm()] for the original files.
#' @examples
#' byxrm
#' parts <- gp_split(byxrm, 0.8, method = "sequential")
#' c(train = nrow(parts$train), test = nrow(parts$test))
#' summary(colSums(is.na(byxrm$pheno)))
#' @docType data
#' @keywords datasets
#' @name byxrm
NULL

#' The additive QTL that Bloom et al. (2013) detected in the BYxRM cross
#'
#' The 591 additive QTL of the 46 traits of [byxrm], with their peaks and
#' 1.5-LOD support intervals; useful to compare locus importance or a QTL scan
#' with the published map (for example `autoplot(importance, qtl = ...)`).
#'
#' Trait names follow the phenotype file (`colnames(byxrm$pheno)`): the
#' publication's table writes names that start with a digit without the
#' leading `x` (`4NQO`) and calls the trait `Magnesium_Sulfate` of the
#' phenotype file `Manganese_Sulfate`.
#'
#' @format A data frame with 591 rows and columns `trait`, `chr` (`"1"` to
#'   `"16"`), `pos` (peak position, bp), `left` and `right` (1.5-LOD interval,
#'   bp), `lod`, `variance_explained` (fraction of phenotypic variance),
#'   `genes` and `genes_systematic` (genes in the interval, separated by `|`;
#'   common and systematic names).
#' @source Supplementary table of Bloom et al. (2013), *Nature* 494:234-237,
#'   \doi{10.1038/nature11867}, as redistributed with the G-P Atlas
#'   publication (file `Bloom2013_QTL.csv.gz`); built by `data-raw/byxrm.R`.
#' @examples
#' table(byxrm_qtl$trait)[1:5]
#' byxrm_qtl[byxrm_qtl$trait == "Cadmium_Chloride", c("chr", "pos", "lod")]
#' @docType data
#' @keywords datasets
#' @name byxrm_qtl
NULL

#' Heritabilities of the BYxRM traits (Bloom et al. 2013)
#'
#' Per trait of [byxrm]: narrow-sense heritability (additive), broad-sense
#' heritability (all genetic variance: the ceiling on the variance that any
#' genotype-only model can explain), and the fraction of variance explained
#' by the detected additive QTL ([byxrm_qtl]). A held-out R^2 far above
#' `H2_broad` points to leakage between training and test data.
#'
#' @format A data frame with 46 rows in the order of `colnames(byxrm$pheno)`
#'   and columns `trait`, `h2_narrow`, `H2_broad`, `qtl_variance_explained`
#'   (medians 0.55, 0.765 and 0.49).
#' @source Bloom et al. (2013), *Nature* 494:234-237,
#'   \doi{10.1038/nature11867}, as redistributed with the G-P Atlas
#'   publication (file `Bloom2013_heritability.csv`); built by
#'   `data-raw/byxrm.R`.
#' @examples
#' head(byxrm_heritability)
#' h2 <- stats::setNames(byxrm_heritability$H2_broad, byxrm_heritability$trait)
#' h2[c("Cadmium_Chloride", "Caffeine")]
#' @docType data
#' @keywords datasets
#' @name byxrm_heritability
NULL
