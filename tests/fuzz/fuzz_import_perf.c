// SPDX-License-Identifier: MIT
/*
 * Fuzz target for the perf-script text importer: the checks of
 * fuzz_import_ftrace.c, with the perf-script line parser.
 */
#define FUZZ_IMPORT_FORMAT TRACEFMT_IMPORT_PERF_SCRIPT
#include "fuzz_import_ftrace.c"
