# Tests of the BYxRM reader on tiny synthetic files and, if present, the real cross.

tiny_geno_lines <- c(
  "marker\tA01_01\tA01_02\tA01_03",
  "27915_chr01_27915_T_C\tB\tR\tB",
  "1250000_chr10_4581_G_A\tR\tR\tB"
)
tiny_pheno_lines <- c(
  "\tCaffeine\tx4NQO",
  "A01_01\t0.5\tNA",
  "A01_02\t-1.25\t2",
  "A01_03\tNA\t-3"
)

test_that("read_byxrm parses genotypes, markers and phenotypes", {
  dir <- write_byxrm_files(tempfile("byxrm"), tiny_geno_lines, tiny_pheno_lines)
  d <- read_byxrm(dir)
  expect_s3_class(d, "gp_data")
  expect_identical(d$ids, c("A01_01", "A01_02", "A01_03"))
  expect_identical(d$n_alleles, 2L)
  expect_identical(unname(d$geno[, 1]), c(0L, 1L, 0L))
  expect_identical(unname(d$geno[, 2]), c(1L, 1L, 0L))
  expect_identical(d$markers$chr, c("1", "10"))
  expect_identical(d$markers$pos, c(27915, 4581))
  expect_identical(colnames(d$pheno), c("Caffeine", "x4NQO"))
  expect_identical(unname(d$pheno[, "Caffeine"]), c(0.5, -1.25, NA))
  expect_identical(sum(is.na(d$pheno)), 2L)
})

test_that("read_byxrm reports missing folders, files and mismatched segregants", {
  expect_error(read_byxrm(file.path(tempdir(), "no_such_folder")), "does not exist")
  empty <- tempfile("byxrm_empty")
  dir.create(empty)
  expect_error(read_byxrm(empty), "BYxRM_GenoData.txt.gz")
  expect_error(read_byxrm(c("a", "b")), "`dir` must be")

  swapped <- tiny_pheno_lines[c(1, 3, 2, 4)]
  dir <- write_byxrm_files(tempfile("byxrm"), tiny_geno_lines, swapped)
  expect_error(read_byxrm(dir),
               "position 1 is 'A01_01' in the genotype file but 'A01_02'")

  shorter <- tiny_pheno_lines[1:3]
  dir <- write_byxrm_files(tempfile("byxrm"), tiny_geno_lines, shorter)
  expect_error(read_byxrm(dir), "3 segregants but the phenotype file has 2")

  bad_call <- tiny_geno_lines
  bad_call[3] <- "1250000_chr10_4581_G_A\tR\tX\tB"
  dir <- write_byxrm_files(tempfile("byxrm"), bad_call, tiny_pheno_lines)
  expect_error(read_byxrm(dir), "marker '1250000_chr10_4581_G_A' has call 'X'")

  ragged <- tiny_geno_lines
  ragged[2] <- "27915_chr01_27915_T_C\tB\tR"
  dir <- write_byxrm_files(tempfile("byxrm"), ragged, tiny_pheno_lines)
  expect_error(read_byxrm(dir), "ragged")
})

test_that("the real BYxRM cross reads completely", {
  dir <- byxrm_dir()
  skip_if(is.null(dir), "BYxRM data folder not found (set GPATLAS_BYXRM_DIR)")
  yeast <- read_byxrm(dir)
  expect_identical(dim(yeast), c(1008L, 11623L))
  expect_identical(ncol(yeast$pheno), 46L)
  expect_true(all(yeast$geno %in% 0:1))
  expect_identical(sort(unique(yeast$markers$chr)), sort(as.character(1:16)))
  expect_false(anyNA(yeast$markers$pos))
  missing_per_trait <- colSums(is.na(yeast$pheno))
  expect_true(all(missing_per_trait > 0))
  expect_identical(max(missing_per_trait), 409)
  expect_identical(yeast$ids[1], "A01_01")

  split <- gp_split(yeast, 0.8, method = "sequential")
  expect_identical(c(nrow(split$train), nrow(split$test)), c(806L, 202L))
  expect_identical(split$test$ids[c(1, 202)], c("A09_84", "A11_96"))
})
