# Tests for the R/qtl2 bridges: cross2 and probabilities -> gp_data, covariates, scan1 out.

qtl2_example <- function(name) {
  qtl2::read_cross2(system.file("extdata", paste0(name, ".zip"), package = "qtl2"), quiet = TRUE)
}

tiny_ctl2 <- function() {
  gpatlas_control(epochs_pheno = 2, epochs_geno = 2, geno_hidden = 8, pheno_hidden = 8,
                  decoder_hidden = 8, latent_dim = 2, batch_size = 16, threads = 1,
                  verbose = FALSE)
}

# A small backcross with an X chromosome, written as qtl2 files and read back.
tiny_bc_cross <- function() {
  dir <- tempfile("bc")
  dir.create(dir)
  set.seed(3)
  n <- 40
  ids <- sprintf("m%02d", seq_len(n))
  sex <- rep(c("female", "male"), length.out = n)
  mk <- c(paste0("a", 1:4), paste0("x", 1:3))
  geno <- matrix(sample(c("A", "H"), n * 7, replace = TRUE), n, dimnames = list(ids, mk))
  male <- sex == "male"
  geno[male, 5:7] <- sample(c("A", "B"), sum(male) * 3, replace = TRUE)
  geno[2, 1] <- "-"
  utils::write.csv(data.frame(id = ids, geno, check.names = FALSE),
                   file.path(dir, "geno.csv"), row.names = FALSE, quote = FALSE)
  utils::write.csv(data.frame(marker = mk, chr = rep(c("1", "X"), c(4, 3)),
                              pos = c(0, 10, 20, 30, 0, 15, 30)),
                   file.path(dir, "gmap.csv"), row.names = FALSE, quote = FALSE)
  utils::write.csv(data.frame(id = ids, y = stats::rnorm(n) + (geno[, 2] == "H")),
                   file.path(dir, "pheno.csv"), row.names = FALSE, quote = FALSE)
  utils::write.csv(data.frame(id = ids, sex = sex), file.path(dir, "covar.csv"),
                   row.names = FALSE, quote = FALSE)
  qtl2::write_control_file(file.path(dir, "bc.yaml"), crosstype = "bc",
                           geno_file = "geno.csv", gmap_file = "gmap.csv",
                           pheno_file = "pheno.csv", covar_file = "covar.csv",
                           geno_codes = list(A = 1L, H = 2L, B = 3L), alleles = c("A", "B"),
                           sex_covar = "sex", sex_codes = list(female = "female", male = "male"),
                           xchr = "X", na.strings = "-")
  qtl2::read_cross2(file.path(dir, "bc.yaml"), quiet = TRUE)
}

test_that("an F2 (iron) converts hard calls with map, ids, traits, covariates and X states", {
  skip_if_not_installed("qtl2")
  iron <- qtl2_example("iron")
  d <- suppressMessages(as_gp_data(iron))
  expect_s3_class(d, "gp_data")
  expect_identical(d$states, c("SS", "SB", "BB", "SY", "BY"))
  expect_identical(d$n_alleles, 5L)
  expect_equal(ncol(d$geno), sum(qtl2::n_mar(iron)))
  expect_identical(d$markers$marker, unname(unlist(lapply(iron$gmap, names))))
  expect_equal(d$markers$pos, unname(unlist(iron$gmap)))
  expect_identical(d$ids, rownames(iron$pheno)[rownames(iron$pheno) %in% d$ids])
  expect_equal(unname(d$pheno), unname(iron$pheno[d$ids, ]))
  expect_identical(rownames(d$covar), d$ids)
  expect_identical(d$qtl2$x_chr, "X")
  # Autosomes: codes 1, 2, 3 -> 0, 1, 2; 0 -> NA.
  raw <- iron$geno[["1"]][d$ids, ]
  got <- d$geno[, colnames(raw)]
  expect_equal(unname(got[raw > 0]), unname(raw[raw > 0]) - 1L)
  expect_true(all(is.na(got[raw == 0])))
  # X: females keep 0..2, males get SY (3) or BY (4) from codes 1 and 3.
  rx <- iron$geno[["X"]][d$ids, ]
  gx <- d$geno[, colnames(rx)]
  male <- !iron$is_female[d$ids]
  expect_true(all(gx[male, ][rx[male, ] == 1] == 3L))
  expect_true(all(gx[male, ][rx[male, ] == 3] == 4L))
  expect_true(all(gx[!male, ][rx[!male, ] > 0] %in% 0:2))
  dd <- suppressMessages(as_gp_data(iron, coding = "dosage"))
  expect_identical(dd$states, c("0", "1", "2"))
  expect_true(all(dd$geno[male, colnames(rx)][rx[male, ] == 3] == 2L))
  expect_equal(dd$geno[, colnames(raw)], got)
})

