// distribution.cc -- quantiles, histogram, normality test, QQ points and
// the seeded bootstrap.
#include "distribution.h"

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>

#include "error.h"

namespace hed {

std::vector<double>
linear_quantiles(std::vector<double> values, const std::vector<double> &probabilities)
{
    std::vector<double> out;
    std::sort(values.begin(), values.end());
    for (double q : probabilities) {
        if (!(q >= 0.0 && q <= 1.0)) {
            usage_error("invalid probability " + format_real(q) + ": expected a number in [0, 1]");
        }
        if (values.empty()) {
            out.push_back(std::numeric_limits<double>::quiet_NaN());
            continue;
        }
        double h = (double(values.size()) - 1.0) * q;
        size_t low = size_t(std::floor(h));
        size_t high = std::min(low + 1, values.size() - 1);
        out.push_back(values[low] + (h - double(low)) * (values[high] - values[low]));
    }
    return out;
}

Value
histogram(const std::vector<double> &values, double low, double high, int bins)
{
    if (!(low < high) || bins < 1) {
        usage_error("invalid histogram: expected LOW < HIGH and at least one bin");
    }
    std::vector<int64_t> counts(size_t(bins), 0);
    int64_t underflow = 0, overflow = 0;
    double scale = bins / (high - low);
    for (double x : values) {
        if (x < low) {
            underflow++;
        } else if (x > high) {
            overflow++;
        } else {
            counts[std::min(size_t((x - low) * scale), size_t(bins - 1))]++;
        }
    }
    Value out = Value::dict();
    out.set("lo", Value::real(low));
    out.set("hi", Value::real(high));
    Value list = Value::list();
    for (int64_t count : counts) {
        list.push(Value::integer(count));
    }
    out.set("counts", std::move(list));
    out.set("underflow", Value::integer(underflow));
    out.set("overflow", Value::integer(overflow));
    return out;
}

Value
normality_test(const std::vector<double> &values)
{
    Value out = Value::dict();
    double n = double(values.size());
    double mean = 0.0;
    for (double x : values) {
        mean += x;
    }
    mean /= n;
    double m2 = 0, m3 = 0, m4 = 0;
    for (double x : values) {
        double d = x - mean;
        m2 += d * d;
        m3 += d * d * d;
        m4 += d * d * d * d;
    }
    m2 /= n;
    m3 /= n;
    m4 /= n;
    if (values.size() < 8 || !(m2 > 0)) {
        out.set("statistic", Value());
        out.set("p_value", Value());
        out.set("skew_z", Value());
        out.set("kurtosis_z", Value());
        return out;
    }

    // D'Agostino (1970) transformation of the sample skewness.
    double b1 = m3 / std::pow(m2, 1.5);
    double y = b1 * std::sqrt((n + 1) * (n + 3) / (6.0 * (n - 2)));
    double beta2 = 3.0 * (n * n + 27 * n - 70) * (n + 1) * (n + 3) / ((n - 2) * (n + 5) * (n + 7) * (n + 9));
    double w2 = -1 + std::sqrt(2 * (beta2 - 1));
    double delta = 1 / std::sqrt(0.5 * std::log(w2));
    double alpha = std::sqrt(2.0 / (w2 - 1));
    if (y == 0) {
        y = 1;
    }
    double skew_z = delta * std::log(y / alpha + std::sqrt((y / alpha) * (y / alpha) + 1));

    // Anscombe and Glynn (1983) transformation of the sample kurtosis.
    double b2 = m4 / (m2 * m2);
    double expected = 3.0 * (n - 1) / (n + 1);
    double variance = 24.0 * n * (n - 2) * (n - 3) / ((n + 1) * (n + 1) * (n + 3) * (n + 5));
    double x = (b2 - expected) / std::sqrt(variance);
    double root_beta1 = 6.0 * (n * n - 5 * n + 2) / ((n + 7) * (n + 9))
        * std::sqrt(6.0 * (n + 3) * (n + 5) / (n * (n - 2) * (n - 3)));
    double a = 6.0 + 8.0 / root_beta1 * (2.0 / root_beta1 + std::sqrt(1 + 4.0 / (root_beta1 * root_beta1)));
    double term1 = 1 - 2 / (9.0 * a);
    double denominator = 1 + x * std::sqrt(2 / (a - 4.0));
    double term2 = denominator == 0 ? std::numeric_limits<double>::quiet_NaN()
        : std::copysign(std::cbrt((1 - 2.0 / a) / std::fabs(denominator)), denominator);
    double kurtosis_z = (term1 - term2) / std::sqrt(2 / (9.0 * a));

    double statistic = skew_z * skew_z + kurtosis_z * kurtosis_z;
    double p_value = std::isfinite(statistic)
        ? boost::math::cdf(boost::math::complement(boost::math::chi_squared(2.0), statistic))
        : std::numeric_limits<double>::quiet_NaN();
    out.set("statistic", Value::real(statistic));
    out.set("p_value", Value::real(p_value));
    out.set("skew_z", Value::real(skew_z));
    out.set("kurtosis_z", Value::real(kurtosis_z));
    return out;
}

Value
normal_qq_points(std::vector<double> values, size_t max_points)
{
    std::sort(values.begin(), values.end());
    const size_t n = values.size();

    // The order statistics kept: all, or max_points evenly spaced with the
    // first and last, so a million errors cost a few thousand quantiles.
    std::vector<size_t> kept;
    if (max_points >= 2 && n > max_points) {
        for (size_t j = 0; j < max_points; j++) {
            kept.push_back(size_t(std::llround(double(j) * double(n - 1) / double(max_points - 1))));
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            kept.push_back(i);
        }
    }

    std::vector<double> theoretical;
    std::vector<double> sample;
    boost::math::normal normal;
    const double last = std::pow(0.5, 1.0 / double(n));
    for (size_t i : kept) {
        double median;
        if (i == n - 1) {
            median = last;
        } else if (i == 0) {
            median = 1.0 - last;
        } else {
            median = (double(i + 1) - 0.3175) / (double(n) + 0.365);
        }
        theoretical.push_back(boost::math::quantile(normal, median));
        sample.push_back(values[i]);
    }
    Value out = Value::dict();
    out.set("theoretical", Value::reals(theoretical));
    out.set("sample", Value::reals(sample));
    return out;
}

namespace internal {

/// SplitMix64 (Steele, Lea and Flood 2014): a small generator whose output
/// is the same on every platform, unlike std::uniform_int_distribution's.
class SplitMix64 {
public:
    explicit SplitMix64(uint64_t seed) : state_(seed) {}
    uint64_t next()
    {
        uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    /// \returns an integer uniform in [0, bound) (Lemire's method).
    uint64_t below(uint64_t bound)
    {
        for (;;) {
            unsigned __int128 product = (unsigned __int128)next() * bound;
            uint64_t low = uint64_t(product);
            if (low >= bound || low >= (0 - bound) % bound) {
                return uint64_t(product >> 64);
            }
        }
    }

private:
    uint64_t state_;
};

} // namespace internal

std::vector<std::pair<double, double>>
bootstrap_replicates(const std::vector<double> &y, const std::vector<double> &p, uint64_t seed,
                     uint64_t first, uint64_t count)
{
    if (y.size() != p.size() || y.empty()) {
        usage_error("bootstrap needs auc_true and auc_pred of equal, non-zero length");
    }
    std::vector<std::pair<double, double>> out;
    uint64_t n = y.size();
    for (uint64_t r = first; r < first + count; r++) {
        internal::SplitMix64 mixer(seed ^ (r * 0xD1B54A32D192ED03ULL));
        internal::SplitMix64 generator(mixer.next());
        double sum = 0.0, squares = 0.0;
        for (uint64_t i = 0; i < n; i++) {
            uint64_t k = generator.below(n);
            double e = p[k] - y[k];
            sum += e;
            squares += e * e;
        }
        out.emplace_back(sum / double(n), std::sqrt(squares / double(n)));
    }
    return out;
}

Value
bootstrap_interval(const std::vector<std::pair<double, double>> &replicates, double level)
{
    if (!(level > 0 && level < 1)) {
        usage_error("invalid confidence level " + format_real(level) + ": expected a number in (0, 1)");
    }
    std::vector<double> means, rmses;
    for (const auto &replicate : replicates) {
        means.push_back(replicate.first);
        rmses.push_back(replicate.second);
    }
    std::vector<double> probabilities = {(1 - level) / 2, 1 - (1 - level) / 2};
    Value out = Value::dict();
    out.set("replicates", Value::integer(int64_t(replicates.size())));
    out.set("level", Value::real(level));
    out.set("mean_error", Value::reals(linear_quantiles(means, probabilities)));
    out.set("rmse", Value::reals(linear_quantiles(rmses, probabilities)));
    return out;
}

} // namespace hed
