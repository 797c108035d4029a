// hdf5_io.cc -- hedflow's HDF5 files: result tables and records.
#include "hdf5_io.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <hdf5.h>
#include <unistd.h>

#include "error.h"

namespace hed {

std::vector<std::pair<std::string, std::string>>
conventions()
{
    return {
        {"format", "hedflow-hed 1"},
        {"error", "auc_pred - auc_true (positive: predicted more resistant than measured)"},
        {"sd_ddof", "1"},
        {"spearman_ties", "average ranks"},
        {"auc_ranges", "k equal-width ranges over [0, 1]; range i is [i/k, (i+1)/k), the last one closed at 1.0; "
                       "edges are the doubles nearest i/k, so a value written as 0.3 is in [0.3, 0.4); "
                       "AUC outside [0, 1] is counted in out_of_range"},
        {"r2_constant", "r2 of a constant auc_true is undefined (NaN)"},
        {"undefined", "NaN in numeric columns"},
    };
}

bool
is_hdf5_file(const std::string &path)
{
    int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) {
        return false;
    }
    unsigned char signature[8] = {0};
    ssize_t count = ::pread(fd, signature, sizeof signature, 0);
    ::close(fd);
    static const unsigned char expected[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    return count == 8 && std::memcmp(signature, expected, 8) == 0;
}

namespace internal {

/// Closes an HDF5 identifier when it goes out of scope.
class Handle {
public:
    Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
    ~Handle()
    {
        if (id_ >= 0) {
            close_(id_);
        }
    }
    Handle(const Handle &) = delete;
    Handle &operator=(const Handle &) = delete;
    hid_t get() const { return id_; }
    bool ok() const { return id_ >= 0; }

private:
    hid_t id_;
    herr_t (*close_)(hid_t);
};

/// Silences HDF5's own error printing: failures become hed::Error.
void
quiet()
{
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

[[noreturn]] void
fail(const char *kind, const std::string &path, const std::string &what)
{
    throw Error({"HED", "HDF5", kind, path}, "HDF5 " + std::string(kind == std::string("READ") ? "read" : "write")
                + " failed for \"" + path + "\": " + what);
}

hid_t
string_type()
{
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    return type;
}

void
write_string_attribute(hid_t object, const std::string &name, const std::string &text,
                       const std::string &path)
{
    Handle type(string_type(), H5Tclose);
    Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    Handle attribute(H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    const char *data = text.c_str();
    if (!attribute.ok() || H5Awrite(attribute.get(), type.get(), &data) < 0) {
        fail("WRITE", path, "attribute " + name);
    }
}

std::string
read_string_attribute(hid_t object, const std::string &name, const std::string &path)
{
    Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose);
    if (!attribute.ok()) {
        fail("READ", path, "attribute " + name + " not found");
    }
    Handle type(string_type(), H5Tclose);
    char *data = nullptr;
    if (H5Aread(attribute.get(), type.get(), &data) < 0 || data == nullptr) {
        fail("READ", path, "attribute " + name + " is not a string");
    }
    std::string text(data);
    H5free_memory(data);
    return text;
}

void
write_column(hid_t group, const Column &column, const std::string &path)
{
    hsize_t size = column.size();
    Handle space(H5Screate_simple(1, &size, nullptr), H5Sclose);
    if (column.is_text) {
        Handle type(string_type(), H5Tclose);
        Handle dataset(H5Dcreate2(group, column.name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                                  H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
        std::vector<const char *> data;
        for (const std::string &text : column.texts) {
            data.push_back(text.c_str());
        }
        if (!dataset.ok() || (size > 0 && H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL,
                                                    H5P_DEFAULT, data.data()) < 0)) {
            fail("WRITE", path, "column " + column.name);
        }
        return;
    }
    Handle dataset(H5Dcreate2(group, column.name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT,
                              H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
    if (!dataset.ok() || (size > 0 && H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                                                H5P_DEFAULT, column.reals.data()) < 0)) {
        fail("WRITE", path, "column " + column.name);
    }
}

/// Reads rows [first, first + count) of a one-dimensional dataset.
void
read_rows(hid_t dataset, hid_t memory_type, hsize_t first, hsize_t count, void *out,
          const std::string &path, const std::string &name)
{
    if (count == 0) {
        return;
    }
    Handle file_space(H5Dget_space(dataset), H5Sclose);
    H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &first, nullptr, &count, nullptr);
    Handle memory_space(H5Screate_simple(1, &count, nullptr), H5Sclose);
    if (H5Dread(dataset, memory_type, memory_space.get(), file_space.get(), H5P_DEFAULT, out) < 0) {
        fail("READ", path, "dataset " + name);
    }
}

void
read_texts(hid_t dataset, hsize_t first, hsize_t count, std::vector<std::string> &out,
           const std::string &path, const std::string &name)
{
    Handle type(string_type(), H5Tclose);
    std::vector<char *> data(count, nullptr);
    read_rows(dataset, type.get(), first, count, data.data(), path, name);
    for (char *text : data) {
        out.emplace_back(text != nullptr ? text : "");
        H5free_memory(text);
    }
}

hsize_t
dataset_rows(hid_t dataset)
{
    Handle space(H5Dget_space(dataset), H5Sclose);
    if (H5Sget_simple_extent_ndims(space.get()) != 1) {
        return hsize_t(-1);
    }
    hsize_t size;
    H5Sget_simple_extent_dims(space.get(), &size, nullptr);
    return size;
}

/// Creates the groups on the way to \a name ("a/b/c" creates a and a/b).
hid_t
create_group(hid_t file, const std::string &name, const std::string &path)
{
    size_t slash = 0;
    while ((slash = name.find('/', slash + 1)) != std::string::npos) {
        std::string parent = name.substr(0, slash);
        if (H5Lexists(file, parent.c_str(), H5P_DEFAULT) <= 0) {
            Handle group(H5Gcreate2(file, parent.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
            if (!group.ok()) {
                fail("WRITE", path, "group " + parent);
            }
        }
    }
    hid_t group = H5Gcreate2(file, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (group < 0) {
        fail("WRITE", path, "group " + name + " (is the table name repeated?)");
    }
    return group;
}

/// Records from the /records table, read a chunk of rows at a time.
class Hdf5Source : public RecordSource {
public:
    Hdf5Source(const std::string &path, const ReadOptions &options) : path_(path), options_(options)
    {
        quiet();
        file_ = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
        if (file_ < 0) {
            throw Error({"HED", "INPUT", "IO", path}, "cannot open HDF5 file \"" + path + "\"");
        }
        if (H5Lexists(file_, "records", H5P_DEFAULT) <= 0) {
            H5Fclose(file_);
            throw Error({"HED", "INPUT", "HEADER", path},
                        "no /records table in \"" + path + "\": it is not a records file written by hedflow");
        }
        for (const char *name : {"auc_true", "auc_pred", "drug", "cell"}) {
            std::string full = std::string("records/") + name;
            hid_t dataset = H5Lexists(file_, full.c_str(), H5P_DEFAULT) > 0
                ? H5Dopen2(file_, full.c_str(), H5P_DEFAULT) : -1;
            datasets_.push_back(dataset);
        }
        if (datasets_[0] < 0 || datasets_[1] < 0) {
            close();
            throw Error({"HED", "INPUT", "HEADER", path},
                        "the /records table of \"" + path + "\" lacks auc_true or auc_pred");
        }
        rows_ = dataset_rows(datasets_[0]);
        for (hid_t dataset : datasets_) {
            if (dataset >= 0 && dataset_rows(dataset) != rows_) {
                close();
                throw Error({"HED", "INPUT", "HEADER", path},
                            "the columns of /records in \"" + path + "\" differ in length");
            }
        }
        if (rows_ == 0) {
            close();
            throw Error({"HED", "INPUT", "EMPTY", path}, "no data rows in \"" + path + "\": /records is empty");
        }
        if (datasets_[2] < 0 && !options.drug.empty()) {
            fixed_drug_ = drugs_.intern(options.drug);
        }
    }
    ~Hdf5Source() override { close(); }

    Format format() const override { return Format::Hdf5; }
    const SkipReport &skipped() const override { return skipped_; }
    uint64_t rows_estimate() const override { return uint64_t(rows_ - position_); }

    bool next(Batch &batch, size_t max_rows) override
    {
        hsize_t count = std::min<hsize_t>(max_rows, rows_ - position_);
        if (count == 0) {
            return false;
        }
        std::vector<double> y(count), p(count);
        read_rows(datasets_[0], H5T_NATIVE_DOUBLE, position_, count, y.data(), path_, "records/auc_true");
        read_rows(datasets_[1], H5T_NATIVE_DOUBLE, position_, count, p.data(), path_, "records/auc_pred");
        std::vector<std::string> drugs, cells;
        if (datasets_[2] >= 0) {
            read_texts(datasets_[2], position_, count, drugs, path_, "records/drug");
        }
        if (datasets_[3] >= 0) {
            read_texts(datasets_[3], position_, count, cells, path_, "records/cell");
        }
        size_t added = 0;
        for (hsize_t i = 0; i < count; i++) {
            uint64_t row = position_ + i + 1;
            if (!std::isfinite(y[i]) || !std::isfinite(p[i])) {
                const char *column = std::isfinite(y[i]) ? "auc_pred" : "auc_true";
                std::string value = format_real(std::isfinite(y[i]) ? p[i] : y[i]);
                if (!options_.skip_bad) {
                    throw Error({"HED", "INPUT", "PARSE", path_, std::to_string(row)},
                                "invalid value \"" + value + "\" in column " + column + " at row "
                                + std::to_string(row) + " of \"" + path_ + "\": not a finite number"
                                + "; fix the row, or skip malformed rows (option -skip_bad 1, or --skip-bad of hed metrics)");
                }
                skipped_.skipped++;
                if (skipped_.examples.size() < options_.max_examples) {
                    skipped_.examples.push_back({row, column, value, "not a finite number"});
                }
                continue;
            }
            // An empty name is a record without a drug or cell line.
            int32_t drug = drugs.empty() || drugs[i].empty() ? fixed_drug_ : drugs_.intern(drugs[i]);
            int32_t cell = cells.empty() || cells[i].empty() ? -1 : cells_.intern(cells[i]);
            batch.append(y[i], p[i], drug, cell);
            added++;
        }
        position_ += count;
        return true;
    }

private:
    void close()
    {
        for (hid_t dataset : datasets_) {
            if (dataset >= 0) {
                H5Dclose(dataset);
            }
        }
        datasets_.clear();
        if (file_ >= 0) {
            H5Fclose(file_);
            file_ = -1;
        }
    }

    std::string path_;
    ReadOptions options_;
    hid_t file_ = -1;
    std::vector<hid_t> datasets_;
    hsize_t rows_ = 0;
    hsize_t position_ = 0;
    int32_t fixed_drug_ = -1;
    SkipReport skipped_;
};

} // namespace internal

void
write_hdf5(const std::string &path, const std::vector<Table> &tables)
{
    using internal::Handle;
    internal::quiet();
    std::string temporary = path + ".tmp" + std::to_string(::getpid());
    {
        Handle file(H5Fcreate(temporary.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
        if (!file.ok()) {
            internal::fail("WRITE", path, "cannot create " + temporary);
        }
        try {
            Handle root(H5Gopen2(file.get(), "/", H5P_DEFAULT), H5Gclose);
            for (const auto &convention : conventions()) {
                internal::write_string_attribute(root.get(), convention.first, convention.second, path);
            }
            for (const Table &table : tables) {
                Handle group(internal::create_group(file.get(), table.name(), path), H5Gclose);
                std::string names;
                for (const Column &column : table.columns()) {
                    internal::write_column(group.get(), column, path);
                    names += (names.empty() ? "" : " ") + column.name;
                }
                internal::write_string_attribute(group.get(), "columns", names, path);
            }
        } catch (...) {
            std::remove(temporary.c_str());
            throw;
        }
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        std::remove(temporary.c_str());
        internal::fail("WRITE", path, std::string("rename failed: ") + std::strerror(errno));
    }
}

Table
read_hdf5_table(const std::string &path, const std::string &name)
{
    using internal::Handle;
    internal::quiet();
    Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!file.ok()) {
        internal::fail("READ", path, "cannot open the file");
    }
    if (H5Lexists(file.get(), name.c_str(), H5P_DEFAULT) <= 0) {
        internal::fail("READ", path, "no table \"" + name + "\"");
    }
    Handle group(H5Gopen2(file.get(), name.c_str(), H5P_DEFAULT), H5Gclose);
    if (!group.ok()) {
        internal::fail("READ", path, "\"" + name + "\" is not a table");
    }
    Table table(name);
    std::string names = internal::read_string_attribute(group.get(), "columns", path);
    size_t start = 0;
    while (start < names.size()) {
        size_t stop = names.find(' ', start);
        std::string column = names.substr(start, stop == std::string::npos ? std::string::npos : stop - start);
        start = stop == std::string::npos ? names.size() : stop + 1;
        Handle dataset(H5Dopen2(group.get(), column.c_str(), H5P_DEFAULT), H5Dclose);
        if (!dataset.ok()) {
            internal::fail("READ", path, "column " + name + "/" + column + " not found");
        }
        hsize_t rows = internal::dataset_rows(dataset.get());
        Handle type(H5Dget_type(dataset.get()), H5Tclose);
        if (H5Tget_class(type.get()) == H5T_STRING) {
            std::vector<std::string> texts;
            internal::read_texts(dataset.get(), 0, rows, texts, path, column);
            table.add_texts(column, std::move(texts));
        } else {
            std::vector<double> reals(rows);
            internal::read_rows(dataset.get(), H5T_NATIVE_DOUBLE, 0, rows, reals.data(), path, column);
            table.add_reals(column, std::move(reals));
        }
    }
    return table;
}

namespace internal {

herr_t
collect_tables(hid_t object, const char *name, const H5O_info_t *info, void *data)
{
    if (info->type != H5O_TYPE_GROUP || std::strcmp(name, ".") == 0) {
        return 0;
    }
    if (H5Aexists_by_name(object, name, "columns", H5P_DEFAULT) > 0) {
        static_cast<std::vector<std::string> *>(data)->push_back(name);
    }
    return 0;
}

} // namespace internal

std::vector<std::string>
list_hdf5_tables(const std::string &path)
{
    using internal::Handle;
    internal::quiet();
    Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!file.ok()) {
        internal::fail("READ", path, "cannot open the file");
    }
    std::vector<std::string> names;
    if (H5Ovisit(file.get(), H5_INDEX_CRT_ORDER, H5_ITER_INC, internal::collect_tables, &names) < 0) {
        names.clear();
        H5Ovisit(file.get(), H5_INDEX_NAME, H5_ITER_INC, internal::collect_tables, &names);
    }
    return names;
}

std::vector<std::pair<std::string, std::string>>
read_hdf5_attributes(const std::string &path)
{
    using internal::Handle;
    internal::quiet();
    Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!file.ok()) {
        internal::fail("READ", path, "cannot open the file");
    }
    Handle root(H5Gopen2(file.get(), "/", H5P_DEFAULT), H5Gclose);
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto &convention : conventions()) {
        if (H5Aexists(root.get(), convention.first.c_str()) > 0) {
            out.emplace_back(convention.first,
                             internal::read_string_attribute(root.get(), convention.first, path));
        }
    }
    return out;
}

std::unique_ptr<RecordSource>
open_hdf5_records(const std::string &path, const ReadOptions &options)
{
    return std::make_unique<internal::Hdf5Source>(path, options);
}

} // namespace hed