test_that("the X chromosome can be dropped and chromosomes selected", {
  skip_if_not_installed("qtl2")
  iron <- qtl2_example("iron")
  d <- suppressMessages(as_gp_data(iron, x_chr = "drop", chr = c("1", "2", "X")))
  expect_identical(unique(d$markers$chr), c("1", "2"))
  expect_identical(d$n_alleles, 3L)
  expect_length(d$qtl2$x_chr, 0L)
  expect_error(as_gp_data(iron, chr = "99"), "Unknown chromosome")
  expect_error(as_gp_data(iron, phenotypes = "nope"), "Unknown phenotype")
  expect_error(as_gp_data(iron, minprob = 2), "minprob")
})

test_that("RIL (grav2) hard calls are two states", {
  skip_if_not_installed("qtl2")
  grav2 <- qtl2_example("grav2")
  d <- suppressMessages(as_gp_data(grav2, chr = c("1", "5")))
  expect_identical(d$n_alleles, 2L)
  expect_length(d$states, 2L)
  raw <- do.call(cbind, grav2$geno[c("1", "5")])[d$ids, ]
  expect_equal(unname(d$geno[!is.na(d$geno)]), unname(raw[raw > 0]) - 1L)
  expect_identical(ncol(d$pheno), ncol(grav2$pheno))
})

test_that("a backcross with X: males hemizygous, probabilities match maxmarg", {
  skip_if_not_installed("qtl2")
  bc <- tiny_bc_cross()
  d <- as_gp_data(bc)
  expect_identical(d$states, c("AA", "AB", "AY", "BY"))
  expect_true(is.na(d$geno[2, "a1"]))
  male <- d$covar$sex == "male"
  expect_true(all(d$geno[male, c("x1", "x2", "x3")] %in% 2:3))
  expect_true(all(d$geno[!male, c("x1", "x2", "x3")] %in% 0:1))
  pr <- qtl2::calc_genoprob(bc, error_prob = 0.01)
  dp <- as_gp_data(bc, probs = pr, minprob = 0.6)
  expect_identical(dp$qtl2$source, "genotype probabilities")
  calls <- qtl2::maxmarg(pr, minprob = 0.6)
  for (ch in c("1", "X")) {
    mm <- calls[[ch]]
    lab <- dimnames(pr[[ch]])[[2L]][mm]
    expect_identical(dp$states[dp$geno[, colnames(mm)] + 1L], lab)
  }
})

test_that("F2 genotype probabilities: reciprocal X heterozygotes merged, dosage summed", {
  skip_if_not_installed("qtl2")
  iron <- qtl2_example("iron")
  pr <- qtl2::calc_genoprob(iron[, c("1", "X")], error_prob = 0.002)
  d <- suppressMessages(as_gp_data(iron, probs = pr, chr = c("1", "X")))
  expect_identical(d$states, c("SS", "SB", "BB", "SY", "BY"))
  px <- pr[["X"]][d$ids, , ]
  het <- px[, "SB", ] + px[, "BS", ]
  called_het <- d$geno[, dimnames(px)[[3L]]] == 1L
  expect_true(all(het[which(called_het)] >= 0.5))
  dd <- suppressMessages(as_gp_data(iron, probs = pr, coding = "dosage", minprob = 0.5))
  p1 <- pr[["1"]][dd$ids, , ]
  dose <- apply(p1, c(1, 3), which.max) - 1L
  best <- apply(p1, c(1, 3), max)
  dose[best < 0.5] <- NA
  expect_equal(unname(dd$geno[, dimnames(p1)[[3L]]]), unname(dose))
  ap <- qtl2::genoprob_to_alleleprob(pr)
  expect_error(as_gp_data(iron, probs = ap, coding = "dosage"), "allele probabilities")
  # The probabilities themselves: reciprocal heterozygotes summed, dosages summed.
  expect_equal(unname(d$probs[, "SB", dimnames(px)[[3L]]]), unname(het), tolerance = 1e-12)
  expect_equal(unname(dd$probs[, "1", dimnames(p1)[[3L]]]), unname(p1[, "SB", ]),
               tolerance = 1e-12)
  expect_equal(unname(dd$probs[, "2", dimnames(p1)[[3L]]]), unname(p1[, "BB", ]),
               tolerance = 1e-12)
})

