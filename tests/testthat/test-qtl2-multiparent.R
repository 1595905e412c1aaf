# Tests for multi-parent R/qtl2 crosses (do, magic19): hard calls, probabilities, X, round trips.

# A small multi-parent cross written as qtl2 files and read back. Founder SNP genotypes are
# random (1 or 3); each individual carries two founder haplotypes (one for inbred lines and on
# a male X), piecewise constant along each chromosome. Returns the cross and the true founder
# of the first haplotype per individual and marker.
mp_cross <- function(crosstype = c("do", "magic19"), n = 40, n_mar = 8, seed = 1) {
  crosstype <- match.arg(crosstype)
  set.seed(seed)
  inbred <- crosstype == "magic19"
  founders <- LETTERS[seq_len(if (inbred) 19L else 8L)]
  chrs <- if (inbred) c("1", "2") else c("1", "2", "X")
  mk <- unlist(lapply(chrs, function(ch) paste0("c", ch, "_m", seq_len(n_mar))))
  mchr <- rep(chrs, each = n_mar)
  fg <- matrix(sample(c(1L, 3L), length(founders) * length(mk), replace = TRUE),
               length(founders), dimnames = list(founders, mk))
  ids <- sprintf("i%02d", seq_len(n))
  male <- if (inbred) rep(FALSE, n) else rep(c(FALSE, TRUE), length.out = n)
  haplo <- function() {
    unlist(lapply(chrs, function(ch) {
      rep(sample(length(founders), 2L, replace = TRUE), c(n_mar %/% 2L, n_mar - n_mar %/% 2L))
    }))
  }
  h1 <- t(replicate(n, haplo()))
  h2 <- if (inbred) h1 else t(replicate(n, haplo()))
  on_x <- mchr == "X"
  h2[male, on_x] <- h1[male, on_x]
  allele_b <- function(h) matrix(fg[cbind(as.vector(h), rep(seq_along(mk), each = n))] == 3L, n)
  n_b <- allele_b(h1) + allele_b(h2)
  geno <- matrix(c("A", "H", "B")[n_b + 1L], n, dimnames = list(ids, mk))
  geno[3, 2] <- "-"
  dir <- tempfile(crosstype)
  dir.create(dir)
  csv <- function(x, f) utils::write.csv(x, file.path(dir, f), row.names = FALSE, quote = FALSE)
  csv(data.frame(id = ids, geno, check.names = FALSE), "geno.csv")
  csv(data.frame(id = founders, matrix(c("A", "H", "B")[fg], nrow(fg), dimnames = dimnames(fg)),
                 check.names = FALSE), "founder_geno.csv")
  csv(data.frame(marker = mk, chr = mchr, pos = rep(seq(0, by = 5, length.out = n_mar),
                                                    length(chrs))), "gmap.csv")
  y <- stats::rnorm(n) + (h1[, 2] == 1L)
  csv(data.frame(id = ids, y = y, z = c(NA, stats::rnorm(n - 1L))), "pheno.csv")
  csv(data.frame(id = ids, sex = ifelse(male, "m", "f"), ngen = 12L, batch = seq_len(n) %% 3L),
      "covar.csv")
  args <- list(file.path(dir, "cross.yaml"), crosstype = crosstype, geno_file = "geno.csv",
               founder_geno_file = "founder_geno.csv", gmap_file = "gmap.csv",
               pheno_file = "pheno.csv", covar_file = "covar.csv",
               geno_codes = list(A = 1L, H = 2L, B = 3L), alleles = founders,
               na.strings = c("-", "NA"))
  if (!inbred) {
    args <- c(args, list(sex_covar = "sex", sex_codes = list(f = "female", m = "male"),
                         crossinfo_covar = "ngen", xchr = "X"))
  }
  do.call(qtl2::write_control_file, args)
  list(cross = qtl2::read_cross2(file.path(dir, "cross.yaml"), quiet = TRUE),
       founder = matrix(founders[h1], n, dimnames = list(ids, mk)), male = male)
}

