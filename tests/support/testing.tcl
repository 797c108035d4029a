# testing.tcl --
#
#	Sourced first by every test file. It loads tcltest, declares the
#	constraints shared by all files and, under the driver (all.tcl), sends
#	each rank's tcltest report to its own log so the driver can combine
#	the ranks. A file run by hand with tclsh or mpiexec reports as usual.
#
#	Constraints:
#	    improveData   ../shared/data/improve-lgbm-csa is present
#	    drugcellData  ../shared/data/drugcell is present
#	    reference     /usr/bin/python3 with pandas and SciPy is present,
#	                  declared by testing::declareReference
#	    openmpi, mpich   the MPI the build was configured with

package require Tcl 8.6
package require tcltest 2.5
namespace import ::tcltest::*

namespace eval testing {
    variable testDir [expr {[info exists ::env(HEDFLOW_TEST_DIR)]
        ? $::env(HEDFLOW_TEST_DIR) : [file dirname [file dirname [file normalize [info script]]]]}]
    variable sourceDir [file dirname $testDir]

    # Data shared by all developers lives beside the checkout and is read in
    # place; HEDFLOW_SHARED points elsewhere when it is not.
    variable sharedDir [expr {[info exists ::env(HEDFLOW_SHARED)]
        ? $::env(HEDFLOW_SHARED) : [file join [file dirname $sourceDir] shared]}]
    variable dataDir [file join $sharedDir data]
    variable referenceScript [file join $sharedDir reference hed_reference.py]

    variable launcher [expr {[info exists ::env(HEDFLOW_LAUNCHER_PATH)]
        ? $::env(HEDFLOW_LAUNCHER_PATH) : [file join $sourceDir scripts hedflow]}]
}

# testing::worldRank --
#
#	Returns this process's rank in MPI_COMM_WORLD as the launcher reports
#	it in the environment, before MPI is initialized; 0 when run serially.
proc testing::worldRank {} {
    foreach name {PMI_RANK OMPI_COMM_WORLD_RANK PMIX_RANK SLURM_PROCID} {
        if {[info exists ::env($name)] && [string is integer -strict $::env($name)]} {
            return $::env($name)
        }
    }
    return 0
}

# testing::worldSize --
#
#	Returns the number of ranks the launcher started, 1 when run serially.
proc testing::worldSize {} {
    foreach name {PMI_SIZE OMPI_COMM_WORLD_SIZE SLURM_NTASKS} {
        if {[info exists ::env($name)] && [string is integer -strict $::env($name)]} {
            return $::env($name)
        }
    }
    return 1
}

# testing::mpiFlavor --
#
#	Returns mpich, openmpi or other, read from the launcher script.
proc testing::mpiFlavor {} {
    variable launcher
    if {[catch {open $launcher r} channel]} {
        return other
    }
    set text [read $channel]
    close $channel
    if {[regexp {mpi_flavor="([a-z]+)"} $text -> flavor]} {
        return $flavor
    }
    return other
}

if {[info exists ::env(HEDFLOW_TEST_LOGDIR)]} {
    # Both reports open the file in append mode, so their lines interleave
    # in the order they were written.
    set testing::log [file join $::env(HEDFLOW_TEST_LOGDIR) rank[testing::worldRank].log]
    ::tcltest::configure -outfile $testing::log -errfile $testing::log
}

testConstraint improveData [file isdirectory [file join $testing::dataDir improve-lgbm-csa]]
testConstraint drugcellData [file isdirectory [file join $testing::dataDir drugcell]]

# testing::declareReference --
#
#	Declares the constraint "reference". Importing pandas takes a while, so
#	only the files that compare against the reference script call this.
proc testing::declareReference {} {
    variable referenceScript
    testConstraint reference [expr {[file executable /usr/bin/python3]
        && [file exists $referenceScript]
        && ![catch {exec /usr/bin/python3 -c "import pandas, scipy"}]}]
}
testConstraint openmpi [expr {[testing::mpiFlavor] eq "openmpi"}]
testConstraint mpich [expr {[testing::mpiFlavor] eq "mpich"}]
