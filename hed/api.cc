// api.cc -- the functions of the hed package that Tcl calls.
#include "api.h"

#include "analysis.h"
#include "csa.h"
#include "distribution.h"
#include "error.h"
#include "hdf5_io.h"
#include "options.h"
#include "plot.h"
#include "metrics.h"
#include "partial.h"
#include "reader.h"
#include "study_pairs.h"
#include "report.h"

namespace hed {
namespace api {

Value
metrics(const std::string &path, const StringList &options)
{
    MetricsOptions parsed = parse_metrics_options(options);
    parsed.counts = false;
    return metrics_value(compute_file_metrics(path, parsed), parsed.read.skip_bad);
}

Value
metrics_line(const std::string &path, const std::string &format, const StringList &options)
{
    if (format != "json" && format != "csv") {
        usage_error("unknown format \"" + format + "\": expected json or csv");
    }
    MetricsOptions parsed = parse_metrics_options(options);
    parsed.counts = false;
    FileMetrics computed = compute_file_metrics(path, parsed);
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

namespace internal {

Value
tables_value(const std::vector<Table> &tables)
{
    Value out = Value::dict();
    for (const Table &table : tables) {
        out.set(table.name(), table.value());
    }
    return out;
}

} // namespace internal

Value
group_stats(const StringList &paths, const std::string &by, const StringList &options)
{
    return group_table(load_records(paths, parse_read_options(options, nullptr)), by).value();
}

RealList
error_zscores(const StringList &paths, bool within_drug, const StringList &options)
{
    return hed::error_zscores(load_records(paths, parse_read_options(options, nullptr)), within_drug);
}

Value
standardized_scores(const StringList &names, const RealList &values, int top, double threshold)
{
    return hed::standardized_scores(names, values, top, threshold);
}

Value
cell_ranking(const StringList &paths, int k, const StringList &options)
{
    return hed::cell_ranking(load_records(paths, parse_read_options(options, nullptr)), k).value();
}

RealList
quantiles(const RealList &values, const RealList &probabilities)
{
    return linear_quantiles(values, probabilities);
}

Value
histogram(const RealList &values, double low, double high, int bins)
{
    return hed::histogram(values, low, high, bins);
}

Value
normality_test(const RealList &values)
{
    return hed::normality_test(values);
}

Value
qq_points(const RealList &values)
{
    return normal_qq_points(values);
}

RealList
bootstrap_replicates(const RealList &auc_true, const RealList &auc_pred, long long seed, long long first,
                     long long count)
{
    if (seed < 0 || first < 0 || count < 0) {
        usage_error("seed, first and count must not be negative");
    }
    RealList out;
    for (const auto &replicate : hed::bootstrap_replicates(auc_true, auc_pred, uint64_t(seed), uint64_t(first),
                                                           uint64_t(count))) {
        out.push_back(replicate.first);
        out.push_back(replicate.second);
    }
    return out;
}

Value
bootstrap_interval(const RealList &replicates, double level)
{
    if (replicates.size() % 2 != 0 || replicates.empty()) {
        usage_error("expected a non-empty flat list of {mean_error rmse} pairs from hed::bootstrap_replicates");
    }
    std::vector<std::pair<double, double>> pairs;
    for (size_t i = 0; i < replicates.size(); i += 2) {
        pairs.emplace_back(replicates[i], replicates[i + 1]);
    }
    return hed::bootstrap_interval(pairs, level);
}

Value
analysis(const StringList &paths, const StringList &options)
{
    return internal::tables_value(analysis_tables(paths, parse_report_options(options)));
}

Value
study_pairs(const StringList &folders)
{
    Value out = Value::list();
    for (const StudyPair &pair : split_study_pairs(folders)) {
        Value item = Value::list();
        item.push(Value::string(pair.source));
        item.push(Value::string(pair.target));
        out.push(std::move(item));
    }
    return out;
}

Value
csa(const std::string &root, const StringList &options)
{
    return internal::tables_value(csa_tables(root, parse_metrics_options(options)));
}

Value
write_analysis(const StringList &paths, const std::string &folder, const StringList &options)
{
    ReportOptions parsed = parse_report_options(options);
    return write_outputs(analysis_tables(paths, parsed), folder, "hed", parsed.plots);
}

Value
write_csa(const std::string &root, const std::string &folder, const StringList &options)
{
    ReportOptions parsed = parse_report_options(options);
    return write_outputs(csa_tables(root, parsed.metrics), folder, "csa", parsed.plots);
}

void
write_records(const std::string &hdf5_path, const StringList &paths, const StringList &options)
{
    Records records = load_records(paths, parse_read_options(options, nullptr));
    Table table("records");
    std::vector<std::string> drugs, cells;
    for (size_t i = 0; i < records.size(); i++) {
        drugs.push_back(records.drug[i] < 0 ? "" : records.drugs[size_t(records.drug[i])]);
        cells.push_back(records.cell[i] < 0 ? "" : records.cells[size_t(records.cell[i])]);
    }
    table.add_reals("auc_true", records.y);
    table.add_reals("auc_pred", records.p);
    table.add_texts("drug", std::move(drugs));
    table.add_texts("cell", std::move(cells));
    write_hdf5(hdf5_path, {table});
}

Value
read_table(const std::string &hdf5_path, const std::string &name)
{
    return read_hdf5_table(hdf5_path, name).value();
}

StringList
list_tables(const std::string &hdf5_path)
{
    return list_hdf5_tables(hdf5_path);
}

Value
hdf5_attributes(const std::string &hdf5_path)
{
    Value out = Value::dict();
    for (const auto &attribute : read_hdf5_attributes(hdf5_path)) {
        out.set(attribute.first, Value::string(attribute.second));
    }
    return out;
}

bool
gnuplot_available()
{
    return hed::gnuplot_available();
}

} // namespace api
} // namespace hed
