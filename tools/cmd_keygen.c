// SPDX-License-Identifier: MIT
/* softsgx keygen: an RSA-3072 private key with public exponent 3, in PEM. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "cmd.h"
#include "sign.h"

static void keygen_usage(FILE *f)
{
	fprintf(f,
		"Usage: softsgx keygen [-o KEY.pem] [--force]\n\n"
		"Generate an RSA-3072 private key with public exponent 3, the only kind\n"
		"SGX accepts, and write it as unencrypted PKCS#8 PEM to KEY.pem (created\n"
		"with mode 0600) or to standard output. With -o, print the key's\n"
		"  mrsigner: <64 hex digits>\n"
		"(SHA-256 of the little-endian modulus) on standard output.\n\n"
		"  -o, --output FILE  write the key to FILE (must not exist)\n"
		"  -f, --force        overwrite FILE if it exists\n"
		"  -h, --help         show this help\n");
}

/* A new file only the owner can read: this is a private key. */
static FILE *open_private(const char *path, bool force)
{
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL);
	int fd = open(path, flags, 0600);
	FILE *f;

	if (fd < 0)
		return NULL;
	/* An existing file (--force) keeps its mode: tighten it. */
	if (fchmod(fd, 0600) || !(f = fdopen(fd, "w"))) {
		int err = errno;

		close(fd);
		errno = err;
		return NULL;
	}
	return f;
}

static int write_key(EVP_PKEY *key, const char *path, bool force)
{
	FILE *f = path ? open_private(path, force) : stdout;
	int ok;

	if (!f)
		return tool_error("keygen", "%s: %s", path, strerror(errno));
	ok = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
	if (path)
		ok = !fclose(f) && ok;
	else
		ok = !fflush(f) && ok;
	if (!ok)
		return tool_error("keygen", "%s: cannot write the key",
				  path ? path : "stdout");
	return 0;
}

static int print_mrsigner(EVP_PKEY *key)
{
	uint8_t mrsigner[SGX_HASH_SIZE];
	char hex[2 * SGX_HASH_SIZE + 1];

	if (softsgx_key_mrsigner(key, mrsigner))
		return tool_error("keygen", "%s", softsgx_sign_error());
	format_hex(mrsigner, sizeof(mrsigner), hex);
	printf("mrsigner: %s\n", hex);
	return 0;
}

int cmd_keygen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	bool force = false;
	EVP_PKEY *key;
	int opt, ret;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:fh", opts, NULL)) != -1) {
		if (opt == 'o') {
			out = optarg;
		} else if (opt == 'f') {
			force = true;
		} else if (opt == 'h') {
			keygen_usage(stdout);
			return 0;
		} else {
			return tool_bad_option("keygen", opt, argv);
		}
	}
	if (optind != argc)
		return tool_usage_error("keygen", "unexpected argument '%s'",
					argv[optind]);
	key = softsgx_keygen();
	if (!key)
		return tool_error("keygen", "%s", softsgx_sign_error());
	ret = write_key(key, out, force);
	if (!ret && out)
		ret = print_mrsigner(key);
	EVP_PKEY_free(key);
	return ret;
}
