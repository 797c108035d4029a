# Autoconf checks for hedflow's dependencies. Each check stops configure with
# the name of the Debian package to install when its dependency is missing.

# HF_CHECK_CXX17: make sure $CXX compiles C++17, adding -std=c++17 if needed.
AC_DEFUN([HF_CHECK_CXX17], [
  AC_MSG_CHECKING([whether $CXX compiles C++17])
  AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <optional>
#include <string_view>]], [[std::optional<std::string_view> v; if constexpr (true) { return v.has_value(); }]])],
    [AC_MSG_RESULT([yes])],
    [CXXFLAGS="$CXXFLAGS -std=c++17"
     AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <optional>]], [[std::optional<int> v; return v.has_value();]])],
       [AC_MSG_RESULT([with -std=c++17])],
       [AC_MSG_RESULT([no])
        AC_MSG_ERROR([a C++17 compiler is required; install the Debian package g++])])])
])

# HF_CHECK_TCL: read tclConfig.sh and substitute TCL_VERSION, TCL_INCLUDE_SPEC,
# TCL_STUB_LIB_SPEC and TCLSH. --with-tcl=DIR names the folder of tclConfig.sh.
AC_DEFUN([HF_CHECK_TCL], [
  AC_ARG_WITH([tcl],
    [AS_HELP_STRING([--with-tcl=DIR], [folder that contains tclConfig.sh])],
    [], [with_tcl=""])
  AC_MSG_CHECKING([for tclConfig.sh])
  hf_tcl_config=""
  for hf_dir in $with_tcl /usr/lib/tcl8.6 /usr/lib/x86_64-linux-gnu/tcl8.6 \
      /usr/lib/aarch64-linux-gnu/tcl8.6 /usr/local/lib /usr/lib64 /usr/lib; do
    if test -f "$hf_dir/tclConfig.sh"; then
      hf_tcl_config="$hf_dir/tclConfig.sh"
      break
    fi
  done
  AS_IF([test -z "$hf_tcl_config"],
    [AC_MSG_RESULT([no])
     AC_MSG_ERROR([tclConfig.sh was not found; install the Debian package tcl8.6-dev or pass --with-tcl=DIR])])
  AC_MSG_RESULT([$hf_tcl_config])
  . "$hf_tcl_config"
  AS_CASE([$TCL_VERSION],
    [8.6|8.7|9.*], [],
    [AC_MSG_ERROR([Tcl $TCL_VERSION is too old, 8.6 or newer is required; install the Debian package tcl8.6-dev])])
  TCL_INCLUDE_SPEC=`eval echo "$TCL_INCLUDE_SPEC"`
  TCL_STUB_LIB_SPEC=`eval echo "$TCL_STUB_LIB_SPEC"`
  AC_SUBST([TCL_VERSION])
  AC_SUBST([TCL_INCLUDE_SPEC])
  AC_SUBST([TCL_STUB_LIB_SPEC])

  hf_save_CPPFLAGS=$CPPFLAGS
  CPPFLAGS="$CPPFLAGS $TCL_INCLUDE_SPEC"
  AC_CHECK_HEADER([tcl.h], [],
    [AC_MSG_ERROR([tcl.h was not found; install the Debian package tcl8.6-dev])])
  CPPFLAGS=$hf_save_CPPFLAGS

  AC_PATH_PROGS([TCLSH], [tclsh$TCL_VERSION tclsh], [no],
    [$TCL_EXEC_PREFIX/bin$PATH_SEPARATOR$PATH])
  AS_IF([test "x$TCLSH" = xno],
    [AC_MSG_ERROR([tclsh was not found; install the Debian package tcl$TCL_VERSION])])

  AC_MSG_CHECKING([for tcllib (json, cmdline)])
  AS_IF([echo 'package require json; package require cmdline; exit 0' | "$TCLSH" >/dev/null 2>&1],
    [AC_MSG_RESULT([yes])],
    [AC_MSG_RESULT([no])
     AC_MSG_ERROR([tcllib was not found by $TCLSH; install the Debian package tcllib])])
])

