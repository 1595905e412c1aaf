# Tests for the R/qtl bridges: cross -> gp_data, formula chr(), importance -> scanone.

qtl_data <- function(name) {
  env <- new.env()
  utils::data(list = name, package = "qtl", envir = env)
  env[[name]]
}

tiny_ctl <- function() {
  gpatlas_control(epochs_pheno = 2, epochs_geno = 2, geno_hidden = 8,
                  pheno_hidden = 8, decoder_hidden = 8, latent_dim = 2,
                  batch_size = 16, verbose = FALSE)
}

# Expected 0-based codes for the autosomes of a cross, computed independently.
expected_codes <- function(cross, k) {
  auto <- names(cross$geno)[vapply(cross$geno, function(g) !inherits(g, "X"), logical(1))]
  raw <- do.call(cbind, lapply(cross$geno[auto], function(g) g$data))
  raw[!is.na(raw) & raw > k] <- NA
  unname(raw - 1L)
}

test_that("a backcross (hyper) converts with names, map, codes and NA", {
  skip_if_not_installed("qtl")
  hyper <- qtl_data("hyper")
  expect_message(expect_message(d <- as_gp_data(hyper, x_chr = "drop", impute = "none"),
                                "X chromosome"), "sex")
  auto <- setdiff(names(hyper$geno), "X")
  n_auto <- sum(qtl::nmar(hyper)[auto])
  expect_s3_class(d, "gp_data")
  expect_equal(dim(d$geno), c(qtl::nind(hyper), n_auto))
  expect_identical(d$n_alleles, 2L)
  expect_identical(colnames(d$pheno), "bp")
  expect_equal(unname(d$pheno[, "bp"]), hyper$pheno$bp)
  expect_true(all(d$geno %in% c(0L, 1L, NA)))
  expect_equal(unname(d$geno), expected_codes(hyper, 2L))
  expect_true(anyNA(d$geno))
  map <- qtl::pull.map(hyper, chr = auto, as.table = TRUE)
  expect_identical(d$markers$marker, rownames(map))
  expect_identical(colnames(d$geno), rownames(map))
  expect_identical(d$markers$chr, as.character(map$chr))
  expect_equal(d$markers$pos, map$pos)
})

test_that("an intercross (listeria) maps 1/2/3 to 0/1/2 and 4/5 to NA", {
  skip_if_not_installed("qtl")
  listeria <- qtl_data("listeria")
  d <- suppressMessages(as_gp_data(listeria, x_chr = "drop", impute = "none"))
  expect_identical(d$n_alleles, 3L)
  expect_identical(colnames(d$pheno), "T264")
  expect_false("X" %in% d$markers$chr)
  expect_equal(ncol(d$geno), sum(qtl::nmar(listeria)[setdiff(names(listeria$geno), "X")]))
  expect_true(all(d$geno %in% c(0L, 1L, 2L, NA)))
  raw <- qtl::pull.geno(listeria, chr = "13")
  partial <- !is.na(raw) & raw > 3
  expect_true(any(partial))
  expect_true(all(is.na(d$geno[, colnames(raw)][partial])))
  expect_equal(unname(d$geno), expected_codes(listeria, 3L))
})

test_that("fake.f2 leaves out sex and pgm, and the X chromosome can be dropped", {
  skip_if_not_installed("qtl")
  fake <- qtl_data("fake.f2")
  expect_message(d <- as_gp_data(fake, impute = "none"), "sex, pgm")
  expect_identical(colnames(d$pheno), "phenotype")
  expect_identical(d$n_alleles, 3L)
  expect_equal(ncol(d$geno), qtl::totmar(fake))
  dx <- suppressMessages(as_gp_data(fake, x_chr = "drop"))
  expect_equal(ncol(dx$geno), qtl::totmar(fake) - qtl::nmar(fake)[["X"]])
  expect_false("X" %in% dx$markers$chr)
  # Explicit selection, by name or index, of numeric columns only.
  dp <- suppressMessages(as_gp_data(fake, phenotypes = c("phenotype", "sex")))
  expect_identical(colnames(dp$pheno), c("phenotype", "sex"))
  expect_identical(colnames(suppressMessages(as_gp_data(fake, phenotypes = 1)$pheno)),
                   "phenotype")
  expect_error(suppressMessages(as_gp_data(fake, phenotypes = "nope")),
               "Unknown phenotype: nope")
  hyper <- qtl_data("hyper")
  expect_error(suppressMessages(as_gp_data(hyper, phenotypes = "sex")), "not numeric")
})

