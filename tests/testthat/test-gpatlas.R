# Tests of gpatlas_control(), gpatlas(), predict() and the fit's methods.

small_control <- function(...) {
  gpatlas_control(latent_dim = 4, pheno_hidden = 16, decoder_hidden = 16, geno_hidden = 32,
                  epochs_pheno = 100, epochs_geno = 100, batch_size = 16, threads = 1,
                  n_seeds = 1, verbose = FALSE, ...)
}

small_sim <- function() {
  gp_simulate(n = 240, n_loci = 60, n_alleles = 2, n_phenotypes = 4, n_causal = 3,
              p_pleio = 0.2, p_interact = 0, noise = 0.01, seed = 11)
}

test_that("gpatlas_control fills presets and validates arguments", {
  d <- gpatlas_control()
  expect_s3_class(d, "gpatlas_control")
  expect_true(d$mask_missing)
  expect_true(d$standardize)
  p <- gpatlas_control(preset = "publication")
  expect_false(p$mask_missing)
  expect_equal(p$pheno_noise_sd, sqrt(0.8))
  expect_equal(p$geno_flip, 0.09)
  expect_equal(c(p$epochs_pheno, p$epochs_geno), c(250, 250))
  expect_equal(p$geno_hidden, 2048)
  expect_equal(p$bn_momentum, 0.8)
  expect_equal(d$bn_momentum, 0.1)
  expect_equal(gpatlas_control(preset = "publication_simulated")$geno_hidden, 32)
  expect_equal(gpatlas_control(lr = 0.01)$lr, 0.01)
  expect_error(gpatlas_control(batch_size = 1), "at least 2")
  expect_error(gpatlas_control(latent_dim = 0), "latent_dim")
  expect_error(gpatlas_control(geno_flip = 1), "geno_flip")
  expect_error(gpatlas_control(lr = -1), "lr")
  expect_error(gpatlas_control(mask_missing = NA), "mask_missing")
  expect_error(gpatlas_control(preset = "nope"))
  expect_output(print(d), "preset: default")
})

test_that("a small fit beats predicting the training mean on held-out data", {
  sim <- small_sim()
  parts <- gp_split(sim, prop = 0.75, seed = 1)
  fit <- gpatlas(. ~ ., parts$train, small_control())
  expect_s3_class(fit, "gpatlas")
  pred <- predict(fit, parts$test)
  obs <- parts$test$pheno
  expect_equal(dim(pred), dim(obs))
  expect_equal(rownames(pred), rownames(obs))
  expect_equal(colnames(pred), colnames(obs))
  mse_model <- colMeans((pred - obs)^2)
  train_mean <- colMeans(parts$train$pheno)
  mse_mean <- colMeans(sweep(obs, 2, train_mean)^2)
  expect_lt(median(mse_model / mse_mean), 0.8)
  # The phenotype autoencoder reconstructs its input better still.
  pp <- predict(fit, parts$test, from = "phenotype")
  expect_lt(median(colMeans((pp - obs)^2) / mse_mean), 0.5)
  lat <- predict(fit, parts$test, type = "latent")
  expect_equal(dim(lat), c(nrow(obs), 4L))
  expect_equal(colnames(lat), paste0("latent_", 1:4))
  expect_equal(dim(predict(fit, parts$test, from = "phenotype", type = "latent")), c(nrow(obs), 4L))
  m <- gp_metrics(fit, parts$test)
  expect_s3_class(m, "gp_metrics")
  expect_equal(nrow(m$per_phenotype), 4L)
  expect_true(all(m$per_phenotype$r2 > 0))
})

