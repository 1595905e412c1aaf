# Tests of the settings table: gpatlas_control(), its checks, the settings the core receives.

ns <- asNamespace("gpatlas")

test_that("gpatlas_control takes the table's settings in the table's order", {
  tab <- gpatlas:::control_table
  args <- formals(gpatlas_control)
  expect_equal(names(args), c("preset", tab$name))
  expect_true(all(vapply(args[-1L], is.null, logical(1))))
  expect_equal(eval(args$preset), gpatlas:::control_presets)
  ctl <- gpatlas_control(threads = 1)
  expect_equal(names(ctl), c(tab$name, "preset"))
  ints <- tab$name[tab$type == "integer"]
  expect_true(all(vapply(unclass(ctl)[ints], is.integer, logical(1))))
})

test_that("each preset returns the values in its column of the table", {
  tab <- gpatlas:::control_table
  for (preset in gpatlas:::control_presets) {
    ctl <- gpatlas_control(preset)
    expect_equal(ctl$preset, preset)
    for (i in seq_len(nrow(tab))) {
      want <- tab[[preset]][[i]]
      if (is.call(want)) want <- eval(want, ns)
      if (tab$name[i] == "threads") want <- gpatlas:::resolve_thread_count(want)
      expect_equal(ctl[[tab$name[i]]], want, info = paste(preset, tab$name[i]))
    }
  }
})

test_that("the presets keep their documented values", {
  d <- unclass(gpatlas_control(threads = 1, verbose = FALSE))
  expect_equal(d[c("latent_dim", "pheno_hidden", "decoder_hidden", "geno_hidden")],
               list(latent_dim = 32L, pheno_hidden = 64L, decoder_hidden = 64L, geno_hidden = 0L))
  expect_equal(d[c("pheno_noise_sd", "geno_flip", "lr", "beta1", "beta2", "l1", "l2", "lasso",
                   "weight_decay", "group_lasso", "valid_prop", "bn_momentum")],
               list(pheno_noise_sd = 0.1, geno_flip = 0.09, lr = 3e-3, beta1 = 0.5,
                    beta2 = 0.999, l1 = 0, l2 = 0.01, lasso = 1e-4, weight_decay = 0,
                    group_lasso = 0, valid_prop = 0.1, bn_momentum = 0.1))
  expect_equal(d[c("epochs_pheno", "epochs_geno", "batch_size", "patience", "lr_drops",
                   "n_seeds", "additive_folds", "seed")],
               list(epochs_pheno = 100L, epochs_geno = 200L, batch_size = 16L, patience = 20L,
                    lr_drops = 1L, n_seeds = 2L, additive_folds = 5L, seed = 1L))
  expect_equal(d[c("calibrate", "additive", "mask_missing", "standardize", "lr_schedule")],
               list(calibrate = TRUE, additive = TRUE, mask_missing = TRUE, standardize = TRUE,
                    lr_schedule = "constant"))
  p <- unclass(gpatlas_control("publication", threads = 1, verbose = FALSE))
  expect_equal(p[c("geno_hidden", "pheno_noise_sd", "epochs_pheno", "epochs_geno", "lr", "l1",
                   "lasso", "valid_prop", "patience", "n_seeds", "calibrate", "additive",
                   "bn_momentum", "mask_missing", "standardize")],
               list(geno_hidden = 2048L, pheno_noise_sd = sqrt(0.8), epochs_pheno = 250L,
                    epochs_geno = 250L, lr = 1e-3, l1 = 0.8, lasso = 0, valid_prop = 0,
                    patience = 0L, n_seeds = 1L, calibrate = FALSE, additive = FALSE,
                    bn_momentum = 0.8, mask_missing = FALSE, standardize = FALSE))
  ps <- unclass(gpatlas_control("publication_simulated", threads = 1, verbose = FALSE))
  expect_equal(ps[c("epochs_pheno", "epochs_geno", "geno_hidden", "additive_pairs")],
               list(epochs_pheno = 1567L, epochs_geno = 1567L, geno_hidden = 32L,
                    additive_pairs = 0L))
  expect_equal(c(d$single_trait_autoencoder, p$single_trait_autoencoder,
                 ps$single_trait_autoencoder), c(FALSE, TRUE, TRUE))
  expect_error(gpatlas_control(single_trait_autoencoder = NA), "single_trait_autoencoder")
  expect_equal(d[c("additive_pairs", "additive_alpha", "additive_average")],
               list(additive_pairs = 20L, additive_alpha = 0.5, additive_average = TRUE))
  expect_equal(p[c("additive_alpha", "additive_average")],
               list(additive_alpha = 1, additive_average = FALSE))
  expect_error(gpatlas_control(additive_average = "yes"), "additive_average")
})

test_that("the help page lists every setting with its preset values", {
  rd <- gpatlas:::control_table_rd()
  tab <- gpatlas:::control_table
  rows <- grep("^\\| `", rd, value = TRUE)
  expect_equal(length(rows), nrow(tab))
  expect_true(all(startsWith(rows, paste0("| `", tab$name, "` | ", tab$type, " |"))))
  expect_match(rows[tab$name == "pheno_noise_sd"],
               "0.1 \\| `sqrt\\(0.8\\)` \\| `sqrt\\(0.8\\)` \\|$")
})

