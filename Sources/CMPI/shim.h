#include <mpi.h>

// MPI's handles are macros Swift cannot import (Open MPI's are addresses of its globals): functions instead.
static inline MPI_Comm zoo_mpi_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype zoo_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype zoo_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype zoo_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype zoo_mpi_int(void) { return MPI_INT; }
static inline MPI_Op zoo_mpi_sum(void) { return MPI_SUM; }
static inline void *zoo_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline MPI_Info zoo_mpi_info_null(void) { return MPI_INFO_NULL; }