test_that("fits are reproducible with a seed and survive saveRDS", {
  sim <- small_sim()
  ctl <- small_control()
  ctl$epochs_pheno <- 3
  ctl$epochs_geno <- 3
  a <- gpatlas(. ~ ., sim, ctl)
  b <- gpatlas(. ~ ., sim, ctl)
  expect_identical(a$params, b$params)
  expect_identical(a$history$loss, b$history$loss)
  ctl$seed <- 2
  c2 <- gpatlas(. ~ ., sim, ctl)
  expect_false(identical(a$params, c2$params))
  f <- tempfile(fileext = ".rds")
  on.exit(unlink(f))
  saveRDS(a, f)
  a2 <- readRDS(f)
  expect_identical(predict(a2, sim), predict(a, sim))
  expect_identical(predict(a2, sim, from = "phenotype", type = "latent"),
                   predict(a, sim, from = "phenotype", type = "latent"))
})

test_that("history, print and summary describe the fit", {
  sim <- small_sim()
  ctl <- small_control()
  ctl$epochs_pheno <- 4
  ctl$epochs_geno <- 2
  fit <- gpatlas(. ~ ., sim, ctl)
  expect_equal(fit$history$stage, c(1, 1, 1, 1, 2, 2))
  expect_equal(fit$history$epoch, c(1:4, 1:2))
  expect_true(all(fit$history$seconds >= 0))
  expect_true(all(is.finite(fit$history$loss)))
  expect_output(print(fit), "genotype encoder")
  s <- summary(fit)
  expect_s3_class(s, "summary.gpatlas")
  expect_equal(s$stages$epochs, c(4, 2))
  expect_gt(s$n_parameters, 60 * 2 * 32)
  expect_output(print(s), "training individuals")
})

test_that("missing phenotypes are masked out of training, not treated as 0", {
  sim <- small_sim()
  ctl <- small_control()
  ctl$epochs_pheno <- 3
  ctl$epochs_geno <- 2
  na_sim <- sim
  na_sim$pheno[1:20, 1] <- NA
  other <- na_sim
  # Values behind a mask cannot matter: the two data sets differ only where the first is NA.
  a <- gpatlas(. ~ ., na_sim, ctl)
  expect_true(all(is.finite(predict(a, na_sim))))
  zero_sim <- sim
  zero_sim$pheno[1:20, 1] <- 0
  b <- gpatlas(. ~ ., zero_sim, ctl)
  expect_false(identical(a$params, b$params))
  m <- gp_metrics(a, na_sim)
  expect_equal(m$per_phenotype$n[1], nrow(sim$pheno) - 20L)
})

test_that("the formula selects traits and markers", {
  sim <- small_sim()
  ctl <- small_control()
  ctl$epochs_pheno <- 2
  ctl$epochs_geno <- 2
  fit <- gpatlas(phen_01 + phen_03 ~ locus_0001 + locus_0002 + locus_0010, sim, ctl)
  expect_equal(fit$traits, c("phen_01", "phen_03"))
  expect_equal(fit$markers$marker, c("locus_0001", "locus_0002", "locus_0010"))
  expect_equal(colnames(predict(fit, sim)), c("phen_01", "phen_03"))
  expect_error(gpatlas(nope ~ ., sim, ctl), "unknown trait: nope")
  expect_error(gpatlas(. ~ bad_marker, sim, ctl), "unknown marker")
  expect_error(gpatlas(~ ., sim, ctl), "two-sided")
})

test_that("bad input gives clear errors", {
  sim <- small_sim()
  ctl <- small_control()
  expect_error(gpatlas(. ~ ., sim, list(epochs_pheno = 1)), "gpatlas_control")
  few <- sim[1:10, ]
  expect_error(gpatlas(. ~ ., few, ctl), "fewer than one batch")
  empty <- sim
  empty$pheno[, 2] <- NA
  expect_error(gpatlas(. ~ ., empty, ctl), "phen_02.*no observed")
  ctl$epochs_pheno <- 1
  ctl$epochs_geno <- 1
  fit <- gpatlas(. ~ ., sim, ctl)
  expect_identical(predict(fit), fitted(fit))
  other <- gp_simulate(n = 20, n_loci = 5, n_alleles = 2, n_phenotypes = 4, n_causal = 1, seed = 2)
  colnames(other$geno) <- paste0("x", 1:5)
  other$markers$marker <- colnames(other$geno)
  expect_error(predict(fit, other), "lacks .* marker")
  no_traits <- sim
  colnames(no_traits$pheno) <- paste0("t", 1:4)
  expect_error(predict(fit, no_traits, from = "phenotype"), "lacks trait")
})

