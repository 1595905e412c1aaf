# Settings of a fit: one table of every setting (type, allowed values, default per preset),
# from which gpatlas_control(), its checks, gp_tune() grids and the core's settings derive.

# One row of `control_table`. `type` is "integer" (a whole number, within 32 bits), "number",
# "logical" or "choice" (one of `choices`). Integers and numbers lie in [lower, upper];
# `open` names the bounds that are excluded ("lower", "upper", "both"); an integer without
# `upper` may reach the largest 32-bit integer. `core`: the C++ core reads the setting
# (see core_settings()); the others are used in R only. `note` says why a bound is there.
# A preset's value may be a call, evaluated when the settings are built.
setting <- function(name, type, publication, default = publication,
                    publication_simulated = publication, lower = NA_real_, upper = NA_real_,
                    open = "", choices = character(), core = TRUE, note = "") {
  list(name = name, type = type, lower = lower, upper = upper, open = open,
       choices = choices, core = core, note = note, default = default,
       publication = publication, publication_simulated = publication_simulated)
}

control_presets <- c("default", "publication", "publication_simulated")

# The publication's values (yeast sizes) are the base; the default preset departs from them
# where measurements on held-out data said so (see ?gpatlas_control and bench/README.md).
control_table <- local({
  rows <- list(
    setting("latent_dim", "integer", 32L, lower = 1),
    setting("pheno_hidden", "integer", 64L, publication_simulated = 32L, lower = 0),
    setting("decoder_hidden", "integer", 64L, publication_simulated = 32L, lower = 1),
    setting("geno_hidden", "integer", 2048L, default = 0L, publication_simulated = 32L,
            lower = 0),
    setting("pheno_noise_sd", "number", sqrt(0.8), default = 0.1, lower = 0, upper = Inf,
            open = "upper"),
    setting("geno_flip", "number", 0.09, lower = 0, upper = 1, open = "upper"),
    setting("epochs_pheno", "integer", 250L, default = 100L, publication_simulated = 1567L,
            lower = 0),
    setting("epochs_geno", "integer", 250L, default = 200L, publication_simulated = 1567L,
            lower = 0),
    setting("batch_size", "integer", 16L, lower = 2, note = "BatchNorm needs two samples"),
    setting("lr", "number", 1e-3, default = 3e-3, lower = 0, upper = Inf, open = "both"),
    setting("beta1", "number", 0.5, lower = 0, upper = 1, open = "upper"),
    setting("beta2", "number", 0.999, lower = 0, upper = 1, open = "upper"),
    setting("l1", "number", 0.8, default = 0, lower = 0, upper = Inf, open = "upper"),
    setting("l2", "number", 0.01, lower = 0, upper = Inf, open = "upper"),
    setting("weight_decay", "number", 0, lower = 0, upper = Inf, open = "upper"),
    setting("group_lasso", "number", 0, lower = 0, upper = Inf, open = "upper"),
    setting("lasso", "number", 0, default = 1e-4, lower = 0, upper = Inf, open = "upper"),
    setting("lr_schedule", "choice", "constant", choices = c("constant", "cosine")),
    setting("valid_prop", "number", 0, default = 0.1, lower = 0, upper = 0.5, core = FALSE),
    setting("patience", "integer", 0L, default = 20L, lower = 0),
    setting("lr_drops", "integer", 0L, default = 1L, lower = 0),
    setting("n_seeds", "integer", 1L, default = 2L, lower = 1, core = FALSE),
    setting("calibrate", "logical", FALSE, default = TRUE, core = FALSE),
    setting("additive", "logical", FALSE, default = TRUE, core = FALSE),
    setting("additive_folds", "integer", 5L, lower = 3, upper = 20, core = FALSE),
    setting("additive_pairs", "integer", 0L, default = 20L, lower = 0, upper = 200,
            core = FALSE),
    setting("additive_alpha", "number", 1, default = 0.5, lower = 0, upper = 1, open = "lower",
            core = FALSE),
    setting("additive_average", "logical", FALSE, default = TRUE, core = FALSE),
    setting("single_trait_autoencoder", "logical", TRUE, default = FALSE, core = FALSE),
    setting("bn_momentum", "number", 0.8, default = 0.1, lower = 0, upper = 1),
    setting("mask_missing", "logical", FALSE, default = TRUE),
    setting("standardize", "logical", FALSE, default = TRUE, core = FALSE),
    # Network k is seeded with seed + 1000 (k - 1), which also seeds R's generator (32 bits).
    setting("seed", "integer", 1L, lower = 0, upper = .Machine$integer.max),
    setting("threads", "integer", quote(default_threads()), lower = 1),
    setting("verbose", "logical", quote(interactive()), core = FALSE)
  )
  column <- function(field, type) vapply(rows, function(r) r[[field]], type)
  tab <- data.frame(name = column("name", ""), type = column("type", ""),
                    lower = column("lower", 0), upper = column("upper", 0),
                    open = column("open", ""), core = column("core", NA),
                    note = column("note", ""), stringsAsFactors = FALSE)
  tab$choices <- lapply(rows, `[[`, "choices")
  for (p in control_presets) tab[[p]] <- lapply(rows, `[[`, p)
  tab
})