test_that("every setting is checked against its row of the table", {
  expect_error(gpatlas_control(batch_size = 1), "`batch_size` must be at least 2 \\(BatchNorm")
  expect_error(gpatlas_control(batch_size = 2.5), "`batch_size` must be a whole number")
  expect_error(gpatlas_control(additive_folds = 21), "between 3 and 20")
  expect_error(gpatlas_control(valid_prop = -0.1), "`valid_prop` must be a number in \\[0, 0.5\\]")
  expect_error(gpatlas_control(lr_schedule = 1), "`lr_schedule` must be \"constant\" or \"cosine\"")
  expect_error(gpatlas_control(calibrate = "yes"), "`calibrate` must be TRUE or FALSE")
  expect_error(gpatlas_control(epochs_pheno = 2^31), "`epochs_pheno` = .* is beyond")
  expect_silent(gpatlas_control(epochs_pheno = 2^31 - 1, threads = 1))
})

test_that("a control edited to lack or add a setting is refused before fitting", {
  d <- gp_simulate(n = 40, n_loci = 10, n_phenotypes = 2, n_causal = 2, seed = 1)
  ctl <- quick_control(1)
  lacks <- ctl
  lacks$lasso <- NULL
  expect_error(gpatlas(. ~ ., d, lacks), "`control` lacks the setting `lasso`")
  extra <- ctl
  extra$depth <- 3
  expect_error(gpatlas(. ~ ., d, extra), "`control` has an unknown setting `depth`")
})

test_that("the core reads exactly the settings the table marks as core", {
  core <- gpatlas:::control_names(core = TRUE)
  expect_setequal(names(gpatlas:::cpp_control_defaults()), core)
  ctl <- gpatlas_control(lr_schedule = "cosine", seed = 7, threads = 1)
  sent <- gpatlas:::core_settings(ctl)
  expect_setequal(names(sent), core)
  got <- gpatlas:::cpp_control_parse(sent)
  expect_equal(got[core], unclass(ctl)[core], ignore_attr = TRUE)
})

test_that("the core refuses a missing or unknown setting instead of a default", {
  sent <- gpatlas:::core_settings(gpatlas_control(threads = 1))
  parse <- gpatlas:::cpp_control_parse
  expect_error(parse(sent[names(sent) != "lr"]), "setting 'lr' is missing")
  expect_error(parse(sent[names(sent) != "threads"]), "setting 'threads' is missing")
  expect_error(parse(c(sent, list(adam_eps = 1e-7))), "unknown setting 'adam_eps'")
  # R's own settings never reach the core: sent unstripped, the core refuses them.
  expect_error(parse(unclass(gpatlas_control(threads = 1))), "unknown setting")
  expect_error(parse(unname(sent)), "named list")
  expect_error(parse(utils::modifyList(sent, list(lr_schedule = "step"))), "lr_schedule")
  # Unknown names are passed on, not dropped, so that the core reports them.
  edited <- unclass(gpatlas_control(threads = 1))
  edited$junk <- 1
  expect_error(parse(gpatlas:::core_settings(edited)), "unknown setting 'junk'")
})

test_that("a fit saved without some settings still predicts as before", {
  d <- gp_simulate(n = 48, n_loci = 12, n_phenotypes = 2, n_causal = 2, seed = 2)
  fit <- gpatlas(. ~ ., d, quick_control(2))
  old <- fit
  # Settings an earlier version may not have stored; the core filled them with its defaults.
  gone <- c("lasso", "group_lasso", "weight_decay", "lr_drops", "lr_schedule", "patience",
            "threads", "additive", "additive_folds")
  for (nm in gone) old$control[[nm]] <- NULL
  expect_false(any(gone %in% names(old$control)))
  expect_equal(predict(old, d), predict(fit, d))
  expect_equal(predict(old, d, from = "phenotype"), predict(fit, d, from = "phenotype"))
  expect_equal(gp_importance(old, d, verbose = FALSE)$per_phenotype,
               gp_importance(fit, d, verbose = FALSE)$per_phenotype)
  # A fitting call gets no such filling: a missing setting is the core's error.
  sent <- gpatlas:::core_settings(old$control)
  expect_error(gpatlas:::cpp_control_parse(sent), "is missing")
})

test_that("gp_tune takes grid columns only from the settings table", {
  d <- gp_simulate(n = 40, n_loci = 10, n_phenotypes = 2, n_causal = 2, seed = 1)
  ctl <- quick_control(1)
  expect_error(gp_tune(. ~ ., d, list(adam_eps = 1e-7), folds = 2, control = ctl),
               "unknown setting in `grid`: adam_eps")
  expect_error(gp_tune(. ~ ., d, list(preset = "publication"), folds = 2, control = ctl),
               "unknown setting in `grid`: preset")
  expect_error(gp_tune(. ~ ., d, list(additive_folds = 2), folds = 2, control = ctl),
               "`additive_folds` must be a single whole number between 3 and 20")
  grid <- gpatlas:::tune_grid(list(patience = c(0, 2), lr = 0.01))
  row <- grid[2, , drop = FALSE]
  tuned <- gpatlas:::tune_control(quick_control(1, valid_prop = 0.2), row)
  expect_identical(tuned$patience, 2L)
  expect_equal(tuned$lr, 0.01)
})
