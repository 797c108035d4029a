// report.cc -- tables of an analysis and their HDF5, CSV and plot outputs.
#include "report.h"

#include <algorithm>
#include <cstring>

#include <cmath>
#include <limits>
#include <sys/stat.h>

#include "analysis.h"
#include "distribution.h"
#include "error.h"
#include "hdf5_io.h"
#include "options.h"
#include "plot.h"
#include "ranges.h"
#include "ranks.h"

namespace hed {

ReportOptions
parse_report_options(const std::vector<std::string> &options)
{
    ReportOptions report;
    std::vector<std::string> metrics_words;
    OptionList list(options);
    while (list.more()) {
        std::string name = list.name();
        if (name == "-top") {
            report.top = int(list.integer(0, 1000000));
        } else if (name == "-z_threshold") {
            report.z_threshold = list.real();
        } else if (name == "-metric") {
            report.metric = list.text();
            if (report.metric != "rmse" && report.metric != "mae" && report.metric != "mse"
                && report.metric != "mean_error") {
                usage_error("invalid metric \"" + report.metric + "\": expected rmse, mae, mse or mean_error");
            }
        } else if (name == "-k") {
            report.k = int(list.integer(1, 1000000));
        } else if (name == "-seed") {
            report.seed = uint64_t(list.integer(0, INT64_MAX));
        } else if (name == "-replicates") {
            report.replicates = int(list.integer(1, 10000000));
        } else if (name == "-level") {
            report.level = list.real();
        } else if (name == "-plots") {
            report.plots = list.boolean();
        } else if (name == "-qq_points") {
            report.qq_points = size_t(list.integer(0, INT64_MAX));
        } else {
            metrics_words.push_back(name);
            metrics_words.push_back(list.text());
        }
    }
    report.metrics = parse_metrics_options(metrics_words);
    return report;
}

std::vector<Table>
analysis_tables(const std::vector<std::string> &paths, const ReportOptions &options)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    Records records = load_records(paths, options.metrics.read);
    if (records.size() == 0) {
        throw Error({"HED", "INPUT", "EMPTY"}, "no valid records in the files given");
    }
    std::vector<Table> tables;
    Partial partial(options.metrics.config);
    partial.add(records.y.data(), records.p.data(), records.size());
    std::vector<double> errors(records.size());
    for (size_t i = 0; i < records.size(); i++) {
        errors[i] = records.p[i] - records.y[i];
    }

    Table summary("summary");
    summary.add_reals("n", {double(partial.n())});
    summary.add_reals("mse", {partial.mse()});
    summary.add_reals("rmse", {partial.rmse()});
    summary.add_reals("mae", {partial.mae()});
    summary.add_reals("pcc", {partial.pcc()});
    summary.add_reals("scc", {spearman(records.y.data(), records.p.data(), records.size())});
    summary.add_reals("r2", {partial.r2()});
    summary.add_reals("mean_error", {partial.mean_error()});
    summary.add_reals("sd_error", {partial.sd_error()});
    summary.add_reals("skewness", {partial.skewness()});
    summary.add_reals("excess_kurtosis", {partial.excess_kurtosis()});
    for (size_t a = 0; a < options.metrics.config.alphas.size(); a++) {
        summary.add_reals("mae_poly_" + format_real(options.metrics.config.alphas[a]), {partial.mae_poly(a)});
    }
    tables.push_back(std::move(summary));

    for (size_t r = 0; r < options.metrics.config.ranges.size(); r++) {
        int k = options.metrics.config.ranges[r];
        Table table("ranges" + std::to_string(k));
        std::vector<double> lo, hi, n, mae, rmse, mean_error;
        auto add = [&](const RangeCell &cell, double low, double high) {
            double count = double(cell.n);
            lo.push_back(low);
            hi.push_back(high);
            n.push_back(count);
            mae.push_back(cell.n ? cell.abs_error.value() / count : nan);
            rmse.push_back(cell.n ? std::sqrt(cell.squared_error.value() / count) : nan);
            mean_error.push_back(cell.n ? cell.error.value() / count : nan);
        };
        for (int b = 0; b < k; b++) {
            add(partial.range_cells(r)[size_t(b)], range_edge(b, k), range_edge(b + 1, k));
        }
        // The last row counts the records outside [0, 1]; its edges are NaN.
        add(partial.out_of_range(r), nan, nan);
        table.add_reals("lo", lo);
        table.add_reals("hi", hi);
        table.add_reals("n", n);
        table.add_reals("mae", mae);
        table.add_reals("rmse", rmse);
        table.add_reals("mean_error", mean_error);
        tables.push_back(std::move(table));
    }

    Value sensitivity = partial.sensitivity();
    Table sensitivity_table("sensitivity");
    for (const auto &entry : sensitivity.entries()) {
        sensitivity_table.add_reals(entry.first, {entry.second.is_null() ? nan : entry.second.as_real()});
    }
    tables.push_back(std::move(sensitivity_table));