test_that("a model fits, predicts and ranks loci from F2 genotype probabilities", {
  skip_if_not_installed("qtl2")
  iron <- qtl2_example("iron")
  pr <- qtl2::calc_genoprob(iron[, c("1", "16")], error_prob = 0.002)
  d <- suppressMessages(as_gp_data(iron, probs = pr))
  ctl <- gpatlas_control(epochs_pheno = 3, epochs_geno = 3, geno_hidden = 8, pheno_hidden = 8,
                         decoder_hidden = 8, latent_dim = 2, threads = 1, verbose = FALSE)
  fit <- gpatlas(. ~ ., d, ctl)
  expect_identical(fit$input, "probabilities")
  expect_identical(dim(predict(fit, d)), dim(d$pheno))
  imp <- gp_importance(fit, d, verbose = FALSE)
  # Each individual ablates every state with a non-zero probability, not only its call.
  n_probable <- rowSums(matrix(d$probs > 0, nrow(d$probs)))
  expect_true(all(rowSums(imp$matrix != 0) <= n_probable))
  expect_gt(mean(rowSums(imp$matrix != 0)), ncol(d$geno))
  expect_s3_class(as_scan1(imp), "scan1")
  # The calls alone give another fit.
  dc <- suppressMessages(as_gp_data(iron, probs = pr, input = "calls"))
  expect_false(isTRUE(all.equal(predict(gpatlas(. ~ ., dc, ctl), dc), predict(fit, d))))
})

test_that("8-founder allele probabilities give the maxmarg calls", {
  skip_if_not_installed("qtl2")
  set.seed(7)
  n <- 30
  ids <- sprintf("i%02d", seq_len(n))
  founders <- LETTERS[1:8]
  mk <- paste0("m", 1:12)
  p <- array(stats::rexp(n * 8 * 12)^3, c(n, 8, 12), dimnames = list(ids, founders, mk))
  p <- sweep(p, c(1, 3), apply(p, c(1, 3), sum), "/")
  probs <- structure(list(`1` = p[, , 1:7], `2` = p[, , 8:12]), alleleprobs = TRUE,
                     crosstype = "do", is_x_chr = c(`1` = FALSE, `2` = FALSE),
                     class = c("calc_genoprob", "list"))
  gmap <- list(`1` = stats::setNames(seq(0, 60, 10), mk[1:7]),
               `2` = stats::setNames(seq(0, 40, 10), mk[8:12]))
  cross <- structure(list(crosstype = "do", geno = list(`1` = matrix(0L, n, 7), `2` = matrix(0L, n, 5)),
                          gmap = gmap, is_x_chr = c(`1` = FALSE, `2` = FALSE), alleles = founders,
                          pheno = matrix(stats::rnorm(n), n, dimnames = list(ids, "y"))),
                     class = c("cross2", "list"))
  d <- as_gp_data(cross, probs = probs, minprob = 0.6)
  expect_identical(d$states, founders)
  expect_identical(d$n_alleles, 8L)
  mm <- qtl2::maxmarg(probs, minprob = 0.6)
  expect_equal(unname(d$geno), unname(do.call(cbind, mm)) - 1L)
  cross$crosstype <- "ail"
  expect_error(as_gp_data(cross), "pass genotype or allele probabilities")
})

test_that("covariates are regressed out on training individuals and added back", {
  skip_if_not_installed("qtl2")
  iron <- qtl2_example("iron")
  d <- suppressMessages(as_gp_data(iron, chr = c("1", "16")))
  adj <- gp_covar_adjust(d, "sex", train = 1:200)
  fit <- stats::lm(d$pheno[1:200, "liver"] ~ d$covar$sex[1:200])
  expect_equal(unname(adj$covar_adjustment$coef[, "liver"]), unname(stats::coef(fit)[2L]))
  expect_equal(mean(adj$pheno[1:200, "liver"]), mean(d$pheno[1:200, "liver"]))
  back <- adj$pheno + gp_covar_effect(adj, d)
  expect_equal(back, d$pheno)
  test <- d[201:nrow(d$pheno), ]
  eff <- gp_covar_effect(adj, test)
  expect_identical(rownames(eff), test$ids)
  x <- cbind(male = as.numeric(d$covar$sex == "m"))
  rownames(x) <- d$ids
  adj_m <- gp_covar_adjust(d, x[rev(seq_len(nrow(x))), , drop = FALSE], train = 1:200)
  expect_equal(adj_m$pheno, adj$pheno)
  expect_error(gp_covar_adjust(d, "nope"), "Unknown covariate")
  expect_error(gp_covar_adjust(d, data.frame(a = 1:3)), "no row in the covariates")
})

test_that("missing covariates give missing adjusted phenotypes", {
  sim <- gp_simulate(n = 20, n_loci = 5, n_phenotypes = 2, n_causal = 1, seed = 1)
  cv <- data.frame(batch = rep(c("a", "b"), 10), age = c(NA, 2:20), row.names = sim$ids)
  expect_message(adj <- gp_covar_adjust(sim, cv), "missing covariates")
  expect_true(all(is.na(adj$pheno[1, ])))
  expect_false(anyNA(adj$pheno[-1, ]))
  expect_identical(rownames(adj$covar_adjustment$coef), c("batchb", "age"))
  expect_error(gp_covar_adjust(sim), "no covariate table")
})

