# Demo: simulate a cross, fit G-P Atlas, print held-out metrics and write a plot.
# Run with `make demo` (or Rscript inst/scripts/demo.R after installing the package).
suppressPackageStartupMessages(library(gpatlas))

sim <- gp_simulate(n = 600, n_loci = 1000, n_alleles = 3, n_phenotypes = 10, seed = 1)
print(sim)
parts <- gp_split(sim, prop = 0.8, seed = 1)

ctl <- gpatlas_control(pheno_hidden = 32, decoder_hidden = 32,
                       epochs_pheno = 150, epochs_geno = 150, seed = 1, verbose = TRUE)
fit <- gpatlas(. ~ ., data = parts$train, control = ctl)
print(fit)

cat("\nHeld-out metrics, genotype -> phenotype:\n")
m <- gp_metrics(fit, parts$test, from = "genotype")
print(m$per_phenotype, row.names = FALSE, digits = 3)
cat("\nHeld-out metrics, phenotype -> phenotype:\n")
print(gp_metrics(fit, parts$test, from = "phenotype"))

pred <- predict(fit, parts$test, from = "genotype")
out <- file.path(getwd(), "gpatlas-demo.png")
grDevices::png(out, width = 1000, height = 500)
op <- graphics::par(mfrow = c(1, 2))
graphics::plot(parts$test$pheno, pred, pch = 16, cex = 0.5, col = grDevices::rgb(0, 0, 0.6, 0.3),
               xlab = "observed phenotype", ylab = "predicted from genotype",
               main = "G-P Atlas: held-out individuals, all traits")
graphics::abline(0, 1, col = "red")
h <- fit$history[fit$history$member == 1, ]  # the first network
graphics::plot(h$loss[h$stage == 1], type = "l", ylim = range(h$loss), xlab = "epoch",
               ylab = "training loss (standardized units)", main = "Loss per epoch")
graphics::lines(h$loss[h$stage == 2], col = "blue")
graphics::legend("topright", c("phenotype autoencoder", "genotype encoder"),
                 col = c("black", "blue"), lty = 1)
graphics::par(op)
grDevices::dev.off()
cat("\nplot written to", out, "\n")
