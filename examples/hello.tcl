# hello.tcl --
#
#	The smallest hedflow workflow: every rank prints one line with its rank,
#	the number of ranks and its host. Run it with
#
#	    hedflow -n 4 examples/hello.tcl

package require mpi

mpi::init
set rank [mpi::comm_rank mpi::comm_world]
set size [mpi::comm_size mpi::comm_world]
puts "hello from rank $rank of $size on [info hostname]"
mpi::finalize