test_that("as_scan1 feeds plot_scan1, find_peaks and bayes_int", {
  skip_if_not_installed("qtl2")
  iron <- qtl2_example("iron")
  d <- suppressMessages(as_gp_data(iron, chr = c("2", "16", "X")))
  fit <- gpatlas(. ~ ., d, tiny_ctl2())
  imp <- gp_importance(fit, d, verbose = FALSE)
  s <- as_scan1(imp)
  map <- gp_qtl2_map(s)
  expect_s3_class(s, "scan1")
  expect_identical(colnames(s), c("overall", "liver", "spleen"))
  expect_identical(rownames(s), unname(unlist(lapply(map, names))))
  expect_equal(unname(attr(s, "sample_size")), rep(nrow(d$pheno), 3L))
  expect_equal(unname(s[imp$loci$marker, "overall"]), imp$loci$importance)
  expect_identical(names(map), c("2", "16", "X"))
  expect_identical(unname(attr(map, "is_x_chr")), c(FALSE, FALSE, TRUE))
  expect_equal(gp_qtl2_map(d)[["16"]], iron$gmap[["16"]])
  top <- which.max(s[, "overall"])
  peaks <- qtl2::find_peaks(s, map, threshold = 0.99 * max(s[, "overall"]))
  expect_true(rownames(s)[top] %in% names(unlist(unname(map)))[
    match(peaks$pos[peaks$lodcolumn == "overall"], unlist(unname(map)))])
  rel <- as_scan1(imp, scale = "relative")
  expect_equal(unname(apply(unclass(rel), 2L, max)), c(1, 1, 1))
  chr_top <- d$markers$chr[match(rownames(s)[top], d$markers$marker)]
  bi <- qtl2::bayes_int(rel, map, chr = chr_top, lodcolumn = 1)
  expect_true(bi[1, "ci_lo"] <= bi[1, "pos"] && bi[1, "pos"] <= bi[1, "ci_hi"])
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  expect_silent(qtl2::plot_scan1(s, map, lodcolumn = "liver"))
  expect_error(as_scan1(gp_importance(fit, d, from = "phenotype", verbose = FALSE)),
               "from = \"genotype\"")
})

test_that("gp_importance_perm gives reproducible scan1perm maxima", {
  skip_if_not_installed("qtl2")
  sim <- gp_simulate(n = 40, n_loci = 8, n_phenotypes = 2, n_causal = 1, seed = 2)
  sim$markers$chr <- "1"
  sim$markers$pos <- seq(0, 70, by = 10)
  p1 <- gp_importance_perm(sim, n_perm = 2, control = tiny_ctl2(), seed = 5)
  p2 <- gp_importance_perm(sim, n_perm = 2, control = tiny_ctl2(), seed = 5)
  expect_s3_class(p1, "scan1perm")
  expect_identical(dim(p1), c(2L, 3L))
  expect_identical(colnames(p1), c("overall", colnames(sim$pheno)))
  expect_equal(p1, p2)
  expect_true(all(p1 >= 0))
  thr <- summary(p1, alpha = 0.5)
  expect_identical(dim(unclass(thr)), c(1L, 3L))
  expect_error(gp_importance_perm(sim, n_perm = 0), "n_perm")
})

test_that("as_scan1 and gp_qtl2_map need placed markers", {
  sim <- gp_simulate(n = 30, n_loci = 6, n_phenotypes = 2, n_causal = 1, seed = 4)
  fit <- gpatlas(. ~ ., sim, tiny_ctl2())
  imp <- gp_importance(fit, sim, verbose = FALSE)
  expect_error(as_scan1(imp), "no chromosome|has none")
  expect_error(gp_qtl2_map(sim), "chromosome and a position")
  expect_error(as_scan1(imp$loci), "gp_importance object")
  sim$markers$chr <- c("X", "2", "2", "10", "10", "1")
  sim$markers$pos <- c(5, 20, 10, 0, 1, 3)
  fit <- gpatlas(. ~ ., sim, tiny_ctl2())
  s <- as_scan1(gp_importance(fit, sim, verbose = FALSE), per_trait = FALSE)
  expect_identical(colnames(s), "overall")
  map <- gp_qtl2_map(s)
  expect_identical(names(map), c("1", "2", "10", "X"))
  expect_identical(rownames(s), unname(unlist(lapply(map, names))))
  expect_equal(unname(map[["2"]]), c(10, 20))
  expect_identical(unname(attr(map, "is_x_chr")), c(FALSE, FALSE, FALSE, TRUE))
})
