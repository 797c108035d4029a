/* hed.i -- SWIG interface of the hed package (Tcl namespace hed_core,
 * wrapped by the procs of hed.tcl in namespace hed).
 *
 * The exposed API is listed explicitly below. hed::Value results become
 * Tcl dicts and lists (null becomes an empty string); Tcl lists become
 * std::vector arguments. %exception turns a hed::Error into a Tcl error
 * with its message and error code (such as {HED INPUT PARSE file line}),
 * so no C++ exception reaches Tcl. */
%module hed_core

%{
#include <new>
#include "api.h"
#include "error.h"
#include "version.h"

/* Strings cross between Tcl and C++ in the system encoding, the form of
 * file names and of the bytes the C++ side reads and writes. Tcl 8.6
 * keeps a character beyond U+FFFF (an emoji in a folder name) as two
 * surrogates internally, and only a conversion turns it back into its
 * 4-byte form. Both directions use the same encoding, so a string survives
 * a round trip in any locale. ASCII, the common case, needs no conversion. */
static bool
hed_is_ascii(const char *bytes, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        if ((unsigned char) bytes[i] >= 0x80) {
            return false;
        }
    }
    return true;
}

static std::string
hed_external(Tcl_Obj *obj)
{
    int length = 0;
    const char *bytes = Tcl_GetStringFromObj(obj, &length);
    if (hed_is_ascii(bytes, (size_t) length)) {
        return std::string(bytes, (size_t) length);
    }
    Tcl_DString buffer;
    Tcl_UtfToExternalDString(NULL, bytes, length, &buffer);
    std::string out(Tcl_DStringValue(&buffer), (size_t) Tcl_DStringLength(&buffer));
    Tcl_DStringFree(&buffer);
    return out;
}

static Tcl_Obj *
hed_new_string(const std::string &text)
{
    if (hed_is_ascii(text.data(), text.size())) {
        return Tcl_NewStringObj(text.data(), (int) text.size());
    }
    Tcl_DString buffer;
    Tcl_ExternalToUtfDString(NULL, text.data(), (int) text.size(), &buffer);
    Tcl_Obj *out = Tcl_NewStringObj(Tcl_DStringValue(&buffer), Tcl_DStringLength(&buffer));
    Tcl_DStringFree(&buffer);
    return out;
}

/* Returns a new Tcl object for value (reference count 0). */
static Tcl_Obj *
hed_value_to_tcl(const hed::Value &value)
{
    switch (value.kind()) {
    case hed::Value::Kind::Null:
        return Tcl_NewObj();
    case hed::Value::Kind::Integer:
        return Tcl_NewWideIntObj((Tcl_WideInt) value.as_integer());
    case hed::Value::Kind::Real:
        return Tcl_NewDoubleObj(value.as_real());
    case hed::Value::Kind::String:
        return hed_new_string(value.as_string());
    case hed::Value::Kind::List: {
        Tcl_Obj *list = Tcl_NewListObj(0, NULL);
        for (const hed::Value &item : value.items()) {
            Tcl_ListObjAppendElement(NULL, list, hed_value_to_tcl(item));
        }
        return list;
    }
    case hed::Value::Kind::Dict: {
        Tcl_Obj *dict = Tcl_NewDictObj();
        for (const auto &entry : value.entries()) {
            Tcl_DictObjPut(NULL, dict, hed_new_string(entry.first), hed_value_to_tcl(entry.second));
        }
        return dict;
    }
    }
    return Tcl_NewObj();
}

/* Sets the interpreter's result and error code from a C++ error. */
static void
hed_set_error(Tcl_Interp *interp, const char *message, const std::vector<std::string> &code)
{
    Tcl_Obj *list = Tcl_NewListObj(0, NULL);
    for (const std::string &word : code) {
        Tcl_ListObjAppendElement(NULL, list, hed_new_string(word));
    }
    Tcl_SetObjResult(interp, hed_new_string(message));
    Tcl_SetObjErrorCode(interp, list);
}
%}

%include <std_string.i>

%typemap(out) hed::Value {
    Tcl_SetObjResult(interp, hed_value_to_tcl($1));
}

%typemap(out) hed::api::RealList {
    Tcl_Obj *list = Tcl_NewListObj(0, NULL);
    const hed::api::RealList &numbers = $1;
    for (double number : numbers) {
        Tcl_ListObjAppendElement(NULL, list, Tcl_NewDoubleObj(number));
    }
    Tcl_SetObjResult(interp, list);
}

