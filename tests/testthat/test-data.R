# Tests of the gp_data container: construction, validation, coercion, subsetting.

test_that("gp_data builds the documented shape", {
  d <- tiny_gp_data()
  expect_s3_class(d, "gp_data")
  expect_named(d, c("pheno", "geno", "n_alleles", "markers", "ids", "truth"))
  expect_true(is.double(d$pheno))
  expect_true(is.integer(d$geno))
  expect_identical(d$n_alleles, 3L)
  expect_identical(d$ids, c("a", "b", "c", "d"))
  expect_identical(dimnames(d$geno), list(d$ids, c("m1", "m2", "m3")))
  expect_identical(rownames(d$pheno), d$ids)
  expect_identical(names(d$markers), c("marker", "chr", "pos"))
  expect_identical(d$markers$marker, c("m1", "m2", "m3"))
  expect_true(is.character(d$markers$chr) && all(is.na(d$markers$chr)))
  expect_true(is.numeric(d$markers$pos) && all(is.na(d$markers$pos)))
  expect_null(d$truth)
  expect_true(is.na(d$pheno["c", "height"]))
  expect_true(is.na(d$geno["c", "m2"]))
  expect_identical(dim(d), c(4L, 3L))
  expect_identical(nrow(d), 4L)
})

test_that("ids and names are generated when absent", {
  pheno <- unname(tiny_pheno())
  geno <- unname(tiny_geno())
  d <- gp_data(pheno, geno)
  expect_identical(d$ids, c("ind_0001", "ind_0002", "ind_0003", "ind_0004"))
  expect_identical(colnames(d$pheno), c("trait_1", "trait_2"))
  expect_identical(d$markers$marker, c("marker_0001", "marker_0002", "marker_0003"))
  d2 <- gp_data(pheno, geno, ids = c("w", "x", "y", "z"))
  expect_identical(d2$ids, c("w", "x", "y", "z"))
})

test_that("ids come from whichever table has row names", {
  pheno_df <- as.data.frame(unname(tiny_pheno()))
  d <- gp_data(pheno_df, tiny_geno())
  expect_identical(d$ids, c("a", "b", "c", "d"))
  d2 <- gp_data(unname(tiny_pheno()), tiny_geno())
  expect_identical(d2$ids, c("a", "b", "c", "d"))
})

test_that("a phenotype vector becomes one trait and n_alleles defaults to max + 1", {
  d <- gp_data(c(1, 2, 3), matrix(c(0L, 1L, 1L), ncol = 1))
  expect_identical(ncol(d$pheno), 1L)
  expect_identical(d$n_alleles, 2L)
  d0 <- gp_data(c(1, 2, 3), matrix(0L, nrow = 3, ncol = 1))
  expect_identical(d0$n_alleles, 2L)
  d4 <- gp_data(c(1, 2, 3), matrix(c(0L, 1L, 1L), ncol = 1), n_alleles = 4)
  expect_identical(d4$n_alleles, 4L)
})

test_that("markers tables are validated and completed", {
  markers <- data.frame(marker = c("m1", "m2", "m3"), chr = c(1, 1, 2),
                        pos = c(10, 20, 5))
  d <- gp_data(tiny_pheno(), tiny_geno(), markers = markers)
  expect_identical(d$markers$chr, c("1", "1", "2"))
  expect_identical(d$markers$pos, c(10, 20, 5))
  d2 <- gp_data(tiny_pheno(), unname(tiny_geno()), markers = markers)
  expect_identical(colnames(d2$geno), c("m1", "m2", "m3"))
  expect_error(gp_data(tiny_pheno(), tiny_geno(), markers = markers[1:2, ]),
               "`markers` has 2 rows but `genotypes` has 3")
  renamed <- transform(markers, marker = c("m1", "x2", "m3"))
  expect_error(gp_data(tiny_pheno(), tiny_geno(), markers = renamed),
               "column 2 is 'x2' in markers but 'm2'")
})