test_that("a simulated RIL converts with two states", {
  skip_if_not_installed("qtl")
  set.seed(3)
  map <- qtl::sim.map(c(50, 40), n.mar = c(6, 4), include.x = FALSE, eq.spacing = TRUE)
  ril <- qtl::sim.cross(map, type = "riself", n.ind = 40, missing.prob = 0.1)
  expect_s3_class(ril, "riself")
  d <- as_gp_data(ril, impute = "none")
  expect_equal(dim(d$geno), c(40L, 10L))
  expect_identical(d$n_alleles, 2L)
  expect_true(all(d$geno %in% c(0L, 1L, NA)))
  expect_true(anyNA(d$geno))
  expect_equal(unname(d$geno), expected_codes(ril, 2L))
  expect_identical(d$markers$marker, unlist(lapply(map, names), use.names = FALSE))
  expect_equal(d$markers$pos, unname(unlist(map)))
  expect_identical(d$markers$chr, rep(c("1", "2"), c(6L, 4L)))
})

test_that("unsupported cross types are reported", {
  skip_if_not_installed("qtl")
  hyper <- qtl_data("hyper")
  class(hyper)[1] <- "4way"
  expect_error(as_gp_data(hyper), "Cross type '4way' is not supported")
})

test_that("gpatlas() fits a cross and formula chr() selects markers", {
  skip_if_not_installed("qtl")
  hyper <- qtl_data("hyper")
  small <- subset(hyper, chr = c("1", "4", "X"))
  fit <- suppressMessages(gpatlas(. ~ ., small, tiny_ctl()))
  expect_s3_class(fit, "gpatlas")
  expect_identical(fit$traits, "bp")
  expect_setequal(unique(fit$markers$chr), c("1", "4", "X"))

  d <- suppressMessages(as_gp_data(hyper))
  chr1 <- d$markers$marker[d$markers$chr == "1"]
  chr4 <- d$markers$marker[d$markers$chr == "4"]
  fit4 <- gpatlas(bp ~ chr(4), d, tiny_ctl())
  expect_identical(fit4$markers$marker, chr4)
  both <- formula_names(quote(chr(1, "4") + D2Mit241), colnames(d$geno), "marker",
                        d$markers)
  expect_identical(both, c(chr1, chr4, "D2Mit241"))
  expect_identical(formula_names(quote(chr(1:2) - D1Mit296), colnames(d$geno), "marker",
                                 d$markers),
                   setdiff(d$markers$marker[d$markers$chr %in% c("1", "2")], "D1Mit296"))
  expect_identical(formula_names(quote(.), colnames(d$geno), "marker", d$markers),
                   colnames(d$geno))

  expect_error(gpatlas(bp ~ chr(1, 77), d, tiny_ctl()), "unknown chromosome: 77")
  expect_error(gpatlas(bp ~ chr(Y), d, tiny_ctl()), "unknown chromosome: Y")
  expect_error(gpatlas(bp ~ chr(1) + D99Mit1, d, tiny_ctl()), "unknown marker: D99Mit1")
  expect_error(gpatlas(height ~ chr(1), d, tiny_ctl()), "unknown trait: height")
  expect_error(gpatlas(chr(1) ~ ., d, tiny_ctl()), "cannot be used for traits")
  expect_error(gpatlas(bp ~ log(D1Mit296), d, tiny_ctl()), "unsupported term")
  sim <- gp_simulate(n = 30, n_loci = 10, n_phenotypes = 2, seed = 1)
  sim$markers$chr <- NA_character_
  expect_error(gpatlas(. ~ chr(1), sim, tiny_ctl()), "needs chromosome labels")
})

