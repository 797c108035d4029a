// analysis.cc -- analyses of records held in memory.
#include "analysis.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <unordered_map>

#include "error.h"
#include "partial.h"
#include "ranks.h"

namespace hed {

Records
load_records(const std::vector<std::string> &paths, const ReadOptions &options)
{
    Records records;
    NameTable drugs, cells;
    Batch batch;
    for (const std::string &path : paths) {
        std::unique_ptr<RecordSource> source = open_records(path, options);
        for (;;) {
            batch.clear();
            if (!source->next(batch, 65536)) {
                break;
            }
            // Map the file's own name ids to the shared tables.
            for (size_t i = 0; i < batch.size(); i++) {
                records.y.push_back(batch.y[i]);
                records.p.push_back(batch.p[i]);
                records.drug.push_back(batch.drug[i] < 0 ? -1 : drugs.intern(source->drugs()[size_t(batch.drug[i])]));
                records.cell.push_back(batch.cell[i] < 0 ? -1 : cells.intern(source->cells()[size_t(batch.cell[i])]));
            }
        }
        const SkipReport &skipped = source->skipped();
        records.skipped.skipped += skipped.skipped;
        for (const BadRow &row : skipped.examples) {
            if (records.skipped.examples.size() < options.max_examples) {
                records.skipped.examples.push_back(row);
            }
        }
    }
    records.drugs = drugs.names();
    records.cells = cells.names();
    return records;
}

namespace internal {

/// \returns the record indices of each group id, in id order.
std::vector<std::vector<size_t>>
group_indices(const std::vector<int32_t> &ids, size_t groups)
{
    std::vector<std::vector<size_t>> out(groups);
    for (size_t i = 0; i < ids.size(); i++) {
        if (ids[i] >= 0) {
            out[size_t(ids[i])].push_back(i);
        }
    }
    return out;
}

} // namespace internal

Table
group_table(const Records &records, const std::string &by)
{
    if (by != "drug" && by != "cell") {
        usage_error("invalid grouping \"" + by + "\": expected drug or cell");
    }
    bool drug = by == "drug";
    const std::vector<std::string> &names = drug ? records.drugs : records.cells;
    auto groups = internal::group_indices(drug ? records.drug : records.cell, names.size());
    std::vector<std::string> name_column;
    std::vector<double> n, mse, rmse, mae, pcc, scc, r2, mean_error, sd_error;
    for (size_t g = 0; g < groups.size(); g++) {
        std::vector<double> y, p;
        for (size_t i : groups[g]) {
            y.push_back(records.y[i]);
            p.push_back(records.p[i]);
        }
        Partial partial;
        partial.add(y.data(), p.data(), y.size());
        name_column.push_back(names[g]);
        n.push_back(double(partial.n()));
        mse.push_back(partial.mse());
        rmse.push_back(partial.rmse());
        mae.push_back(partial.mae());
        pcc.push_back(partial.pcc());
        scc.push_back(spearman(y.data(), p.data(), y.size()));
        r2.push_back(partial.r2());
        mean_error.push_back(partial.mean_error());
        sd_error.push_back(partial.sd_error());
    }
    Table table(drug ? "drugs" : "cells");
    table.add_texts(by, std::move(name_column));
    table.add_reals("n", std::move(n));
    table.add_reals("mse", std::move(mse));
    table.add_reals("rmse", std::move(rmse));
    table.add_reals("mae", std::move(mae));
    table.add_reals("pcc", std::move(pcc));
    table.add_reals("scc", std::move(scc));
    table.add_reals("r2", std::move(r2));
    table.add_reals("mean_error", std::move(mean_error));
    table.add_reals("sd_error", std::move(sd_error));
    return table;
}

std::vector<double>
error_zscores(const Records &records, bool within_drug)
{
    size_t n = records.size();
    std::vector<double> z(n, std::numeric_limits<double>::quiet_NaN());
    std::vector<std::vector<size_t>> groups;
    if (within_drug) {
        groups = internal::group_indices(records.drug, records.drugs.size());
    } else {
        groups.emplace_back(n);
        std::iota(groups[0].begin(), groups[0].end(), size_t(0));
    }
    for (const std::vector<size_t> &group : groups) {
        if (group.size() < 2) {
            continue;
        }
        double mean = 0.0;
        for (size_t i : group) {
            mean += records.p[i] - records.y[i];
        }
        mean /= double(group.size());
        double squares = 0.0;
        for (size_t i : group) {
            double d = (records.p[i] - records.y[i]) - mean;
            squares += d * d;
        }
        double sd = std::sqrt(squares / double(group.size() - 1));
        if (!(sd > 0)) {
            continue;
        }
        for (size_t i : group) {
            z[i] = ((records.p[i] - records.y[i]) - mean) / sd;
        }
    }
    return z;
}

namespace internal {

double
median(std::vector<double> values)
{
    if (values.empty()) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    std::sort(values.begin(), values.end());
    size_t half = values.size() / 2;
    return values.size() % 2 ? values[half] : 0.5 * (values[half - 1] + values[half]);
}

} // namespace internal

Value
standardized_scores(const std::vector<std::string> &names, const std::vector<double> &values,
                    int top, double threshold)
{
    if (names.size() != values.size()) {
        usage_error("expected as many names as values");
    }
    size_t n = values.size();
    double nan = std::numeric_limits<double>::quiet_NaN();
    double mean = 0.0;
    for (double x : values) {
        mean += x;
    }
    mean /= double(n);
    double squares = 0.0;
    for (double x : values) {
        squares += (x - mean) * (x - mean);
    }
    double sd = n > 1 ? std::sqrt(squares / double(n - 1)) : nan;
    double median = internal::median(values);
    std::vector<double> deviations;
    for (double x : values) {
        deviations.push_back(std::fabs(x - median));
    }
    double mad = 1.4826 * internal::median(deviations);

    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return values[a] > values[b] || (values[a] == values[b] && names[a] < names[b]);
    });

    Value rows = Value::list();
    Value top_names = Value::list();
    Value above = Value::list();
    for (size_t rank = 0; rank < n; rank++) {
        size_t i = order[rank];
        double z = sd > 0 ? (values[i] - mean) / sd : nan;
        double robust = mad > 0 ? (values[i] - median) / mad : nan;
        Value row = Value::dict();
        row.set("name", Value::string(names[i]));
        row.set("value", Value::real(values[i]));
        row.set("z", Value::real(z));
        row.set("robust_z", Value::real(robust));
        row.set("rank", Value::integer(int64_t(rank + 1)));
        rows.push(std::move(row));
        if (int64_t(rank) < top) {
            top_names.push(Value::string(names[i]));
        }
        if (z > threshold) {
            above.push(Value::string(names[i]));
        }
    }
    Value out = Value::dict();
    out.set("mean", Value::real(n > 0 ? mean : nan));
    out.set("sd", Value::real(sd));
    out.set("median", Value::real(median));
    out.set("mad", Value::real(mad));
    out.set("scores", std::move(rows));
    out.set("top", std::move(top_names));
    out.set("above_threshold", std::move(above));
    return out;
}

