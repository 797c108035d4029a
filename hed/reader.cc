// reader.cc -- format detection and the chunked text reader.
#include "reader.h"

#include <algorithm>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <locale.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decimal_scan.h"
#include "error.h"
#include "hdf5_io.h"
#include "options.h"

namespace hed {

const char *
format_name(Format format)
{
    switch (format) {
    case Format::Improve: return "improve";
    case Format::HedRun: return "hed_run";
    case Format::Uno: return "uno";
    case Format::Hdf5: return "hdf5";
    }
    return "unknown";
}

ReadOptions
parse_read_options(const std::vector<std::string> &options, std::vector<std::string> *rest)
{
    ReadOptions read;
    OptionList list(options);
    while (list.more()) {
        std::string name = list.name();
        if (name == "-skip_bad") {
            read.skip_bad = list.boolean();
        } else if (name == "-chunk_bytes") {
            read.chunk_bytes = size_t(list.integer(64, int64_t(1) << 32));
        } else if (name == "-drug") {
            read.drug = list.text();
        } else if (name == "-range_start") {
            read.range_start = uint64_t(list.integer(0, INT64_MAX));
        } else if (name == "-range_end") {
            read.range_end = uint64_t(list.integer(0, INT64_MAX));
        } else if (rest != nullptr) {
            rest->push_back(name);
            rest->push_back(list.text());
        } else {
            usage_error("unknown option \"" + name
                        + "\": expected -skip_bad, -chunk_bytes, -drug, -range_start or -range_end");
        }
    }
    return read;
}

Value
SkipReport::value() const
{
    Value report = Value::dict();
    report.set("skipped", Value::integer(int64_t(skipped)));
    Value list = Value::list();
    for (const BadRow &row : examples) {
        Value item = Value::dict();
        item.set("line", Value::integer(int64_t(row.line)));
        item.set("column", Value::string(row.column));
        item.set("value", Value::string(row.value));
        item.set("reason", Value::string(row.reason));
        list.push(std::move(item));
    }
    report.set("examples", std::move(list));
    return report;
}

void
Batch::clear()
{
    y.clear();
    p.clear();
    drug.clear();
    cell.clear();
    decimals_y = 0;
    decimals_p = 0;
}

int32_t
NameTable::intern(std::string_view name)
{
    auto found = ids_.find(std::string(name));
    if (found != ids_.end()) {
        return found->second;
    }
    int32_t id = int32_t(names_.size());
    names_.emplace_back(name);
    ids_.emplace(names_.back(), id);
    return id;
}

std::string
printable(std::string_view text, size_t limit)
{
    std::string out;
    for (size_t i = 0; i < text.size() && i < limit; i++) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += char(c);
        } else if (c >= 0x20 && c < 0x7f) {
            out += char(c);
        } else {
            char escape[8];
            std::snprintf(escape, sizeof escape, "\\x%02X", c);
            out += escape;
        }
    }
    if (text.size() > limit) {
        out += "...";
    }
    return out;
}

namespace internal {

/// \returns whether \a text is valid UTF-8.
bool
valid_utf8(std::string_view text)
{
    size_t i = 0;
    while (i < text.size()) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        size_t extra;
        uint32_t code;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            extra = 1;
            code = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            code = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            code = c & 0x07;
        } else {
            return false;
        }
        if (i + extra >= text.size()) {
            return false;
        }
        for (size_t k = 1; k <= extra; k++) {
            unsigned char next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80) {
                return false;
            }
            code = (code << 6) | (next & 0x3F);
        }
        static const uint32_t minimum[] = {0, 0x80, 0x800, 0x10000};
        if (code < minimum[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
            return false;
        }
        i += extra + 1;
    }
    return true;
}