# HF_CHECK_MPI: pick one MPI and substitute MPI_CFLAGS, MPI_LIBS, MPICC,
# MPIEXEC and MPI_FLAVOR (mpich, openmpi or other).
# --with-mpi=mpich|openmpi|DIR; with no choice, MPICH wins when both exist.
AC_DEFUN([HF_CHECK_MPI], [
  AC_ARG_WITH([mpi],
    [AS_HELP_STRING([--with-mpi=mpich|openmpi|DIR],
      [MPI to build with: Debian's MPICH (the default when installed), Debian's Open MPI, or an installation folder that holds bin/mpicc and bin/mpiexec])],
    [], [with_mpi=auto])

  AS_CASE([$with_mpi],
    [auto|yes],
      [AS_IF([command -v mpicc.mpich >/dev/null 2>&1], [with_mpi=mpich],
             [command -v mpicc.openmpi >/dev/null 2>&1], [with_mpi=openmpi],
             [AC_MSG_ERROR([no MPI was found; install the Debian packages mpich and libmpich-dev (or openmpi-bin and libopenmpi-dev)])])])

  AS_CASE([$with_mpi],
    [mpich],
      [MPI_FLAVOR=mpich
       AC_PATH_PROGS([MPICC], [mpicc.mpich], [no])
       AC_PATH_PROGS([MPIEXEC], [mpiexec.mpich mpiexec.hydra], [no])
       hf_mpi_package="mpich and libmpich-dev"],
    [openmpi],
      [MPI_FLAVOR=openmpi
       AC_PATH_PROGS([MPICC], [mpicc.openmpi], [no])
       AC_PATH_PROGS([MPIEXEC], [mpiexec.openmpi mpirun.openmpi], [no])
       hf_mpi_package="openmpi-bin and libopenmpi-dev"],
    [no],
      [AC_MSG_ERROR([hedflow needs an MPI; --without-mpi is not supported])],
    [AS_IF([test -x "$with_mpi/bin/mpicc" && test -x "$with_mpi/bin/mpiexec"],
       [MPICC="$with_mpi/bin/mpicc"
        MPIEXEC="$with_mpi/bin/mpiexec"],
       [AC_MSG_ERROR([--with-mpi=$with_mpi: expected mpich, openmpi, or a folder that holds bin/mpicc and bin/mpiexec])])
     hf_mpi_package="mpich and libmpich-dev"
     AC_MSG_CHECKING([which MPI $MPIEXEC belongs to])
     AS_IF([$MPIEXEC --version 2>&1 | grep -qi "open mpi\|open-rte\|openrte"], [MPI_FLAVOR=openmpi],
           [$MPIEXEC --version 2>&1 | grep -qi "hydra\|mpich"], [MPI_FLAVOR=mpich],
           [MPI_FLAVOR=other])
     AC_MSG_RESULT([$MPI_FLAVOR])])

  AS_IF([test "x$MPICC" = xno || test "x$MPIEXEC" = xno],
    [AC_MSG_ERROR([the $with_mpi compiler wrapper or mpiexec was not found; install the Debian packages $hf_mpi_package])])

  # Ask the C wrapper for its flags: the packages use the C API only, so the
  # C++ bindings library (mpichcxx, mpi_cxx) is not needed.
  AC_MSG_CHECKING([for MPI compile and link flags])
  AS_IF([test "x$MPI_FLAVOR" = xopenmpi],
    [MPI_CFLAGS=`$MPICC --showme:compile`
     MPI_LIBS=`$MPICC --showme:link`],
    [MPI_CFLAGS=`$MPICC -compile-info | sed 's/^[[^ ]]* *//'`
     MPI_LIBS=`$MPICC -link-info | sed 's/^[[^ ]]* *//'`
     MPI_CFLAGS=`for hf_word in $MPI_CFLAGS; do case $hf_word in -I*|-D*|-pthread) printf '%s ' "$hf_word";; esac; done`
     MPI_LIBS=`for hf_word in $MPI_LIBS; do case $hf_word in -L*|-l*|-pthread|-Wl,-rpath*) printf '%s ' "$hf_word";; esac; done`])
  # The packages are C++ but call MPI's C API; these keep mpi.h from
  # pulling in the deprecated C++ bindings, which need another library.
  MPI_CFLAGS="$MPI_CFLAGS -DOMPI_SKIP_MPICXX=1 -DMPICH_SKIP_MPICXX=1"
  AC_MSG_RESULT([$MPI_CFLAGS $MPI_LIBS])

  hf_save_CPPFLAGS=$CPPFLAGS
  hf_save_LIBS=$LIBS
  CPPFLAGS="$CPPFLAGS $MPI_CFLAGS"
  LIBS="$MPI_LIBS $LIBS"
  AC_MSG_CHECKING([whether an MPI program links])
  AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <mpi.h>]], [[int argc = 0; char **argv = 0; MPI_Init(&argc, &argv); MPI_Finalize();]])],
    [AC_MSG_RESULT([yes])],
    [AC_MSG_RESULT([no])
     AC_MSG_ERROR([an MPI program failed to compile or link with $MPICC's flags; install the Debian packages $hf_mpi_package])])
  CPPFLAGS=$hf_save_CPPFLAGS
  LIBS=$hf_save_LIBS

  AC_SUBST([MPI_FLAVOR])
  AC_SUBST([MPI_CFLAGS])
  AC_SUBST([MPI_LIBS])
  AC_SUBST([MPICC])
  AC_SUBST([MPIEXEC])
])

# HF_CHECK_EIGEN: substitute EIGEN_CFLAGS.
AC_DEFUN([HF_CHECK_EIGEN], [
  PKG_PROG_PKG_CONFIG
  EIGEN_CFLAGS=`$PKG_CONFIG --cflags eigen3 2>/dev/null || echo -I/usr/include/eigen3`
  hf_save_CPPFLAGS=$CPPFLAGS
  CPPFLAGS="$CPPFLAGS $EIGEN_CFLAGS"
  AC_CHECK_HEADER([Eigen/Dense], [],
    [AC_MSG_ERROR([Eigen was not found; install the Debian package libeigen3-dev])])
  CPPFLAGS=$hf_save_CPPFLAGS
  AC_SUBST([EIGEN_CFLAGS])
])

# HF_CHECK_BOOST_MATH: Boost.Math is header-only; make sure its headers exist.
AC_DEFUN([HF_CHECK_BOOST_MATH], [
  AC_CHECK_HEADER([boost/math/distributions/normal.hpp], [],
    [AC_MSG_ERROR([Boost.Math was not found; install the Debian package libboost-dev])])
])

# HF_CHECK_HDF5: substitute HDF5_CFLAGS and HDF5_LIBS, and H5DUMP for tests.
AC_DEFUN([HF_CHECK_HDF5], [
  PKG_CHECK_MODULES([HDF5], [hdf5], [],
    [AC_MSG_ERROR([HDF5 was not found; install the Debian package libhdf5-dev])])
  hf_save_CPPFLAGS=$CPPFLAGS
  hf_save_LIBS=$LIBS
  CPPFLAGS="$CPPFLAGS $HDF5_CFLAGS"
  LIBS="$HDF5_LIBS $LIBS"
  AC_MSG_CHECKING([whether an HDF5 program links])
  AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <hdf5.h>]], [[return H5open() < 0;]])],
    [AC_MSG_RESULT([yes])],
    [AC_MSG_RESULT([no])
     AC_MSG_ERROR([an HDF5 program failed to link with $HDF5_LIBS; install the Debian package libhdf5-dev])])
  CPPFLAGS=$hf_save_CPPFLAGS
  LIBS=$hf_save_LIBS
  AC_PATH_PROG([H5DUMP], [h5dump], [no])
  AS_IF([test "x$H5DUMP" = xno],
    [AC_MSG_ERROR([h5dump was not found; install the Debian package hdf5-tools])])
])