Table
cell_ranking(const Records &records, int k)
{
    if (k < 1) {
        usage_error("invalid k " + std::to_string(k) + ": expected a positive integer");
    }
    auto groups = internal::group_indices(records.cell, records.cells.size());
    std::vector<std::string> cells;
    std::vector<double> n, recall, spearman_column;
    for (size_t g = 0; g < groups.size(); g++) {
        const std::vector<size_t> &group = groups[g];
        if (group.empty()) {
            continue;
        }
        auto top = [&](const std::vector<double> &auc) {
            std::vector<size_t> order = group;
            std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
                if (auc[a] != auc[b]) {
                    return auc[a] < auc[b];
                }
                const std::string &da = records.drug[a] < 0 ? std::string() : records.drugs[size_t(records.drug[a])];
                const std::string &db = records.drug[b] < 0 ? std::string() : records.drugs[size_t(records.drug[b])];
                return da < db;
            });
            order.resize(std::min(order.size(), size_t(k)));
            std::sort(order.begin(), order.end());
            return order;
        };
        std::vector<size_t> true_top = top(records.y), predicted_top = top(records.p);
        std::vector<size_t> common;
        std::set_intersection(true_top.begin(), true_top.end(), predicted_top.begin(), predicted_top.end(),
                              std::back_inserter(common));
        std::vector<double> y, p;
        for (size_t i : group) {
            y.push_back(records.y[i]);
            p.push_back(records.p[i]);
        }
        cells.push_back(records.cells[g]);
        n.push_back(double(group.size()));
        recall.push_back(double(common.size()) / double(true_top.size()));
        spearman_column.push_back(spearman(y.data(), p.data(), y.size()));
    }
    Table table("cells_ranking");
    table.add_texts("cell", std::move(cells));
    table.add_reals("n", std::move(n));
    table.add_reals("recall_at_k", std::move(recall));
    table.add_reals("spearman", std::move(spearman_column));
    return table;
}

} // namespace hed