/// Parses a decimal number the way CSV readers do: optional sign, digits,
/// fraction and exponent, surrounding spaces allowed.
/// \returns an empty string on success, else why \a text is not a number.
const char *
parse_number(std::string_view text, double &out)
{
    size_t begin = 0, end = text.size();
    while (begin < end && (text[begin] == ' ')) {
        begin++;
    }
    while (end > begin && (text[end - 1] == ' ')) {
        end--;
    }
    if (begin == end) {
        return "missing value";
    }
    const char *first = text.data() + begin;
    const char *last = text.data() + end;
    bool negative = false;
    if (*first == '+' || *first == '-') {
        negative = *first == '-';
        first++;
    }
    if (first < last && (*first == '+' || *first == '-')) {
        return "not a number";   // from_chars would take a second minus sign
    }

    int fraction_digits;
    if (scan_short_decimal(first, last, out, fraction_digits) == last) {
        out = negative ? -out : out;
        return "";
    }

    double value;
    auto result = std::from_chars(first, last, value);
    if (result.ec == std::errc::result_out_of_range && result.ptr == last) {
        // A number too small for a double reads as zero, as strtod and
        // pandas read it. A number too large is an error.
        // strtod_l in the C locale: strtod reads the decimal point of the
        // process's locale, which Python code in a task can change.
        static const locale_t c_locale = newlocale(LC_ALL_MASK, "C", locale_t(0));
        std::string copy(first, last);
        value = strtod_l(copy.c_str(), nullptr, c_locale);
        if (std::fabs(value) > 1.0) {
            return "number out of range";
        }
        result.ec = std::errc();
    }
    if (result.ec != std::errc() || result.ptr != last) {
        return valid_utf8(text) ? "not a number" : "invalid UTF-8 (wrong encoding?)";
    }
    if (!std::isfinite(value)) {
        return "not a finite number";
    }
    out = negative ? -value : value;
    return "";
}

/// \returns half a unit in the last digit of the decimal number \a text
/// (0.00005 for "0.8123", 0.5 for "12", 5e-8 for "1.5e-6"): how far the
/// value written may be from the value before rounding for print.
double
half_unit_in_last_digit(std::string_view text)
{
    int fraction = 0, exponent = 0;
    size_t i = 0;
    while (i < text.size() && text[i] != '.' && text[i] != 'e' && text[i] != 'E') {
        i++;
    }
    if (i < text.size() && text[i] == '.') {
        for (i++; i < text.size() && text[i] >= '0' && text[i] <= '9'; i++) {
            fraction++;
        }
    }
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        std::from_chars(text.data() + i + 1 + (i + 1 < text.size() && text[i + 1] == '+'),
                        text.data() + text.size(), exponent);
    }
    return 0.5 * std::pow(10.0, double(exponent - fraction));
}

enum class Role { Ignore, True, Pred, Drug, Cell, Error };

/// The reader of the three CSV/TSV formats.
class TextSource : public RecordSource {
public:
    TextSource(const std::string &path, const ReadOptions &options);
    ~TextSource() override;

    Format format() const override { return format_; }
    bool next(Batch &batch, size_t max_rows) override;
    const SkipReport &skipped() const override { return skipped_; }
    uint64_t rows_estimate() const override;

private:
    bool read_line(std::string_view &line);
    void fill_buffer();
    void allocate_buffer(size_t capacity, const char *start, size_t kept);
    size_t read_plain_rows(Batch &batch, size_t max_rows);
    void read_header();
    void seek_to_range();
    uint64_t line_number();
    bool split(std::string_view line, std::vector<std::string_view> &fields);
    bool parse_row(std::string_view line, Batch &batch);
    bool check_error_column(double y, double p, double error, size_t true_index, size_t pred_index);
    bool bad_row(const std::string &column, std::string_view value, const std::string &reason);
    [[noreturn]] void input_error(const std::string &kind, const std::string &message);

    std::string path_;
    ReadOptions options_;
    int fd_ = -1;
    std::unique_ptr<char[]> buffer_;   // capacity_ bytes, then buffer_padding bytes
    size_t capacity_ = 0;
    size_t begin_ = 0;
    size_t end_ = 0;
    bool eof_ = false;
    uint64_t line_number_ = 0;
    uint64_t file_size_ = 0;       // at opening, 0 when not a regular file
    uint64_t buffer_offset_ = 0;   // file offset of buffer_[0]
    uint64_t line_start_ = 0;      // file offset of the line last read
    bool ranged_ = false;          // reading a byte range after a seek
    bool range_done_ = false;

    Format format_ = Format::Improve;
    char delimiter_ = ',';
    std::vector<std::string> columns_;
    std::vector<Role> roles_;
    int32_t fixed_drug_ = -1;
    int error_column_ = -1;        // Uno's AUCError, checked against the others
    bool plain_layout_ = false;    // two columns, auc_true and auc_pred, in this order
    bool has_rows_ = false;
    std::vector<std::string_view> fields_;
    std::string unquoted_;
    SkipReport skipped_;
};

