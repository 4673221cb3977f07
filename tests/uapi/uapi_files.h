/* SPDX-License-Identifier: MIT */
/* The fortified open calls of uapi_files (uapi_files_fortify.c). */
#ifndef SOFTSGX_TESTS_UAPI_FILES_H
#define SOFTSGX_TESTS_UAPI_FILES_H

int uapi_fortified_open(const char *path, int flags);
int uapi_fortified_openat(int dirfd, const char *path, int flags);

#endif /* SOFTSGX_TESTS_UAPI_FILES_H */
