/* hed.i -- SWIG interface of the hed package: the exposed API, listed
 * explicitly. C++ exceptions become Tcl errors carrying their message. */
%module hed

%{
#include "version.h"
%}

%include <std_string.i>

%exception {
    try {
        $action
    } catch (const std::exception &error) {
        Tcl_SetObjResult(interp, Tcl_NewStringObj(error.what(), -1));
        SWIG_fail;
    }
}

namespace hed {
std::string version();
}
