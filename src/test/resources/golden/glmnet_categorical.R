#!/usr/bin/Rscript
# Golden coefficients from R glmnet for Ridgeline's categorical (one-hot) encoding.
#
# Run from the repository root:
#   Rscript src/test/resources/golden/glmnet_categorical.R
# Writes data-samples/warpbreaks.csv (R's datasets::warpbreaks: breaks, wool, tension as text) and,
# next to this script, glmnet_categorical.csv.
#
# The encoding is Ridgeline's: every level of every text column is a 0/1 column (no reference level,
# model.matrix with contrasts = FALSE, the intercept column removed), levels sorted by their text in
# code-point order (so tension is H, L, M, not R's L, M, H), named column=level. gaussian, with
# standardization and intercept (there MLlib's regParam equals glmnet's lambda), alpha 0, 0.5, 1, at
# three lambdas taken from glmnet's default lasso path (positions 5, 15, 30, rounded to 15 significant
# digits so the value written is the value used), each fitted alone with thresh = 1e-30, maxit = 1e7.
#
# The full encoding is collinear with the intercept (the levels of a column sum to 1), so the
# coefficients are unique only where the ridge part makes the objective strictly convex (alpha < 1). At
# alpha = 1 the optimum is a set (shifting a column's level coefficients and the intercept by opposite
# amounts keeps the fit, and the l1 norm too while no level coefficient changes sign); the fitted values
# and the objective are unique there, so this script also writes the objective value of each fit
# (glmnet's, which equals MLlib's for gaussian with standardization) as feature "(objective)".

suppressPackageStartupMessages(library(glmnet))

out_dir <- "src/test/resources/golden"
data_dir <- "data-samples"
if (!dir.exists(out_dir) || !dir.exists(data_dir))
  stop("run from the repository root: Rscript src/test/resources/golden/glmnet_categorical.R")

raw <- data.frame(breaks = warpbreaks$breaks, wool = as.character(warpbreaks$wool),
                  tension = as.character(warpbreaks$tension))
write.csv(raw, file.path(data_dir, "warpbreaks.csv"), row.names = FALSE, quote = FALSE)

d <- read.csv(file.path(data_dir, "warpbreaks.csv"), stringsAsFactors = FALSE)
stopifnot(nrow(d) == 54)
cats <- c("wool", "tension")
for (f in cats) d[[f]] <- factor(d[[f]], levels = sort(unique(d[[f]]), method = "radix"))
x <- model.matrix(~ wool + tension, d,
                  contrasts.arg = lapply(d[, cats], contrasts, contrasts = FALSE))[, -1]
colnames(x) <- unlist(lapply(cats, function(f) paste0(f, "=", levels(d[[f]]))))
y <- d$breaks
n <- nrow(x)

path <- glmnet(x, y, family = "gaussian", alpha = 1)$lambda
lambdas <- signif(path[c(5, 15, 30)], 15)

# glmnet's gaussian objective (see glmnet_golden.R): 1/(2n) RSS + lambda (alpha |b~|_1 + (1-alpha)/(2 s_y) |b~|^2)
sd1 <- function(v) sqrt(mean((v - mean(v))^2))
s <- apply(x, 2, sd1)
sy <- sd1(y)
objective <- function(b0, b, alpha, lambda) {
  r <- y - b0 - x %*% b
  bt <- s * b
  sum(r^2) / (2 * n) + lambda * (alpha * sum(abs(bt)) + (1 - alpha) / (2 * sy) * sum(bt^2))
}

rows <- list()
for (alpha in c(0, 0.5, 1)) {
  for (lambda in lambdas) {
    fit <- glmnet(x, y, family = "gaussian", alpha = alpha, lambda = lambda, standardize = TRUE,
                  intercept = TRUE, thresh = 1e-30, maxit = 1e7)
    cf <- as.matrix(coef(fit))
    b0 <- cf[1, 1]
    b <- cf[-1, 1]
    rows[[length(rows) + 1]] <- data.frame(alpha = format(alpha), lambda = sprintf("%.15g", lambda),
      feature = c("(intercept)", colnames(x), "(objective)"),
      value = sprintf("%.15g", c(b0, b, objective(b0, b, alpha, lambda))))
  }
}
out <- do.call(rbind, rows)
write.csv(out, file.path(out_dir, "glmnet_categorical.csv"), row.names = FALSE, quote = FALSE)
cat("wrote", nrow(out), "rows; lambdas", lambdas, "\n")
