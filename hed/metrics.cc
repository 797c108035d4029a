// metrics.cc -- the per-file statistics of `hedflow hed metrics`.
#include "metrics.h"

#include <cmath>

#include "error.h"
#include "options.h"
#include "ranks.h"
#include "ranges.h"

namespace hed {

MetricsOptions
parse_metrics_options(const std::vector<std::string> &options)
{
    MetricsOptions metrics;
    std::vector<std::string> rest, unknown;
    metrics.read = parse_read_options(options, &rest);
    metrics.config = parse_partial_config(rest, &unknown);
    OptionList list(unknown);
    while (list.more()) {
        std::string name = list.name();
        if (name == "-memory_rows") {
            metrics.memory_rows = size_t(list.integer(1, int64_t(1) << 40));
        } else {
            usage_error("unknown option \"" + name + "\": expected -skip_bad, -chunk_bytes, -drug, "
                        "-alphas, -ranges, -threshold, -beta, -histogram or -memory_rows");
        }
    }
    return metrics;
}

namespace internal {

/// The record arrays of compute_file_metrics, kept between calls on one
/// thread: a worker that computes the metrics of many files then reuses
/// the same pages instead of faulting in fresh ones for each file. Arrays
/// of more than kept_rows records are freed after the call.
class RecordScratch {
public:
    static const size_t kept_rows = size_t(1) << 20;

    RecordScratch()
    {
        records.y.swap(thread_records().y);
        records.p.swap(thread_records().p);
        records.clear();
        records.with_ids = false;
    }
    ~RecordScratch()
    {
        if (records.y.capacity() <= kept_rows && records.p.capacity() <= kept_rows) {
            records.y.swap(thread_records().y);
            records.p.swap(thread_records().p);
        }
    }
    RecordScratch(const RecordScratch &) = delete;
    RecordScratch &operator=(const RecordScratch &) = delete;