test_that("a model without stage 2 refuses genotype predictions", {
  sim <- small_sim()
  ctl <- small_control()
  ctl$epochs_pheno <- 2
  ctl$epochs_geno <- 0
  fit <- gpatlas(. ~ ., sim, ctl)
  expect_equal(dim(predict(fit, sim, from = "phenotype")), dim(sim$pheno))
  expect_error(predict(fit, sim), "no trained genotype encoder")
})

test_that("the BLAS check reads the loaded libraries", {
  maps <- tempfile()
  on.exit(unlink(maps))
  writeLines("7f00-7f01 r-xp 0 08:01 1 /usr/lib/x86_64-linux-gnu/blas/libblas.so.3", maps)
  expect_false(gpatlas:::optimized_blas_loaded(maps))
  writeLines("7f00-7f01 r-xp 0 08:01 1 /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3", maps)
  expect_true(gpatlas:::optimized_blas_loaded(maps))
  expect_true(gpatlas:::optimized_blas_loaded(file.path(tempdir(), "no-such-file")))
})

test_that("Ctrl-C stops training with an R interrupt and leaves the session usable", {
  skip_on_os("windows")
  dir <- tempfile("interrupt")
  dir.create(dir)
  on.exit(unlink(dir, recursive = TRUE))
  marker <- file.path(dir, "started")
  result <- file.path(dir, "result")
  script <- file.path(dir, "run.R")
  writeLines(c(
    "suppressMessages(library(gpatlas))",
    "sim <- gp_simulate(n = 200, n_loci = 100, n_phenotypes = 3, seed = 1)",
    "ctl <- gpatlas_control(epochs_pheno = 1e6, epochs_geno = 1, verbose = FALSE, threads = 1,",
    "  valid_prop = 0, patience = 0, calibrate = FALSE)",
    sprintf("writeLines(as.character(Sys.getpid()), '%s')", marker),
    "r <- tryCatch(gpatlas(. ~ ., sim, ctl), interrupt = function(e) 'interrupted')",
    "ok <- inherits(gpatlas(. ~ ., sim, gpatlas_control(epochs_pheno = 1, epochs_geno = 1,",
    "  geno_hidden = 8, verbose = FALSE)), 'gpatlas')",
    sprintf("writeLines(c(r, as.character(ok)), '%s')", result)
  ), script)
  system2(file.path(R.home("bin"), "Rscript"), script, wait = FALSE, stdout = FALSE, stderr = FALSE)
  wait_for <- function(path, seconds) {
    t0 <- Sys.time()
    while (!file.exists(path) && difftime(Sys.time(), t0, units = "secs") < seconds) Sys.sleep(0.2)
    file.exists(path)
  }
  expect_true(wait_for(marker, 60))
  Sys.sleep(1.5)
  pid <- as.integer(readLines(marker))
  tools::pskill(pid, tools::SIGINT)
  expect_true(wait_for(result, 60))
  Sys.sleep(0.2)
  expect_equal(readLines(result), c("interrupted", "TRUE"))
})

