// table.cc -- named tables of columns, and their CSV form.
#include "table.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <unistd.h>

#include "error.h"

namespace hed {

void
Table::check_size(const std::string &name, size_t size) const
{
    if (!columns_.empty() && size != rows()) {
        throw Error({"HED", "TABLE", "SIZE"},
                    "column \"" + name + "\" of table \"" + name_ + "\" has " + std::to_string(size)
                    + " rows, the table " + std::to_string(rows()));
    }
}

void
Table::add_reals(const std::string &name, std::vector<double> values)
{
    check_size(name, values.size());
    Column column;
    column.name = name;
    column.reals = std::move(values);
    columns_.push_back(std::move(column));
}

void
Table::add_texts(const std::string &name, std::vector<std::string> values)
{
    check_size(name, values.size());
    Column column;
    column.name = name;
    column.is_text = true;
    column.texts = std::move(values);
    columns_.push_back(std::move(column));
}

const Column *
Table::find(const std::string &name) const
{
    for (const Column &column : columns_) {
        if (column.name == name) {
            return &column;
        }
    }
    return nullptr;
}

static std::string
csv_quote(const std::string &text)
{
    if (text.find_first_of(",\"\n\r") == std::string::npos) {
        return text;
    }
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') {
            out += '"';
        }
        out += c;
    }
    return out + "\"";
}

namespace {

// Counts and ranks read better as "27" than as "27.0"; other reals keep
// the shortest round-trip form.
std::string
format_cell(double number)
{
    if (number == std::floor(number) && std::fabs(number) < 9007199254740992.0) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%.0f", number);
        return buffer;
    }
    return format_real(number);
}

} // namespace

std::string
Table::csv() const
{
    std::string out;
    for (size_t c = 0; c < columns_.size(); c++) {
        out += (c > 0 ? "," : "") + csv_quote(columns_[c].name);
    }
    out += '\n';
    for (size_t r = 0; r < rows(); r++) {
        for (size_t c = 0; c < columns_.size(); c++) {
            if (c > 0) {
                out += ',';
            }
            const Column &column = columns_[c];
            if (column.is_text) {
                out += csv_quote(column.texts[r]);
            } else if (std::isfinite(column.reals[r])) {
                out += format_cell(column.reals[r]);
            }
        }
        out += '\n';
    }
    return out;
}

void
Table::write_csv(const std::string &path) const
{
    write_file_atomically(path, csv());
}

Value
Table::value() const
{
    Value out = Value::dict();
    Value names = Value::list();
    for (const Column &column : columns_) {
        names.push(Value::string(column.name));
    }
    out.set("columns", std::move(names));
    Value rows_value = Value::list();
    for (size_t r = 0; r < rows(); r++) {
        Value row = Value::list();
        for (const Column &column : columns_) {
            row.push(column.is_text ? Value::string(column.texts[r]) : Value::real(column.reals[r]));
        }
        rows_value.push(std::move(row));
    }
    out.set("rows", std::move(rows_value));
    return out;
}

void
write_file_atomically(const std::string &path, const std::string &text)
{
    std::string temporary = path + ".tmp" + std::to_string(::getpid());
    FILE *file = std::fopen(temporary.c_str(), "wb");
    if (file == nullptr) {
        throw Error({"HED", "OUTPUT", "IO", path},
                    "cannot write \"" + temporary + "\": " + std::strerror(errno));
    }
    bool ok = std::fwrite(text.data(), 1, text.size(), file) == text.size();
    ok = (std::fclose(file) == 0) && ok;
    if (!ok || std::rename(temporary.c_str(), path.c_str()) != 0) {
        int saved = errno;
        std::remove(temporary.c_str());
        throw Error({"HED", "OUTPUT", "IO", path},
                    "cannot write \"" + path + "\": " + std::strerror(saved));
    }
}

} // namespace hed
