# SPDX-License-Identifier: MIT
# bpf_skeleton(<target> SOURCE <file.bpf.c> [INCLUDES dir...] [DEPENDS file...]
#              [FLAGS clang-flag...])
#
# Compiles a BPF program with clang (-g -O2 -target bpf -D__TARGET_ARCH_x86)
# into <target>.bpf.o and turns it into <target>.skel.h with
# "bpftool gen skeleton", both in the build tree only. <target> becomes an
# INTERFACE library whose include directory holds the skeleton, so linking it
# is enough to #include "<target>.skel.h". Needs BPF_CLANG_EXE and
# BPFTOOL_EXE (found by the top-level CMakeLists.txt).
#
# With BUDDYSCOPE_BPF_FULL_VMLINUX=ON the program is built against a
# vmlinux.h generated from /sys/kernel/btf/vmlinux (instead of the committed
# hand-written header) and BUDDYSCOPE_BPF_FULL_VMLINUX is defined for it.
include_guard(GLOBAL)

option(BUDDYSCOPE_BPF_FULL_VMLINUX
       "Build BPF programs against a vmlinux.h generated from this host's BTF" OFF)

function(bpf_skeleton target)
	cmake_parse_arguments(ARG "" "SOURCE" "INCLUDES;DEPENDS;FLAGS" ${ARGN})
	if(NOT ARG_SOURCE)
		message(FATAL_ERROR "bpf_skeleton(${target}): SOURCE is required")
	endif()
	set(outdir ${CMAKE_CURRENT_BINARY_DIR}/${target})
	set(obj ${outdir}/${target}.bpf.o)
	set(skel ${outdir}/${target}.skel.h)
	file(MAKE_DIRECTORY ${outdir})

	set(flags -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror ${ARG_FLAGS})
	set(deps ${ARG_SOURCE} ${ARG_DEPENDS})
	foreach(dir ${ARG_INCLUDES})
		list(APPEND flags -I${dir})
	endforeach()
	if(BUDDYSCOPE_BPF_FULL_VMLINUX)
		set(vmlinux ${outdir}/vmlinux.h)
		add_custom_command(OUTPUT ${vmlinux}
			COMMAND ${BPFTOOL_EXE} btf dump file /sys/kernel/btf/vmlinux format c
				> ${vmlinux}
			COMMENT "BPF vmlinux.h from /sys/kernel/btf/vmlinux"
			VERBATIM)
		list(APPEND flags -I${outdir} -DBUDDYSCOPE_BPF_FULL_VMLINUX)
		list(APPEND deps ${vmlinux})
	endif()

	add_custom_command(OUTPUT ${obj}
		COMMAND ${BPF_CLANG_EXE} ${flags} -c ${ARG_SOURCE} -o ${obj}
		DEPENDS ${deps}
		COMMENT "BPF ${target}.bpf.o"
		VERBATIM)
	add_custom_command(OUTPUT ${skel}
		COMMAND ${BPFTOOL_EXE} gen skeleton ${obj} name ${target} > ${skel}
		DEPENDS ${obj}
		COMMENT "BPF skeleton ${target}.skel.h"
		VERBATIM)
	add_custom_target(${target}_gen DEPENDS ${skel})
	add_library(${target} INTERFACE)
	add_dependencies(${target} ${target}_gen)
	target_include_directories(${target} INTERFACE ${outdir})
endfunction()
