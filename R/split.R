# Train/test splitting of gp_data objects, and seeding that leaves the global RNG alone.

#' Split a data set into training and test individuals
#'
#' `method = "sequential"` takes the first individuals in file order for
#' training and the rest for testing; this is how the G-P Atlas publication
#' split the yeast cross (806 training and 202 test segregants of 1,008).
#' `method = "random"` draws the training individuals at random; both sets keep
#' the original file order.
#'
#' The training set has `floor(prop * n + 0.5)` individuals (`prop * n` rounded
#' half up), and both sets must be non-empty.
#'
#' @param data A [gp_data()] object, or anything [as_gp_data()] accepts (such
#'   as an R/qtl `cross`).
#' @param prop Fraction of individuals used for training, strictly between 0
#'   and 1.
#' @param method `"random"` (default) or `"sequential"`.
#' @param seed Optional integer seed for `method = "random"`. With a seed the
#'   split is reproducible and the global random number stream is restored
#'   afterwards, so the caller's own random draws are not disturbed.
#'
#' @return A list of class `gp_split` (printed as a short summary: sizes,
#'   method, seed) with elements
#'   * `train`: `gp_data` with the training individuals;
#'   * `test`: `gp_data` with the test individuals;
#'   * `train_index`: integer positions of the training individuals in `data`;
#'   * `test_index`: integer positions of the test individuals in `data`;
#'   * `method`, `prop`, `seed`: the arguments.
#' @export
#' @examples
#' d <- gp_simulate(n = 50, n_loci = 40, n_phenotypes = 3, n_causal = 2, seed = 1)
#' s <- gp_split(d, prop = 0.8, seed = 42)
#' c(train = nrow(s$train), test = nrow(s$test))
#' s
#' head(gp_split(d, 0.8, method = "sequential")$test_index)
gp_split <- function(data, prop = 0.8, method = c("random", "sequential"),
                     seed = NULL) {
  if (!inherits(data, "gp_data")) data <- as_gp_data(data)
  if (!is.numeric(prop) || length(prop) != 1L || is.na(prop) ||
      prop <= 0 || prop >= 1) {
    stop("`prop` must be a single number strictly between 0 and 1.",
         call. = FALSE)
  }
  method <- match.arg(method)
  check_seed(seed)

  n <- length(data$ids)
  n_train <- as.integer(floor(prop * n + 0.5))
  if (n_train < 1L || n_train >= n) {
    stop(sprintf(
      "prop = %g of %d individuals leaves an empty training or test set.",
      prop, n
    ), call. = FALSE)
  }

  train_index <- if (method == "sequential") {
    seq_len(n_train)
  } else {
    sort(with_rng_seed(seed, sample.int(n, n_train)))
  }
  test_index <- setdiff(seq_len(n), train_index)
  structure(list(
    train = gp_subset(data, train_index),
    test = gp_subset(data, test_index),
    train_index = train_index,
    test_index = test_index,
    method = method,
    prop = prop,
    seed = seed
  ), class = "gp_split")
}

#' @export
print.gp_split <- function(x, ...) {
  n_train <- length(x$train_index)
  n_test <- length(x$test_index)
  how <- if (identical(x$method, "sequential")) {
    "sequential split (first individuals train)"
  } else {
    sprintf("random split, %s", if (is.null(x$seed)) "no seed" else paste("seed", x$seed))
  }
  cat(sprintf("<gp_split> %s of %d individuals\n", how, n_train + n_test))
  cat(sprintf("  train: %d individuals (%.3g%%)\n", n_train, 100 * n_train / (n_train + n_test)))
  cat(sprintf("  test:  %d individuals\n", n_test))
  cat("  elements: $train, $test (gp_data), $train_index, $test_index\n")
  invisible(x)
}

# Evaluates `code` after set.seed(seed), then puts the global RNG state back
# exactly as it was (including "no state yet"), so that seeding a package
# function never changes what the user's next random draw is. With a NULL
# seed `code` simply runs on the current stream.
with_rng_seed <- function(seed, code) {
  if (is.null(seed)) {
    return(code)
  }
  with_rng_preserved({
    # The generator is named so that a seed means the same stream whatever kind the session
    # (or a package such as future) has switched to.
    set.seed(seed, kind = "Mersenne-Twister", normal.kind = "Inversion",
             sample.kind = "Rejection")
    code
  })
}

# Runs `code`, then puts the global random number state (and with it the generator kind) back
# exactly as it was.
with_rng_preserved <- function(code) {
  env <- globalenv()
  had_state <- exists(".Random.seed", envir = env, inherits = FALSE)
  old_state <- if (had_state) get(".Random.seed", envir = env, inherits = FALSE)
  old_kind <- RNGkind()
  on.exit({
    RNGkind(old_kind[1L], old_kind[2L], old_kind[3L])
    if (had_state) {
      assign(".Random.seed", old_state, envir = env)
    } else if (exists(".Random.seed", envir = env, inherits = FALSE)) {
      rm(".Random.seed", envir = env)
    }
  })
  code
}
