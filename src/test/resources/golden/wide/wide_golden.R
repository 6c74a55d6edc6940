# Golden values for WideGlmnetGoldenTest: R glmnet on a sparse matrix (Matrix::dgCMatrix) with more
# features than rows, gaussian and binomial, weights, standardize = TRUE, intercept = TRUE. The λ values
# come from glmnet's own path; each chosen λ is then solved with thresh = 1e-30 along the path down to
# it (glmnet's thresh bounds the squared coefficient change of a sweep, so 1e-14 leaves ~1e-7 errors;
# see ../glmnet_golden.R).
#   cd src/test/resources/golden/wide && Rscript wide_golden.R
# Writes: x.csv (row, col, value: 0-based, the stored entries), yw.csv (y_gaussian, y_binomial, weight),
# coefficients.csv (family, alpha, lambda, feature (-1 = intercept), value: glmnet's λ, mapped to MLlib's
# in the test for binomial).
suppressMessages({library(glmnet); library(Matrix)})
set.seed(20261201)
n <- 90; p <- 400; per_row <- 12; pool <- 120
rows <- integer(0); cols <- integer(0); vals <- numeric(0)
for (i in 1:n) {
  js <- c(1, 1 + sort(sample(pool - 1, per_row - 1)))
  rows <- c(rows, rep(i, length(js))); cols <- c(cols, js)
  vals <- c(vals, ifelse(js == 1, 5 + rnorm(length(js)), rnorm(length(js)) * (0.5 + (js %% 7) / 3)))
}
x <- sparseMatrix(i = rows, j = cols, x = vals, dims = c(n, p))
beta <- numeric(p); beta[c(1, 3, 8, 15, 40, 77, 100)] <- c(0.8, -1.2, 1.5, 0.7, -0.9, 1.1, -0.6)
eta <- as.vector(x %*% beta) - 0.8 * 5
yg <- 2 + eta + rnorm(n)
yb <- as.numeric(runif(n) < 1 / (1 + exp(-eta)))
w <- 0.3 + 2.5 * runif(n)
write.csv(data.frame(row = rows - 1, col = cols - 1, value = sprintf("%.17g", vals)), "x.csv", row.names = FALSE, quote = FALSE)
write.csv(data.frame(y_gaussian = sprintf("%.17g", yg), y_binomial = yb, weight = sprintf("%.17g", w)), "yw.csv",
          row.names = FALSE, quote = FALSE)
out <- NULL
fit_one <- function(family, alpha, y) {
  f <- glmnet(x, y, family = family, weights = w, alpha = alpha, standardize = TRUE, intercept = TRUE,
              thresh = 1e-14, maxit = 1e7, nlambda = 12, lambda.min.ratio = 0.05)
  pick <- c(3, 6, 9, 12)
  for (l in pick) {
    g <- glmnet(x, y, family = family, weights = w, alpha = alpha, standardize = TRUE, intercept = TRUE,
                thresh = 1e-30, maxit = 1e7, lambda = f$lambda[1:l])
    b <- as.vector(coef(g, s = f$lambda[l], exact = FALSE))
    out <<- rbind(out, data.frame(family = family, alpha = alpha, lambda = sprintf("%.17g", f$lambda[l]),
                                  feature = -1:(p - 1), value = sprintf("%.17g", b)))
  }
}
fit_one("gaussian", 1, yg)
fit_one("gaussian", 0.5, yg)
fit_one("binomial", 1, yb)
out <- out[out$value != "0" | out$feature == -1, ]   # non-zero coefficients and every intercept
write.csv(out, "coefficients.csv", row.names = FALSE, quote = FALSE)
cat("glmnet", as.character(packageVersion("glmnet")), "rows", nrow(out), "\n")
