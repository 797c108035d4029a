// api.cc -- the functions of the hed package that Tcl sees.
#include "api.h"

#include "error.h"
#include "metrics.h"
#include "partial.h"
#include "reader.h"

namespace hed {

Value
metrics(const std::string &path, const StringList &options)
{
    MetricsOptions parsed = parse_metrics_options(options);
    return metrics_value(compute_file_metrics(path, parsed), parsed.read.skip_bad);
}

Value
metrics_line(const std::string &path, const std::string &format, const StringList &options)
{
    if (format != "json" && format != "csv") {
        usage_error("unknown format \"" + format + "\": expected json or csv");
    }
    FileMetrics computed = compute_file_metrics(path, parse_metrics_options(options));
    Value out = Value::dict();
    out.set("line", Value::string(format == "json" ? metrics_json(computed) : metrics_csv_row(computed)));
    Value report = computed.skipped.value();
    for (const auto &entry : report.entries()) {
        out.set(entry.first, entry.second);
    }
    return out;
}

std::string
metrics_csv_header(const StringList &options)
{
    return hed::metrics_csv_header(parse_metrics_options(options).config);
}

std::string
partial_file(const std::string &path, const StringList &options)
{
    std::vector<std::string> rest;
    ReadOptions read = parse_read_options(options, &rest);
    Partial partial(parse_partial_config(rest, nullptr));
    std::unique_ptr<RecordSource> source = open_records(path, read);
    Batch batch;
    for (;;) {
        batch.clear();
        if (!source->next(batch, 65536)) {
            break;
        }
        partial.add(batch.y.data(), batch.p.data(), batch.size());
    }
    return partial.serialize();
}

std::string
partial_values(const RealList &auc_true, const RealList &auc_pred, const StringList &options)
{
    if (auc_true.size() != auc_pred.size()) {
        usage_error("auc_true has " + std::to_string(auc_true.size()) + " values but auc_pred has "
                    + std::to_string(auc_pred.size()));
    }
    Partial partial(parse_partial_config(options, nullptr));
    partial.add(auc_true.data(), auc_pred.data(), auc_true.size());
    return partial.serialize();
}

std::string
partial_merge(const StringList &partials)
{
    if (partials.empty()) {
        usage_error("no partials to merge");
    }
    Partial merged = Partial::parse(partials[0]);
    for (size_t i = 1; i < partials.size(); i++) {
        merged.merge(Partial::parse(partials[i]));
    }
    return merged.serialize();
}

Value
partial_result(const std::string &partial)
{
    return Partial::parse(partial).result();
}

} // namespace hed
