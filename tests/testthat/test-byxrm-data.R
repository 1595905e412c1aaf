# Tests of the shipped BYxRM data sets: shape, coding, QTL and heritabilities, and equality
# with read_byxrm() on the original files where a copy of them is found.

test_that("the shipped yeast cross is a complete gp_data object", {
  expect_s3_class(byxrm, "gp_data")
  expect_identical(dim(byxrm), c(1008L, 11623L))
  expect_identical(dim(byxrm$pheno), c(1008L, 46L))
  expect_identical(typeof(byxrm$geno), "integer")
  expect_identical(byxrm$n_alleles, 2L)
  expect_false(anyNA(byxrm$geno))
  expect_true(all(byxrm$geno == 0L | byxrm$geno == 1L))
  expect_identical(sort(unique(byxrm$markers$chr)), sort(as.character(1:16)))
  expect_false(anyNA(byxrm$markers$pos))
  expect_identical(byxrm$markers$marker, colnames(byxrm$geno))
  expect_identical(byxrm$ids, rownames(byxrm$pheno))
  missing_per_trait <- colSums(is.na(byxrm$pheno))
  expect_true(all(missing_per_trait > 0 & missing_per_trait < 1008))
  expect_null(byxrm$truth)

  parts <- gp_split(byxrm, 0.8, method = "sequential")
  expect_identical(parts$test$ids[c(1, 202)], c("A09_84", "A11_96"))
})

test_that("the published QTL table and heritabilities name the shipped traits", {
  traits <- colnames(byxrm$pheno)
  expect_s3_class(byxrm_qtl, "data.frame")
  expect_identical(nrow(byxrm_qtl), 591L)
  expect_true(all(c("trait", "chr", "pos", "left", "right", "lod",
                    "variance_explained") %in% names(byxrm_qtl)))
  expect_true(all(byxrm_qtl$trait %in% traits))
  expect_true(all(byxrm_qtl$chr %in% as.character(1:16)))
  expect_true(all(byxrm_qtl$left <= byxrm_qtl$pos & byxrm_qtl$pos <= byxrm_qtl$right))
  expect_true(all(byxrm_qtl$lod >= 0))
  expect_true(all(byxrm_qtl$variance_explained >= 0 & byxrm_qtl$variance_explained <= 1))

  expect_identical(byxrm_heritability$trait, traits)
  expect_identical(names(byxrm_heritability),
                   c("trait", "h2_narrow", "H2_broad", "qtl_variance_explained"))
  h <- byxrm_heritability
  expect_true(all(h$h2_narrow > 0 & h$h2_narrow <= h$H2_broad & h$H2_broad <= 1))
  # Each trait's detected QTL explain at most its heritability.
  expect_true(all(h$qtl_variance_explained <= h$H2_broad))
})

test_that("the shipped yeast cross equals read_byxrm() on the original files", {
  dir <- byxrm_dir()
  skip_if(is.null(dir), "BYxRM data folder not found (set GPATLAS_BYXRM_DIR)")
  expect_identical(read_byxrm(dir), byxrm)
})

test_that("the shipped QTL and heritabilities equal the original tables", {
  dir <- byxrm_dir()
  skip_if(is.null(dir), "BYxRM data folder not found (set GPATLAS_BYXRM_DIR)")
  qtl_file <- file.path(dir, "Bloom2013_QTL.csv.gz")
  h2_file <- file.path(dir, "Bloom2013_heritability.csv")
  skip_if(!all(file.exists(c(qtl_file, h2_file))), "QTL and heritability tables not found")
  raw <- utils::read.csv(gzfile(qtl_file), check.names = FALSE, stringsAsFactors = FALSE)
  expect_identical(nrow(raw), nrow(byxrm_qtl))
  expect_identical(as.numeric(raw[["Peak Position (bp)"]]), byxrm_qtl$pos)
  expect_identical(as.numeric(raw[["LOD"]]), byxrm_qtl$lod)
  expect_identical(as.character(raw[["Chromosome"]]), byxrm_qtl$chr)
  renamed <- sub("^x", "", byxrm_qtl$trait)
  renamed[renamed == "Magnesium_Sulfate"] <- "Manganese_Sulfate"
  expect_identical(raw[["Trait"]], renamed)
  h2 <- utils::read.csv(h2_file, stringsAsFactors = FALSE)
  expect_equal(h2, byxrm_heritability)
})
