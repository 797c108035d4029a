/*
 * adlb_tcl.cc --
 *
 *	Entry point of the adlb package (namespace ::adlb).
 */
#include <tcl.h>

/*
 * Adlb_Init --
 *
 *	Entry point called by `load`.
 *
 *	Results:
 *	    TCL_OK, or TCL_ERROR when the Tcl stubs do not match.
 *
 *	Side effects:
 *	    Creates namespace ::adlb and provides package adlb.
 */
extern "C" int
Adlb_Init(Tcl_Interp *interp)
{
    if (Tcl_InitStubs(interp, "8.6", 0) == nullptr) {
        return TCL_ERROR;
    }
    if (Tcl_CreateNamespace(interp, "::adlb", nullptr, nullptr) == nullptr) {
        return TCL_ERROR;
    }
    // TODO: the queue and data store commands are not written yet.
    return Tcl_PkgProvide(interp, "adlb", PACKAGE_VERSION);
}
