// ranks.cc -- ranks with ties averaged, and Spearman's correlation.
#include "ranks.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace hed {

namespace internal {

/// \returns a key whose unsigned order is the numeric order of \a x.
inline uint64_t
order_key(double x)
{
    if (x == 0.0) {
        x = 0.0;  // -0.0 and 0.0 tie
    }
    uint64_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    return (bits & 0x8000000000000000ULL) ? ~bits : bits | 0x8000000000000000ULL;
}

/// Sorts \a order (indices) by \a keys with a least-significant-digit
/// radix sort in 11-bit digits, skipping digits that all keys share.
void
radix_sort(std::vector<uint64_t> &keys, std::vector<uint32_t> &order)
{
    const int digit_bits = 11, digits = 6;
    const size_t buckets = size_t(1) << digit_bits;
    size_t n = keys.size();
    std::vector<uint32_t> counts(buckets * digits, 0);
    for (uint64_t key : keys) {
        for (int d = 0; d < digits; d++) {
            counts[size_t(d) * buckets + ((key >> (d * digit_bits)) & (buckets - 1))]++;
        }
    }
    std::vector<uint64_t> keys_out(n);
    std::vector<uint32_t> order_out(n);
    for (int d = 0; d < digits; d++) {
        uint32_t *count = counts.data() + size_t(d) * buckets;
        size_t first = (keys[0] >> (d * digit_bits)) & (buckets - 1);
        if (count[first] == n) {
            continue;
        }
        uint32_t offset = 0;
        for (size_t b = 0; b < buckets; b++) {
            uint32_t c = count[b];
            count[b] = offset;
            offset += c;
        }
        for (size_t i = 0; i < n; i++) {
            size_t bucket = (keys[i] >> (d * digit_bits)) & (buckets - 1);
            uint32_t target = count[bucket]++;
            keys_out[target] = keys[i];
            order_out[target] = order[i];
        }
        keys.swap(keys_out);
        order.swap(order_out);
    }
}

} // namespace internal

std::vector<double>
average_ranks(const double *x, size_t n)
{
    std::vector<double> ranks(n);
    if (n == 0) {
        return ranks;
    }
    std::vector<uint64_t> keys(n);
    std::vector<uint32_t> order(n);
    for (size_t i = 0; i < n; i++) {
        keys[i] = internal::order_key(x[i]);
        order[i] = uint32_t(i);
    }
    if (n >= 256 && n < (size_t(1) << 32)) {
        internal::radix_sort(keys, order);
    } else {
        std::vector<std::pair<uint64_t, uint32_t>> pairs(n);
        for (size_t i = 0; i < n; i++) {
            pairs[i] = {keys[i], order[i]};
        }
        std::sort(pairs.begin(), pairs.end());
        for (size_t i = 0; i < n; i++) {
            keys[i] = pairs[i].first;
            order[i] = pairs[i].second;
        }
    }
    size_t start = 0;
    while (start < n) {
        size_t stop = start + 1;
        while (stop < n && keys[stop] == keys[start]) {
            stop++;
        }
        // Ranks start+1 .. stop share their mean.
        double rank = 0.5 * double(start + 1 + stop);
        for (size_t i = start; i < stop; i++) {
            ranks[order[i]] = rank;
        }
        start = stop;
    }
    return ranks;
}

double
pearson(const double *x, const double *y, size_t n)
{
    if (n < 2) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    double mean_x = 0, mean_y = 0;
    for (size_t i = 0; i < n; i++) {
        mean_x += x[i];
        mean_y += y[i];
    }
    mean_x /= double(n);
    mean_y /= double(n);
    double sxx = 0, syy = 0, sxy = 0;
    for (size_t i = 0; i < n; i++) {
        double dx = x[i] - mean_x, dy = y[i] - mean_y;
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    if (!(sxx > 0) || !(syy > 0)) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    return std::max(-1.0, std::min(1.0, sxy / std::sqrt(sxx * syy)));
}

double
spearman(const double *x, const double *y, size_t n)
{
    std::vector<double> rank_x = average_ranks(x, n);
    std::vector<double> rank_y = average_ranks(y, n);
    return pearson(rank_x.data(), rank_y.data(), n);
}

void
StreamingSpearman::count(const double *x, const double *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        rank_x_[x[i] == 0.0 ? 0.0 : x[i]] += 1.0;
        rank_y_[y[i] == 0.0 ? 0.0 : y[i]] += 1.0;
    }
    n_ += n;
}

double
StreamingSpearman::assign_ranks(std::unordered_map<double, double> &table)
{
    std::vector<std::pair<double, double>> values(table.begin(), table.end());
    std::sort(values.begin(), values.end());
    double below = 0.0, ties = 0.0;
    for (const auto &value : values) {
        ties += value.second * value.second * value.second - value.second;
        // A value seen c times after `below` smaller ones has ranks
        // below+1 .. below+c, whose mean is below + (c + 1) / 2.
        table[value.first] = below + 0.5 * (value.second + 1.0);
        below += value.second;
    }
    return ties;
}

void
StreamingSpearman::rank()
{
    ties_x_ = assign_ranks(rank_x_);
    ties_y_ = assign_ranks(rank_y_);
}

void
StreamingSpearman::accumulate(const double *x, const double *y, size_t n)
{
    // Products of centred ranks, summed with compensation.
    double mean = 0.5 * (double(n_) + 1.0);
    for (size_t i = 0; i < n; i++) {
        double term = (rank_x_.at(x[i] == 0.0 ? 0.0 : x[i]) - mean)
            * (rank_y_.at(y[i] == 0.0 ? 0.0 : y[i]) - mean);
        double total = sum_xy_ + term;
        compensation_ += std::fabs(sum_xy_) >= std::fabs(term) ? (sum_xy_ - total) + term
                                                                : (term - total) + sum_xy_;
        sum_xy_ = total;
    }
}

double
StreamingSpearman::result() const
{
    // The sum of squared centred ranks follows from the tie counts: with no
    // ties it is n(n^2 - 1)/12, and each group of t ties removes (t^3 - t)/12.
    double n = double(n_);
    double base = n * (n * n - 1.0) / 12.0;
    double sxx = base - ties_x_ / 12.0, syy = base - ties_y_ / 12.0;
    if (n_ < 2 || !(sxx > 0) || !(syy > 0)) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    double r = (sum_xy_ + compensation_) / std::sqrt(sxx * syy);
    return std::max(-1.0, std::min(1.0, r));
}

} // namespace hed
