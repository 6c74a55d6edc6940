#!/usr/bin/Rscript
# Golden reference coefficients from R glmnet for Ridgeline's tests.
#
# Run from the repository root (/work/main):
#   Rscript src/test/resources/golden/glmnet_golden.R
# Reads data-samples/{diabetes,breast_cancer,wine}.csv and writes, next to this
# script, glmnet_coefficients.csv and glmnet_lambda_max.csv.
#
# For each case glmnet's own default lambda sequence (nlambda = 100) is
# computed, a few positions of it are taken, each value is rounded to 15
# significant digits (so the value written in the CSV is exactly the value
# used), and glmnet is refitted at each of those lambdas separately
# (lambda = single value) with thresh = 1e-30, maxit = 1e7.
#
# Why thresh = 1e-30 and not 1e-14: glmnet stops when the largest squared
# (standardized) coefficient change in a sweep is below thresh, so 1e-14 only
# gives coefficient steps below ~1e-7; on the collinear diabetes serum columns
# that left relative KKT violations up to 4e-5 (coefficients good to ~5
# digits). With 1e-30 every fit below satisfies the KKT conditions to < 1e-8
# relative (mostly ~1e-12), which the script checks (kkt_check).
# Two further checks: the same lambdas are also fitted as one decreasing
# vector (warm starts) and must agree with the single-lambda fits.
#
# The objectives glmnet actually solves (n = rows, s_j = 1/n standard
# deviation of column j (centred), s_j = 1 if standardize = FALSE; b~_j = s_j b_j):
#   gaussian: 1/(2n) RSS + lambda * (alpha |b~|_1 + (1-alpha)/(2 s_y) |b~|^2)
#     where s_y = 1/n sd of y with an intercept, sqrt(mean(y^2)) without
#     (glmnet standardizes y internally, which rescales the ridge part)
#   binomial: -(1/n) loglik + lambda * (alpha |b~|_1 + (1-alpha)/2 |b~|^2)
#   multinomial (ungrouped): same, summed over classes.

suppressPackageStartupMessages(library(glmnet))

out_dir <- "src/test/resources/golden"
data_dir <- "data-samples"
if (!dir.exists(out_dir) || !dir.exists(data_dir))
  stop("run from the repository root: Rscript src/test/resources/golden/glmnet_golden.R")

THRESH <- 1e-30
MAXIT <- 1e7
fmt <- function(x) sprintf("%.15g", x)
fmt_alpha <- function(a) format(a)          # 0, 0.5, 1
fmt_bool <- function(b) if (b) "true" else "false"

load_xy <- function(file, label) {
  d <- read.csv(file.path(data_dir, file), check.names = FALSE)
  y <- d[[label]]
  x <- as.matrix(d[, setdiff(names(d), label), drop = FALSE])
  storage.mode(x) <- "double"
  list(x = x, y = y)
}

diab <- load_xy("diabetes.csv", "progression")
bc <- load_xy("breast_cancer.csv", "malignant")
wine <- load_xy("wine.csv", "cultivar")
stopifnot(nrow(diab$x) == 442, ncol(diab$x) == 10,
          nrow(bc$x) == 569, ncol(bc$x) == 30,
          nrow(wine$x) == 178, ncol(wine$x) == 13)

# lambda = NULL: glmnet's default path with its default settings (only its
# lambda values are used; they do not depend on thresh)
fit_glmnet <- function(d, family, alpha, standardize, intercept, lambda = NULL) {
  args <- list(x = d$x, y = d$y, family = family, alpha = alpha,
               standardize = standardize, intercept = intercept)
  if (!is.null(lambda)) { args$thresh <- THRESH; args$maxit <- MAXIT }
  if (family == "multinomial") {
    args$y <- factor(d$y, levels = sort(unique(d$y)))
    args$type.multinomial <- "ungrouped"
  }
  if (!is.null(lambda)) args$lambda <- lambda
  withCallingHandlers(do.call(glmnet, args),
    warning = function(w) stop("glmnet warning treated as error: ", conditionMessage(w)))
}

# coefficient matrices, one per class (a single unnamed one for gaussian/binomial)
coef_list <- function(fit, family) {
  cf <- coef(fit)
  if (family == "multinomial") lapply(cf, as.matrix) else list(as.matrix(cf))
}

# relative KKT violation of a fit at lambda (see the objectives above)
kkt_check <- function(cfs, d, family, lambda, alpha, standardize, intercept) {
  x <- d$x; y <- d$y; n <- nrow(x)
  sdn <- function(v) sqrt(mean((v - mean(v))^2))
  sx <- if (standardize) apply(x, 2, sdn) else rep(1, ncol(x))
  a0 <- sapply(cfs, function(m) m[1, 1])
  B <- sapply(cfs, function(m) m[-1, 1])
  eta <- sweep(x %*% B, 2, a0, "+")
  ridge_scale <- 1
  if (family == "gaussian") {
    R <- y - eta
    ridge_scale <- if (intercept) sdn(y) else sqrt(mean(y^2))
  } else if (family == "binomial") {
    R <- y - plogis(eta)
  } else {
    P <- exp(eta - apply(eta, 1, max)); P <- P / rowSums(P)
    R <- outer(y, sort(unique(y)), "==") - P
  }
  G <- crossprod(x, R) / n / sx
  Bt <- B * sx
  V <- ifelse(Bt != 0, G - lambda * (1 - alpha) * Bt / ridge_scale - lambda * alpha * sign(Bt),
              pmax(abs(G) - lambda * alpha, 0))
  c(kkt = max(abs(V)) / lambda,
    intercept_grad = if (intercept) max(abs(colMeans(R))) / max(1, abs(mean(y))) else 0)
}