# HF_CHECK_SWIG: substitute SWIG (version 3 or newer, with Tcl support).
AC_DEFUN([HF_CHECK_SWIG], [
  AC_PATH_PROGS([SWIG], [swig4.0 swig], [no])
  AS_IF([test "x$SWIG" = xno],
    [AC_MSG_ERROR([SWIG was not found; install the Debian package swig])])
  AC_MSG_CHECKING([SWIG version])
  hf_swig_version=`$SWIG -version 2>/dev/null | sed -n 's/^SWIG Version \([[0-9.]]*\).*/\1/p'`
  AC_MSG_RESULT([$hf_swig_version])
  AS_CASE([$hf_swig_version],
    [[[34]].*], [],
    [AC_MSG_ERROR([SWIG $hf_swig_version is too old, 3.0 or newer is required; install the Debian package swig])])
])

# HF_CHECK_PYTHON: substitute PYTHON_CFLAGS and PYTHON_LIBS for embedding
# Python (python3-config --embed). Debian's /usr/bin/python3-config comes
# first, so a python3 earlier on PATH (pyenv, conda) does not replace the
# libpython3-dev that the python package is built against.
AC_DEFUN([HF_CHECK_PYTHON], [
  AC_PATH_PROGS([PYTHON3_CONFIG], [python3-config], [no], [/usr/bin$PATH_SEPARATOR$PATH])
  AS_IF([test "x$PYTHON3_CONFIG" = xno],
    [AC_MSG_ERROR([python3-config was not found; install the Debian package libpython3-dev])])
  AC_MSG_CHECKING([for Python embedding flags])
  PYTHON_CFLAGS=`$PYTHON3_CONFIG --includes 2>/dev/null`
  PYTHON_LIBS=`$PYTHON3_CONFIG --embed --ldflags 2>/dev/null`
  AS_IF([test -z "$PYTHON_CFLAGS" || test -z "$PYTHON_LIBS"],
    [AC_MSG_RESULT([no])
     AC_MSG_ERROR([$PYTHON3_CONFIG --embed failed (Python 3.8 or newer is required); install the Debian package libpython3-dev])])
  AC_MSG_RESULT([$PYTHON_CFLAGS $PYTHON_LIBS])

  hf_save_CPPFLAGS=$CPPFLAGS
  hf_save_LIBS=$LIBS
  CPPFLAGS="$CPPFLAGS $PYTHON_CFLAGS"
  LIBS="$PYTHON_LIBS $LIBS"
  AC_MSG_CHECKING([whether a program that embeds Python links])
  AC_LINK_IFELSE([AC_LANG_PROGRAM([[#define PY_SSIZE_T_CLEAN
#include <Python.h>]], [[PyConfig config; PyConfig_InitPythonConfig(&config); return Py_IsInitialized();]])],
    [AC_MSG_RESULT([yes])],
    [AC_MSG_RESULT([no])
     AC_MSG_ERROR([a program that embeds Python failed to link with $PYTHON_LIBS; install the Debian package libpython3-dev])])
  CPPFLAGS=$hf_save_CPPFLAGS
  LIBS=$hf_save_LIBS
  AC_SUBST([PYTHON_CFLAGS])
  AC_SUBST([PYTHON_LIBS])
])