TextSource::TextSource(const std::string &path, const ReadOptions &options)
    : path_(path), options_(options)
{
    fd_ = ::open(path.c_str(), O_RDONLY);
    if (fd_ < 0) {
        throw Error({"HED", "INPUT", "IO", path},
                    "cannot open \"" + path + "\": " + std::strerror(errno));
    }
    // A file smaller than a chunk gets a buffer of its size (plus one byte
    // for the end-of-file read), so small files cost little memory.
    struct stat status;
    size_t capacity = std::max<size_t>(options_.chunk_bytes, 64);
    if (::fstat(fd_, &status) == 0 && S_ISREG(status.st_mode)) {
        file_size_ = uint64_t(status.st_size);
        if (file_size_ < capacity) {
            capacity = std::max<size_t>(size_t(file_size_) + 1, 64);
        }
    }
    allocate_buffer(capacity, nullptr, 0);
    read_header();
    seek_to_range();
}

/// A row has at least two fields, a delimiter and a newline: four bytes.
uint64_t
TextSource::rows_estimate() const
{
    uint64_t end = std::min(file_size_, options_.range_end);
    uint64_t position = buffer_offset_ + begin_;
    return end > position ? (end - position) / 4 + 1 : 0;
}

/// Moves to the first data line that starts at or after range_start. The
/// line that contains byte range_start - 1 belongs to the chunk before.
void
TextSource::seek_to_range()
{
    if (options_.range_start <= buffer_offset_ + begin_) {
        return;
    }
    if (::lseek(fd_, off_t(options_.range_start - 1), SEEK_SET) < 0) {
        input_error("IO", "cannot seek in \"" + path_ + "\": " + std::strerror(errno));
    }
    buffer_offset_ = options_.range_start - 1;
    begin_ = 0;
    end_ = 0;
    eof_ = false;
    ranged_ = true;
    std::string_view rest_of_line;
    read_line(rest_of_line);
}

/// \returns the number of the line last read, counting the newlines before
/// it when a seek skipped them (only for messages, so it may be slow).
uint64_t
TextSource::line_number()
{
    if (!ranged_) {
        return line_number_;
    }
    uint64_t newlines = 0;
    std::vector<char> block(1 << 16);
    for (uint64_t offset = 0; offset < line_start_;) {
        size_t want = size_t(std::min<uint64_t>(block.size(), line_start_ - offset));
        ssize_t count = ::pread(fd_, block.data(), want, off_t(offset));
        if (count <= 0) {
            break;
        }
        newlines += uint64_t(std::count(block.data(), block.data() + count, '\n'));
        offset += uint64_t(count);
    }
    return newlines + 1;
}

TextSource::~TextSource()
{
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

void
TextSource::input_error(const std::string &kind, const std::string &message)
{
    throw Error({"HED", "INPUT", kind, path_}, message);
}

/// Moves the unread bytes to the start of the buffer and reads more after
/// them, doubling the buffer when one line fills it. Sets eof_ at the end.
void
TextSource::fill_buffer()
{
    const char *start = buffer_.get() + begin_;
    size_t kept = end_ - begin_;
    buffer_offset_ += begin_;
    if (kept == capacity_) {
        allocate_buffer(capacity_ * 2, start, kept);
    } else {
        std::memmove(buffer_.get(), start, kept);
    }
    begin_ = 0;
    end_ = kept;
    ssize_t count;
    do {
        count = ::read(fd_, buffer_.get() + end_, capacity_ - end_);
    } while (count < 0 && errno == EINTR);
    if (count < 0) {
        input_error("IO", "cannot read \"" + path_ + "\": " + std::strerror(errno));
    }
    if (count == 0) {
        eof_ = true;
    }
    end_ += size_t(count);
    // The scanners may load up to 16 bytes past the last newline: make
    // them defined bytes (memory checkers flag stale or unset ones).
    std::memset(buffer_.get() + end_, 0, buffer_padding);
}

/// Replaces the buffer by one of \a capacity bytes that starts with the
/// \a kept bytes at \a start, followed by buffer_padding bytes.
void
TextSource::allocate_buffer(size_t capacity, const char *start, size_t kept)
{
    std::unique_ptr<char[]> buffer(new char[capacity + buffer_padding]);
    if (kept > 0) {
        std::memcpy(buffer.get(), start, kept);
    }
    std::memset(buffer.get() + capacity, 0, buffer_padding);
    buffer_ = std::move(buffer);
    capacity_ = capacity;
}

/// Sets \a line to the next line without its end of line.
/// \returns false at the end of the file.
bool
TextSource::read_line(std::string_view &line)
{
    for (;;) {
        const char *start = buffer_.get() + begin_;
        const void *newline = std::memchr(start, '\n', end_ - begin_);
        if (newline != nullptr) {
            size_t length = size_t(static_cast<const char *>(newline) - start);
            line_start_ = buffer_offset_ + begin_;
            begin_ += length + 1;
            line = std::string_view(start, length);
            break;
        }
        if (eof_) {
            if (begin_ == end_) {
                return false;
            }
            line = std::string_view(start, end_ - begin_);
            line_start_ = buffer_offset_ + begin_;
            begin_ = end_;
            break;
        }

        fill_buffer();
    }
    line_number_++;
    if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
    }
    return true;
}

