# The publication's simulated data set and its published per-trait test results.

#' The G-P Atlas publication's simulated data set
#'
#' The exact simulated genotype-phenotype data behind the simulated results of
#' the G-P Atlas publication (its Figures 2-4), with the generating model
#' attached as `truth` in the form [gp_simulate()] returns. 600 haploid
#' individuals, 3,000 unlinked loci with 3 allelic states (codes 0, 1, 2) and
#' 30 traits; each trait is the sum of the allele weights (U(0, 10)) of exactly
#' 10 loci, 185 loci carry weight, and 1 of the 100 interaction pairs is live.
#' The phenotypes are the noiseless values the publication trained and tested
#' on.
#'
#' The publication's split: individuals 1-480 train, 481-600 test, which is
#' `gp_split(gpatlas_sim, 0.8, method = "sequential")`.
#'
#' Scoring importance as the publication does: an allele is causal when its
#' weight is non-zero in any trait (555 alleles of 185 loci), that is
#' `as.vector(t(apply(gpatlas_sim$truth$weights != 0, c(1, 2), any)))` in the
#' order of [gp_importance()]'s features.
#'
#' @format A [gp_data()] object: `pheno` 600 x 30 (`phen_01` ... `phen_30`),
#'   `geno` 600 x 3,000 integer allele codes (`locus0001` ... `locus3000`),
#'   ids `ind001` ... `ind600`, and `truth` with `weights`, `causal`, `drawn`,
#'   `pleiotropy`, `interactions` (with `live` and `effect`), `causal_loci`,
#'   `interacting_loci` and `settings`, documented in [gp_simulate()].
#' @source Converted, values unchanged, from the file
#'   `data/g_p_atlas_format_simulated_data/test.pk.gz` of the repository
#'   Arcadia-Science/2025-g-p-atlas, MIT licence, Copyright (c) 2024 Arcadia
#'   Science (the licence text is in the package's `COPYRIGHTS` file). The
#'   script that converts it is `data-raw/gpatlas_sim.R` in the package
#'   sources.
#' @references Bell, Cheveralls, Lane, Mets, Patton, York (2025). G-P Atlas:
#'   a neural network that maps genotypes to many phenotypes.
#'   \doi{10.57844/arcadia-d316-721f}
#'
#'   Avasthi P, Mets DG, York R (2024). Simulating genotype-phenotype maps.
#'   \doi{10.57844/arcadia-5953-995f}
#' @seealso [gpatlas_sim_published] for the publication's per-trait results on
#'   it; [gp_simulate()] for the generator.
#' @examples
#' gpatlas_sim
#' parts <- gp_split(gpatlas_sim, 0.8, method = "sequential")
#' range(parts$test_index)
#' head(gpatlas_sim$truth$causal)
#' gpatlas_sim$truth$interactions[gpatlas_sim$truth$interactions$live, ]
#' @docType data
#' @keywords datasets
#' @name gpatlas_sim
NULL

#' The G-P Atlas publication's per-trait results on its simulated data
#'
#' The held-out accuracy the publication reports for each of the 30 traits of
#' [gpatlas_sim], from genotypes (`gp_*`) and from phenotypes through the
#' phenotype autoencoder (`pp_*`).
#'
#' @format A data frame with 30 rows and columns `trait`, `gp_pearson_r`,
#'   `gp_mse`, `gp_mape` (percent), `gp_r2`, `pp_pearson_r`, `pp_mse`,
#'   `pp_mape`, `pp_r2`.
#' @source The `test_stats` of the same file as [gpatlas_sim]; MIT licence,
#'   Copyright (c) 2024 Arcadia Science. \doi{10.57844/arcadia-d316-721f}
#' @examples
#' summary(gpatlas_sim_published$gp_pearson_r)
#' @docType data
#' @keywords datasets
#' @name gpatlas_sim_published
NULL
