// workflow_api.cc -- functions the distributed HED workflow needs on top of
// the analyses: bootstrap replicates of one file, and tables built by the
// workflow itself written to HDF5, CSV and plots (see api.h).
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "analysis.h"
#include "api.h"
#include "distribution.h"
#include "error.h"
#include "metrics.h"
#include "options.h"
#include "reader.h"
#include "report.h"
#include "table.h"

namespace hed {
namespace api {

namespace {

// Splits CSV text into rows of fields; a field in double quotes may hold
// commas, newlines and doubled quotes.
std::vector<std::vector<std::string>>
parse_csv(const std::string &name, const std::string &text)
{
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false;
    bool any = false;
    for (size_t i = 0; i < text.size(); i++) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                i++;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
            continue;
        }
        if (c == '"') {
            quoted = true;
            any = true;
        } else if (c == ',') {
            row.push_back(field);
            field.clear();
            any = true;
        } else if (c == '\n') {
            row.push_back(field);
            rows.push_back(row);
            row.clear();
            field.clear();
            any = false;
        } else if (c != '\r') {
            field += c;
            any = true;
        }
    }
    if (quoted) {
        usage_error("table \"" + name + "\": unterminated quoted field");
    }
    if (any) {
        row.push_back(field);
        rows.push_back(row);
    }
    return rows;
}

bool
parse_real(const std::string &text, double &value)
{
    if (text.empty()) {
        value = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    char *end = nullptr;
    value = std::strtod(text.c_str(), &end);
    return end == text.c_str() + text.size();
}

// Builds a table from CSV text: a column is numeric when every non-empty
// field is a number (an empty field is then undefined), text otherwise.
Table
table_from_csv(const std::string &name, const std::string &text)
{
    const auto rows = parse_csv(name, text);
    if (rows.empty()) {
        usage_error("table \"" + name + "\" has no header line");
    }
    const std::vector<std::string> &header = rows[0];
    for (size_t r = 1; r < rows.size(); r++) {
        if (rows[r].size() != header.size()) {
            usage_error("table \"" + name + "\": row " + std::to_string(r) + " has " + std::to_string(rows[r].size())
                        + " fields, the header " + std::to_string(header.size()));
        }
    }
    Table table(name);
    for (size_t c = 0; c < header.size(); c++) {
        std::vector<double> reals;
        bool numeric = true;
        for (size_t r = 1; r < rows.size() && numeric; r++) {
            double value = 0;
            numeric = parse_real(rows[r][c], value);
            reals.push_back(value);
        }
        if (numeric) {
            table.add_reals(header[c], std::move(reals));
        } else {
            std::vector<std::string> texts;
            for (size_t r = 1; r < rows.size(); r++) {
                texts.push_back(rows[r][c]);
            }
            table.add_texts(header[c], std::move(texts));
        }
    }
    return table;
}

} // namespace

Value
file_statistics(const std::string &path, const StringList &options)
{
    MetricsOptions parsed = parse_metrics_options(options);
    FileMetrics computed = compute_file_metrics(path, parsed);
    Value out = Value::dict();
    out.set("metrics", metrics_value(computed, parsed.read.skip_bad));
    out.set("partial", Value::string(computed.partial.serialize()));
    return out;
}

RealList
bootstrap_file(const std::string &path, long long seed, long long first, long long count,
               const StringList &options)
{
    if (seed < 0 || first < 0 || count < 0) {
        usage_error("seed, first and count must not be negative");
    }
    Records records = load_records({path}, parse_read_options(options, nullptr));
    RealList out;
    for (const auto &replicate :
         hed::bootstrap_replicates(records.y, records.p, uint64_t(seed), uint64_t(first), uint64_t(count))) {
        out.push_back(replicate.first);
        out.push_back(replicate.second);
    }
    return out;
}

Value
write_tables(const StringList &names, const StringList &csv_texts, const std::string &hdf5_path,
             const std::string &csv_folder, const std::string &plot_folder, bool plots)
{
    if (names.size() != csv_texts.size()) {
        usage_error("expected one CSV text per table name, got " + std::to_string(names.size()) + " names and "
                    + std::to_string(csv_texts.size()) + " texts");
    }
    std::vector<Table> tables;
    for (size_t i = 0; i < names.size(); i++) {
        tables.push_back(table_from_csv(names[i], csv_texts[i]));
    }
    return write_outputs_to(tables, OutputPaths{hdf5_path, csv_folder, plot_folder}, plots);
}

} // namespace api
} // namespace hed
