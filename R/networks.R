# The networks of a fit: training one per seed, the check that each learned something, and
# the per-trait calibration (or, with the additive path, shrinkage) of their predictions.

# The networks of a fit, one per seed, are trained, checked and calibrated by the core
# (src/core/gpmodel.cpp, fit_model()): a network is *untrained* when early stopping kept stage-2
# epoch 1 of several or its kept validation loss is no lower than that of predicting each trait
# by its training mean (with the additive path, the additive path alone). The functions below
# turn the core's per-network records into the fit's tables and messages.

# The checks of the networks (one row each): member, kept_epoch, valid_loss, constant_loss,
# untrained, action ("dropped": with the additive path the network's part is set to 0; "kept":
# without it the network is the model and stays, with a warning; "none").
member_checks <- function(members) {
  rows <- lapply(seq_along(members), function(k) {
    ch <- members[[k]]$check
    data.frame(member = k, kept_epoch = ch$kept_epoch, valid_loss = ch$valid_loss,
               constant_loss = ch$constant_loss, untrained = ch$untrained,
               action = ch$action, stringsAsFactors = FALSE)
  })
  do.call(rbind, rows)
}

# The per-epoch history of the networks: member, stage, epoch, loss, valid_loss, kept, seconds.
member_history <- function(members) {
  rows <- lapply(seq_along(members), function(k) {
    mb <- members[[k]]
    rbind(stage_history(k, 1L, mb$loss_pheno, mb$seconds_pheno, mb$valid_pheno,
                        mb$best_epoch_pheno),
          stage_history(k, 2L, mb$loss_geno, mb$seconds_geno, mb$valid_geno,
                        mb$best_epoch_geno))
  })
  out <- do.call(rbind, rows)
  rownames(out) <- NULL
  out
}

stage_history <- function(member, stage, loss, seconds, valid_loss, best) {
  e <- length(loss)
  if (!e) return(NULL)
  data.frame(member = member, stage = stage, epoch = seq_len(e), loss = loss,
             valid_loss = if (length(valid_loss)) valid_loss else rep(NA_real_, e),
             kept = seq_len(e) == best, seconds = seconds)
}

# Per-trait linear recalibration of predictions `pred` against `obs` (the core's, as the fit
# applies it): observed ~ a + b * predicted on the observed entries, b >= 0; traits with fewer
# than 20 observed values or constant predictions keep a = 0, b = 1. A 2 x traits matrix.
calibration_fit <- function(pred, obs) cpp_calibration(pred, obs, FALSE)

# The additive path's shrinkage of a network (the core's): slope = the least-squares slope of
# the residual `resid` on the prediction, clamped to [0, 1], intercept = -slope * mean
# prediction; 0 for traits with fewer than 20 observed values.
network_shrinkage <- function(pred, resid) cpp_calibration(pred, resid, TRUE)

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
