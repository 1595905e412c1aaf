# Conversion speed of as_gp_data() for a multi-parent probability set (issue target: < 10 s).
#
# Usage: Rscript bench/qtl2_convert.R [n_ind] [n_mar] [n_chr] > bench/results/qtl2_convert.txt
# Defaults: 500 individuals x 10,000 markers (20 chromosomes of 500) x 8 founders. Simulates
# allele probabilities shaped like qtl2::genoprob_to_alleleprob() output for inbred lines (each
# individual carries one founder per block of 25 markers with probability 0.6-1, the rest spread
# over the other founders) and genotype probabilities over the 36 diploid DO genotypes for the
# first 2,000 markers; times as_gp_data() on both (elapsed, median of 3 runs): the default
# input = "probabilities" (the array kept as the model's input, its sums checked) and
# input = "calls" (the most probable founders only); reports the call rate at the default
# minprob.
suppressPackageStartupMessages(library(gpatlas))
args <- commandArgs(trailingOnly = TRUE)
n_ind <- if (length(args) >= 1) as.integer(args[1]) else 500L
n_mar <- if (length(args) >= 2) as.integer(args[2]) else 10000L
n_chr <- if (length(args) >= 3) as.integer(args[3]) else 20L
set.seed(1)
founders <- LETTERS[1:8]
per_chr <- n_mar %/% n_chr
ids <- sprintf("ind%04d", seq_len(n_ind))

sim_probs <- function(states, n_markers, chr) {
  k <- length(states)
  p <- array(stats::runif(n_ind * k * n_markers), c(n_ind, k, n_markers))
  blocks <- ceiling(seq_len(n_markers) / 25)
  top <- matrix(sample.int(k, n_ind * max(blocks), replace = TRUE), n_ind)[, blocks]
  weight <- matrix(stats::runif(n_ind * n_markers, 0.6, 1), n_ind)
  for (j in seq_len(k)) p[, j, ][top == j] <- 0
  rest <- apply(p, c(1, 3), sum)  # over the other founders: each vector sums to 1
  for (j in seq_len(k)) {
    p[, j, ] <- ifelse(top == j, weight, (1 - weight) * p[, j, ] / rest)
  }
  dimnames(p) <- list(ids, states, sprintf("c%s_m%04d", chr, seq_len(n_markers)))
  p
}

chrs <- as.character(seq_len(n_chr))
probs <- stats::setNames(lapply(chrs, function(ch) sim_probs(founders, per_chr, ch)), chrs)
attr(probs, "alleleprobs") <- TRUE
class(probs) <- c("calc_genoprob", "list")
gmap <- lapply(probs, function(p) stats::setNames(seq(0, 100, length.out = dim(p)[3]),
                                                  dimnames(p)[[3]]))
cross <- structure(list(
  crosstype = "do",
  geno = lapply(probs, function(p) matrix(0L, n_ind, dim(p)[3], dimnames = dimnames(p)[c(1, 3)])),
  gmap = gmap, pheno = matrix(stats::rnorm(n_ind * 3), n_ind, dimnames = list(ids, paste0("y", 1:3))),
  is_x_chr = stats::setNames(rep(FALSE, n_chr), chrs), alleles = founders
), class = c("cross2", "list"))

time_it <- function(f) {
  t <- vapply(1:3, function(i) system.time(f())[["elapsed"]], numeric(1))
  stats::median(t)
}
d <- as_gp_data(cross, probs = probs)
t_allele <- time_it(function() as_gp_data(cross, probs = probs))
t_calls <- time_it(function() as_gp_data(cross, probs = probs, input = "calls"))
cat(sprintf("allele probabilities: %d individuals x %d markers x %d founders: %.2f s (median of 3; input = \"calls\": %.2f s); call rate %.3f\n",
            n_ind, ncol(d$geno), length(founders), t_allele, t_calls, mean(!is.na(d$geno))))

do_states <- unlist(lapply(1:8, function(i) paste0(founders[i], founders[i:8])))
n_do <- min(2000L, n_mar)
pr36 <- list(`1` = sim_probs(do_states, n_do, "1"))
class(pr36) <- c("calc_genoprob", "list")
cross36 <- cross
cross36$gmap <- list(`1` = stats::setNames(seq(0, 100, length.out = n_do), dimnames(pr36[[1]])[[3]]))
cross36$geno <- cross$geno[1]
cross36$is_x_chr <- cross$is_x_chr[1]
t_geno <- time_it(function() as_gp_data(cross36, probs = pr36))
cat(sprintf("genotype probabilities: %d individuals x %d markers x 36 genotypes: %.2f s (median of 3)\n",
            n_ind, n_do, t_geno))
cat(sprintf("load %s", readLines("/proc/loadavg")), "\n")
cat(sprintf("date %s UTC\n", format(Sys.time(), tz = "UTC")))
