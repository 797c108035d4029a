// reader.h -- reading prediction records from files, in chunks.
//
// A record is (auc_true, auc_pred) with an optional drug and cell line.
// The format is detected from the file's first bytes and header:
//   IMPROVE test_y_data_predicted.csv  auc_true,auc_pred (ID columns allowed)
//   HED run folder file                auc_true,auc_pred,labels
//   Uno predicted.tsv                  AUC Sample Drug1 PredictedAUC AUCError
//   hedflow HDF5                       a /records group written by hedflow
// Text files are read a chunk at a time, so memory does not grow with the
// file. A malformed row is an error naming the file, line, column and value,
// unless skip_bad is set: then it is counted and the first few are kept. A
// Uno row is malformed too when its AUCError is not PredictedAUC - AUC to
// the precision printed.
#ifndef HEDFLOW_HED_READER_H
#define HEDFLOW_HED_READER_H

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "value.h"

namespace hed {

enum class Format { Improve, HedRun, Uno, Hdf5 };

/// \returns the name of \a format: improve, hed_run, uno or hdf5.
const char *format_name(Format format);

struct ReadOptions {
    bool skip_bad = false;          ///< skip malformed rows instead of failing
    size_t chunk_bytes = 1 << 20;   ///< bytes read from the file at a time
    size_t max_examples = 5;        ///< skipped rows kept for the report
    std::string drug;               ///< drug of every record when no drug column
    /// Byte range of a text file: only the data lines that start at an
    /// offset in [range_start, range_end) are read (the header always is),
    /// so a large file splits into chunks at any offsets.
    uint64_t range_start = 0;
    uint64_t range_end = UINT64_MAX;
};

/// Parses reader options from a Tcl-style option list: -skip_bad BOOL,
/// -chunk_bytes N, -drug NAME, -range_start BYTE, -range_end BYTE. Options
/// of other stages are left in \a rest.
ReadOptions parse_read_options(const std::vector<std::string> &options,
                               std::vector<std::string> *rest);

struct BadRow {
    uint64_t line;
    std::string column;
    std::string value;
    std::string reason;
};

struct SkipReport {
    uint64_t skipped = 0;
    std::vector<BadRow> examples;

    /// \returns {skipped N examples {{line L column C value V reason R} ...}}.
    Value value() const;
};

/// Records in columns. drug and cell index the source's name tables and
/// are -1 when the file has no such column.
struct Batch {
    std::vector<double> y;
    std::vector<double> p;
    std::vector<int32_t> drug;
    std::vector<int32_t> cell;
    /// Whether drug and cell are filled; callers that need only the two
    /// AUC columns clear it to save the memory.
    bool with_ids = true;
    /// Every value of y (of p) is the double nearest to a decimal with at
    /// most this many fraction digits and 15 digits in all, or -1 when not
    /// known. Spearman's correlation ranks such columns without a check.
    int decimals_y = 0;
    int decimals_p = 0;

    size_t size() const { return y.size(); }
    void clear();
    /// Appends a record whose values were not read as short decimals.
    void append(double true_value, double predicted, int32_t drug_id, int32_t cell_id)
    {
        y.push_back(true_value);
        p.push_back(predicted);
        if (with_ids) {
            drug.push_back(drug_id);
            cell.push_back(cell_id);
        }
        decimals_y = -1;
        decimals_p = -1;
    }
    /// Records that values with these numbers of fraction digits were added.
    void note_decimals(int added_y, int added_p)
    {
        decimals_y = decimals_y < 0 ? -1 : std::max(decimals_y, added_y);
        decimals_p = decimals_p < 0 ? -1 : std::max(decimals_p, added_p);
    }
};

/// Interned names: each distinct name gets the next integer id.
class NameTable {
public:
    int32_t intern(std::string_view name);
    const std::vector<std::string> &names() const { return names_; }

private:
    std::vector<std::string> names_;
    std::unordered_map<std::string, int32_t> ids_;
};

/// A stream of records from one file.
class RecordSource {
public:
    virtual ~RecordSource() = default;

    virtual Format format() const = 0;

    /// Appends up to \a max_rows records to \a batch.
    /// \returns false when the source had no record left to append.
    virtual bool next(Batch &batch, size_t max_rows) = 0;

    virtual const SkipReport &skipped() const = 0;

    /// \returns an estimate of the records left to read, at least as many
    /// as there are when the rows are valid, or 0 when unknown: callers
    /// reserve memory with it.
    virtual uint64_t rows_estimate() const { return 0; }

    const std::vector<std::string> &drugs() const { return drugs_.names(); }
    const std::vector<std::string> &cells() const { return cells_.names(); }

protected:
    NameTable drugs_;
    NameTable cells_;
};

/// Opens \a path and detects its format.
/// \warning raises hed::Error {HED INPUT ...} on an unreadable, empty or
/// header-only file, or on a header of no known format.
std::unique_ptr<RecordSource> open_records(const std::string &path, const ReadOptions &options);

/// \returns \a text as printable ASCII for messages: quotes and backslashes
/// get a backslash, other bytes become \xHH, and long values are cut to
/// \a limit bytes with "...".
std::string printable(std::string_view text, size_t limit = 40);

} // namespace hed

#endif
