// ranks.h -- ranks with ties averaged, and Spearman's correlation.
#ifndef HEDFLOW_HED_RANKS_H
#define HEDFLOW_HED_RANKS_H

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace hed {

/// \returns the 1-based ranks of \a x, tied values sharing the mean of
/// their ranks (scipy.stats.rankdata's "average" method).
std::vector<double> average_ranks(const double *x, size_t n);

/// \returns the Pearson correlation of \a x and \a y, or NaN when n < 2 or
/// either is constant.
double pearson(const double *x, const double *y, size_t n);

/// \returns Spearman's correlation (Pearson's of the average ranks).
double spearman(const double *x, const double *y, size_t n);

/// Like spearman(x, y, n), for columns whose values are each the double
/// nearest to a decimal with at most \a decimals_x (\a decimals_y) fraction
/// digits; -1 means not known.
double spearman(const double *x, const double *y, size_t n, int decimals_x, int decimals_y);

/// Spearman's correlation over data too large to keep: the first pass
/// counts each distinct value (memory grows with the number of distinct
/// values, not of records), the second sums the products of ranks.
class StreamingSpearman {
public:
    void count(const double *x, const double *y, size_t n);
    /// Turns the counts into average ranks; call between the two passes.
    void rank();
    void accumulate(const double *x, const double *y, size_t n);
    double result() const;
    size_t distinct_values() const { return rank_x_.size() + rank_y_.size(); }

private:
    /// Replaces counts by average ranks. \returns the sum of t^3 - t over ties.
    static double assign_ranks(std::unordered_map<double, double> &table);

    std::unordered_map<double, double> rank_x_;
    std::unordered_map<double, double> rank_y_;
    uint64_t n_ = 0;
    double ties_x_ = 0.0;
    double ties_y_ = 0.0;
    double sum_xy_ = 0.0;
    double compensation_ = 0.0;
};

} // namespace hed

#endif