%typemap(out) hed::api::StringList {
    Tcl_Obj *list = Tcl_NewListObj(0, NULL);
    const hed::api::StringList &words = $1;
    for (const std::string &word : words) {
        Tcl_ListObjAppendElement(NULL, list, hed_new_string(word));
    }
    Tcl_SetObjResult(interp, list);
}

%typemap(in) const std::string & (std::string text) {
    text = hed_external($input);
    $1 = &text;
}
%typemap(freearg) const std::string & "";
%typemap(in) std::string {
    $1 = hed_external($input);
}
%typemap(freearg) std::string "";
%typemap(out) std::string {
    Tcl_SetObjResult(interp, hed_new_string($1));
}

%typemap(in) const hed::api::StringList & (hed::api::StringList words) {
    int count;
    Tcl_Obj **items;
    if (Tcl_ListObjGetElements(interp, $input, &count, &items) != TCL_OK) {
        SWIG_fail;
    }
    for (int i = 0; i < count; i++) {
        words.push_back(hed_external(items[i]));
    }
    $1 = &words;
}
%typemap(typecheck) const hed::api::StringList & "$1 = 1;"

%typemap(in) const hed::api::RealList & (hed::api::RealList numbers) {
    int count;
    Tcl_Obj **items;
    if (Tcl_ListObjGetElements(interp, $input, &count, &items) != TCL_OK) {
        SWIG_fail;
    }
    numbers.reserve(count);
    for (int i = 0; i < count; i++) {
        double number;
        if (Tcl_GetDoubleFromObj(interp, items[i], &number) != TCL_OK) {
            SWIG_fail;
        }
        numbers.push_back(number);
    }
    $1 = &numbers;
}

%exception {
    try {
        $action
    } catch (const hed::Error &error) {
        hed_set_error(interp, error.what(), error.code());
        SWIG_fail;
    } catch (const std::bad_alloc &) {
        hed_set_error(interp, "out of memory", {"HED", "MEMORY"});
        SWIG_fail;
    } catch (const std::exception &error) {
        hed_set_error(interp, error.what(), {"HED", "INTERNAL"});
        SWIG_fail;
    }
}

namespace hed {
class Value;
std::string version();

namespace api {
typedef std::vector<std::string> StringList;
typedef std::vector<double> RealList;

Value metrics(const std::string &path, const StringList &options);
Value metrics_line(const std::string &path, const std::string &format,
                   const StringList &options);
std::string metrics_csv_header(const StringList &options);

std::string partial_file(const std::string &path, const StringList &options);
std::string partial_values(const RealList &auc_true, const RealList &auc_pred,
                           const StringList &options);
std::string partial_merge(const StringList &partials);
Value partial_result(const std::string &partial);

Value group_stats(const StringList &paths, const std::string &by, const StringList &options);
RealList error_zscores(const StringList &paths, bool within_drug, const StringList &options);
Value standardized_scores(const StringList &names, const RealList &values, int top, double threshold);
Value cell_ranking(const StringList &paths, int k, const StringList &options);

RealList quantiles(const RealList &values, const RealList &probabilities);
Value histogram(const RealList &values, double low, double high, int bins);
Value normality_test(const RealList &values);
Value qq_points(const RealList &values);
RealList bootstrap_replicates(const RealList &auc_true, const RealList &auc_pred, long long seed,
                              long long first, long long count);
Value bootstrap_interval(const RealList &replicates, double level);

Value analysis(const StringList &paths, const StringList &options);
Value csa(const std::string &root, const StringList &options);
Value study_pairs(const StringList &folders);
Value write_analysis(const StringList &paths, const std::string &folder, const StringList &options);
Value write_csa(const std::string &root, const std::string &folder, const StringList &options);

void write_records(const std::string &hdf5_path, const StringList &paths, const StringList &options);
Value read_table(const std::string &hdf5_path, const std::string &name);
StringList list_tables(const std::string &hdf5_path);
Value hdf5_attributes(const std::string &hdf5_path);
bool gnuplot_available();

Value file_statistics(const std::string &path, const StringList &options);
RealList bootstrap_file(const std::string &path, long long seed, long long first, long long count,
                        const StringList &options);
Value write_tables(const StringList &names, const StringList &csv_texts, const std::string &hdf5_path,
                   const std::string &csv_folder, const std::string &plot_folder, bool plots);

Value lodo_drugs(const StringList &responses, const std::string &drugs, const std::string &fingerprints);
long long lodo_run(const StringList &responses, const std::string &drugs, const std::string &fingerprints,
                   int index, int k, const std::string &path);
double lodo_similarity(const StringList &responses, const std::string &drugs,
                       const std::string &fingerprints, int first, int second);
}
}