    Batch records;

private:
    static Batch &thread_records()
    {
        thread_local Batch batch;
        return batch;
    }
};

} // namespace internal

FileMetrics
compute_file_metrics(const std::string &path, const MetricsOptions &options)
{
    const size_t batch_rows = 65536;
    FileMetrics metrics{path, Format::Improve, Partial(options.config), 0.0, false, {}};
    std::unique_ptr<RecordSource> source = open_records(path, options.read);
    metrics.format = source->format();

    // The records stay in one batch while they fit in memory_rows, each
    // chunk appended to it, so Spearman's correlation ranks them in place.
    internal::RecordScratch scratch;
    Batch &records = scratch.records;
    size_t reserved = size_t(std::min<uint64_t>(source->rows_estimate(), options.memory_rows + batch_rows));
    records.y.reserve(reserved);
    records.p.reserve(reserved);
    StreamingSpearman streaming;
    for (;;) {
        size_t before = records.size();
        if (!source->next(records, batch_rows)) {
            break;
        }
        const double *y = records.y.data() + before, *p = records.p.data() + before;
        size_t added = records.size() - before;
        metrics.partial.add(y, p, added, options.counts);
        if (metrics.streamed) {
            streaming.count(y, p, added);
            records.clear();
        } else if (records.size() > options.memory_rows) {
            metrics.streamed = true;
            streaming.count(records.y.data(), records.p.data(), records.size());
            std::vector<double>().swap(records.y);
            std::vector<double>().swap(records.p);
            records.clear();
        }
    }
    metrics.skipped = source->skipped();
    if (metrics.partial.n() == 0) {
        throw Error({"HED", "INPUT", "EMPTY", path},
                    "no valid rows in \"" + path + "\": all " + std::to_string(metrics.skipped.skipped)
                    + " data rows are malformed");
    }

    if (!metrics.streamed) {
        metrics.scc = spearman(records.y.data(), records.p.data(), records.size(), records.decimals_y,
                               records.decimals_p);
        return metrics;
    }
    streaming.rank();
    source = open_records(path, options.read);
    Batch batch;
    batch.with_ids = false;
    for (;;) {
        batch.clear();
        if (!source->next(batch, batch_rows)) {
            break;
        }
        streaming.accumulate(batch.y.data(), batch.p.data(), batch.size());
    }
    metrics.scc = streaming.result();
    return metrics;
}

Value
metrics_value(const FileMetrics &metrics, bool with_skips)
{
    const Partial &partial = metrics.partial;
    const PartialConfig &config = partial.config();
    Value out = Value::dict();
    out.set("n", Value::integer(int64_t(partial.n())));
    out.set("mse", Value::real(partial.mse()));
    out.set("rmse", Value::real(partial.rmse()));
    out.set("mae", Value::real(partial.mae()));
    out.set("pcc", Value::real(partial.pcc()));
    out.set("scc", Value::real(metrics.scc));
    out.set("r2", Value::real(partial.r2()));
    out.set("mean_error", Value::real(partial.mean_error()));
    out.set("sd_error", Value::real(partial.sd_error()));
    out.set("mae_poly", partial.mae_poly_value());
    for (size_t r = 0; r < config.ranges.size(); r++) {
        int k = config.ranges[r];
        Value table = Value::dict();
        Value bins = Value::list();
        for (int b = 0; b < k; b++) {
            const RangeCell &cell = partial.range_cells(r)[size_t(b)];
            Value row = Value::dict();
            row.set("lo", Value::real(range_edge(b, k)));
            row.set("hi", Value::real(range_edge(b + 1, k)));
            row.set("n", Value::integer(int64_t(cell.n)));
            row.set("mae", cell.n > 0 ? Value::real(cell.abs_error.value() / double(cell.n)) : Value());
            bins.push(std::move(row));
        }
        table.set("bins", std::move(bins));
        table.set("out_of_range", Value::integer(int64_t(partial.out_of_range(r).n)));
        out.set("ranges" + std::to_string(k), std::move(table));
    }
    out.set("skewness", Value::real(partial.skewness()));
    out.set("excess_kurtosis", Value::real(partial.excess_kurtosis()));
    if (with_skips) {
        Value report = metrics.skipped.value();
        out.set("skipped", *report.find("skipped"));
        out.set("skipped_examples", *report.find("examples"));
    }
    return out;
}

std::string
metrics_json(const FileMetrics &metrics)
{
    Value line = Value::dict();
    line.set("file", Value::string(metrics.path));
    Value statistics = metrics_value(metrics, false);
    for (const auto &entry : statistics.entries()) {
        line.set(entry.first, entry.second);
    }
    return line.json();
}

namespace internal {

/// Appends the leaves of \a value to \a names and \a texts; list items are
/// named by index and the constant range edges (lo, hi) are left out.
void
flatten(const Value &value, const std::string &prefix, std::vector<std::string> &names,
        std::vector<std::string> &texts)
{
    switch (value.kind()) {
    case Value::Kind::Dict:
        for (const auto &entry : value.entries()) {
            if (entry.first == "lo" || entry.first == "hi") {
                continue;
            }
            std::string name = entry.first == "bins" ? prefix : prefix + entry.first + "_";
            flatten(entry.second, name, names, texts);
        }
        break;
    case Value::Kind::List:
        for (size_t i = 0; i < value.items().size(); i++) {
            flatten(value.items()[i], prefix + std::to_string(i) + "_", names, texts);
        }
        break;
    default:
        names.push_back(prefix.substr(0, prefix.size() - 1));
        texts.push_back(value.kind() == Value::Kind::Null ? "" : value.json());
    }
}

std::string
csv_field(const std::string &text)
{
    if (text.find_first_of(",\"\n\r") == std::string::npos) {
        return text;
    }
    std::string out = "\"";
    for (char c : text) {
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return out + "\"";
}

} // namespace internal

std::string
metrics_csv_header(const PartialConfig &config)
{
    // The names do not depend on the values, so an empty partial gives them.
    FileMetrics empty{"", Format::Improve, Partial(config), 0.0, false, {}};
    std::vector<std::string> names, texts;
    internal::flatten(metrics_value(empty, false), "", names, texts);
    std::string line = "file";
    for (const std::string &name : names) {
        line += "," + name;
    }
    return line;
}

std::string
metrics_csv_row(const FileMetrics &metrics)
{
    std::vector<std::string> names, texts;
    internal::flatten(metrics_value(metrics, false), "", names, texts);
    std::string line = internal::csv_field(metrics.path);
    for (const std::string &text : texts) {
        line += "," + text;
    }
    return line;
}

} // namespace hed
