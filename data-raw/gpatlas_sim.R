# Builds data/gpatlas_sim.rda and data/gpatlas_sim_published.rda from the CSV export of the
# publication's simulated data set (Arcadia-Science/2025-g-p-atlas,
# data/g_p_atlas_format_simulated_data/test.pk.gz; MIT, Copyright (c) 2024 Arcadia Science).
#
# Usage, from the package root: Rscript data-raw/gpatlas_sim.R <directory with the CSV files>
# The directory holds genotypes.csv.gz, phenotypes.csv.gz, truth_weights.csv, truth_loci.csv,
# truth_interactions.csv, truth_pleiotropy.csv and publication_test_stats.csv.
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1L) stop("usage: Rscript data-raw/gpatlas_sim.R <csv directory>")
src <- args[1]
rd <- function(f) utils::read.csv(file.path(src, f), stringsAsFactors = FALSE)

geno <- as.matrix(utils::read.csv(gzfile(file.path(src, "genotypes.csv.gz")), row.names = 1))
storage.mode(geno) <- "integer"
pheno <- as.matrix(utils::read.csv(gzfile(file.path(src, "phenotypes.csv.gz")), row.names = 1))
stopifnot(identical(rownames(geno), rownames(pheno)), all(geno %in% 0:2))
markers <- colnames(geno)
traits <- colnames(pheno)
locus_index <- function(x) {
  i <- match(x, markers)
  stopifnot(!anyNA(i))
  as.integer(i)
}

w <- rd("truth_weights.csv")
weights <- array(0, dim = c(length(markers), 3L, length(traits)),
                 dimnames = list(markers, as.character(0:2), traits))
weights[cbind(locus_index(w$locus), w$allele + 1L, match(w$trait, traits))] <- w$weight

drawn <- rd("truth_loci.csv")
drawn <- data.frame(phenotype = drawn$trait, locus = locus_index(drawn$locus),
                    stringsAsFactors = FALSE)
pl <- rd("truth_pleiotropy.csv")
pleiotropy <- data.frame(source = pl$source_trait, target = pl$target_trait,
                         locus = locus_index(pl$locus), stringsAsFactors = FALSE)

held <- unique(data.frame(phenotype = w$trait, locus = locus_index(w$locus),
                          stringsAsFactors = FALSE))
own <- paste(held$phenotype, held$locus) %in% paste(drawn$phenotype, drawn$locus)
causal <- data.frame(phenotype = held$phenotype, locus = held$locus,
                     role = ifelse(own, "primary", "pleiotropic"), stringsAsFactors = FALSE)
causal <- causal[order(match(causal$phenotype, traits), !own, causal$locus), ]
rownames(causal) <- NULL

ia <- rd("truth_interactions.csv")
inter <- data.frame(phenotype = ia$trait, locus1 = locus_index(ia$locus1),
                    locus2 = locus_index(ia$locus2), allele = as.integer(ia$allele),
                    stringsAsFactors = FALSE)
p <- match(inter$phenotype, traits)
w1 <- weights[cbind(inter$locus1, inter$allele + 1L, p)]
w2 <- weights[cbind(inter$locus2, inter$allele + 1L, p)]
inter$live <- weights[cbind(inter$locus1, 1L, p)] != 0 &
  weights[cbind(inter$locus2, 1L, p)] != 0 & inter$locus1 != inter$locus2
inter$effect <- ifelse(inter$live, w1 * w2 - w1 - w2, 0)

# The truth must reproduce the phenotypes the publication used.
expected <- matrix(0, nrow(geno), length(traits))
for (a in 1:3) expected <- expected + ((geno == a - 1L) * 1) %*% weights[, a, ]
for (r in which(inter$live)) {
  both <- geno[, inter$locus1[r]] == inter$allele[r] & geno[, inter$locus2[r]] == inter$allele[r]
  expected[, p[r]] <- expected[, p[r]] + both * inter$effect[r]
}
stopifnot(max(abs(expected - pheno)) < 1e-6)

devtools_free_load <- function() {
  for (f in c("R/data.R", "R/data-input.R", "R/checks.R", "R/split.R")) {
    sys.source(f, envir = globalenv())
  }
}
devtools_free_load()
gpatlas_sim <- gp_data(pheno, geno, n_alleles = 3L)
gpatlas_sim$truth <- list(
  weights = weights,
  causal = causal,
  drawn = drawn,
  pleiotropy = pleiotropy,
  interactions = inter,
  causal_loci = sort(unique(causal$locus)),
  interacting_loci = sort(unique(c(inter$locus1[inter$live], inter$locus2[inter$live]))),
  settings = list(n = 600L, n_loci = 3000L, n_alleles = 3L, n_phenotypes = 30L, n_causal = 10L,
                  p_pleio = 0.2, p_interact = 0.2, noise = 0, seed = NULL, downsample = TRUE,
                  epistasis = "publication", epistasis_var = NA_real_)
)

gpatlas_sim_published <- rd("publication_test_stats.csv")
names(gpatlas_sim_published)[1] <- "trait"

save(gpatlas_sim, file = "data/gpatlas_sim.rda", compress = "xz", compression_level = 9)
save(gpatlas_sim_published, file = "data/gpatlas_sim_published.rda", compress = "xz")
cat(sprintf("data/gpatlas_sim.rda: %.0f kB\n", file.size("data/gpatlas_sim.rda") / 1024))
