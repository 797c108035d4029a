// table.h -- named tables of columns, and their CSV form.
//
// Every result table (per drug, per range, per cell line, CSA matrices)
// is a Table, so that the same object is written to HDF5, to CSV and to
// the data files that the plots read.
#ifndef HEDFLOW_HED_TABLE_H
#define HEDFLOW_HED_TABLE_H

#include <string>
#include <vector>

#include "value.h"

namespace hed {

/// A column of reals (NaN for an undefined value) or of text.
struct Column {
    std::string name;
    bool is_text = false;
    std::vector<double> reals;
    std::vector<std::string> texts;

    size_t size() const { return is_text ? texts.size() : reals.size(); }
};

class Table {
public:
    explicit Table(std::string name = "") : name_(std::move(name)) {}

    const std::string &name() const { return name_; }
    const std::vector<Column> &columns() const { return columns_; }
    size_t rows() const { return columns_.empty() ? 0 : columns_[0].size(); }

    /// Adds a column; every column must have the same number of rows.
    /// \warning raises {HED TABLE SIZE} otherwise.
    void add_reals(const std::string &name, std::vector<double> values);
    void add_texts(const std::string &name, std::vector<std::string> values);
    /// \returns the column named \a name, or nullptr.
    const Column *find(const std::string &name) const;

    /// \returns the table as CSV text: a header line, then one line per row;
    /// reals in shortest round-trip form, NaN as an empty field.
    std::string csv() const;
    /// Writes csv() to \a path through a temporary file renamed into place.
    void write_csv(const std::string &path) const;
    /// \returns {columns {NAME ...} rows {{v ...} ...}} with null for NaN.
    Value value() const;

private:
    void check_size(const std::string &name, size_t size) const;

    std::string name_;
    std::vector<Column> columns_;
};

/// Writes \a text to \a path: first to a temporary name in the same folder,
/// then renamed into place, so readers never see a partial file.
/// \warning raises {HED OUTPUT IO path} on failure.
void write_file_atomically(const std::string &path, const std::string &text);

} // namespace hed

#endif