coef_rows <- list()
worst_kkt <- 0
lmax_rows <- list()
lambda_report <- list()

run_case <- function(case, d, family, alpha, standardize, intercept, positions) {
  path <- fit_glmnet(d, family, alpha, standardize, intercept)
  nl <- length(path$lambda)
  if (nl < max(positions))
    stop(sprintf("%s: default path has only %d lambdas, need position %d",
                 case, nl, max(positions)))
  lmax_rows[[length(lmax_rows) + 1]] <<- data.frame(
    case = case, family = family, alpha = fmt_alpha(alpha),
    standardize = fmt_bool(standardize), intercept = fmt_bool(intercept),
    lambda_max = fmt(path$lambda[1]), stringsAsFactors = FALSE)

  lambdas <- signif(path$lambda[positions], 15)
  stopifnot(all(as.numeric(fmt(lambdas)) == lambdas))
  lambda_report[[case]] <<- lambdas

  # convergence cross-check: fit all lambdas at once (warm starts along them)
  vec_fit <- fit_glmnet(d, family, alpha, standardize, intercept, lambda = lambdas)
  vec_cf <- coef_list(vec_fit, family)

  for (i in seq_along(lambdas)) {
    fit <- fit_glmnet(d, family, alpha, standardize, intercept, lambda = lambdas[i])
    # glmnet echoes lambda after an internal rescale by sd(y), so allow 1e-14
    if (abs(fit$lambda - lambdas[i]) > 1e-14 * lambdas[i])
      stop(sprintf("%s: glmnet used lambda %.17g instead of %.17g", case, fit$lambda, lambdas[i]))
    cfs <- coef_list(fit, family)
    kk <- kkt_check(cfs, d, family, lambdas[i], alpha, standardize, intercept)
    worst_kkt <<- max(worst_kkt, kk)
    if (any(kk > 1e-8))
      stop(sprintf("%s lambda=%s: KKT check failed (%g, %g)", case, fmt(lambdas[i]), kk[1], kk[2]))
    for (k in seq_along(cfs)) {
      m <- cfs[[k]]
      v <- m[, 1]
      stopifnot(all(is.finite(v)))
      diff <- max(abs(v - vec_cf[[k]][, i])) / max(1, max(abs(v)))
      if (diff > 1e-9)
        stop(sprintf("%s lambda=%s: single-lambda and vector fits differ by %g",
                     case, fmt(lambdas[i]), diff))
      # row 1 is the intercept (named "" by coef() for multinomial fits)
      stopifnot(identical(rownames(m)[-1], colnames(d$x)))
      feat <- c("(intercept)", colnames(d$x))
      coef_rows[[length(coef_rows) + 1]] <<- data.frame(
        case = case, family = family, alpha = fmt_alpha(alpha),
        lambda = fmt(lambdas[i]), standardize = fmt_bool(standardize),
        intercept = fmt_bool(intercept),
        class = if (family == "multinomial") as.character(k - 1) else "",
        feature = feat, value = fmt(unname(v)), stringsAsFactors = FALSE)
    }
  }
}

g_pos <- c(10, 30, 60)
c_pos <- c(10, 25, 40)
for (a in c(0, 0.5, 1))
  run_case(sprintf("gaussian_a%s_std", fmt_alpha(a)), diab, "gaussian", a, TRUE, TRUE, g_pos)
run_case("gaussian_a0.5_nostd", diab, "gaussian", 0.5, FALSE, TRUE, g_pos)
run_case("gaussian_a0.5_std_noint", diab, "gaussian", 0.5, TRUE, FALSE, g_pos)
for (a in c(0, 0.5, 1))
  run_case(sprintf("binomial_a%s_std", fmt_alpha(a)), bc, "binomial", a, TRUE, TRUE, c_pos)
for (a in c(0.5, 1))
  run_case(sprintf("multinomial_a%s_std", fmt_alpha(a)), wine, "multinomial", a, TRUE, TRUE, c_pos)

coefs <- do.call(rbind, coef_rows)
lmax <- do.call(rbind, lmax_rows)
write.csv(coefs, file.path(out_dir, "glmnet_coefficients.csv"), row.names = FALSE, quote = FALSE)
write.csv(lmax, file.path(out_dir, "glmnet_lambda_max.csv"), row.names = FALSE, quote = FALSE)

cat(R.version.string, "\n")
cat("glmnet", as.character(packageVersion("glmnet")), "\n")
for (case in names(lambda_report))
  cat(sprintf("%-26s lambdas: %s\n", case, paste(fmt(lambda_report[[case]]), collapse = ", ")))
cat(sprintf("worst relative KKT violation: %.2g\n", worst_kkt))
cat(sprintf("wrote %d coefficient rows, %d lambda_max rows\n", nrow(coefs), nrow(lmax)))