test_that("DO hard calls: SNP genotype states, hemizygous X males, ids, map, covariates", {
  skip_if_not_installed("qtl2")
  sim <- mp_cross("do")
  x <- sim$cross
  d <- as_gp_data(x)
  expect_identical(d$states, c("AA", "AB", "BB", "AY", "BY"))
  expect_identical(d$n_alleles, 5L)
  expect_identical(d$qtl2$source, "SNP hard calls")
  expect_identical(d$qtl2$x_chr, "X")
  expect_identical(d$ids, rownames(x$geno[["1"]]))
  expect_identical(d$markers$marker, unname(unlist(lapply(x$gmap, names))))
  expect_identical(d$markers$chr, rep(c("1", "2", "X"), each = 8))
  expect_equal(d$markers$pos, unname(unlist(x$gmap)))
  expect_equal(unname(d$pheno), unname(x$pheno[d$ids, ]))
  expect_identical(rownames(d$covar), d$ids)
  expect_identical(d$covar$batch, x$covar[d$ids, "batch"])
  auto <- do.call(cbind, x$geno[c("1", "2")])
  expect_equal(unname(d$geno[, colnames(auto)][auto > 0]), unname(auto[auto > 0]) - 1L)
  expect_true(is.na(d$geno[3, "c1_m2"]))
  gx <- d$geno[, colnames(x$geno[["X"]])]
  rx <- x$geno[["X"]]
  male <- sim$male
  expect_true(all(gx[male, ][rx[male, ] == 1L] == 3L))
  expect_true(all(gx[male, ][rx[male, ] == 3L] == 4L))
  expect_true(all(gx[!male, ][rx[!male, ] > 0L] %in% 0:2))
  dd <- as_gp_data(x, coding = "dosage")
  expect_identical(dd$states, c("0", "1", "2"))
  expect_equal(dd$geno[, colnames(auto)], d$geno[, colnames(auto)])
  expect_true(all(dd$geno[male, colnames(rx)][rx[male, ] == 3L] == 2L))
  nx <- as_gp_data(x, x_chr = "drop")
  expect_identical(nx$states, c("AA", "AB", "BB"))
  expect_identical(unique(nx$markers$chr), c("1", "2"))
  fit <- gpatlas(. ~ ., d, gpatlas_control(epochs_pheno = 2, epochs_geno = 2, geno_hidden = 8,
                                           pheno_hidden = 8, decoder_hidden = 8, latent_dim = 2,
                                           batch_size = 16, threads = 1, verbose = FALSE))
  expect_identical(dim(predict(fit, d)), dim(d$pheno))
})

