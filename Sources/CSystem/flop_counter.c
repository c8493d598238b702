#include "include/zoo_system.h"

static _Thread_local long flops_of_this_thread;

long *zoo_thread_flop_count(void) { return &flops_of_this_thread; }