# Names of the settings, optionally of one type or only those the core reads.
control_names <- function(type = NULL, core = NULL) {
  keep <- rep(TRUE, nrow(control_table))
  if (!is.null(type)) keep <- keep & control_table$type %in% type
  if (!is.null(core)) keep <- keep & control_table$core == core
  control_table$name[keep]
}

# The values of a preset as gpatlas_control() starts from them, calls evaluated.
control_defaults <- function(preset) {
  vals <- lapply(control_table[[preset]], function(v) if (is.call(v)) eval(v) else v)
  stats::setNames(vals, control_table$name)
}

#' Settings for fitting a G-P Atlas model
#'
#' `gpatlas_control()` collects network sizes, noise levels and optimizer
#' settings. Every argument left `NULL` takes the value of the chosen `preset`.
#'
#' Presets:
#' * `"default"`: additive + G-P Atlas (see `additive`): a per-trait lasso on
#'   the allele codes with pairwise terms among each trait's top loci (see
#'   `additive_pairs`) plus the networks below, trained on its residuals and
#'   kept per trait as far as validation data say they help. The networks:
#'   the publication's phenotype autoencoder (latent 32, hidden
#'   64/64) with a reduced genotype encoder (no hidden layer: alleles map
#'   straight into the latent space) and training chosen from held-out
#'   measurements on the yeast cross (see the package README and
#'   `bench/README.md`): phenotypes are standardized per trait inside the model
#'   (predictions come back in original units), missing phenotypes are masked
#'   out of every loss, phenotype noise 0.1 standard deviations, Adam learning
#'   rate 3e-3, a per-weight lasso penalty `lasso = 1e-4` on the first genotype
#'   layer in place of the column-sum penalty, BatchNorm momentum 0.1 (PyTorch's
#'   default; with the publication's 0.8 the running statistics used for
#'   prediction follow the last few training batches and shift held-out
#'   predictions), 10% of the training individuals held out for early stopping
#'   (patience 20, at most 100/200 epochs; where a stage would stop, it goes
#'   back to its best epoch once and goes on at a tenth of the learning rate),
#'   two networks averaged (four before the additive path; with it, two keep the fit fast), and their
#'   genotype predictions recalibrated on their validation individuals.
#' * `"publication"`: reproduces the reference scripts run on the yeast cross:
#'   no standardization, missing phenotypes set to 0 and counted in the loss,
#'   phenotype noise sd `sqrt(0.8)`, BatchNorm momentum 0.8, 250 epochs per
#'   stage.
#' * `"publication_simulated"`: as `"publication"` with the sizes used on the
#'   simulated data (latent 32, all hidden layers 32) and 1567 epochs per
#'   stage. The publication ran 250 epochs on about 3,000 training individuals
#'   that it did not release (its saved networks record 47,000 batches per
#'   stage); 1567 epochs give the same 47,000 batches of 16 on the 480
#'   training individuals of `gpatlas_sim`. With them phenotype-to-phenotype
#'   prediction matches the publication (median r 0.986 against 0.983);
#'   genotype-to-phenotype prediction does not (median r 0.25-0.27 against
#'   0.656), because 480 individuals are too few for this network: on data
#'   from the same generator, 3,000 training individuals reach 0.644
#'   (`bench/publication_preset.R`, `bench/publication_train_size.R`).
#'
#' Noise and penalty semantics (where the reference code and the text differ,
#' gpatlas follows the code, which produced the published numbers):
#' * `pheno_noise_sd` is the standard deviation of the Gaussian noise added to
#'   the phenotypes. The reference's `sd_noise = 0.8` is a variance, i.e. a
#'   standard deviation of `sqrt(0.8)`, which the publication presets use.
#' * `geno_flip` is the probability that one bit of the one-hot genotype input
#'   flips (0 to 1 and 1 to 0 alike). The reference's `gen_noise = 0.8` draws
#'   add and remove masks with probability 0.1 each, so a bit flips with
#'   probability 0.1 x 0.9 = 0.09, the value the presets use (not the text's
#'   "80% of allelic states changed").
#' * `l1` and `l2` multiply the L1 norm and the (unsquared) L2 norm of the
#'   per-input column sums of the first genotype layer's weights, as in the
#'   reference code.
#'
#' @param preset One of `"default"`, `"publication"`, `"publication_simulated"`.
#' @param latent_dim Size of the shared latent space.
#' @param pheno_hidden,decoder_hidden,geno_hidden Hidden layer sizes of the
#'   phenotype encoder, the phenotype decoder and the genotype encoder.
#'   `geno_hidden = 0` (and `pheno_hidden = 0`) gives the reduced
#'   architecture: the encoder maps its input straight into the latent space
#'   (Linear, BatchNorm, LeakyReLU), with no hidden layer.
#' @param pheno_noise_sd Standard deviation of the Gaussian noise added to the
#'   phenotypes in stage 1 (in standardized units when `standardize = TRUE`).
#' @param geno_flip Probability that a one-hot genotype bit flips in stage 2.
#' @param epochs_pheno,epochs_geno Training epochs of stage 1 and stage 2.
#' @param batch_size Individuals per batch (at least 2).
#' @param lr,beta1,beta2 Adam learning rate and betas.
#' @param l1,l2 Penalty weights on the first genotype layer (see Details).
#' @param weight_decay Decoupled weight decay (as in AdamW) of every weight of
#'   the first genotype layer: each step multiplies the weights by
#'   `1 - lr * weight_decay` before the Adam update.
#' @param group_lasso Strength of a group-lasso penalty on the first genotype
#'   layer, one group per input feature (allele): after every step, a
#'   feature's weight vector `w_j` is scaled by `max(0, 1 - lr * group_lasso /
#'   ||w_j||)` (the proximal step), which sets the weights of features that do
#'   not help the fit exactly to zero, as the lasso does for linear models.
#' @param lasso Strength of a lasso (per-weight L1) penalty on the first
#'   genotype layer, `lasso * sum(abs(w))` added to the training loss (the
#'   masked mean squared error of standardized phenotypes). It is applied as a
#'   proximal step in Adam's metric: after every update each weight moves
#'   `lr * lasso / d` towards zero and stops at zero, where `d` is its Adam
#'   denominator. A weight thus stays exactly zero while its loss gradient is
#'   smaller than `lasso`, as in the lasso for linear models, and the
#'   alleles that drive no trait drop out of the encoder. Unlike `l1`, which
#'   penalizes sums of weights, it shrinks every weight.
#' @param lr_schedule `"constant"`, or `"cosine"`: the learning rate of each
#'   stage decays from `lr` along a half cosine to 0 over its epochs.
#' @param valid_prop Proportion of the training individuals held out (at
#'   random, with `seed`) as a validation set. After every epoch the masked
#'   MSE of the clean validation set is recorded, and each stage keeps the
#'   parameters of its best epoch. 0 uses every individual for training and
#'   keeps the last epoch.
#' @param patience With a validation set, stop a stage after this many epochs
#'   without a lower validation loss (0: run all epochs).
#' @param lr_drops With a validation set and `patience`: how many times a
#'   stage, instead of stopping, goes back to its best epoch and goes on with
#'   the learning rate divided by 10. Patience is halved at each drop and
#'   counted again from there; the stage stops when no drop is left. Without
#'   `patience` it has no effect.
#' @param n_seeds Number of networks trained with different seeds (`seed`,
#'   `seed + 1000`, ...) and, with `valid_prop > 0`, different validation
#'   sets; predictions and importance are their mean.
#' @param calibrate With a validation set, recalibrate each network's genotype
#'   predictions per trait: a least-squares line `observed ~ a + b *
#'   predicted` is fitted on the network's validation individuals (which it was
#'   not trained on) and applied to its predictions. This corrects predictions
#'   whose spread or centre is off, which costs R^2 at the same correlation.
#'   The slope is kept at 0 or above (a negative slope would reverse the
#'   network's predictions; at 0 the trait is predicted by its validation
#'   mean), and a trait with fewer than 20 observed validation values is not
#'   recalibrated (slope 1, intercept 0): fewer cannot estimate a slope.
#'   Latent codes, phenotype-to-phenotype predictions and importance use the
#'   network's output as it is.
#' @param additive If `TRUE` (the default preset), the model is additive + G-P
#'   Atlas: predicted phenotypes are a sparse additive genotype path (per trait,
#'   a lasso regression on the allele codes, penalty chosen by
#'   `additive_folds`-fold cross-validation on the training individuals) plus
#'   the networks, which are trained on what the additive path leaves (its
#'   out-of-fold residuals, scaled to unit variance per trait). Per trait, the
#'   networks' contribution is shrunk by a factor in `[0, 1]`: the least-squares
#'   slope of the additive path's residuals on the network's prediction over the
#'   network's validation individuals (so it is 0 where the network does not
#'   help there, and the model is never worse than its additive part on
#'   validation data). A trait with fewer than 20 observed validation values
#'   keeps none of the networks (factor 0): its prediction is the additive
#'   path's. With 10% held out (`valid_prop`), that is the case for training
#'   sets under about 200 individuals. This replaces `calibrate`. Phenotype-to-phenotype
#'   prediction and latent codes from phenotypes come from separate phenotype
#'   autoencoders fitted to the phenotypes themselves; latent codes from
#'   genotypes are those of the residual networks. `FALSE` (the publication
#'   presets) fits the pure G-P Atlas.
#' @param additive_folds Cross-validation folds (3 to 20) of the additive path.
#' @param additive_pairs With the additive path: the pairwise stage's size (0
#'   to 200; 0 turns it off). For each trait, its `additive_pairs` loci with
#'   the largest standardized lasso effects are taken; for every pair of them
#'   the product of their allele indicators, each centred at its training
#'   frequency, is a candidate term (one per pair of non-reference alleles
#'   that at least 10 training individuals carry together: without such
#'   individuals a term only extrapolates), and a lasso on these terms, penalty chosen by cross-validation on the same
#'   folds, is fitted to the main effects' out-of-fold residuals. A trait keeps
#'   its terms only when their out-of-fold predictions lower the squared error
#'   of those residuals by more than one standard error (otherwise the gain is
#'   within noise, and on small crosses such terms cost held-out accuracy:
#'   `bench/pair_guard.R`). Its terms are
#'   listed in `fit$additive$pairs` and enter predictions and importance
#'   exactly (ablating an allele of one of the two loci leaves that locus
#'   without a call and removes the term). This finds interactions between
#'   loci that also act additively, which is where a per-trait lasso falls
#'   short; the default (20 loci, 190 pairs per trait) was measured on the
#'   yeast cross and on simulated epistasis (`bench/epistasis_simulated.R`).
#' @param additive_alpha Elastic-net mixing of the additive path's main
#'   effects, in (0, 1]: the penalty is `lambda * (alpha * |b| + (1 - alpha) *
#'   b^2 / 2)`, as in glmnet; 1 is the lasso. The default 0.5 spreads an effect
#'   over the linked markers that carry it instead of picking one of them, so
#'   the markers nearest to QTL peaks rank higher, at a small cost in held-out
#'   accuracy (yeast cross, `bench/additive_alpha.R`: with `additive_average`,
#'   median R^2 0.4350 against 0.4358 for the lasso, peak-marker AUC 0.858
#'   against 0.810).
#' @param additive_average With the additive path: `TRUE` takes the main
#'   effects as the mean of the cross-validation folds' fits at the chosen
#'   penalty (cross-model averaging, as `bigstatsr::big_spLinReg` does);
#'   `FALSE` refits on all training individuals at that penalty.
#' @param single_trait_autoencoder With a single trait, phenotype-to-phenotype
#'   prediction and a phenotype latent space mean nothing, so by default
#'   (`FALSE`) no phenotype autoencoder is trained: stage 1 is skipped, stage 2
#'   trains the decoder together with the genotype encoder (a genotype-to-trait
#'   network of the same layers), and `predict(from = "phenotype")` and
#'   phenotype importance stop with a message. `TRUE` trains the autoencoder
#'   anyway, as the reference does (the publication presets). With two or
#'   more traits it has no effect.
#' @param bn_momentum BatchNorm momentum (PyTorch convention).
#' @param mask_missing If `TRUE`, missing phenotypes are left out of every
#'   loss; if `FALSE` they count as 0, as in the reference code.
#' @param standardize If `TRUE`, each trait is centred and scaled with the
#'   training mean and standard deviation inside the model.
#' @param seed Integer seed: the same seed gives identical fits on a CPU.
#' @param threads Number of CPU threads; `NULL` uses all cores.
#' @param verbose Show a progress bar per epoch.
#' @eval control_table_rd()
#' @return A list of class `gpatlas_control`: every setting in the table
#'   below, in that order, and `preset`.
#' @examples
#' gpatlas_control(epochs_pheno = 5, epochs_geno = 5)
#' gpatlas_control(preset = "publication")$pheno_noise_sd
#' @export
gpatlas_control <- function(preset = c("default", "publication", "publication_simulated"),
                            latent_dim = NULL, pheno_hidden = NULL, decoder_hidden = NULL,
                            geno_hidden = NULL, pheno_noise_sd = NULL, geno_flip = NULL,
                            epochs_pheno = NULL, epochs_geno = NULL, batch_size = NULL,
                            lr = NULL, beta1 = NULL, beta2 = NULL, l1 = NULL, l2 = NULL,
                            weight_decay = NULL, group_lasso = NULL, lasso = NULL,
                            lr_schedule = NULL,
                            valid_prop = NULL, patience = NULL, lr_drops = NULL,
                            n_seeds = NULL,
                            calibrate = NULL, additive = NULL, additive_folds = NULL,
                            additive_pairs = NULL, additive_alpha = NULL,
                            additive_average = NULL,
                            single_trait_autoencoder = NULL, bn_momentum = NULL, mask_missing = NULL, standardize = NULL,
                            seed = NULL, threads = NULL, verbose = NULL) {
  preset <- match.arg(preset)
  given <- mget(control_table$name, environment())
  given <- given[!vapply(given, is.null, logical(1))]
  ctl <- control_defaults(preset)
  ctl[names(given)] <- given
  ctl$preset <- preset
  check_control(ctl)
  ctl$threads <- resolve_thread_count(ctl$threads)
  structure(control_types(ctl), class = "gpatlas_control")
}