test_that("as_scanone() gives a scanone that R/qtl can summarise, plot and bound", {
  skip_if_not_installed("qtl")
  hyper <- qtl_data("hyper")
  d <- suppressMessages(as_gp_data(subset(hyper, chr = c("1", "4", "6"))))
  fit <- gpatlas(. ~ chr(6) + chr(1, 4), d, tiny_ctl())
  imp <- gp_importance(fit, d, verbose = FALSE)
  s <- as_scanone(imp)
  expect_s3_class(s, "scanone")
  expect_s3_class(s, "data.frame")
  expect_identical(names(s), c("chr", "pos", "bp", "overall"))
  expect_identical(levels(s$chr), c("1", "4", "6"))
  expect_identical(nrow(s), ncol(d$geno))
  expect_identical(rownames(s), d$markers$marker)
  expect_equal(s[imp$loci$marker, "overall"], imp$loci$importance)

  peaks <- summary(s)
  expect_identical(nrow(peaks), 3L)
  best <- imp$loci[which.max(imp$loci$importance), ]
  top <- summary(s, threshold = max(s$overall) * 0.999, lodcolumn = 2)
  expect_identical(rownames(top), best$marker)

  rel <- as_scanone(imp, scale = "relative")
  expect_equal(max(rel$overall), 1)
  int <- qtl::lodint(rel, chr = best$chr, drop = 0.5, lodcolumn = 2)
  expect_identical(nrow(int), 3L)
  expect_true(all(as.character(int$chr) == best$chr))
  expect_equal(max(int$overall), max(rel$overall[rel$chr == best$chr]))
  expect_true(int$pos[1] <= int$pos[2] && int$pos[2] <= int$pos[3])
  expect_identical(nrow(qtl::bayesint(rel, chr = "4")), 3L)

  png_file <- tempfile(fileext = ".png")
  grDevices::png(png_file)
  expect_no_error(plot(s))
  grDevices::dev.off()
  expect_gt(file.size(png_file), 0)
  unlink(png_file)

  expect_identical(rownames(as_scanone(imp$loci)), rownames(s))
  bad <- imp$loci
  bad$pos[2] <- NA
  expect_error(as_scanone(bad), "unplaced")
  expect_error(as_scanone(list(a = 1)), "gp_importance object")
})

test_that("X-chromosome calls of an intercross are coded as numbers of B alleles", {
  skip_if_not_installed("qtl")
  fake <- qtl_data("fake.f2")
  d <- suppressMessages(as_gp_data(fake, impute = "none"))
  raw <- qtl::pull.geno(fake, chr = "X")
  got <- d$geno[, colnames(raw)]
  sex <- fake$pheno$sex
  pgm <- fake$pheno$pgm
  male <- sex == 1
  fwd <- sex == 0 & pgm == 0
  rev <- sex == 0 & pgm == 1
  expect_true(any(male) && any(fwd) && any(rev))
  # Males: AY (1) -> 0 as AA, BY (2) -> 2 as BB.
  expect_equal(as.vector(got[male, ]), c(0L, 2L)[raw[male, ]])
  # Females, direction 0: AA (1) -> 0, AB (2) -> 1; direction 1: BB (1) -> 2, AB (2) -> 1.
  expect_equal(as.vector(got[fwd, ]), c(0L, 1L)[raw[fwd, ]])
  expect_equal(as.vector(got[rev, ]), c(2L, 1L)[raw[rev, ]])
  auto <- setdiff(colnames(d$geno), colnames(raw))
  expect_equal(unname(d$geno[, auto]), unname(qtl::pull.geno(fake)[, auto] - 1L))
})

test_that("X-chromosome calls of a backcross keep 0/1 for both sexes", {
  skip_if_not_installed("qtl")
  hyper <- qtl_data("hyper")
  d <- suppressMessages(as_gp_data(hyper, impute = "none"))
  expect_equal(ncol(d$geno), qtl::totmar(hyper))
  raw <- qtl::pull.geno(hyper, chr = "X")
  expect_equal(unname(d$geno[, colnames(raw)]), unname(raw - 1L))
  # A backcross with females and males: the same codes for both sexes.
  set.seed(2)
  map <- qtl::sim.map(c(40, 30), n.mar = c(5, 4), include.x = TRUE, eq.spacing = TRUE)
  bc <- qtl::sim.cross(map, type = "bc", n.ind = 30)
  bc$pheno$sex <- rep(0:1, 15)
  db <- suppressMessages(as_gp_data(bc, impute = "none"))
  rawx <- qtl::pull.geno(bc, chr = "X")
  expect_equal(unname(db$geno[, colnames(rawx)]), unname(rawx - 1L))
})