test_that("gp_data rejects inconsistent input with informative errors", {
  pheno <- tiny_pheno()
  geno <- tiny_geno()
  expect_error(gp_data(pheno[1:3, ], geno), "3 individuals but `genotypes` has 4")
  bad_df <- data.frame(height = 1:4, site = c("x", "y", "x", "y"))
  expect_error(gp_data(bad_df, unname(geno)), "Phenotype column 'site' is not numeric")
  frac <- geno
  frac["b", "m3"] <- 1.5
  expect_error(gp_data(pheno, frac), "whole numbers: marker 'm3' has value 1.5")
  expect_error(gp_data(pheno, geno, n_alleles = 2),
               "0\\.\\.1: marker 'm1' has value 2")
  negative <- geno
  negative["d", "m2"] <- -1L
  expect_error(gp_data(pheno, negative), "marker 'm2' has value -1")
  expect_error(gp_data(pheno, geno[, 0, drop = FALSE]), "zero markers")
  all_na <- pheno
  all_na[, "weight"] <- NA
  expect_error(gp_data(all_na, geno), "Trait 'weight' has no observed values")
  dup_trait <- pheno
  colnames(dup_trait) <- c("height", "height")
  expect_error(gp_data(dup_trait, geno), "Duplicated trait name 'height'")
  dup_marker <- geno
  colnames(dup_marker) <- c("m1", "m2", "m1")
  expect_error(gp_data(pheno, dup_marker), "Duplicated marker name 'm1'")
  expect_error(gp_data(pheno, matrix("A", 4, 3)), "use as_gp_data")
  expect_error(gp_data(pheno, geno, n_alleles = 1), "`n_alleles` must be")
  expect_error(gp_data(pheno, geno, ids = c("a", "a", "b", "c")),
               "Duplicated individual id 'a'")
})

test_that("row names must agree between phenotypes and genotypes", {
  pheno <- tiny_pheno()
  geno <- tiny_geno()
  rownames(geno) <- c("a", "b", "x", "d")
  expect_error(gp_data(pheno, geno), "row 3 is 'c' in phenotypes but 'x' in genotypes")
  rownames(geno) <- c("b", "a", "c", "d")
  expect_error(gp_data(pheno, geno), "different order")
})

test_that("letter genotypes are coded alphabetically and share one order", {
  x <- matrix(c("B", "R", "B", "-", "R", "R", "R", "R", "", NA, "B", "B"),
              nrow = 4, dimnames = list(NULL, c("m1", "m2", "m3")))
  d <- as_gp_data(x, phenotypes = c(1, 2, 3, 4))
  expect_identical(d$n_alleles, 2L)
  expect_identical(unname(d$geno[, "m1"]), c(0L, 1L, 0L, NA))
  # m2 shows only R; it must still be coded 1, as in the other markers
  expect_identical(unname(d$geno[, "m2"]), c(1L, 1L, 1L, 1L))
  expect_identical(unname(d$geno[, "m3"]), c(NA, NA, 0L, 0L))

  flipped <- as_gp_data(x, phenotypes = c(1, 2, 3, 4), alleles = c("R", "B"))
  expect_identical(unname(flipped$geno[, "m1"]), c(1L, 0L, 1L, NA))
  expect_error(as_gp_data(x, phenotypes = 1:4, alleles = c("B", "H")),
               "marker 'm1' has value 'R'")
})

test_that("letter genotypes with marker-specific alleles are coded per marker", {
  x <- matrix(c("A", "C", "C", "T", "G", "G", "A", "T", "A"), nrow = 3,
              dimnames = list(NULL, c("snp1", "snp2", "snp3")))
  d <- as_gp_data(x, phenotypes = c(0.1, 0.2, 0.3))
  expect_identical(unname(d$geno[, "snp1"]), c(0L, 1L, 1L))
  expect_identical(unname(d$geno[, "snp2"]), c(1L, 0L, 0L))
  bad <- x
  bad[3, "snp3"] <- "G"
  expect_error(as_gp_data(bad, phenotypes = c(0.1, 0.2, 0.3)),
               "Marker 'snp3' has 3 distinct alleles \\(A, G, T\\)")
})

