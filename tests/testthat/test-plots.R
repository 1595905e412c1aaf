skip_if_not_installed("ggplot2")

plot_fixture <- local({
  cache <- NULL
  function() {
    if (is.null(cache)) {
      sim <- gp_simulate(n = 60, n_loci = 30, n_phenotypes = 3, n_causal = 2, seed = 1)
      fit <- gpatlas(. ~ ., sim, gpatlas_control(epochs_pheno = 3, epochs_geno = 4,
                     geno_hidden = 16, pheno_hidden = 8, decoder_hidden = 8,
                     latent_dim = 4, verbose = FALSE))
      imp <- gp_importance(fit, sim, verbose = FALSE)
      cache <<- list(sim = sim, fit = fit, imp = imp, met = gp_metrics(fit, sim))
    }
    cache
  }
})

expect_plot <- function(p) {
  expect_s3_class(p, "ggplot")
  b <- ggplot2::ggplot_build(p)
  expect_s3_class(b, "ggplot_built")
  invisible(b)
}

layer_rows <- function(b, geom) {
  i <- which(vapply(b$plot$layers, function(l) inherits(l$geom, geom), logical(1)))
  vapply(i, function(k) nrow(b$data[[k]]), integer(1))
}

test_that("loss curve has one point per epoch and stage", {
  f <- plot_fixture()
  b <- expect_plot(ggplot2::autoplot(f$fit))
  h <- as.data.frame(f$fit)
  expect_named(h, c("member", "stage", "epoch", "loss", "valid_loss", "kept", "seconds"))
  # One row per network and epoch (7), each with a training and a validation loss.
  # (the networks the fit trained: fewer than n_seeds when the first one was dropped)
  k <- 1L + length(f$fit$ensemble)
  expect_lte(k, f$fit$control$n_seeds)
  expect_equal(nrow(h), k * 7L)
  expect_equal(layer_rows(b, "GeomPoint"), 2L * k * 7L)
  # One kept epoch per network and stage.
  expect_equal(layer_rows(b, "GeomVline"), 2L * k)
  expect_plot(ggplot2::autoplot(f$fit, log_y = TRUE))
})

test_that("metrics plots show every observed value and both error levels", {
  f <- plot_fixture()
  b <- expect_plot(ggplot2::autoplot(f$met))
  expect_equal(layer_rows(b, "GeomPoint"), 60L * 3L)
  b <- expect_plot(ggplot2::autoplot(f$met, type = "error_density", metric = "mape"))
  expect_equal(layer_rows(b, "GeomRug"), 3L + 60L)
  b <- expect_plot(ggplot2::autoplot(f$met, type = "per_individual", individuals = 1:2))
  expect_equal(layer_rows(b, "GeomPoint"), 2L * 3L)
  expect_error(ggplot2::autoplot(f$met, type = "per_individual", individuals = "nobody"),
               "unknown individual")
  long <- as.data.frame(f$met, what = "long")
  expect_named(long, c("id", "trait", "observed", "predicted", "error"))
  expect_equal(nrow(long), 180L)
  expect_equal(long$error, long$predicted - long$observed)
  expect_identical(as.data.frame(f$met), f$met$per_phenotype)
})

