# zero.tcl --
#
#	A run of zero tasks: init, then every worker's first get ends the run.

package require adlb
adlb::init
if {[adlb::am_server]} {
    adlb::server
} else {
    adlb::get
}