void
TextSource::read_header()
{
    std::string_view header;
    if (!read_line(header)) {
        input_error("EMPTY", "empty file \"" + path_ + "\": expected a header line such as auc_true,auc_pred");
    }
    if (header.size() >= 2 && ((header[0] == '\xFF' && header[1] == '\xFE')
                               || (header[0] == '\xFE' && header[1] == '\xFF'))) {
        input_error("ENCODING", "\"" + path_ + "\" is UTF-16 encoded: convert it to UTF-8 (for example with iconv -f UTF-16 -t UTF-8)");
    }
    if (header.substr(0, 3) == "\xEF\xBB\xBF") {
        header.remove_prefix(3);
    }
    if (header.find_first_not_of(" \t") == std::string_view::npos) {
        input_error("EMPTY", "empty header line in \"" + path_ + "\": expected a header such as auc_true,auc_pred");
    }
    if (!valid_utf8(header)) {
        input_error("ENCODING", "invalid UTF-8 in the header of \"" + path_ + "\": \"" + printable(header) + "\"; convert the file to UTF-8");
    }

    delimiter_ = header.find('\t') != std::string_view::npos ? '\t' : ',';
    std::vector<std::string_view> fields;
    if (!split(header, fields)) {
        input_error("HEADER", "bad quoting in the header of \"" + path_ + "\": \"" + printable(header) + "\"");
    }
    for (std::string_view field : fields) {
        std::string name(field);
        size_t first = name.find_first_not_of(' ');
        size_t last = name.find_last_not_of(' ');
        columns_.push_back(first == std::string::npos ? "" : name.substr(first, last - first + 1));
    }
    roles_.assign(columns_.size(), Role::Ignore);

    auto find = [this](const std::string &name) -> int {
        for (size_t i = 0; i < columns_.size(); i++) {
            if (columns_[i] == name) {
                return int(i);
            }
        }
        return -1;
    };
    auto mark = [this, &find](std::initializer_list<const char *> names, Role role) {
        for (const char *name : names) {
            int index = find(name);
            if (index >= 0) {
                roles_[size_t(index)] = role;
                return true;
            }
        }
        return false;
    };

    bool has_drug;
    if (find("AUC") >= 0 && find("PredictedAUC") >= 0) {
        format_ = Format::Uno;
        mark({"AUC"}, Role::True);
        mark({"PredictedAUC"}, Role::Pred);
        has_drug = mark({"Drug1", "Drug"}, Role::Drug);
        mark({"Sample"}, Role::Cell);
        error_column_ = find("AUCError");
        if (error_column_ >= 0) {
            roles_[size_t(error_column_)] = Role::Error;
        }
    } else {
        // IMPROVE names the columns after the response: auc_true, auc_pred.
        int true_index = -1, pred_index = -1;
        for (size_t i = 0; i < columns_.size() && true_index < 0; i++) {
            const std::string &name = columns_[i];
            if (name.size() > 5 && name.compare(name.size() - 5, 5, "_true") == 0) {
                int match = find(name.substr(0, name.size() - 5) + "_pred");
                if (match >= 0) {
                    true_index = int(i);
                    pred_index = match;
                }
            }
        }
        if (true_index < 0) {
            std::string names;
            for (const std::string &name : columns_) {
                names += (names.empty() ? "" : ",") + name;
            }
            input_error("HEADER", "unknown header \"" + printable(names, 200) + "\" in \"" + path_
                        + "\": expected auc_true,auc_pred (IMPROVE, optionally with ID columns), "
                          "auc_true,auc_pred,labels (HED run) or AUC Sample Drug1 PredictedAUC AUCError (Uno)");
        }
        roles_[size_t(true_index)] = Role::True;
        roles_[size_t(pred_index)] = Role::Pred;
        has_drug = mark({"improve_chem_id", "improve_drug_id", "drug_id", "drug"}, Role::Drug);
        bool labels = find("labels") >= 0;
        mark({"improve_sample_id", "labels", "cell_line", "sample_id"}, Role::Cell);
        format_ = labels ? Format::HedRun : Format::Improve;
    }

    // A HED run file contains the predictions for one held-out drug, named by
    // its run folder (run/RUN001/test_y_data_predicted.csv) unless given.
    if (!has_drug) {
        std::string drug = options_.drug;
        if (drug.empty() && format_ == Format::HedRun) {
            size_t slash = path_.find_last_of('/');
            if (slash != std::string::npos && slash > 0) {
                size_t before = path_.find_last_of('/', slash - 1);
                drug = path_.substr(before == std::string::npos ? 0 : before + 1,
                                    slash - (before == std::string::npos ? 0 : before + 1));
            }
        }
        if (!drug.empty()) {
            fixed_drug_ = drugs_.intern(drug);
        }
    }
    plain_layout_ = roles_.size() == 2 && roles_[0] == Role::True && roles_[1] == Role::Pred;
}