test_that("genome plot places loci and QTL intervals", {
  f <- plot_fixture()
  b <- expect_plot(ggplot2::autoplot(f$imp, qtl = data.frame(chr = NA, left = 2, right = 5),
                                     top = 2))
  expect_equal(layer_rows(b, "GeomPoint"), 30L)
  expect_equal(layer_rows(b, "GeomRect"), 1L)
  b <- expect_plot(ggplot2::autoplot(f$imp, type = "alleles"))
  expect_equal(layer_rows(b, "GeomPoint"), 90L)

  imp <- f$imp
  imp$loci$chr <- rep(c("chrI", "chrII", "chrIII"), each = 10)
  imp$loci$pos <- rep(seq(1000, 10000, by = 1000), 3)
  q <- data.frame(chr = c("chrII", "chrX"), left = 2000, right = 4000)
  expect_warning(p <- ggplot2::autoplot(imp, qtl = q), "chromosomes without markers")
  b <- expect_plot(p)
  # One band (chrII) and one QTL rectangle, each shifted onto chrII.
  rects <- b$data[vapply(b$plot$layers, function(l) inherits(l$geom, "GeomRect"), logical(1))]
  expect_equal(vapply(rects, nrow, integer(1)), c(1L, 1L))
  expect_true(rects[[2]]$xmin > 10000 && rects[[2]]$xmax < rects[[1]]$xmax)
  pts <- b$data[[which(vapply(b$plot$layers, function(l) inherits(l$geom, "GeomPoint"),
                              logical(1)))]]
  expect_true(all(diff(pts$x) > 0))
  expect_equal(b$layout$panel_params[[1]]$x$get_labels(), c("I", "II", "III"))
  expect_plot(ggplot2::autoplot(imp, log_y = TRUE))

  # The default model reports its additive and network parts next to the total.
  parts <- c("importance_additive", "importance_network")
  expect_named(as.data.frame(f$imp),
               c("marker", "chr", "pos", "importance", "allele", "rank", parts))
  expect_named(as.data.frame(f$imp, what = "features"),
               c("feature", "marker", "allele", "chr", "pos", "importance", parts))
})

test_that("ROC, kurtosis and Q-Q plots", {
  roc <- gp_roc(c(5, 4, 4, 3, 2, 1), c(TRUE, TRUE, FALSE, FALSE, TRUE, FALSE), fpr = 0.2)
  b <- expect_plot(ggplot2::autoplot(roc))
  expect_equal(layer_rows(b, "GeomPath"), nrow(roc$curve))
  expect_named(as.data.frame(roc), c("threshold", "fpr", "tpr"))

  kt <- gp_kurtosis_test(qt(ppoints(100), 3), qnorm(ppoints(100)), n_boot = 50, seed = 1)
  b <- expect_plot(ggplot2::autoplot(kt, bins = 10))
  expect_equal(sum(b$data[[1]]$count), 50)
  expect_equal(as.data.frame(kt), data.frame(boot = kt$boot))

  b <- expect_plot(gp_plot_qq(c(-1.2, 0.3, 0.1, 2.5, -0.4, 0.8)))
  expect_equal(layer_rows(b, "GeomPoint"), 6L)
  b <- expect_plot(gp_plot_qq(list(a = rnorm(10), b = rnorm(15))))
  expect_equal(layer_rows(b, "GeomPoint"), 25L)
})

test_that("VIDA plots", {
  set.seed(1)
  imp <- matrix(rexp(60 * 40) * (runif(60 * 40) < 0.7), 60, 40)
  v <- gp_vida(imp, z_threshold = 1.5, verbose = FALSE, threads = 1)
  b <- expect_plot(ggplot2::autoplot(v, bins = 10))
  expect_equal(sum(b$data[[1]]$count), sum(!is.na(v$scores$vida_score)))
  lab <- seq_len(40) %% 5 == 0
  expect_plot(ggplot2::autoplot(v, labels = lab))
  b <- expect_plot(ggplot2::autoplot(v, type = "enrichment", labels = lab,
                                     percentiles = c(10, 50)))
  expect_equal(layer_rows(b, "GeomCol"), 2L)
  expect_error(ggplot2::autoplot(v, type = "enrichment"), "labels")
  expect_identical(as.data.frame(v), v$scores)
})

test_that("latent and effect plots", {
  f <- plot_fixture()
  b <- expect_plot(gp_plot_latent(f$fit, f$sim, colour = colnames(f$sim$pheno)[1]))
  expect_equal(layer_rows(b, "GeomPoint"), 60L)
  expect_plot(gp_plot_latent(f$fit, f$sim, from = "genotype", method = "first"))
  expect_error(gp_plot_latent(f$fit, f$sim, colour = "nope"), "not a trait")

  p <- gp_plot_effects(f$imp, f$sim$truth)
  b <- expect_plot(p)
  expect_equal(layer_rows(b, "GeomPoint"), 30L)
  expect_equal(p$data$causal == "causal", seq_len(30) %in% f$sim$truth$causal_loci)

  w <- array(0, c(2, 3, 1), dimnames = list(c("l1", "l2"), NULL, NULL))
  w[1, , 1] <- c(1, 2, 6)
  expect_equal(locus_additive_effect(w), c(l1 = 3, l2 = 0))
})

