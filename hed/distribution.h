// distribution.h -- the distribution of errors: quantiles, histogram,
// normality test, QQ points and seeded bootstrap confidence intervals.
#ifndef HEDFLOW_HED_DISTRIBUTION_H
#define HEDFLOW_HED_DISTRIBUTION_H

#include <cstdint>
#include <vector>

#include "value.h"

namespace hed {

/// \returns the quantiles of \a values at \a probabilities with linear
/// interpolation between order statistics (numpy's default, type 7).
std::vector<double> linear_quantiles(std::vector<double> values, const std::vector<double> &probabilities);

/// \returns {lo hi counts underflow overflow} of \a bins equal-width bins
/// over [low, high]; the last bin is closed.
Value histogram(const std::vector<double> &values, double low, double high, int bins);

/// D'Agostino and Pearson's omnibus test of normality (as
/// scipy.stats.normaltest): {statistic p_value skew_z kurtosis_z}, with the
/// p-value from Boost.Math's chi-squared distribution (2 degrees of
/// freedom). Needs at least 8 values; otherwise the fields are null.
Value normality_test(const std::vector<double> &values);

/// \returns {theoretical sample}: normal quantiles at Filliben's order
/// statistic medians against the sorted values (as scipy.stats.probplot).
/// With \a max_points of 2 or more, only that many evenly spaced points,
/// the first and last included; 0 keeps every point.
Value normal_qq_points(std::vector<double> values, size_t max_points = 0);

/// The statistics of bootstrap replicates [first, first + count) of the
/// records (auc_true \a y, auc_pred \a p): {{mean_error rmse} ...}.
/// Replicate r draws with its own generator seeded from (seed, r), so a
/// replicate has the same value whichever worker computes it.
std::vector<std::pair<double, double>> bootstrap_replicates(const std::vector<double> &y,
                                                            const std::vector<double> &p,
                                                            uint64_t seed, uint64_t first,
                                                            uint64_t count);

/// \returns percentile confidence intervals at \a level of the replicates:
/// {replicates B level L mean_error {lo hi} rmse {lo hi}}.
Value bootstrap_interval(const std::vector<std::pair<double, double>> &replicates, double level);

} // namespace hed

#endif