/// Parses the complete lines in the buffer while they are plain rows,
/// "TRUE,PRED" with short decimals (see scan_short_decimal) and no spaces,
/// quotes or exponents: the rows of IMPROVE files. The other lines are
/// left to read_line and parse_row, so both paths give the same records.
/// \returns the number of records appended to \a batch.
size_t
TextSource::read_plain_rows(Batch &batch, size_t max_rows)
{
    const void *found = memrchr(buffer_.get() + begin_, '\n', end_ - begin_);
    while (found == nullptr && !eof_) {
        fill_buffer();
        found = memrchr(buffer_.get() + begin_, '\n', end_ - begin_);
    }
    if (found == nullptr) {
        return 0;
    }
    const char *data = buffer_.get();
    const char *line = data + begin_;
    const char *last = static_cast<const char *>(found);

    // Lines that start at or after range_end belong to the next range.
    if (buffer_offset_ + begin_ >= options_.range_end) {
        return 0;
    }
    const char *stop = last + 1;
    if (options_.range_end - buffer_offset_ < uint64_t(stop - data)) {
        stop = data + (options_.range_end - buffer_offset_);
    }
    const uint64_t delimiter_byte = uint8_t(delimiter_);
    const char *parsed_line = nullptr;   // the start of the last row read
    size_t added = 0;
    int decimals_y = 0, decimals_p = 0;

    // A row of a common shape gives its own length, so no pass searches the
    // newlines first. Other rows search theirs with memchr. The values go
    // to arrays on the stack, appended to the batch once per block.
    const size_t block = 1024;
    double true_values[block], predicted_values[block];
    bool stopped = false;
    while (!stopped && added < max_rows && line < stop) {
        size_t limit = std::min(block, max_rows - added), parsed = 0;
        for (; parsed < limit && line < stop; parsed++) {
            uint32_t true_key, predicted_key;
            if (scan_four_decimal_row(line, delimiter_byte, true_key, predicted_key)) {
                true_values[parsed] = double(true_key) / 1e4;
                predicted_values[parsed] = double(predicted_key) / 1e4;
                decimals_y = std::max(decimals_y, 4);
                decimals_p = std::max(decimals_p, 4);
                parsed_line = line;
                line += 14;
                continue;
            }
            int true_digits = 0, predicted_digits = 0;
            uint32_t length = scan_unit_row(line, delimiter_byte, true_key, predicted_key, true_digits,
                                            predicted_digits);
            if (length != 0) {
                true_values[parsed] = double(true_key) / 1e4;
                predicted_values[parsed] = double(predicted_key) / 1e4;
                decimals_y = std::max(decimals_y, true_digits);
                decimals_p = std::max(decimals_p, predicted_digits);
                parsed_line = line;
                line += length;
                continue;
            }
            size_t rest = size_t(last - line) + 1;
            const char *line_end = static_cast<const char *>(std::memchr(line, '\n', rest));
            const char *c = scan_plain_value(line, last, true_values[parsed], true_digits);
            if (c != nullptr && *c == delimiter_) {
                c = scan_plain_value(c + 1, last, predicted_values[parsed], predicted_digits);
            } else {
                c = nullptr;
            }
            if (c != nullptr && *c == '\r') {
                c++;
            }
            if (c != line_end) {
                stopped = true;
                break;
            }
            decimals_y = std::max(decimals_y, true_digits);
            decimals_p = std::max(decimals_p, predicted_digits);
            parsed_line = line;
            line = line_end + 1;
        }
        batch.y.insert(batch.y.end(), true_values, true_values + parsed);
        batch.p.insert(batch.p.end(), predicted_values, predicted_values + parsed);
        if (batch.with_ids) {
            batch.drug.insert(batch.drug.end(), parsed, fixed_drug_);
            batch.cell.insert(batch.cell.end(), parsed, -1);
        }
        line_number_ += parsed;
        added += parsed;
    }
    if (added > 0) {
        line_start_ = buffer_offset_ + uint64_t(parsed_line - data);
        batch.note_decimals(decimals_y, decimals_p);
    }
    begin_ = size_t(line - data);
    return added;
}

