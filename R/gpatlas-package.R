# Package-level documentation; the native library is loaded in R/zzz.R.

#' gpatlas: genotype to many-phenotype mapping with denoising autoencoders
#'
#' G-P Atlas trains a phenotype denoising autoencoder, then a genotype encoder
#' into its frozen latent space, so that one network predicts many phenotypes
#' from genotypes. Start with [gp_simulate()] or [read_byxrm()], split with
#' [gp_split()], fit with [gpatlas()] and evaluate with [gp_metrics()].
#'
#' @name gpatlas-package
#' @docType package
#' @keywords internal
#' @importFrom Rcpp evalCpp
#' @importFrom stats coef fitted nobs predict residuals
NULL
