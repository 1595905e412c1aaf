# The networks of a fit: training one per seed, the check that each learned something, and
# the per-trait calibration (or, with the additive path, shrinkage) of their predictions.

# Fewest observed validation values of a trait from which its calibration slope (or the
# network's shrinkage factor) is estimated. Below it a trait is not recalibrated (slope 1,
# intercept 0), or, with the additive path, keeps none of the network. The standard error of a
# least-squares slope is about sqrt((1 - r^2) / (n - 2)) times its scale: at n = 20 and a
# correlation of 0.3 that is as large as the slope itself, and smaller sets decide nothing.
min_calibration_n <- 20L

# The networks of the fit, one per seed: parameters, calibrations, the per-epoch history and
# the check of each network (see network_check()).
fit_networks <- function(target, geno, n_alleles, control, seeds, resid, resid_scale) {
  members <- vector("list", length(seeds))
  history <- vector("list", length(seeds))
  calibration <- vector("list", length(seeds))
  checks <- vector("list", length(seeds))
  for (k in seq_along(seeds)) {
    if (isTRUE(control$verbose) && length(seeds) > 1L) {
      message(sprintf("model %d of %d (seed %g)", k, length(seeds), seeds[k]))
    }
    ctl_k <- control
    ctl_k$seed <- seeds[k]
    res <- fit_member(target, geno, n_alleles, ctl_k, k, resid = resid,
                      resid_scale = resid_scale)
    members[[k]] <- res$params
    history[[k]] <- res$history
    calibration[k] <- list(res$calibration)
    checks[[k]] <- res$check
    # With the additive path, a first network that cannot beat it on its validation individuals
    # is dropped; the others differ from it only by seed and meet the same limit of the data,
    # so they are not trained.
    if (k == 1L && length(seeds) > 1L && !is.null(resid) && isTRUE(res$check$untrained)) {
      if (isTRUE(control$verbose)) {
        message("the first network does not beat the additive path: the others are not trained")
      }
      members <- members[1L]
      history <- history[1L]
      calibration <- calibration[1L]
      checks <- checks[1L]
      break
    }
  }
  history <- do.call(rbind, history)
  rownames(history) <- NULL
  checks <- do.call(rbind, checks)
  rownames(checks) <- NULL
  list(members = members, history = history, calibration = calibration, checks = checks)
}

# One network of the fit: carves the validation individuals (if any) with the member's seed,
# trains both stages and returns the parameters, the calibration, the check and the per-epoch
# history. With the additive path (`resid`: its out-of-fold residuals in standardized units,
# `resid_scale`: their sd, by which `y_std` was divided), the calibration is the network's
# shrinkage instead.
fit_member <- function(y_std, geno, n_alleles, control, member = 1L, resid = NULL,
                       resid_scale = NULL) {
  n <- nrow(y_std)
  valid <- integer()
  if (control$valid_prop > 0) {
    n_valid <- max(2L, round(control$valid_prop * n))
    if (n - n_valid < control$batch_size) {
      stop(sprintf(paste0("`valid_prop` = %g leaves %d individuals for training, fewer than ",
                          "one batch (batch_size = %d)"), control$valid_prop, n - n_valid,
                   control$batch_size), call. = FALSE)
    }
    valid <- sort(with_rng_seed(control$seed, sample.int(n, n_valid)))
  }
  keep <- setdiff(seq_len(n), valid)
  vp <- if (length(valid)) y_std[valid, , drop = FALSE]
  vg <- if (length(valid)) geno[valid, , drop = FALSE]
  res <- cpp_fit(y_std[keep, , drop = FALSE], geno[keep, , drop = FALSE], n_alleles,
                 unclass(control), isTRUE(control$verbose), NULL, vp, vg)
  check <- network_check(res, y_std[keep, , drop = FALSE], vp, control, member,
                         additive = !is.null(resid))
  calibration <- NULL
  if (control$epochs_geno > 0 && (!is.null(resid) || (length(valid) && control$calibrate))) {
    pred <- if (length(valid)) {
      cpp_predict_genotype(res$params, unclass(control), ncol(y_std), vg, n_alleles, FALSE)
    }
    vr <- if (!is.null(resid)) resid[valid, , drop = FALSE]
    calibration <- member_calibration(pred, vp, vr, resid_scale, check$untrained)
  }
  list(params = res$params, calibration = calibration, check = check,
       history = rbind(
         stage_history(member, 1L, res$loss_pheno, res$seconds_pheno, res$valid_pheno,
                       res$best_epoch_pheno),
         stage_history(member, 2L, res$loss_geno, res$seconds_geno, res$valid_geno,
                       res$best_epoch_geno)))
}

stage_history <- function(member, stage, loss, seconds, valid_loss, best) {
  e <- length(loss)
  if (!e) return(NULL)
  data.frame(member = member, stage = stage, epoch = seq_len(e), loss = loss,
             valid_loss = if (length(valid_loss)) valid_loss else rep(NA_real_, e),
             kept = seq_len(e) == best, seconds = seconds)
}

