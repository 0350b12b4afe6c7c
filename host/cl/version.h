/* The git revision oclab was built from: generated at every build by cmake/git_revision.cmake, so a
 * profile names the commit that was built, not the one CMake was configured at ("-dirty" with local
 * changes, "unknown" outside git). OCLAB_VERSION, the release, comes from CMake's project(). */
#ifndef OCLAB_CL_VERSION_H
#define OCLAB_CL_VERSION_H

extern const char oclab_git_revision[];

#endif