test_that("a single trait trains no phenotype autoencoder unless asked", {
  sim <- gp_simulate(n = 200, n_loci = 30, n_alleles = 2, n_phenotypes = 1, n_causal = 2,
                     noise = 0.01, seed = 4)
  parts <- gp_split(sim, prop = 0.75, seed = 1)
  ctl <- small_control(additive = FALSE, valid_prop = 0.1, patience = 10)
  fit <- gpatlas(. ~ ., parts$train, ctl)
  expect_false(fit$pheno_autoencoder)
  expect_null(fit$pheno_params)
  expect_false(any(fit$history$stage == 1))
  # Stage 2 trains the decoder with the encoder: a genotype-to-trait network that predicts.
  r <- cor(predict(fit, parts$test)[, 1], parts$test$pheno[, 1])
  expect_gt(r, 0.7)
  one <- function(e) {
    gpatlas(. ~ ., parts$train, quick_control(e, valid_prop = 0, patience = 0,
                                              calibrate = FALSE, additive = FALSE))$params
  }
  e1 <- one(1)
  e2 <- one(2)
  expect_false(identical(e1[["decoder.3.weight"]], e2[["decoder.3.weight"]]))
  expect_false(identical(e1[["decoder.0.weight"]], e2[["decoder.0.weight"]]))
  expect_error(predict(fit, parts$test, from = "phenotype"), "no phenotype autoencoder")
  expect_error(gp_importance(fit, parts$test, from = "phenotype", verbose = FALSE),
               "single_trait_autoencoder")
  expect_output(print(fit), "one trait: no phenotype autoencoder")
  expect_equal(nrow(gp_importance(fit, parts$test, verbose = FALSE)$loci), 30L)
  # Survives saveRDS with the same behaviour.
  path <- tempfile(fileext = ".rds")
  saveRDS(fit, path)
  back <- readRDS(path)
  expect_equal(predict(back, parts$test), predict(fit, parts$test))
  expect_error(predict(back, parts$test, from = "phenotype"), "no phenotype autoencoder")
  # The additive default: no separate phenotype autoencoders either.
  add <- gpatlas(. ~ ., parts$train, quick_control(5, valid_prop = 0, patience = 0,
                                                   calibrate = FALSE))
  expect_false(add$pheno_autoencoder)
  expect_null(add$pheno_params)
  # Asked for: the autoencoder is trained and predicts phenotypes.
  ctl$single_trait_autoencoder <- TRUE
  ctl$epochs_pheno <- 5
  with_ae <- gpatlas(. ~ ., parts$train, ctl)
  expect_true(with_ae$pheno_autoencoder)
  expect_equal(sum(with_ae$history$stage == 1), 5)
  expect_equal(dim(predict(with_ae, parts$test, from = "phenotype")), c(50L, 1L))
  # Two traits: the setting changes nothing.
  two <- gp_simulate(n = 60, n_loci = 20, n_phenotypes = 2, n_causal = 2, seed = 2)
  f2 <- gpatlas(. ~ ., two, quick_control(3, valid_prop = 0, patience = 0, calibrate = FALSE))
  expect_true(f2$pheno_autoencoder)
  expect_equal(sum(f2$history$stage == 1), 3)
})

# Every call from R into the core goes through a generated cpp_* wrapper (R/RcppExports.R).
core_calls <- function(code) {
  ns <- asNamespace("gpatlas")
  wrappers <- grep("^cpp_", ls(ns), value = TRUE)
  rec <- new.env()
  rec$calls <- character()
  for (w in wrappers) {
    tracer <- bquote(assign("calls", c(get("calls", envir = .(rec)), .(w)), envir = .(rec)))
    suppressMessages(trace(w, tracer = tracer, where = ns, print = FALSE))
  }
  on.exit(for (w in wrappers) suppressMessages(untrace(w, where = ns)))
  force(code)
  rec$calls
}

test_that("a default fit is one call into the core, and so are prediction and importance", {
  sim <- gp_simulate(n = 80, n_loci = 20, n_phenotypes = 3, n_causal = 2, seed = 3)
  ctl <- gpatlas_control(epochs_pheno = 3, epochs_geno = 3, latent_dim = 4, threads = 1,
                         verbose = FALSE)
  expect_true(ctl$additive)
  expect_equal(ctl$n_seeds, 2L)
  fit <- NULL
  expect_identical(core_calls(fit <- gpatlas(. ~ ., sim, ctl)), "cpp_model_fit")
  expect_identical(core_calls(predict(fit, sim)), "cpp_model_predict")
  expect_identical(core_calls(predict(fit, sim, from = "phenotype")), "cpp_model_predict")
  expect_identical(core_calls(gp_importance(fit, sim, verbose = FALSE)), "cpp_model_importance")
})