/// Splits \a line at the delimiter into \a fields, removing CSV quotes.
/// \returns false on bad quoting; then \a fields ends with the bad field.
bool
TextSource::split(std::string_view line, std::vector<std::string_view> &fields)
{
    fields.clear();
    if (line.find('"') == std::string_view::npos) {
        size_t start = 0;
        for (;;) {
            size_t stop = line.find(delimiter_, start);
            if (stop == std::string_view::npos) {
                fields.push_back(line.substr(start));
                return true;
            }
            fields.push_back(line.substr(start, stop - start));
            start = stop + 1;
        }
    }

    // Quoted fields (RFC 4180): "a ""b""" is a "b". The unquoted text is kept
    // in one string reserved up front so that the views stay valid.
    unquoted_.clear();
    unquoted_.reserve(line.size());
    size_t i = 0;
    for (;;) {
        size_t start = i;
        if (i < line.size() && line[i] == '"') {
            size_t out = unquoted_.size();
            i++;
            bool closed = false;
            while (i < line.size()) {
                if (line[i] == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        unquoted_ += '"';
                        i += 2;
                        continue;
                    }
                    closed = true;
                    i++;
                    break;
                }
                unquoted_ += line[i++];
            }
            if (!closed || (i < line.size() && line[i] != delimiter_)) {
                size_t stop = line.find(delimiter_, i);
                fields.push_back(line.substr(start, stop == std::string_view::npos ? std::string_view::npos : stop - start));
                return false;
            }
            fields.push_back(std::string_view(unquoted_.data() + out, unquoted_.size() - out));
        } else {
            size_t stop = line.find(delimiter_, i);
            std::string_view field = line.substr(i, stop == std::string_view::npos ? std::string_view::npos : stop - i);
            if (field.find('"') != std::string_view::npos) {
                fields.push_back(field);
                return false;
            }
            fields.push_back(field);
            i = stop == std::string_view::npos ? line.size() : stop;
        }
        if (i >= line.size()) {
            return true;
        }
        i++;  // the delimiter
        if (i == line.size()) {
            fields.push_back(std::string_view());
            return true;
        }
    }
}

/// Records a malformed row. \returns false so that callers can return it.
bool
TextSource::bad_row(const std::string &column, std::string_view value, const std::string &reason)
{
    if (!options_.skip_bad) {
        const std::string line = std::to_string(line_number());
        throw Error({"HED", "INPUT", "PARSE", path_, line},
                    "invalid value \"" + printable(value) + "\" in column " + column + " at line "
                    + line + " of \"" + path_ + "\": " + reason
                    + "; fix the row, or skip malformed rows (option -skip_bad 1, or --skip-bad of hed metrics)");
    }
    skipped_.skipped++;
    if (skipped_.examples.size() < options_.max_examples) {
        skipped_.examples.push_back({line_number(), column, printable(value), reason});
    }
    return false;
}