    Table histogram_table("error_histogram");
    {
        const PartialConfig &config = options.metrics.config;
        Value histogram = partial.histogram();
        std::vector<double> lo, hi, count;
        double width = (config.histogram_high - config.histogram_low) / config.histogram_bins;
        const auto &counts = histogram.find("counts")->items();
        for (size_t b = 0; b < counts.size(); b++) {
            lo.push_back(config.histogram_low + double(b) * width);
            hi.push_back(config.histogram_low + double(b + 1) * width);
            count.push_back(double(counts[b].as_integer()));
        }
        histogram_table.add_reals("lo", lo);
        histogram_table.add_reals("hi", hi);
        histogram_table.add_reals("count", count);
    }
    tables.push_back(std::move(histogram_table));

    std::vector<double> probabilities = {0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0};
    Table quantile_table("error_quantiles");
    quantile_table.add_reals("probability", probabilities);
    quantile_table.add_reals("error", linear_quantiles(errors, probabilities));
    tables.push_back(std::move(quantile_table));

    Value normality = normality_test(errors);
    Table normality_table("normality");
    for (const auto &entry : normality.entries()) {
        normality_table.add_reals(entry.first, {entry.second.is_null() ? nan : entry.second.as_real()});
    }
    tables.push_back(std::move(normality_table));

    Value qq = normal_qq_points(errors, options.qq_points);
    Table qq_table("qq");
    std::vector<double> theoretical, sample;
    for (const Value &x : qq.find("theoretical")->items()) {
        theoretical.push_back(x.as_real());
    }
    for (const Value &x : qq.find("sample")->items()) {
        sample.push_back(x.as_real());
    }
    qq_table.add_reals("theoretical", theoretical);
    qq_table.add_reals("sample", sample);
    tables.push_back(std::move(qq_table));

    Value interval = bootstrap_interval(
        bootstrap_replicates(records.y, records.p, options.seed, 0, uint64_t(options.replicates)), options.level);
    Table bootstrap("bootstrap");
    bootstrap.add_texts("statistic", {"mean_error", "rmse"});
    bootstrap.add_reals("estimate", {partial.mean_error(), partial.rmse()});
    bootstrap.add_reals("lo", {interval.find("mean_error")->items()[0].as_real(), interval.find("rmse")->items()[0].as_real()});
    bootstrap.add_reals("hi", {interval.find("mean_error")->items()[1].as_real(), interval.find("rmse")->items()[1].as_real()});
    bootstrap.add_reals("level", {options.level, options.level});
    bootstrap.add_reals("replicates", {double(options.replicates), double(options.replicates)});
    bootstrap.add_reals("seed", {double(options.seed), double(options.seed)});
    tables.push_back(std::move(bootstrap));

    if (!records.drugs.empty()) {
        Table drugs = group_table(records, "drug");
        const Column *metric = drugs.find(options.metric);
        Value scores = standardized_scores(drugs.find("drug")->texts, metric->reals, options.top, options.z_threshold);
        Table ranking("hed_ranking");
        std::vector<std::string> names;
        std::vector<double> value, z, robust, rank, high;
        for (const Value &row : scores.find("scores")->items()) {
            names.push_back(row.find("name")->as_string());
            value.push_back(row.find("value")->is_null() ? nan : row.find("value")->as_real());
            z.push_back(row.find("z")->is_null() ? nan : row.find("z")->as_real());
            robust.push_back(row.find("robust_z")->is_null() ? nan : row.find("robust_z")->as_real());
            rank.push_back(double(row.find("rank")->as_integer()));
            high.push_back(double(rank.back() <= options.top || z.back() > options.z_threshold));
        }
        ranking.add_texts("drug", names);
        ranking.add_reals(options.metric, value);
        ranking.add_reals("z", z);
        ranking.add_reals("robust_z", robust);
        ranking.add_reals("rank", rank);
        ranking.add_reals("high_error", high);
        tables.push_back(std::move(drugs));
        tables.push_back(std::move(ranking));
    }
    if (!records.cells.empty()) {
        tables.push_back(group_table(records, "cell"));
        tables.push_back(cell_ranking(records, options.k));
    }
    return tables;
}

