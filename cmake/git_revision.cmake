# Writes OUT, a C file defining oclab_git_revision (host/cl/version.h) as the revision of the source
# tree SRC ("-dirty" with local changes, "unknown" outside git). Run at every build, it rewrites OUT
# only when the text changes: profiles name the commit that was built, not the one CMake was configured
# at, and nothing else rebuilds.
execute_process(COMMAND git -C ${SRC} describe --always --dirty --abbrev=7
    OUTPUT_VARIABLE revision OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT revision)
    set(revision "unknown")
endif()
set(text "const char oclab_git_revision[] = \"${revision}\";\n")
set(old "")
if(EXISTS ${OUT})
    file(READ ${OUT} old)
endif()
if(NOT old STREQUAL text)
    file(WRITE ${OUT} "${text}")
endif()