test_that("numeric and data-frame genotype tables convert", {
  dosage <- data.frame(m1 = c(0, 1, 2), m2 = c(2, 2, 0),
                       row.names = c("s1", "s2", "s3"))
  pheno <- data.frame(y = c(1, 2, 3), row.names = c("s1", "s2", "s3"))
  d <- as_gp_data(dosage, pheno)
  expect_identical(d$n_alleles, 3L)
  expect_identical(d$ids, c("s1", "s2", "s3"))
  expect_identical(unname(d$geno[, "m2"]), c(2L, 2L, 0L))
  binary <- as_gp_data(matrix(c(0, 1, 1, 0), 2), phenotypes = c(5, 6))
  expect_identical(binary$n_alleles, 2L)
  text_codes <- data.frame(m1 = c("0", "1", "-"), m2 = factor(c("1", "1", "0")))
  d2 <- as_gp_data(text_codes, phenotypes = c(1, 2, 3))
  expect_identical(unname(d2$geno[, "m1"]), c(0L, 1L, NA))
  expect_identical(unname(d2$geno[, "m2"]), c(1L, 1L, 0L))
  letters_df <- data.frame(m1 = c("A", "H"), m2 = c("H", "H"))
  expect_identical(unname(as_gp_data(letters_df, c(1, 2))$geno[, "m2"]), c(1L, 1L))
  # Without phenotypes: genotype-only data, for prediction.
  g_only <- as_gp_data(dosage)
  expect_identical(dim(g_only$pheno), c(3L, 0L))
  expect_identical(g_only$ids, c("s1", "s2", "s3"))
  expect_identical(unname(g_only$geno), unname(as_gp_data(dosage, c(1, 2, 3))$geno))
})

test_that("as_gp_data passes gp_data through and rejects other objects", {
  d <- tiny_gp_data()
  expect_identical(as_gp_data(d), d)
  expect_error(as_gp_data(list(1, 2)), "class 'list'")
})

test_that("subsetting selects individuals and keeps everything else", {
  d <- tiny_gp_data()
  d$truth <- list(causal_loci = 2L)
  s <- d[c(4, 2), ]
  expect_s3_class(s, "gp_data")
  expect_identical(s$ids, c("d", "b"))
  expect_identical(rownames(s$pheno), c("d", "b"))
  expect_identical(unname(s$geno["d", ]), unname(d$geno["d", ]))
  expect_identical(s$markers, d$markers)
  expect_identical(s$truth, d$truth)
  expect_identical(d[c("c", "a"), ]$ids, c("c", "a"))
  expect_identical(d[-1, ]$ids, c("b", "c", "d"))
  expect_identical(d[c(TRUE, FALSE, TRUE, FALSE), ]$ids, c("a", "c"))
  expect_identical(gp_subset(d, 3L)$ids, "c")
  expect_identical(d[, ], d)
})

test_that("subsetting errors are informative", {
  d <- tiny_gp_data()
  expect_error(d[1, 2], "subset by individual only")
  expect_error(d[1], "x\\[i, \\]")
  expect_error(d["zz", ], "Unknown individual id 'zz'")
  expect_error(d[5, ], "1\\.\\.4")
  expect_error(d[c(1, 1), ], "'a' is selected more than once")
  expect_error(d[integer(0), ], "no individuals")
  expect_error(d[c(TRUE, FALSE), ], "4 non-NA values")
  expect_error(gp_subset(list(), 1), "gp_data object")
})

test_that("print and summary report the contents", {
  d <- tiny_gp_data()
  expect_output(print(d), "4 individuals, 3 markers \\(3 allelic states\\), 2 traits")
  expect_output(print(d), "12.5% of phenotype values")
  expect_output(expect_invisible(print(d)), "<gp_data>")
  s <- summary(d)
  expect_s3_class(s, "summary.gp_data")
  expect_identical(s$traits$trait, c("height", "weight"))
  expect_identical(s$traits$n_missing, c(1L, 0L))
  expect_equal(s$traits$mean, c(4 / 3, 10.5))
  expect_equal(s$geno_missing, 1 / 12)
  expect_equal(unname(s$allele_freq), c(4, 4, 3) / 11)
  expect_null(s$chromosomes)
  expect_output(print(s), "weight")
  with_chr <- gp_data(tiny_pheno(), tiny_geno(),
                      markers = data.frame(chr = c("1", "1", "2"), pos = c(5, 9, 1)))
  chr_table <- summary(with_chr)$chromosomes
  expect_identical(chr_table$n_markers, c(2L, 1L))
  expect_identical(chr_table$max_pos, c(9, 1))
})