default_threads <- function() {
  n <- suppressWarnings(as.integer(parallel::detectCores(logical = FALSE)))
  if (is.na(n) || n < 1L) 1L else n
}

# Whole-number settings as integers (they were checked to fit in 32 bits).
control_types <- function(ctl) {
  ints <- intersect(control_names("integer"), names(ctl))
  ctl[ints] <- lapply(ctl[ints], as.integer)
  ctl
}

#' @export
print.gpatlas_control <- function(x, ...) {
  cat("<gpatlas_control> preset:", x$preset, "\n")
  v <- unclass(x)
  v$preset <- NULL
  vals <- vapply(v, function(e) format(e, digits = 4), character(1))
  print(noquote(vals))
  invisible(x)
}

# Roxygen lines of the help page's table of settings: type, allowed values and the value of
# each preset, from control_table.
control_table_rd <- function() {
  value <- function(v) {
    if (is.call(v)) {
      return(switch(deparse(v), "default_threads()" = "all cores", paste0("`", deparse(v), "`")))
    }
    if (is.character(v)) return(paste0("`\"", v, "\"`"))
    if (is.double(v) && isTRUE(all.equal(v^2, round(v^2, 6))) && v != round(v, 6)) {
      return(sprintf("`sqrt(%g)`", round(v^2, 6)))
    }
    format(v)
  }
  allowed <- vapply(seq_len(nrow(control_table)), function(i) {
    r <- control_table[i, ]
    switch(r$type,
           logical = "`TRUE`, `FALSE`",
           choice = paste0("`\"", r$choices[[1L]], "\"`", collapse = ", "),
           number = sprintf("`%s%g, %g%s`", if (r$open %in% c("lower", "both")) "(" else "[",
                            r$lower, r$upper, if (r$open %in% c("upper", "both")) ")" else "]"),
           integer = if (is.na(r$upper)) sprintf("whole, >= %g", r$lower) else
             sprintf("whole, %g to %.0f", r$lower, r$upper))
  }, character(1))
  cells <- cbind(paste0("`", control_table$name, "`"), control_table$type, allowed,
                 vapply(control_table$default, value, character(1)),
                 vapply(control_table$publication, value, character(1)),
                 vapply(control_table$publication_simulated, value, character(1)))
  c("@section Settings and their defaults:",
    "Every setting, its type, the values it accepts and its value in each preset:", "",
    "| Setting | Type | Allowed | `default` | `publication` | `publication_simulated` |",
    "|:--|:--|:--|:--|:--|:--|",
    apply(cells, 1L, function(r) paste0("| ", paste(r, collapse = " | "), " |")))
}
