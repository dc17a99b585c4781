# SPDX-License-Identifier: MIT
# Run at build time (cmake -P): the manual page OUT of buddyscope (CMD empty)
# or of `buddyscope CMD`, made by help2man from the --help text, so a page
# never says other than the program. The NAME line of a command is its
# summary in `buddyscope help`.
# -DEXE=binary -DCMD=command -DOUT=file.1 -DVERSION=x.y.z -DHELP2MAN=path
if(CMD STREQUAL "")
	set(prog buddyscope)
	set(help_opt "--help")
	set(name "capture, replay and render what the Linux page allocator did")
else()
	set(prog buddyscope-${CMD})
	set(help_opt "${CMD} --help")
	execute_process(COMMAND ${EXE} help OUTPUT_VARIABLE all RESULT_VARIABLE rc)
	if(NOT rc EQUAL 0)
		message(FATAL_ERROR "${EXE} help failed")
	endif()
	string(REGEX MATCH "\n  ${CMD} +([^\n]*)" line "${all}")
	set(name "${CMAKE_MATCH_1}")
	if(name STREQUAL "")
		message(FATAL_ERROR "'${CMD}' is not in the command list of `buddyscope help`")
	endif()
endif()
file(WRITE "${OUT}.see-also" "[SEE ALSO]\nbuddyscope(1); `buddyscope help COMMAND` prints what each page shows.\n")
execute_process(COMMAND ${HELP2MAN} --no-info --no-discard-stderr
		--version-string "${prog} ${VERSION}" --help-option "${help_opt}"
		--name "${name}" --include "${OUT}.see-also" --output "${OUT}" "${EXE}"
		RESULT_VARIABLE rc)
file(REMOVE "${OUT}.see-also")
if(NOT rc EQUAL 0)
	message(FATAL_ERROR "help2man failed for '${prog}'")
endif()
