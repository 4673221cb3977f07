/* SPDX-License-Identifier: MIT */
/*
 * The SGX device files softsgx answers: /dev/sgx_enclave and
 * /dev/sgx_provision (and their /dev/sgx/ compatibility names). An open
 * returns a real descriptor (a memfd) so that the kernel keeps doing what it
 * does for descriptors — numbering, dup, fork, close-on-exec — and softsgx
 * remembers which descriptors are its own.
 */
#ifndef SOFTSGX_SHIM_FILES_H
#define SOFTSGX_SHIM_FILES_H

#include <stdatomic.h>
#include <stdbool.h>

struct sgx_encl;

enum shim_file_type {
	SHIM_FILE_ENCLAVE,
	SHIM_FILE_PROVISION,
};

/* One open file description: shared by every dup of the descriptor. */
struct shim_file {
	enum shim_file_type type;
	atomic_int refs; /* descriptors and mappings */
	int open_flags;
	struct sgx_encl *encl; /* SHIM_FILE_ENCLAVE */
	/* The memfd standing in for it, to tell a stale descriptor. */
	dev_t dev;
	ino_t ino;
};

/* The file behind fd if it is one of softsgx's, else NULL. */
struct shim_file *shim_file_get(int fd);

void shim_file_ref(struct shim_file *f);
void shim_file_unref(struct shim_file *f);

/* The device a path names, or -1: SHIM_FILE_ENCLAVE / _PROVISION. */
int shim_device_of_path(const char *path);

void shim_files_init(void);

#endif /* SOFTSGX_SHIM_FILES_H */