namespace internal {

std::string
file_name(const std::string &table)
{
    std::string name = table;
    for (char &c : name) {
        if (c == '/') {
            c = '_';
        }
    }
    return name;
}

const Table *
find_table(const std::vector<Table> &tables, const std::string &name)
{
    for (const Table &table : tables) {
        if (table.name() == name) {
            return &table;
        }
    }
    return nullptr;
}

/// \returns gnuplot commands for the plots that \a tables allow, by name.
std::vector<std::pair<std::string, std::string>>
plot_commands(const std::vector<Table> &tables, const std::string &folder)
{
    std::vector<std::pair<std::string, std::string>> plots;
    auto csv = [&](const std::string &table) { return gnuplot_quote(folder + "/" + file_name(table) + ".csv"); };
    std::string setup = "set datafile separator ','\nset key off\nset grid\n";
    if (find_table(tables, "error_histogram")) {
        plots.emplace_back("error_histogram", setup
            + "set title 'Prediction errors (auc\\_pred - auc\\_true)'\nset xlabel 'error'\nset ylabel 'records'\n"
              "set style fill solid 0.6\nplot " + csv("error_histogram")
            + " every ::1 using (($1+$2)/2):3:($2-$1) with boxes lc rgb '#4477aa'");
    }
    if (find_table(tables, "ranges10")) {
        plots.emplace_back("ranges10", setup
            + "set title 'MAE by range of auc\\_true'\nset xlabel 'auc\\_true range'\nset ylabel 'MAE'\n"
              "set style fill solid 0.6\nset boxwidth 0.08\nset xrange [0:1]\nplot " + csv("ranges10")
            + " every ::1 using (($1+$2)/2):4 with boxes lc rgb '#ee6677'");
    }
    if (find_table(tables, "qq")) {
        plots.emplace_back("qq", setup
            + "set title 'Normal QQ plot of errors'\nset xlabel 'normal quantile'\nset ylabel 'error'\n"
              "plot " + csv("qq") + " every ::1 using 1:2 with points pt 7 ps 0.3 lc rgb '#228833'");
    }
    // z is undefined when the drugs' scores do not vary (one drug, or all
    // equal), and gnuplot cannot draw a plot without a point.
    const Table *ranking = find_table(tables, "hed_ranking");
    const Column *z = ranking != nullptr ? ranking->find("z") : nullptr;
    if (z != nullptr && std::any_of(z->reals.begin(), z->reals.end(), [](double v) { return std::isfinite(v); })) {
        plots.emplace_back("hed_ranking", setup
            + "set title 'High error drugs: standardized score'\nset ylabel 'z'\n"
              "set xtics rotate by 90 right noenhanced font ',8' nomirror\nset bmargin 7\nset offsets 0.5, 0.5, graph 0.05, 0\n"
              "set style fill solid 0.6\nset boxwidth 0.8\nplot " + csv("hed_ranking")
            + " every ::1::40 using 0:3:xtic(1) with boxes lc rgb '#aa3377'");
    }
    if (const Table *matrix = find_table(tables, "csa/rmse_mean")) {
        size_t targets = matrix->columns().size() - 1;
        std::string xtics, ytics;
        for (size_t t = 0; t < targets; t++) {
            xtics += (t ? ", " : "") + gnuplot_quote(matrix->columns()[t + 1].name) + " " + std::to_string(t);
        }
        for (size_t s = 0; s < matrix->rows(); s++) {
            ytics += (s ? ", " : "") + gnuplot_quote(matrix->columns()[0].texts[s]) + " " + std::to_string(s);
        }
        plots.emplace_back("csa_rmse", "set datafile separator ','\nset key off\nset title 'Cross-study RMSE (mean over splits)'\n"
            "set xlabel 'target'\nset ylabel 'source'\nset xtics noenhanced (" + xtics + ")\nset ytics noenhanced (" + ytics + ")\n"
            "set palette defined (0 'white', 1 '#4477aa')\nplot " + csv("csa/rmse_mean")
            + " matrix rowheaders columnheaders using 1:2:3 with image");
    }
    return plots;
}

} // namespace internal

Value
write_outputs(const std::vector<Table> &tables, const std::string &folder, const std::string &name, bool plots)
{
    return write_outputs_to(tables, OutputPaths{folder + "/" + name + ".h5", folder, folder}, plots);
}

namespace {

void
make_folder(const std::string &folder)
{
    if (mkdir(folder.c_str(), 0777) != 0 && errno != EEXIST) {
        throw Error({"HED", "OUTPUT", "IO", folder},
                    "cannot create folder \"" + folder + "\": " + std::strerror(errno));
    }
}

} // namespace

Value
write_outputs_to(const std::vector<Table> &tables, const OutputPaths &paths, bool plots)
{
    make_folder(paths.csv_folder);
    Value out = Value::dict();
    write_hdf5(paths.hdf5, tables);
    out.set("hdf5", Value::string(paths.hdf5));
    Value csv_paths = Value::list();
    for (const Table &table : tables) {
        std::string path = paths.csv_folder + "/" + internal::file_name(table.name()) + ".csv";
        table.write_csv(path);
        csv_paths.push(Value::string(path));
    }
    out.set("csv", std::move(csv_paths));
    Value plot_paths = Value::list();
    Value messages = Value::list();
    if (plots && !gnuplot_available()) {
        messages.push(Value::string("plots skipped: gnuplot not found at \"" + gnuplot_path()
                                    + "\"; install gnuplot-nox or set HEDFLOW_GNUPLOT"));
    } else if (plots) {
        make_folder(paths.plot_folder);
        // The plots read their data from the CSV copies written above.
        for (const auto &plot : internal::plot_commands(tables, paths.csv_folder)) {
            std::string base = paths.plot_folder + "/" + plot.first;
            render_plot(base, plot.second);
            plot_paths.push(Value::string(base + ".svg"));
            plot_paths.push(Value::string(base + ".png"));
        }
    }
    out.set("plots", std::move(plot_paths));
    out.set("messages", std::move(messages));
    return out;
}

} // namespace hed
