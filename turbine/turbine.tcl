# turbine.tcl --
#
#	The turbine package: workflows as plain Tcl scripts run on every MPI
#	rank. pkgIndex.tcl sets turbine::version before sourcing this file.

namespace eval turbine {}

# TODO: roles, tasks, futures and apps are not written yet.
package provide turbine $turbine::version