test_that("comparison and known-loci plots build with the expected data", {
  skip_if_not_installed("ggplot2")
  cmp <- structure(list(table = data.frame(trait = c("a", "b", "c"), r2_gpatlas = c(0.1, 0.5, 0.3),
                                           r2_baseline = c(0.2, 0.4, 0.35),
                                           difference = c(-0.1, 0.1, -0.05)),
                        n_wins = 1L, n_traits = 3L, p_value = 0.75), class = "gp_compare")
  p <- ggplot2::autoplot(cmp)
  expect_s3_class(p, "ggplot")
  expect_equal(nrow(ggplot2::ggplot_build(p)$data[[2]]), 3L)
  h <- ggplot2::autoplot(cmp, type = "heritability", heritability = c(a = 0.5, b = 0.9))
  expect_equal(nrow(ggplot2::ggplot_build(h)$data[[2]]), 4L)
  expect_error(ggplot2::autoplot(cmp, type = "heritability"), "named by trait")
  imp <- structure(list(loci = data.frame(marker = paste0("m", 1:10), importance = 1:10)),
                   class = "gp_importance")
  k <- gp_plot_known_loci(imp, c("m10", "m9"))
  d <- k$data
  expect_equal(d$fraction_known[d$percentile == 20], 1)
  expect_equal(d$fraction_known[d$percentile == 10], 0.5)
  expect_equal(d$fraction_all[d$percentile == 100], 1)
  expect_error(gp_plot_known_loci(imp, "zz"), "none of the")
})

test_that("the data behind the known-loci and effect plots come without ggplot2", {
  imp <- structure(list(loci = data.frame(marker = paste0("m", 1:10), importance = 1:10)),
                   class = "gp_importance")
  d <- gp_known_loci_data(imp, c("m10", "m9", "absent"))
  expect_equal(dim(d), c(101L, 3L))
  expect_equal(attr(d, "n_known"), 2L)
  # the top 10% of 10 loci is m10 alone: half the known loci, a tenth of all loci
  expect_equal(d$fraction_known[d$percentile == 10], 0.5)
  expect_equal(d$fraction_all[d$percentile == 10], 0.1)
  expect_true(all(diff(d$fraction_known) >= 0))
  expect_error(gp_known_loci_data(list(), "m1"), "gp_importance object")

  w <- array(0, c(3, 2, 2), dimnames = list(paste0("m", 1:3), NULL, NULL))
  w[2, , 2] <- c(0, 4)
  w[3, , 1] <- c(1, 1)
  imp3 <- structure(list(loci = data.frame(marker = c("m3", "m1", "m2"),
                                           importance = c(0.5, 0.1, 2))),
                    class = "gp_importance")
  e <- gp_effects_data(imp3, list(weights = w))
  expect_equal(e$marker, c("m3", "m1", "m2"))
  expect_equal(e$effect, c(0, 0, 2))
  expect_equal(as.character(e$causal), c("non-causal", "non-causal", "causal"))
  expect_error(gp_effects_data(imp3, list(weights = w[1:2, , , drop = FALSE])),
               "do not match")
})

test_that("gp_latent_data gives the coordinates the latent plot draws", {
  f <- plot_fixture()
  z <- predict(f$fit, f$sim, from = "phenotype", type = "latent")
  first <- gp_latent_data(f$fit, f$sim, method = "first")
  expect_equal(unname(as.matrix(first[, c("dim1", "dim2")])), unname(z[, 1:2]))
  expect_equal(rownames(first), rownames(z))
  pc <- gp_latent_data(f$fit, f$sim, colour = colnames(f$sim$pheno)[2])
  # principal components are centred and the first carries at least the second's variance
  expect_equal(mean(pc$dim1), 0, tolerance = 1e-8)
  expect_gte(stats::var(pc$dim1), stats::var(pc$dim2))
  expect_equal(pc$colour_value, unname(f$sim$pheno[, 2]))
  expect_match(attr(pc, "labels")[1], "^Latent PC1 \\(")
  expect_error(gp_latent_data(f$fit, f$sim, colour = 1:3), "3 values for 60 individuals")
})
