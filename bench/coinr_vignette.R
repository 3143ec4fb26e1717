# COINr 1.1.14's sensitivity-vignette specification, timed inside R, for bench/anchor_coinr.py.
# Usage: Rscript coinr_vignette.R UA|SA N SEED OUTPREFIX
# The specification is that of shared/anchors/coinr/ua_compare.R (SPEC = vignette); SA adds
# COINr's sensitivity indices of the mean absolute rank change, with 100 bootstrap samples.
.libPaths(c("Rlib", .libPaths()))
suppressPackageStartupMessages(library(COINr))
a <- commandArgs(TRUE); type <- a[1]; N <- as.integer(a[2]); seed <- as.integer(a[3]); out <- a[4]
set.seed(seed)
coin <- build_example_coin(quietly = TRUE)
norm_alts <- list(list(f_n = "n_minmax", f_n_para = list(c(1,100))),
                  list(f_n = "n_zscore", f_n_para = list(c(10,2))))
noisy <- get_noisy_weights(w = coin$Meta$Weights$Original,
                           noise_specs = data.frame(Level = c(2,3), NoiseFactor = c(0.25,0.25)), Nrep = 100)
wsets <- do.call(rbind, lapply(seq_along(noisy), function(i) cbind(set = i, noisy[[i]][c("iCode", "Level", "Weight")])))
write.csv(wsets, paste0(out, "_weights.csv"), row.names = FALSE)
SA_specs <- list(
  Winmax = list(Address = "$Log$Treat$global_specs$f1_para$winmax", Distribution = 1:5, Type = "discrete"),
  Normalisation = list(Address = "$Log$Normalise$global_specs", Distribution = norm_alts, Type = "discrete"),
  Weights = list(Address = "$Log$Aggregate$w", Distribution = noisy, Type = "discrete"),
  Aggregation = list(Address = "$Log$Aggregate$f_ag", Distribution = c("a_amean", "a_gmean"), Type = "discrete"))
t <- system.time(res <- get_sensitivity(coin, SA_specs = SA_specs, N = N, SA_type = type, dset = "Aggregated",
                                        iCode = "Index", Nboot = if (type == "SA") 100 else NULL,
                                        quietly = TRUE, check_addresses = FALSE))
runs <- if (type == "SA") N * (length(SA_specs) + 2) else N
fails <- sum(colSums(is.na(res$Scores[grepl("^r_", names(res$Scores))])) > 0)
cat(sprintf("COINr elapsed=%.3f ms_per_rep=%.3f failed=%d runs=%d\n", t[["elapsed"]],
            1000 * t[["elapsed"]] / runs, fails, runs))
write.csv(res$Ranks, paste0(out, "_ranks.csv"), row.names = FALSE)
write.csv(res$RankStats, paste0(out, "_rankstats.csv"), row.names = FALSE)
if (type == "SA") write.csv(res$Sensitivity, paste0(out, "_sensitivity.csv"), row.names = FALSE)