test_that("DO allele and genotype probabilities: founder states, maxmarg calls, X", {
  skip_if_not_installed("qtl2")
  x <- mp_cross("do")$cross
  pr <- qtl2::calc_genoprob(x, error_prob = 0.002, cores = 1)
  ap <- qtl2::genoprob_to_alleleprob(pr, cores = 1)
  # Heterozygous individuals' allele probabilities stay near 1/2: as calls, most miss minprob.
  expect_warning(dc <- as_gp_data(x, probs = ap, minprob = 0.4, input = "calls"),
                 "of the probability vectors reach `minprob` = 0.4.*genotype probabilities")
  expect_lt(mean(!is.na(dc$geno)), 0.5)
  expect_null(dc$probs)
  expect_identical(dc$qtl2$input, "calls")
  # As probability vectors (the default) they enter whole, with the same calls beside them.
  expect_silent(d <- as_gp_data(x, probs = ap, minprob = 0.4))
  expect_identical(d$geno, dc$geno)
  expect_identical(d$qtl2$input, "probabilities")
  expect_identical(dim(d$probs), c(length(d$ids), 8L, ncol(d$geno)))
  expect_identical(dimnames(d$probs)[[2L]], LETTERS[1:8])
  for (ch in c("1", "X")) {
    cols <- d$markers$chr == ch
    expect_equal(unname(d$probs[, , cols]), unname(ap[[ch]][d$ids, , ]), tolerance = 1e-12)
  }
  # A heterozygous individual carries half of each of two founders.
  het <- which(apply(d$probs[, , 1], 1, max) < 0.6 & apply(d$probs[, , 1], 1, max) > 0.4)
  expect_gt(length(het), 0)
  expect_identical(d$states, LETTERS[1:8])
  expect_identical(d$qtl2$source, "allele probabilities")
  expect_identical(d$qtl2$x_chr, "X")
  mm <- qtl2::maxmarg(ap, minprob = 0.4)
  for (ch in names(mm)) {
    calls <- mm[[ch]][d$ids, ]
    got <- d$geno[, colnames(calls)]
    ok <- !is.na(calls)
    # maxmarg breaks ties at random, as_gp_data takes the first state: compare untied calls.
    p <- ap[[ch]][d$ids, , ]
    top2 <- apply(p, c(1, 3), function(v) -diff(sort(v, decreasing = TRUE)[1:2]))
    ok <- ok & top2 > 1e-8
    expect_equal(got[ok], calls[ok] - 1L)
  }
  expect_warning(dg <- as_gp_data(x, probs = pr, chr = c("2", "X"), input = "calls"),
                 "reach `minprob` = 0.5.*lower `minprob`")
  # Genotype probabilities: the autosome's 36 genotypes and the X's extra hemizygous states in
  # one array, zero where a chromosome lacks a state.
  dp <- as_gp_data(x, probs = pr, chr = c("2", "X"))
  expect_identical(dimnames(dp$probs)[[2L]], dg$states)
  on_2 <- dp$markers$chr == "2"
  expect_true(all(dp$probs[, !dg$states %in% dimnames(pr[["2"]])[[2L]], on_2] == 0))
  sums <- apply(dp$probs, c(1, 3), sum)
  expect_equal(sums, matrix(1, nrow(sums), ncol(sums)), tolerance = 1e-6, ignore_attr = TRUE)
  expect_true(all(c("AA", "AB", "HH") %in% dg$states))
  expect_true(all(dg$states[dg$geno[!is.na(dg$geno)] + 1L] %in% dimnames(pr[["X"]])[[2L]] |
                    dg$states[dg$geno[!is.na(dg$geno)] + 1L] %in% dimnames(pr[["2"]])[[2L]]))
  expect_identical(unique(dg$markers$chr), c("2", "X"))
  expect_error(as_gp_data(x, probs = ap, coding = "dosage"), "allele probabilities")
})

test_that("MAGIC (19 founders) hard calls and allele probabilities recover the founders", {
  skip_if_not_installed("qtl2")
  sim <- mp_cross("magic19", n = 30, n_mar = 24)
  x <- sim$cross
  d <- as_gp_data(x)
  expect_identical(d$states, c("AA", "AB", "BB"))
  expect_length(d$qtl2$x_chr, 0L)
  expect_true(all(d$geno %in% c(0L, 2L, NA)))
  raw <- do.call(cbind, x$geno)
  expect_equal(unname(d$geno[raw > 0]), unname(raw[raw > 0]) - 1L)
  expect_identical(colnames(d$covar), c("sex", "ngen", "batch"))
  expect_message(dz <- as_gp_data(x, phenotypes = "z"), "Leaving out 1 individual")
  expect_identical(dz$ids, d$ids[-1L])
  pr <- qtl2::calc_genoprob(x, error_prob = 0.002, cores = 1)
  ap <- qtl2::genoprob_to_alleleprob(pr, cores = 1)
  dp <- as_gp_data(x, probs = ap)
  expect_identical(dp$states, LETTERS[1:19])
  expect_identical(dp$n_alleles, 19L)
  called <- matrix(dp$states[dp$geno + 1L], nrow(dp$geno))
  truth <- sim$founder[dp$ids, colnames(dp$geno)]
  expect_gt(mean(called == truth, na.rm = TRUE), 0.9)
  expect_equal(dp$markers$pos, d$markers$pos)
})

test_that("cross types without supported hard calls ask for probabilities", {
  skip_if_not_installed("qtl2")
  x <- mp_cross("magic19", n = 10)$cross
  x$crosstype <- "haploid"
  expect_error(as_gp_data(x), "pass genotype or allele probabilities")
})
