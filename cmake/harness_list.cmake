# SPDX-License-Identifier: MIT
# cmake -DEXE=<test program> -DOUT=<file> -P harness_list.cmake: the program's
# case names (`EXE --list`) into OUT, for harness_add_tests().
execute_process(COMMAND ${EXE} --list OUTPUT_VARIABLE names RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
	message(FATAL_ERROR "${EXE} --list failed (${rc})")
endif()
file(WRITE ${OUT} "${names}")