/// Parses one data line into \a batch. \returns false when it was skipped.
bool
TextSource::parse_row(std::string_view line, Batch &batch)
{
    if (!split(line, fields_)) {
        size_t index = fields_.size() - 1;
        return bad_row(index < columns_.size() ? columns_[index] : "#" + std::to_string(index + 1),
                       fields_.back(), "bad quoting");
    }
    if (fields_.size() < columns_.size()) {
        return bad_row(columns_[fields_.size()], "",
                       "missing field: the row has " + std::to_string(fields_.size())
                       + " fields, the header " + std::to_string(columns_.size()));
    }
    if (fields_.size() > columns_.size()) {
        return bad_row("#" + std::to_string(columns_.size() + 1), fields_[columns_.size()],
                       "extra field: the row has " + std::to_string(fields_.size())
                       + " fields, the header " + std::to_string(columns_.size()));
    }

    double y = 0.0, p = 0.0, error = 0.0;
    size_t true_index = 0, pred_index = 0;
    int32_t drug = fixed_drug_, cell = -1;
    for (size_t i = 0; i < fields_.size(); i++) {
        Role role = roles_[i];
        if (role == Role::True || role == Role::Pred || role == Role::Error) {
            double value;
            const char *problem = parse_number(fields_[i], value);
            if (*problem != '\0') {
                return bad_row(columns_[i], fields_[i], problem);
            }
            if (role == Role::True) {
                y = value;
                true_index = i;
            } else if (role == Role::Pred) {
                p = value;
                pred_index = i;
            } else {
                error = value;
            }
        } else if (!valid_utf8(fields_[i])) {
            return bad_row(columns_[i], fields_[i], "invalid UTF-8 (wrong encoding?)");
        } else if (role == Role::Drug) {
            drug = drugs_.intern(fields_[i]);
        } else if (role == Role::Cell) {
            cell = cells_.intern(fields_[i]);
        }
    }
    if (error_column_ >= 0 && !check_error_column(y, p, error, true_index, pred_index)) {
        return false;
    }
    batch.append(y, p, drug, cell);
    return true;
}

/// Checks Uno's AUCError against PredictedAUC - AUC. Uno (CANDLE
/// Benchmarks, Pilot1/Uno/uno_baseline_keras2.py) computes the error as
/// prediction minus truth and prints the three values with "%.4g", so they
/// may differ by half a unit in the last printed digit of each, plus the
/// rounding of the doubles. \returns false when the row was skipped.
bool
TextSource::check_error_column(double y, double p, double error, size_t true_index, size_t pred_index)
{
    size_t error_index = size_t(error_column_);
    double expected = p - y;
    double tolerance = half_unit_in_last_digit(fields_[true_index])
        + half_unit_in_last_digit(fields_[pred_index]) + half_unit_in_last_digit(fields_[error_index])
        + 1e-12 * (1.0 + std::fabs(y) + std::fabs(p));
    if (std::fabs(error - expected) <= tolerance) {
        return true;
    }
    char numbers[120];
    if (std::fabs(error + expected) <= tolerance) {
        std::snprintf(numbers, sizeof numbers, "%.6g", y - p);
        return bad_row(columns_[error_index], fields_[error_index],
                       "AUCError is AUC - PredictedAUC (" + std::string(numbers)
                       + "), but Uno and hedflow define it as PredictedAUC - AUC; check that the "
                         "AUC and PredictedAUC columns are not swapped");
    }
    std::snprintf(numbers, sizeof numbers, "%.6g (within %.2g)", expected, tolerance);
    return bad_row(columns_[error_index], fields_[error_index],
                   "AUCError differs from PredictedAUC - AUC = " + std::string(numbers));
}

bool
TextSource::next(Batch &batch, size_t max_rows)
{
    size_t added = 0;
    std::string_view line;
    while (added < max_rows && !range_done_) {
        if (plain_layout_) {
            size_t plain = read_plain_rows(batch, max_rows - added);
            if (plain > 0) {
                added += plain;
                has_rows_ = true;
                continue;
            }
        }
        if (!read_line(line)) {
            break;
        }
        if (line_start_ >= options_.range_end) {
            range_done_ = true;
            break;
        }
        // Blank lines are skipped, as pandas does.
        if (line.empty() || line.find_first_not_of(" \t") == std::string_view::npos) {
            continue;
        }
        if (parse_row(line, batch)) {
            added++;
        }
        has_rows_ = true;
    }
    if (added == 0 && !has_rows_ && options_.range_start == 0 && options_.range_end == UINT64_MAX) {
        has_rows_ = true;
        input_error("EMPTY", "no data rows in \"" + path_ + "\": the file has a header only");
    }
    return added > 0;
}

} // namespace internal

std::unique_ptr<RecordSource>
open_records(const std::string &path, const ReadOptions &options)
{
    if (is_hdf5_file(path)) {
        return open_hdf5_records(path, options);
    }
    return std::make_unique<internal::TextSource>(path, options);
}

} // namespace hed