test_that("missing calls are imputed by R/qtl's argmax genotypes and reported", {
  skip_if_not_installed("qtl")
  hyper <- qtl_data("hyper")
  raw <- qtl::pull.geno(hyper)
  n_miss <- sum(is.na(raw))
  msgs <- character()
  d <- withCallingHandlers(as_gp_data(hyper), message = function(m) {
    msgs <<- c(msgs, conditionMessage(m))
    invokeRestart("muffleMessage")
  })
  expect_false(anyNA(d$geno))
  expect_true(any(grepl(sprintf("Imputed %s of %s genotype calls",
                                format(n_miss, big.mark = ","),
                                format(length(raw), big.mark = ",")), msgs)))
  # R/qtl breaks ties at random; the conversion seeds it and leaves the caller's stream alone.
  set.seed(99)
  before <- stats::runif(1)
  set.seed(99)
  d2 <- suppressMessages(as_gp_data(hyper))
  expect_identical(stats::runif(1), before)
  expect_identical(d2$geno, d$geno)
  filled <- gpatlas:::with_rng_seed(1L, qtl::pull.geno(qtl::fill.geno(hyper, method = "argmax")))
  # Observed calls are kept; unknown ones are R/qtl's argmax genotypes.
  obs <- !is.na(raw)
  expect_equal(unname(d$geno)[obs], unname(raw - 1L)[obs])
  expect_equal(unname(d$geno)[!obs], unname(filled - 1L)[!obs])
  none <- suppressMessages(as_gp_data(hyper, impute = "none"))
  expect_equal(mean(is.na(none$geno)), mean(is.na(raw)))
  expect_error(as_gp_data(hyper, impute = "mean"), "should be one of")
  expect_error(as_gp_data(hyper, impuet = "none"), "unused argument `impuet`")
  # Partially informative intercross calls are filled too.
  listeria <- qtl_data("listeria")
  dl <- suppressMessages(as_gp_data(listeria))
  expect_false(anyNA(dl$geno))
  expect_true(all(dl$geno %in% 0:2))
})

test_that("as_scanone() has one column per trait plus overall, and c() with scanone works", {
  skip_if_not_installed("qtl")
  hyper <- qtl_data("hyper")
  small <- subset(hyper, chr = c("1", "4", "X"))
  small$pheno$bp2 <- small$pheno$bp * 2 + stats::rnorm(qtl::nind(small))
  d <- suppressMessages(as_gp_data(small))
  fit <- gpatlas(. ~ ., d, tiny_ctl())
  imp <- gp_importance(fit, d, verbose = FALSE)
  s <- as_scanone(imp)
  expect_identical(names(s), c("chr", "pos", "bp", "bp2", "overall"))
  expect_equal(s[imp$loci$marker, "overall"], imp$loci$importance)
  pp <- imp$per_phenotype
  m1 <- d$markers$marker[1]
  expect_equal(s[m1, "bp2"], max(pp[paste0(m1, c(":0", ":1")), "bp2"]))
  rel <- as_scanone(imp, scale = "relative")
  expect_equal(unname(vapply(rel[, 3:5], max, numeric(1))), c(1, 1, 1))
  hk <- qtl::scanone(qtl::calc.genoprob(small), method = "hk", pheno.col = c("bp", "bp2"))
  both <- c(hk, s)
  expect_s3_class(both, "scanone")
  expect_identical(ncol(both), 2L + 2L + 3L)
  expect_identical(rownames(both), rownames(hk))
  expect_identical(nrow(summary(s, lodcolumn = 2)), 3L)
  expect_error(as_scanone(imp, scael = "relative"), "unused argument `scael`")
})

test_that("functions that score predictions take a cross as well", {
  skip_if_not_installed("qtl")
  hyper <- qtl_data("hyper")
  small <- subset(hyper, chr = c("1", "4"))
  d <- suppressMessages(as_gp_data(small))
  fit <- gpatlas(. ~ ., d, tiny_ctl())
  m <- suppressMessages(gp_metrics(fit, small))
  expect_equal(m$per_phenotype, gp_metrics(fit, d)$per_phenotype)
  base <- suppressMessages(gp_qtl_baseline(small, method = "scanone"))
  cmp <- suppressMessages(gp_compare(fit, base, small))
  expect_equal(cmp$table, gp_compare(fit, base, d)$table)
  expect_equal(suppressMessages(predict(base, small)), predict(base, d))
  expect_error(gp_metrics(fit, d$pheno), "gp_data object \\(or an R/qtl cross\\)")
  expect_error(gp_metrics(fit, as_gp_data(d$geno)), "no phenotypes")
})