# The calibration of one network from its predictions `pred` on its validation individuals
# (NULL without any). With the additive path (`resid` given): network part = intercept +
# slope * output in standardized trait units, the shrinkage of network_shrinkage(), 0 for an
# untrained network, 1 (the network as it is) without validation individuals. Without it:
# calibration_fit() on the observed validation phenotypes `obs`.
member_calibration <- function(pred, obs, resid, resid_scale, untrained) {
  if (is.null(resid_scale)) return(calibration_fit(pred, obs))
  m <- length(resid_scale)
  if (is.null(pred)) return(rbind(intercept = rep(0, m), slope = resid_scale))
  if (untrained) return(rbind(intercept = rep(0, m), slope = rep(0, m)))
  cal <- network_shrinkage(sweep(pred, 2L, resid_scale, "*"), resid)
  # The factor was fitted on the output in standardized trait units.
  cal["slope", ] <- cal["slope", ] * resid_scale
  cal
}

# Per-trait linear recalibration of genotype predictions on the validation individuals:
# observed ~ a + b * predicted by least squares (standardized units, missing values skipped),
# with b kept at 0 or above so that it never reverses a prediction (at 0 the trait is
# predicted by its validation mean). Traits with fewer than `min_calibration_n` observed
# validation values or constant predictions keep a = 0, b = 1.
calibration_fit <- function(pred, obs) {
  out <- rbind(intercept = rep(0, ncol(obs)), slope = rep(1, ncol(obs)))
  for (k in seq_len(ncol(obs))) {
    ok <- !is.na(obs[, k])
    p <- pred[ok, k]
    if (sum(ok) < min_calibration_n || stats::var(p) <= 0) next
    b <- max(0, stats::cov(p, obs[ok, k]) / stats::var(p))
    out[, k] <- c(mean(obs[ok, k]) - b * mean(p), b)
  }
  out
}

# Did stage 2 of a network learn anything its validation individuals can see? It did not when
# early stopping kept epoch 1 of several (the validation loss never fell after the first
# epoch) or when the kept validation loss is no lower than that of a constant prediction, the
# training mean of each trait (with the additive path the networks learn its residuals, so
# the constant is the additive path alone). One row: member, kept_epoch, valid_loss,
# constant_loss, untrained, action ("dropped": with the additive path the network's part is
# set to 0; "kept": without it the network is the model and stays, with a warning; "none").
network_check <- function(res, y_train, y_valid, control, member, additive) {
  out <- data.frame(member = member, kept_epoch = NA_integer_, valid_loss = NA_real_,
                    constant_loss = NA_real_, untrained = FALSE, action = "none",
                    stringsAsFactors = FALSE)
  e <- length(res$loss_geno)
  if (!e || is.null(y_valid) || !length(res$valid_geno)) return(out)
  best <- as.integer(res$best_epoch_geno)
  out$kept_epoch <- best
  out$valid_loss <- res$valid_geno[best]
  out$constant_loss <- constant_valid_loss(y_train, y_valid, control$mask_missing)
  out$untrained <- (best == 1L && e > 1L) || out$valid_loss >= out$constant_loss
  if (out$untrained) out$action <- if (additive) "dropped" else "kept"
  out
}

# Validation loss of predicting each trait by its training mean, measured as the core measures
# the networks' (masked mean over observed entries; missing entries count as 0 without
# `mask_missing`).
constant_valid_loss <- function(y_train, y_valid, mask_missing) {
  if (!isTRUE(mask_missing)) {
    y_train[is.na(y_train)] <- 0
    y_valid[is.na(y_valid)] <- 0
  }
  centre <- colMeans(y_train, na.rm = TRUE)
  centre[!is.finite(centre)] <- 0
  mean(sweep(y_valid, 2L, centre, "-")^2, na.rm = TRUE)
}

# What a fit says about untrained networks (see network_check()). Networks kept as the model
# (no additive path) give a warning. Dropped ones leave a sound model, the additive path, that
# is all the validation data support: a message when `verbose`, and a line in print().
network_warning <- function(checks, verbose = FALSE) {
  bad <- checks[checks$untrained, , drop = FALSE]
  what <- sprintf(paste0("%d of %d networks did not learn beyond %s on their validation ",
                         "individuals (stage 2 kept epoch 1, or its validation loss is no ",
                         "lower than a constant's)"), nrow(bad), nrow(checks),
                  if (all(bad$action == "dropped")) "the additive path" else "the trait means")
  if (any(bad$action == "kept")) {
    warning(sprintf(paste0("%s; they were kept, and their predictions may be no better than ",
                           "the trait means. This is common on small data sets: see ?gpatlas."),
                    what), call. = FALSE)
  } else if (nrow(bad) && verbose) {
    message(sprintf("%s; their part was dropped: %s.", what,
                    if (nrow(bad) == nrow(checks)) {
                      "the genotype predictions are the additive path's"
                    } else "the other networks and the additive path remain"))
  }
  invisible(NULL)
}

# Lines for print() and summary() of a fit about its networks' checks and its phenotype
# autoencoder (none for fits without either record).
network_notes <- function(x) {
  out <- character()
  if (isFALSE(x$pheno_autoencoder)) {
    out <- c(out, paste0("  one trait: no phenotype autoencoder (stage 2 trained the decoder; ",
                         "see `single_trait_autoencoder`)\n"))
  }
  ch <- x$network_check
  if (is.data.frame(ch) && any(ch$untrained)) {
    bad <- ch[ch$untrained, , drop = FALSE]
    out <- c(out, sprintf("  %d of %d networks untrained on validation data (%s)\n", nrow(bad),
                          nrow(ch), if (all(bad$action == "dropped")) {
                            "dropped: additive path only"
                          } else "kept"))
  }
  out
}
