#!/usr/bin/env Rscript
# R cv.glmnet on the data, folds and grid of a jobs/bench-cv run (its --glmnet side; the Java bench
# io.ridgeline.bench.GlmnetSide writes DIR and runs this script, one R process, one core).
#
# Usage: Rscript jobs/bench-glmnet.R DIR FAMILY INPUT
#   FAMILY  gaussian | binomial | multinomial
#   INPUT   sparse (x as a Matrix::sparseMatrix, dgCMatrix) | dense (x as a plain matrix)
# DIR holds, from the bench:
#   x.mtx     features, Matrix Market coordinate (n x p, 1-based, non-zeros only)
#   rows.tsv  row, label, weight, fold (1-based foldid), one line per row of x.mtx, in order
#   grid.tsv  point, alpha, lambda (Ridgeline's = MLlib's units), glmnet_alpha, glmnet_lambda
# and gets, from this script:
#   result.tsv  point, mean: the grid point's mean over folds of its fold metric
#   timing.tsv  read_s (reading x.mtx and rows.tsv), fit_s (every cv.glmnet call), per alpha too, and
#               the CPU seconds (user + system) of both, which a loaded machine inflates less
#
# The fold metric is Ridgeline's (io.ridgeline.cv.Evaluation), computed from cv.glmnet's out-of-fold
# predictions (keep = TRUE): rmse = sqrt(sum w (y - yhat)^2 / sum w) for gaussian, logloss =
# -sum w log(max(p_y, 1e-15)) / sum w otherwise, per fold, then the plain mean over the folds (as
# Ridgeline and CrossValidator average; cv.glmnet's own cvm weights the folds by size).
# glmnet.control(fdev = 0, devmax = 1) stops glmnet from ending a path early, so every lambda of the
# grid is fitted, as on the other sides. Defaults otherwise (thresh = 1e-7, standardize = TRUE,
# intercept = TRUE, type.multinomial = "ungrouped").

suppressPackageStartupMessages({
  library(Matrix)
  library(glmnet)
})

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 3) stop("usage: Rscript jobs/bench-glmnet.R DIR FAMILY INPUT")
dir <- args[1]
family <- match.arg(args[2], c("gaussian", "binomial", "multinomial"))
input <- match.arg(args[3], c("sparse", "dense"))
path <- function(name) file.path(dir, name)

cpu <- function(t) t[["user.self"]] + t[["sys.self"]]
read_time <- system.time({
  con <- file(path("x.mtx"), "r")
  header <- readLines(con, n = 1)
  if (!startsWith(header, "%%MatrixMarket matrix coordinate real general"))
    stop(path("x.mtx"), ": not a Matrix Market coordinate real general file")
  repeat {
    line <- readLines(con, n = 1)
    if (!startsWith(line, "%")) break
  }
  dims <- as.numeric(strsplit(trimws(line), "[[:space:]]+")[[1]])
  entries <- scan(con, what = list(i = integer(), j = integer(), x = double()), quiet = TRUE)
  close(con)
  if (length(entries$i) != dims[3])
    stop(path("x.mtx"), ": ", length(entries$i), " entries, the header says ", dims[3])
  x <- sparseMatrix(i = entries$i, j = entries$j, x = entries$x, dims = dims[1:2])
  rm(entries)
  if (input == "dense") x <- as.matrix(x)
  rows <- read.delim(path("rows.tsv"), colClasses = c("integer", "double", "double", "integer"))
})

n <- nrow(x)
if (nrow(rows) != n || any(rows$row != seq_len(n)))
  stop(path("rows.tsv"), ": rows are not 1..", n, " in order")
grid <- read.delim(path("grid.tsv"))
y <- if (family == "multinomial") factor(rows$label, levels = sort(unique(rows$label))) else rows$label
w <- rows$weight
foldid <- rows$fold
folds <- sort(unique(foldid))
glmnet.control(fdev = 0, devmax = 1)

# One fold metric per (fold, lambda) from the out-of-fold linear predictors `link`
# (n x L, or n x K x L for multinomial), then the mean over folds: one value per lambda.
fold_means <- function(link) {
  if (family == "gaussian") {
    loss <- (rows$label - link)^2
  } else if (family == "binomial") {
    p1 <- plogis(link)                       # n x L; y recycles down the columns
    loss <- -log(pmax(rows$label * p1 + (1 - rows$label) * (1 - p1), 1e-15))
  } else {
    L <- dim(link)[3]
    loss <- matrix(0, n, L)
    at_label <- cbind(seq_len(n), as.integer(y))
    for (l in seq_len(L)) {
      eta <- link[, , l]
      eta <- eta - apply(eta, 1, max)
      p <- exp(eta) / rowSums(exp(eta))
      loss[, l] <- -log(pmax(p[at_label], 1e-15))
    }
  }
  per_fold <- sapply(folds, function(f) {
    k <- foldid == f
    colSums(w[k] * loss[k, , drop = FALSE]) / sum(w[k])
  })
  per_fold <- matrix(per_fold, ncol = length(folds))
  if (family == "gaussian") per_fold <- sqrt(per_fold)
  rowMeans(per_fold)
}

results <- list()
fit_s <- 0
fit_cpu_s <- 0
per_alpha <- character()
for (a in unique(grid$glmnet_alpha)) {
  g <- grid[grid$glmnet_alpha == a, ]
  g <- g[order(-g$glmnet_lambda), ]
  t <- system.time(
    cv <- cv.glmnet(x, y, weights = w, foldid = foldid, family = family, alpha = a,
                    lambda = g$glmnet_lambda, standardize = TRUE, intercept = TRUE, keep = TRUE)
  )
  fit_s <- fit_s + t[["elapsed"]]
  fit_cpu_s <- fit_cpu_s + cpu(t)
  per_alpha <- c(per_alpha, sprintf("%.17g:%.3f", g$alpha[1], t[["elapsed"]]))
  if (length(cv$lambda) != nrow(g)) stop("glmnet fitted ", length(cv$lambda), " of ", nrow(g), " lambdas")
  results[[length(results) + 1]] <- data.frame(point = g$point, mean = fold_means(cv$fit.preval))
}

write.table(do.call(rbind, results), path("result.tsv"), sep = "\t", row.names = FALSE, quote = FALSE)
write.table(data.frame(read_s = read_time[["elapsed"]], fit_s = fit_s, per_alpha = paste(per_alpha, collapse = ","),
                       fit_cpu_s = fit_cpu_s, read_cpu_s = cpu(read_time)),
            path("timing.tsv"), sep = "\t", row.names = FALSE, quote = FALSE)
